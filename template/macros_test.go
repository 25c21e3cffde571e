package template

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
)

// vbaProject stands for a VBA project: excelize's AddVBAProject checks
// only that it is an OLE compound file.
var vbaProject = append(append([]byte{}, oleMagic...), make([]byte, 504)...)

// xlsmBytes is a macro-enabled workbook (.xlsm) as Excel saves one: a
// one-cell form with a VBA project.
func xlsmBytes(t *testing.T, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	if err := f.AddVBAProject(vbaProject); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "宏.xlsm")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withExternalLink adds to a workbook an external link to target, as Excel
// writes one for a formula such as ='[预算.xlsx]Sheet1'!A1: the link part,
// its relationship to the file, the workbook's relationship to it and its
// content type.
func withExternalLink(t testing.TB, data []byte, target string) []byte {
	t.Helper()
	const (
		link = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>12</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>`
		ctLink = `<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>`
		relWB  = `<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/>`
	)
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="` + target + `" TargetMode="External"/></Relationships>`
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name, s string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(s))
	}
	for _, zf := range zr.File {
		switch zf.Name {
		case "[Content_Types].xml":
			put(zf.Name, strings.Replace(string(zipPart(t, data, zf.Name)), "</Types>", ctLink+"</Types>", 1))
		case "xl/_rels/workbook.xml.rels":
			put(zf.Name, strings.Replace(string(zipPart(t, data, zf.Name)), "</Relationships>", relWB+"</Relationships>", 1))
		default:
			if err := zw.Copy(zf); err != nil {
				t.Fatal(err)
			}
		}
	}
	put("xl/externalLinks/externalLink1.xml", link)
	put("xl/externalLinks/_rels/externalLink1.xml.rels", rels)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// withComment puts an XML comment into the first sheet, which sends a
// workbook to Read's excelize path.
func withComment(t testing.TB, data []byte) []byte {
	t.Helper()
	return rezip(t, data, func(zf *zip.File) (*zip.FileHeader, []byte, bool) {
		if zf.Name != "xl/worksheets/sheet1.xml" {
			return nil, nil, false
		}
		b := bytes.Replace(zipPart(t, data, zf.Name), []byte("<sheetData>"), []byte("<!-- 注释 --><sheetData>"), 1)
		return &zip.FileHeader{Name: zf.Name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(b),
			CompressedSize64: uint64(len(b)), UncompressedSize64: uint64(len(b))}, b, true
	})
}

// TestReadMacrosAndExternalLinks: Read flags a workbook with a VBA project
// (.xlsm) and lists the files an external link names, on both of its
// paths; a plain workbook has neither.
func TestReadMacrosAndExternalLinks(t *testing.T) {
	plain := xlsxBytes(t, oneCell)
	macro := xlsmBytes(t, oneCell)
	linked := withExternalLink(t, plain, `file:///C:\财务\预算.xlsx`)
	for _, tc := range []struct {
		name   string
		data   []byte
		macros bool
		links  []string
	}{
		{"plain", plain, false, nil},
		{"xlsm", macro, true, nil},
		{"linked", linked, false, []string{`file:///C:\财务\预算.xlsx`}},
		{"xlsm linked", withExternalLink(t, macro, "预算.xlsx"), true, []string{"预算.xlsx"}},
	} {
		for _, path := range []string{"fast", "excelize"} {
			data := tc.data
			if path == "excelize" {
				data = withComment(t, data)
			}
			wb, err := Read(tc.name+".xlsx", data, Limits{})
			if err != nil {
				t.Fatalf("%s (%s): %v", tc.name, path, err)
			}
			if wb.Macros != tc.macros || strings.Join(wb.ExternalLinks, "|") != strings.Join(tc.links, "|") {
				t.Errorf("%s (%s): Macros %v, ExternalLinks %q; want %v, %q", tc.name, path, wb.Macros, wb.ExternalLinks, tc.macros, tc.links)
			}
			if wb.Sheets[0].At(0, 0).Text != "单位名称" {
				t.Errorf("%s (%s): A1 = %q", tc.name, path, wb.Sheets[0].At(0, 0).Text)
			}
		}
	}
}

