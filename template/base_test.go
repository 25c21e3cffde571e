package template

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// unzipParts returns the parts of an archive by name, uncompressed.
func unzipParts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r) // checks the CRC
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = string(b)
	}
	return out
}

// exportCases are the extractions of every shipped example.
func exportCases(t *testing.T) []benchExportCase {
	t.Helper()
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	var out []benchExportCase
	for _, tpl := range reg.Templates {
		for _, ex := range reg.Examples(tpl) {
			data, _ := fs.ReadFile(templates.FS, ex)
			out = append(out, benchExportCase{path.Base(ex), tpl, extractDetected(t, reg, path.Base(ex), data, tpl)})
		}
	}
	return out
}

// TestExportPartsAreBuilds checks that an export without properties holds,
// part for part, what Build writes of the same data (Build's own output is
// checked byte for byte against the committed workbooks), also when the
// parts it keeps deflated are written again; and that an export differs
// from its data's build once a value changes.
func TestExportPartsAreBuilds(t *testing.T) {
	for _, c := range exportCases(t) {
		fm, err := FindForm(c.tpl.ID, c.tpl.Version)
		if err != nil {
			t.Fatal(err)
		}
		built, err := fm.BuildBytes(DataOf(c.tpl, c.res))
		if err != nil {
			t.Fatal(err)
		}
		want := unzipParts(t, built)
		for range 2 {
			out, err := Export(c.tpl, c.res, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := unzipParts(t, out)
			if len(got) != len(want) {
				t.Errorf("%s: %d parts, want %d", c.name, len(got), len(want))
			}
			for name, w := range want {
				if got[name] != w {
					t.Errorf("%s: part %s differs from Build's", c.name, name)
				}
			}
		}
		d := DataOf(c.tpl, c.res)
		for k := range d.Fields {
			d.Fields[k] += "（改）"
		}
		other, err := fm.BuildBytes(d)
		if err != nil {
			t.Fatal(err)
		}
		if parts := unzipParts(t, other); parts["xl/sharedStrings.xml"] == want["xl/sharedStrings.xml"] {
			t.Errorf("%s: changed fields, same strings", c.name)
		}
	}
}

// TestPartZipWritesWhatIsGiven writes a kept part (styles) with one
// content, another and the first again: each archive holds its own.
func TestPartZipWritesWhatIsGiven(t *testing.T) {
	for _, content := range []string{"<a/>", "<b/>", "<a/>", strings.Repeat("<c/>", 1000)} {
		var buf bytes.Buffer
		z := newPartZip(&buf)
		for _, name := range []string{stylesPart, "xl/worksheets/sheet1.xml"} {
			w, err := z.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, content+name)
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		got := unzipParts(t, buf.Bytes())
		for _, name := range []string{stylesPart, "xl/worksheets/sheet1.xml"} {
			if got[name] != content+name {
				t.Errorf("%s written as %.40q, want %.40q", name, got[name], content+name)
			}
		}
	}
}

// TestBaseStylesFixed lays out a form that applies a style of its own: with
// the style declared in the form's styles it is laid out with it; without,
// Build fails rather than add a style to the styles its workbooks share.
func TestBaseStylesFixed(t *testing.T) {
	own := func(w *sheetWriter) {
		w.addStyle("own", &excelize.Style{Font: &excelize.Font{Family: fontLabel, Size: 14, Italic: true}})
	}
	layout := func(w *sheetWriter, d *Data) {
		own(w)
		w.put(1, 0, 1, 2, "自有样式", "own")
		w.height(1, 20)
	}
	declared := &Form{ID: "test-own", Version: "1", Sheet: "表", Title: "表", layout: layout, styles: own}
	f, err := declared.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := f.GetCellStyle("表", "A1")
	st, err := f.GetStyle(id)
	if err != nil || st.Font == nil || !st.Font.Italic || st.Font.Size != 14 {
		t.Errorf("A1 style = %+v, %v; want the form's own", st, err)
	}
	f.Close()
	undeclared := &Form{ID: "test-own", Version: "2", Sheet: "表", Title: "表", layout: layout}
	if _, err := undeclared.Build(nil); err == nil || !strings.Contains(err.Error(), "own") {
		t.Errorf("undeclared style: err = %v", err)
	}
}

// TestExportConcurrent exports every example from several goroutines at
// once: each export holds what a lone export of the same result does (run
// with -race to check the parts the forms' workbooks share).
func TestExportConcurrent(t *testing.T) {
	cases := exportCases(t)
	props := map[string]string{mapping.PropRevision: "1"}
	want := map[string]map[string]string{}
	for _, c := range cases {
		out, err := Export(c.tpl, c.res, props)
		if err != nil {
			t.Fatal(err)
		}
		want[c.name] = unzipParts(t, out)
	}
	var wg sync.WaitGroup
	outs := make([][]byte, 4*len(cases))
	errs := make([]error, len(outs))
	for i := range outs {
		wg.Go(func() {
			c := cases[i%len(cases)]
			outs[i], errs[i] = Export(c.tpl, c.res, props)
		})
	}
	wg.Wait()
	for i, out := range outs {
		c := cases[i%len(cases)]
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		got := unzipParts(t, out)
		names := make([]string, 0, len(got))
		for n := range got {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if got[n] != want[c.name][n] {
				t.Errorf("%s: concurrent export's %s differs", c.name, n)
			}
		}
	}
}
