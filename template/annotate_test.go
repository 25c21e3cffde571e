package template

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// hubeiExample is the shipped example whose findings the tests annotate.
const hubeiExample = "hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx"

// hubeiSheet is its form sheet.
const hubeiSheet = "部门整体绩效自评表"

// checkExample reads the example and checks it the way jxsync validate does,
// returning its bytes and findings.
func checkExample(t *testing.T) ([]byte, []mapping.Finding) {
	t.Helper()
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(templates.FS, hubeiExample)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := Read(filepath.Base(hubeiExample), data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	tpl, sheet, err := mapping.Detect(wb, reg.Templates)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tpl.Extract(wb, sheet)
	if err != nil {
		t.Fatal(err)
	}
	return data, tpl.Check(res)
}

// annotate annotates data and reopens the result.
func annotate(t *testing.T, data []byte, findings []mapping.Finding) ([]byte, *excelize.File) {
	t.Helper()
	out, err := Annotator{}.Annotate(data, findings)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return out, f
}

// styleAt returns the style of a cell.
func styleAt(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// fillAt returns the fill color of a cell, "" when it has none.
func fillAt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	st := styleAt(t, f, sheet, cell)
	if st.Fill.Type != "pattern" || st.Fill.Pattern != 1 || len(st.Fill.Color) == 0 {
		return ""
	}
	c := strings.ToUpper(st.Fill.Color[0])
	return c[max(0, len(c)-6):]
}

// commentAt returns the author and text of a cell's comment.
func commentAt(t *testing.T, f *excelize.File, sheet, cell string) (string, string) {
	t.Helper()
	cms, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cms {
		if c.Cell == cell {
			text := c.Text
			for _, r := range c.Paragraph {
				text += r.Text
			}
			return c.Author, text
		}
	}
	return "", ""
}

// TestAnnotateHubeiExample annotates the example with its real findings: a
// first sheet lists them with links, the error cell is red and commented,
// the warning cell (merged B4:C4) yellow, fonts are kept and the input is
// untouched.
func TestAnnotateHubeiExample(t *testing.T) {
	data, findings := checkExample(t)
	var rule string
	for _, fd := range findings {
		if fd.Sheet == hubeiSheet && fd.Cell == "B19" && fd.Severity == mapping.SeverityError {
			rule = fd.Rule
		}
	}
	if rule == "" || len(findings) < 2 {
		t.Fatalf("the example no longer has the expected findings: %+v", findings)
	}
	orig := bytes.Clone(data)
	_, f := annotate(t, data, findings)
	if !bytes.Equal(data, orig) {
		t.Error("Annotate modified its input")
	}

	if got := f.GetSheetList(); got[0] != SummarySheet || len(got) != 2 {
		t.Errorf("sheets = %v, want %s first", got, SummarySheet)
	}
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Errorf("active sheet = %d, want 0", i)
	}
	rows, err := f.GetRows(SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2+len(findings) {
		t.Fatalf("%s has %d rows, want title, header and %d findings: %q", SummarySheet, len(rows), len(findings), rows)
	}
	if !strings.Contains(rows[0][0], "1 个错误，1 个警告") || rows[1][3] != "单元格" {
		t.Errorf("title and header = %q, %q", rows[0], rows[1])
	}
	for i, fd := range findings {
		row := rows[2+i]
		if row[0] != strconv.Itoa(i+1) || row[2] != fd.Sheet || row[3] != fd.Cell || row[4] != ruleKind(fd.Rule) || row[5] != fd.Message {
			t.Errorf("row %d = %q, want finding %+v", 3+i, row, fd)
		}
		ok, target, err := f.GetCellHyperLink(SummarySheet, "D"+strconv.Itoa(3+i))
		if want := "'" + fd.Sheet + "'!" + fd.Cell; err != nil || !ok || target != want {
			t.Errorf("link of row %d = %v %q %v, want %q", 3+i, ok, target, err, want)
		}
	}

	for _, cell := range []string{"B19", "F9"} { // the reason cell, and the indicator's related
		if c := fillAt(t, f, hubeiSheet, cell); c != "FFC7CE" {
			t.Errorf("%s fill = %q, want red FFC7CE", cell, c)
		}
	}
	for _, c := range []string{"B4", "C4"} {
		if got := fillAt(t, f, hubeiSheet, c); got != "FFEB9C" {
			t.Errorf("%s fill = %q, want yellow FFEB9C", c, got)
		}
	}
	if c := fillAt(t, f, hubeiSheet, "F10"); c != "" {
		t.Errorf("unmarked F10 filled %q", c)
	}
	// People read the message; rule ids are only in JSON.
	if author, text := commentAt(t, f, hubeiSheet, "B19"); author != "jxsync" || !strings.Contains(text, "[错误] “流浪乞讨救助人次”未完成目标") ||
		strings.Contains(text, rule) {
		t.Errorf("B19 comment = %q by %q, want [错误] and the message without %s", text, author, rule)
	}

	of, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer of.Close()
	for _, c := range []string{"F9", "B4"} {
		was, now := styleAt(t, of, hubeiSheet, c), styleAt(t, f, hubeiSheet, c)
		if !reflect.DeepEqual(was.Font, now.Font) || !reflect.DeepEqual(was.Border, now.Border) ||
			!reflect.DeepEqual(was.Alignment, now.Alignment) || was.NumFmt != now.NumFmt {
			t.Errorf("%s style changed beyond its fill:\nwas %+v %+v\nnow %+v %+v", c, was.Font, was.Alignment, now.Font, now.Alignment)
		}
	}
}

// TestAnnotateCases covers a workbook without findings, findings on a
// missing sheet or without a cell, red winning over yellow on one cell, a
// related cell, an existing comment and a print area that must stay with
// its sheet when 校验结果 is put first.
func TestAnnotateCases(t *testing.T) {
	nf := excelize.NewFile()
	if _, err := nf.NewSheet("表2"); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(nf.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: "'表2'!$A$1:$C$3", Scope: "表2"}))
	must(nf.AddComment("Sheet1", excelize.Comment{Cell: "A1", Author: "me", Text: "原有批注"}))
	buf, err := nf.WriteToBuffer()
	must(err)
	data := buf.Bytes()

	_, f := annotate(t, data, nil)
	if rows, _ := f.GetRows(SummarySheet); len(rows) != 3 || !strings.HasPrefix(rows[2][0], "未发现问题") ||
		!strings.Contains(rows[0][0], "0 个错误，0 个警告") {
		t.Errorf("no findings: rows = %q", rows)
	}

	findings := []mapping.Finding{
		{Sheet: "Sheet1", Cell: "A1", Severity: mapping.SeverityWarning, Rule: "w1", Message: "警告"},
		{Sheet: "Sheet1", Cell: "A1", Severity: mapping.SeverityError, Rule: "e1", Message: "错误", Related: []string{"表2!B2"}},
		{Sheet: "无此表", Cell: "A1", Severity: mapping.SeverityError, Rule: "e2", Message: "缺表"},
		{Sheet: "Sheet1", Severity: mapping.SeverityWarning, Rule: "w2", Message: "无单元格"},
	}
	_, f = annotate(t, data, findings)
	if c := fillAt(t, f, "Sheet1", "A1"); c != "FFC7CE" {
		t.Errorf("A1 with an error and a warning filled %q, want red", c)
	}
	if c := fillAt(t, f, "表2", "B2"); c != "FFC7CE" {
		t.Errorf("related 表2!B2 filled %q, want red", c)
	}
	_, text := commentAt(t, f, "Sheet1", "A1")
	for _, want := range []string{"[警告] 警告", "[错误] 错误", "原有批注"} {
		if !strings.Contains(text, want) {
			t.Errorf("A1 comment %q lacks %q", text, want)
		}
	}
	rows, _ := f.GetRows(SummarySheet)
	if len(rows) != 6 || rows[4][2] != "无此表" || rows[5][3] != "" {
		t.Errorf("rows = %q", rows)
	}
	if ok, _, _ := f.GetCellHyperLink(SummarySheet, "D5"); ok {
		t.Error("finding on a missing sheet has a link")
	}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{SummarySheet, "Sheet1", "表2"}) {
		t.Errorf("sheets = %v", got)
	}
	if dns := f.GetDefinedName(); len(dns) != 2 || !reflect.DeepEqual(dns[0], excelize.DefinedName{
		Name: "_xlnm.Print_Area", RefersTo: "'表2'!$A$1:$C$3", Scope: "表2"}) {
		t.Errorf("defined names = %+v, want the print area of 表2 and print titles of %s", dns, SummarySheet)
	}

	if _, err := (Annotator{}).Annotate([]byte("not a workbook"), nil); err == nil || !strings.HasPrefix(err.Error(), "annotate: ") {
		t.Errorf("bad input: err = %v", err)
	}
}

