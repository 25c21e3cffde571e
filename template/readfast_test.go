package template

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
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
