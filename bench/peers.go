package bench

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// A Reader is one way of reading a workbook file that the throughput is
// measured for; it returns a count of what it read, so that the work is not
// optimised away.
type Reader struct {
	Name string
	Read func(path string) (int, error)
}

// JxsyncValidate reads the file, recognises its template, extracts and
// validates it: what import does before storing (sync.Service.Validate).
func JxsyncValidate(ts []*mapping.Template) Reader {
	svc := &sync.Service{Templates: ts, Reader: template.Reader{}}
	return Reader{Name: "jxsync", Read: func(path string) (int, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return 0, err
		}
		rep, err := svc.Validate(path, data, "")
		if err != nil {
			return 0, err
		}
		return len(rep.Findings) + len(rep.Result.Fields), nil
	}}
}

// ExcelizePlain is the plain excelize reader: OpenFile, then GetRows and
// GetMergeCells of every sheet.
var ExcelizePlain = Reader{Name: "excelize", Read: func(path string) (int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	for _, sn := range f.GetSheetList() {
		rows, err := f.GetRows(sn)
		if err != nil {
			return 0, err
		}
		for _, r := range rows {
			n += len(r)
		}
		merges, err := f.GetMergeCells(sn)
		if err != nil {
			return 0, err
		}
		n += len(merges)
	}
	return n, nil
}}

// Floor only unzips the worksheets and the shared strings and scans their
// bytes for the start of each element: no reader can do less and still see
// the cells.
var Floor = Reader{Name: "floor", Read: func(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, err
	}
	n := 0
	var buf bytes.Buffer
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") && zf.Name != "xl/sharedStrings.xml" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return 0, err
		}
		buf.Reset()
		_, err = io.Copy(&buf, rc)
		rc.Close()
		if err != nil {
			return 0, err
		}
		n += bytes.Count(buf.Bytes(), []byte{'<'})
	}
	if n == 0 {
		return 0, fmt.Errorf("%s: no worksheet", path)
	}
	return n, nil
}}
