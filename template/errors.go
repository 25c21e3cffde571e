package template

import "errors"

// Sentinel errors for workbooks that cannot be read; callers test them with
// errors.Is. Their text is Chinese first, English after.
var (
	// ErrNotWorkbook means the file is not an .xlsx workbook at all.
	ErrNotWorkbook = errors.New("不是Excel工作簿 (not an .xlsx workbook)")
	// ErrNotXLSX means the file is a zip archive without a workbook in it.
	ErrNotXLSX = errors.New("是zip压缩包但不是Excel工作簿 (a zip archive, not a workbook)")
	// ErrEncrypted means the workbook is password-protected.
	ErrEncrypted = errors.New("工作簿已加密，请取消密码后再上传 (workbook is encrypted)")
	// ErrLegacyXLS means the file is an Excel 97-2003 .xls workbook.
	ErrLegacyXLS = errors.New("旧版.xls格式，请另存为.xlsx后再上传 (legacy .xls; save as .xlsx)")
	// ErrEmpty means the file has no bytes or the workbook has no cells.
	ErrEmpty = errors.New("文件为空 (empty file)")
	// ErrCorrupt means the file is a workbook whose content is damaged: a
	// zip entry that fails its checksum, XML excelize cannot make sense of.
	ErrCorrupt = errors.New("工作簿已损坏，请用Excel打开后重新保存 (workbook is corrupt)")
	// ErrTooLarge means a size or cell limit was exceeded.
	ErrTooLarge = errors.New("文件超出大小限制 (file exceeds the size limit)")
	// ErrUnsafeXML means a part of the workbook declares a document type
	// or XML entities, which no spreadsheet program writes: an "entity
	// bomb" or another attack on XML parsers.
	ErrUnsafeXML = errors.New("文件含有不允许的 XML 实体定义（可能是恶意文件）(XML entity declarations are not allowed)")
)