// checkNoMacros asserts that a workbook's bytes hold no VBA project nor a
// reference to one, and that its workbook part is an .xlsx one.
func checkNoMacros(t *testing.T, out []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if strings.Contains(strings.ToLower(zf.Name), "vbaproject") {
			t.Errorf("the copy holds %s", zf.Name)
		}
	}
	types := string(zipPart(t, out, "[Content_Types].xml"))
	if strings.Contains(strings.ToLower(types), "macroenabled") || strings.Contains(strings.ToLower(types), "vbaproject") {
		t.Errorf("content types name macros: %s", types)
	}
	if !strings.Contains(types, ctWorkbook) {
		t.Errorf("content types do not make the workbook an .xlsx: %s", types)
	}
	if rels := string(zipPart(t, out, "xl/_rels/workbook.xml.rels")); strings.Contains(strings.ToLower(rels), "vbaproject") {
		t.Errorf("workbook relationships name the VBA project: %s", rels)
	}
}

// TestAnnotateStripsMacros annotates an .xlsm: excelize alone writes its
// VBA project and macro-enabled type back (the copy would carry the macros
// under an .xlsx name); the annotated copy has neither and opens, with the
// form's cells and the findings sheet.
func TestAnnotateStripsMacros(t *testing.T) {
	macro := xlsmBytes(t, oneCell)
	// What excelize writes without stripMacros.
	f, err := excelize.OpenReader(bytes.NewReader(macro))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.WriteToBuffer()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if zipPart(t, raw.Bytes(), "xl/vbaProject.bin") == nil || !bytes.Contains(zipPart(t, raw.Bytes(), "[Content_Types].xml"), []byte("macroEnabled")) {
		t.Fatal("excelize no longer keeps the VBA project: stripMacros may be unneeded")
	}

	findings := []mapping.Finding{{Sheet: "Sheet1", Cell: "A1", Severity: mapping.SeverityWarning, Rule: "macro", Message: "工作簿含有宏"}}
	out, g := annotate(t, macro, findings)
	checkNoMacros(t, out)
	if v, _ := g.GetCellValue("Sheet1", "A1"); v != "单位名称" {
		t.Errorf("annotated A1 = %q", v)
	}
	if wb, err := Read("校验.xlsx", out, Limits{}); err != nil || wb.Macros {
		t.Errorf("annotated copy reads with Macros %v, err %v", wb != nil && wb.Macros, err)
	}
}

// TestStripMacros: a workbook without macros is returned as it is; an
// .xlsm loses its VBA project, the relationship to it and its type, and
// keeps every other part and relationship (an external link's, with its
// target mode).
func TestStripMacros(t *testing.T) {
	plain := xlsxBytes(t, oneCell)
	out, err := stripMacros(plain)
	if err != nil || !bytes.Equal(out, plain) {
		t.Errorf("plain workbook: changed (%v)", err)
	}
	macro := withExternalLink(t, xlsmBytes(t, oneCell), "预算.xlsx")
	out, err = stripMacros(macro)
	if err != nil {
		t.Fatal(err)
	}
	checkNoMacros(t, out)
	rels := string(zipPart(t, out, "xl/_rels/workbook.xml.rels"))
	for _, want := range []string{"worksheets/sheet1.xml", "styles.xml", "externalLinks/externalLink1.xml"} {
		if !strings.Contains(rels, want) {
			t.Errorf("workbook relationships lost %s: %s", want, rels)
		}
	}
	if linkRels := string(zipPart(t, out, "xl/externalLinks/_rels/externalLink1.xml.rels")); !strings.Contains(linkRels, `TargetMode="External"`) {
		t.Errorf("external link relationship changed: %s", linkRels)
	}
	wb, err := Read("无宏.xlsx", out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if wb.Macros || len(wb.ExternalLinks) != 1 || wb.Sheets[0].At(0, 0).Text != "单位名称" {
		t.Errorf("stripped workbook reads Macros %v, links %q, A1 %q", wb.Macros, wb.ExternalLinks, wb.Sheets[0].At(0, 0).Text)
	}
}