// TestAnnotatePDF converts the annotated example to PDF with LibreOffice, as
// a check that the output opens outside excelize.
func TestAnnotatePDF(t *testing.T) {
	data, findings := checkExample(t)
	out, _ := annotate(t, data, findings)
	if text := toPDF(t, out, "annotated"); text != "" && !strings.Contains(text, SummarySheet) {
		t.Errorf("PDF text lacks %s:\n%s", SummarySheet, text)
	}
}

// rewriteZip returns the workbook data with each part passed through edit,
// which returns the part's new content, or keep false to drop it.
func rewriteZip(t *testing.T, data []byte, edit func(name, content string) (string, bool)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range zipEntries(t, data) {
		content, keep := edit(name, content)
		if !keep {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// themeless is the workbook data as LibreOffice writes it (and a legacy
// .xls becomes): no theme part, and borders with a colour of each kind —
// left none (automatic), right rgb red, top indexed red (10), bottom auto.
func themeless(t *testing.T, data []byte) []byte {
	t.Helper()
	themeRel := regexp.MustCompile(`<Relationship [^>]*theme/theme1\.xml[^>]*>(</Relationship>)?`)
	themeType := regexp.MustCompile(`<Override PartName="/xl/theme/theme1\.xml"[^>]*>(</Override>)?`)
	black := `<color rgb="FF000000"></color>`
	return rewriteZip(t, data, func(name, content string) (string, bool) {
		switch name {
		case "xl/theme/theme1.xml":
			return "", false
		case "xl/_rels/workbook.xml.rels":
			return themeRel.ReplaceAllString(content, ""), true
		case "[Content_Types].xml":
			return themeType.ReplaceAllString(content, ""), true
		case "xl/styles.xml":
			for _, r := range [][2]string{
				{`<left style="thin">` + black, `<left style="thin">`},
				{`<right style="thin">` + black, `<right style="thin"><color rgb="FFFF0000"/>`},
				{`<top style="thin">` + black, `<top style="thin"><color indexed="10"/>`},
				{`<bottom style="thin">` + black, `<bottom style="thin"><color auto="1"/>`},
			} {
				if !strings.Contains(content, r[0]) {
					t.Fatalf("styles.xml has no %s", r[0])
				}
				content = strings.ReplaceAll(content, r[0], r[1])
			}
		}
		return content, true
	})
}

// TestAnnotateBorderColors annotates a workbook without a theme part whose
// borders have no colour, the automatic one, an rgb and an indexed one:
// every colour written is a valid aRGB value (not rgb="FF", which Excel
// repairs and openpyxl refuses), each border keeping its colour, black for
// the automatic ones.
func TestAnnotateBorderColors(t *testing.T) {
	data, findings := checkExample(t)
	out, err := Annotator{}.Annotate(themeless(t, data), findings)
	if err != nil {
		t.Fatal(err)
	}
	styles := zipEntries(t, out)["xl/styles.xml"]
	for _, m := range regexp.MustCompile(`rgb="([^"]*)"`).FindAllStringSubmatch(styles, -1) {
		if !regexp.MustCompile(`^[0-9A-F]{8}$`).MatchString(m[1]) {
			t.Errorf("styles.xml has colour rgb=%q", m[1])
		}
	}
	want := `<left style="thin"><color rgb="FF000000"></color></left><right style="thin"><color rgb="FFFF0000"></color></right>` +
		`<top style="thin"><color rgb="FFFF0000"></color></top><bottom style="thin"><color rgb="FF000000"></color></bottom>`
	if !strings.Contains(styles, want) {
		t.Errorf("no border of the marked cells keeps the input's colours %s:\n%s", want, styles)
	}
}
