package template

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// styledBook is a workbook with a bold General style before a number
// format, as agencies' forms have: A1 2155.89 in bold shows as it is, B1
// shows v in format (a built-in numFmtId, or custom when 0).
func styledBook(tb testing.TB, format int, custom string, v float64) []byte {
	tb.Helper()
	return rfBook(tb, func(f *excelize.File) {
		bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		st := &excelize.Style{NumFmt: format}
		if custom != "" {
			st.CustomNumFmt = &custom
		}
		num, _ := f.NewStyle(st)
		f.SetCellFloat("Sheet1", "A1", 2155.89, -1, 64)
		f.SetCellStyle("Sheet1", "A1", "A1", bold)
		f.SetCellFloat("Sheet1", "B1", v, -1, 64)
		f.SetCellStyle("Sheet1", "B1", "B1", num)
	})
}

// TestReadSelfClosingStyles: openpyxl and other writers write the cell
// styles of styles.xml as <xf .../>, not <xf ...></xf>. Every style keeps
// its index: a fraction in a percent format reads as a percentage whichever
// way the styles, or all parts, are written.
func TestReadSelfClosingStyles(t *testing.T) {
	styles := func(name string) bool { return name == pathStyles }
	for _, book := range []struct {
		format    int
		custom    string
		v         float64
		text, raw string
	}{
		{10, "", 0.9996, "99.96%", "0.9996"},
		{9, "", 0.5, "50%", "0.5"},
		{0, "0.0_ ", 12.34, "12.3 ", "12.34"},
	} {
		data := styledBook(t, book.format, book.custom, book.v)
		for _, c := range []struct {
			name string
			data []byte
		}{
			{"as excelize writes it", data},
			{"styles self-closing", mutateWorkbook(t, data, xmlStyle{selfClose: true}, styles)},
			{"all parts self-closing", mutateWorkbook(t, data, xmlStyle{selfClose: true}, nil)},
			{"styles indented and self-closing", mutateWorkbook(t, data, xmlStyle{selfClose: true, indent: true}, styles)},
		} {
			st := zipPart(t, c.data, pathStyles)
			if c.name != "as excelize writes it" && !bytes.Contains(st, []byte(`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>`)) {
				t.Fatalf("%s: styles.xml has no self-closing <xf/>:\n%s", c.name, st)
			}
			wb, err := Read("自评表.xlsx", c.data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			s := wb.Sheets[0]
			if got := s.At(0, 1); got.Text != book.text || got.Raw != book.raw {
				t.Errorf("format %d %q, %s: B1 = %+v, want %q (%s)", book.format, book.custom, c.name, got, book.text, book.raw)
			}
			if got := s.At(0, 0); got.Text != "2155.89" {
				t.Errorf("format %d %q, %s: A1 = %+v", book.format, book.custom, c.name, got)
			}
		}
	}
}

// TestScanStylesSelfClosing: the style scanner reads number formats and
// cell styles written either way, and empty containers.
func TestScanStylesSelfClosing(t *testing.T) {
	const head = `<styleSheet xmlns="` + nsMain + `">`
	for _, c := range []struct {
		name, doc string
		ids       []int // -1: no numFmtId
		custom    []int
	}{
		{"open-close", head + `<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"></numFmt><numFmt numFmtId="165" formatCode="0"></numFmt></numFmts><cellXfs count="3"><xf numFmtId="0"></xf><xf numFmtId="10"></xf><xf></xf></cellXfs></styleSheet>`, []int{0, 10, -1}, []int{164, 165}},
		{"self-closing", head + `<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="0"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="10"/><xf/></cellXfs></styleSheet>`, []int{0, 10, -1}, []int{164, 165}},
		{"mixed", head + `<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="9"><alignment/></xf><xf numFmtId="164"/></cellXfs></styleSheet>`, []int{0, 9, 164}, []int{164}},
		{"empty containers", head + `<numFmts count="0"/><cellXfs count="0"/></styleSheet>`, nil, nil},
	} {
		var st xStyles
		if err := scanStyles(c.doc, &st); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var ids, custom []int
		for _, xf := range st.CellXfs.Xf {
			if xf.NumFmtID == nil {
				ids = append(ids, -1)
			} else {
				ids = append(ids, *xf.NumFmtID)
			}
		}
		for _, nf := range st.NumFmts.NumFmt {
			custom = append(custom, nf.NumFmtID)
		}
		if !slices.Equal(ids, c.ids) || !slices.Equal(custom, c.custom) {
			t.Errorf("%s: cell styles %v, formats %v; want %v, %v", c.name, ids, custom, c.ids, c.custom)
		}
	}
}

// TestReadSelfClosingCells: rows, cells, values, formulas, inline and
// shared strings, runs and merges written <x/> read as written <x></x>, on
// the fast path and as excelize reads them.
func TestReadSelfClosingCells(t *testing.T) {
	sheet := `<worksheet xmlns="` + nsMain + `"><sheetData><row r="1"/>` +
		`<row r="2"><c r="A2"/><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c><c r="D2" t="inlineStr"><is><t/></is></c>` +
		`<c r="E2" t="inlineStr"><is><r><t>内联</t></r><r/></is></c><c r="F2"><v/></c><c r="G2" s="0"><v>7</v></c><c r="H2"><f/></c></row>` +
		`<row r="3"><c r="A3" t="s"><v>2</v></c><c r="C3" t="b"><v>1</v></c></row></sheetData>` +
		`<mergeCells count="2"><mergeCell ref="A3:B3"/><mergeCell ref="C3:D4"/></mergeCells></worksheet>`
	sst := `<sst xmlns="` + nsMain + `" count="3" uniqueCount="3"><si><t>单位名称</t></si><si><t/></si>` +
		`<si><r><t>产出</t></r><r><rPr><b/></rPr><t>指标</t></r></si></sst>`
	base := rfBook(t, func(f *excelize.File) { f.SetCellStr("Sheet1", "A1", "x") })
	for _, st := range []xmlStyle{{selfClose: true}, {}} {
		data := editParts(t, base, func(name string, b []byte) []byte {
			switch name {
			case "xl/worksheets/sheet1.xml":
				b, _ = rewriteXML([]byte(sheet), st)
			case pathSharedStrings:
				b, _ = rewriteXML([]byte(sst), st)
			}
			return b
		})
		if !rfCompare(t, "cells", data, Limits{}) {
			t.Fatalf("self-closing %v: the fast path does not read it", st.selfClose)
		}
		wb, err := Read("cells.xlsx", data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		s := wb.Sheets[0]
		for ref, want := range map[string]string{"B2": "单位名称", "C2": "", "D2": "", "E2": "内联", "F2": "", "G2": "7", "A3": "产出指标", "C3": "TRUE"} {
			r, c, _ := mapping.ParseCellName(ref)
			if got := s.At(r, c).Text; got != want {
				t.Errorf("self-closing %v: %s = %q, want %q", st.selfClose, ref, got, want)
			}
		}
		if len(s.Merges) != 2 || len(s.Rows) != 3 || len(s.Uncached) != 0 {
			t.Errorf("self-closing %v: merges %v, %d rows, uncached %v", st.selfClose, s.Merges, len(s.Rows), s.Uncached)
		}
	}
}
