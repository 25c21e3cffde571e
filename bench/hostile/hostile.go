// Package hostile builds hostile workbooks: small .xlsx files whose parts
// would cost a reader gigabytes or minutes if it were not bounded (cells
// far apart, unused shared strings or cell styles by the million, XML
// entity declarations). Each is written part by part into a zip, as an
// attacker would, not with a spreadsheet library. The template package's
// tests read them, its BenchmarkHostile measures them, and `benchrun
// hostile -out DIR` writes them for measuring `jxsync validate` on each.
package hostile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// File is one hostile workbook.
type File struct {
	// Name is a file name for it, ending in .xlsx.
	Name string
	// What says what it holds.
	What string
	// Data is its bytes.
	Data []byte
}

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	ctMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	header = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// Parts are the parts of a one-sheet workbook that a builder sets; the
// package, workbook and relationship parts are added around them.
type Parts struct {
	// Sheet is the worksheet's XML (xl/worksheets/sheet1.xml); Rows, when
	// set, writes its sheetData instead, streamed.
	Sheet string
	Rows  func(w io.Writer)
	// SharedStrings and Styles are xl/sharedStrings.xml and xl/styles.xml
	// when set (streamed, as they may be large).
	SharedStrings func(w io.Writer)
	Styles        func(w io.Writer)
	// MainType is the workbook part's content type; empty: .xlsx's.
	MainType string
	// Extra are more parts, by name.
	Extra map[string][]byte
}

// Build writes p into a zip, deflated.
func Build(p Parts) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	put := func(name string, write func(w io.Writer)) {
		w, err := zw.Create(name)
		if err != nil {
			panic(err)
		}
		write(w)
	}
	str := func(s string) func(w io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	mainType := p.MainType
	if mainType == "" {
		mainType = ctMain
	}
	types := header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="` + mainType + `"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>`
	if p.SharedStrings != nil {
		types += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rId2" Type="` + nsRel + `/sharedStrings" Target="sharedStrings.xml"/>`
	}
	if p.Styles != nil {
		types += `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
		rels += `<Relationship Id="rId3" Type="` + nsRel + `/styles" Target="styles.xml"/>`
	}
	put("[Content_Types].xml", str(types+`</Types>`))
	put("_rels/.rels", str(header+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="`+nsRel+`/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	put("xl/workbook.xml", str(header+`<workbook xmlns="`+nsMain+`" xmlns:r="`+nsRel+`"><sheets>`+
		`<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", str(rels+`</Relationships>`))
	switch {
	case p.Rows != nil:
		put("xl/worksheets/sheet1.xml", func(w io.Writer) {
			io.WriteString(w, header+`<worksheet xmlns="`+nsMain+`"><sheetData>`)
			p.Rows(w)
			io.WriteString(w, `</sheetData></worksheet>`)
		})
	default:
		put("xl/worksheets/sheet1.xml", str(p.Sheet))
	}
	if p.SharedStrings != nil {
		put("xl/sharedStrings.xml", p.SharedStrings)
	}
	if p.Styles != nil {
		put("xl/styles.xml", p.Styles)
	}
	for name, data := range p.Extra {
		put(name, str(string(data)))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Sheet is a worksheet's XML with the given sheetData content.
func Sheet(rows string) string {
	return header + `<worksheet xmlns="` + nsMain + `"><sheetData>` + rows + `</sheetData></worksheet>`
}

// commented is an XML comment, or nothing.
func commented(comment bool) string {
	if comment {
		return `<!-- 注释 -->`
	}
	return ""
}

// labelRow is a first row with a label, so that a workbook is not empty.
const labelRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c></row>`

// FarCells is a sheet of rows rows, each with one number in column XFD
// (Excel's last): a few KB that a dense view of the sheet makes rows ×
// 16,384 cell positions. With comment, the sheet holds an XML comment,
// which a reader may hand to a slower, general XML parser.
func FarCells(rows int, comment bool) []byte {
	return Build(Parts{Rows: func(w io.Writer) {
		io.WriteString(w, commented(comment))
		for r := 1; r <= rows; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d"><v>%d</v></c></row>`, r, r, r)
		}
	}})
}

// FarStyledCells is a sheet of a label in A1 and rows rows each with an
// empty but formatted cell in column XFD: no value a reader keeps, but a
// reader that models every position up to a row's last cell (as excelize
// does) makes it rows × 16,384 cells. With comment, the sheet holds an
// XML comment.
func FarStyledCells(rows int, comment bool) []byte {
	return Build(Parts{Rows: func(w io.Writer) {
		io.WriteString(w, commented(comment)+labelRow)
		for r := 2; r <= rows+1; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d" s="0"/></row>`, r, r)
		}
	}})
}

// SharedStrings is a workbook whose shared strings table holds n strings,
// one of them used by a cell: tens of MB that deflate to a hundred KB.
// With comment, the sheet holds an XML comment.
func SharedStrings(n int, comment bool) []byte {
	return Build(Parts{
		Sheet: Sheet(commented(comment) + `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`),
		SharedStrings: func(w io.Writer) {
			fmt.Fprintf(w, header+`<sst xmlns="%s" count="%d" uniqueCount="%d"><si><t>单位名称</t></si>`, nsMain, n, n)
			chunk := strings.Repeat(`<si><t>x</t></si>`, 1000)
			for i := 1; i < n; i += 1000 {
				io.WriteString(w, chunk[:min(1000, n-i)*len(`<si><t>x</t></si>`)])
			}
			io.WriteString(w, `</sst>`)
		},
	})
}

// Styles is a workbook whose styles part holds n cell styles (xf), one of
// them used. With comment, the sheet holds an XML comment.
func Styles(n int, comment bool) []byte {
	return Build(Parts{
		Sheet: Sheet(commented(comment) + `<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>单位名称</t></is></c></row>`),
		Styles: func(w io.Writer) {
			fmt.Fprintf(w, header+`<styleSheet xmlns="%s"><fonts count="1"><font><sz val="11"/></font></fonts>`+
				`<fills count="1"><fill><patternFill patternType="none"/></fill></fills>`+
				`<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="%d">`, nsMain, n)
			const xf = `<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>`
			chunk := strings.Repeat(xf, 1000)
			for i := 0; i < n; i += 1000 {
				io.WriteString(w, chunk[:min(1000, n-i)*len(xf)])
			}
			io.WriteString(w, `</cellXfs></styleSheet>`)
		},
	})
}

// EntityBomb is a workbook whose sheet declares nested XML entities (a
// "billion laughs") and uses the last one in a cell.
func EntityBomb() []byte {
	var d strings.Builder
	d.WriteString(header + `<!DOCTYPE worksheet [<!ENTITY e0 "哈哈哈哈哈哈哈哈哈哈">`)
	for i := 1; i <= 9; i++ {
		d.WriteString(`<!ENTITY e` + strconv.Itoa(i) + ` "`)
		for range 10 {
			d.WriteString(`&e` + strconv.Itoa(i-1) + `;`)
		}
		d.WriteString(`">`)
	}
	d.WriteString(`]><worksheet xmlns="` + nsMain + `"><sheetData>` + labelRow +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData></worksheet>`)
	return Build(Parts{Sheet: d.String()})
}

// All are the hostile workbooks of the issue, at its sizes.
func All() []File {
	return []File{
		{"far-cells.xlsx", "480 rows each with one cell in column XFD", FarCells(480, false)},
		{"far-cells-comment.xlsx", "480 rows each with one cell in column XFD, and an XML comment", FarCells(480, true)},
		{"far-styled-cells.xlsx", "a label and 480 rows each with an empty formatted cell in column XFD", FarStyledCells(480, false)},
		{"far-styled-cells-comment.xlsx", "a label and 480 rows each with an empty formatted cell in column XFD, and an XML comment", FarStyledCells(480, true)},
		{"shared-strings.xlsx", "3,000,000 shared strings, one used", SharedStrings(3_000_000, false)},
		{"shared-strings-comment.xlsx", "3,000,000 shared strings, one used, and an XML comment", SharedStrings(3_000_000, true)},
		{"styles.xlsx", "1,000,000 cell styles, one used", Styles(1_000_000, false)},
		{"styles-comment.xlsx", "1,000,000 cell styles, one used, and an XML comment", Styles(1_000_000, true)},
		{"entity-bomb.xlsx", "a sheet declaring nested XML entities", EntityBomb()},
	}
}
