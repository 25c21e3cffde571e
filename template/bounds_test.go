package template

import (
	"archive/zip"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
)

// TestTagWalk: the tag walk counts start tags by depth and local name past
// comments, CDATA, processing instructions, self-closing tags and a '>' in
// an attribute value, and stops at a document type declaration.
func TestTagWalk(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want string // depth:local of each start tag
		dtd  bool
	}{
		{`<?xml version="1.0"?><sst><si><t>a</t></si><si/></sst>`, "1:sst 2:si 3:t 2:si", false},
		{`<x:sst xmlns:x="u"><x:si><x:t>a</x:t></x:si></x:sst>`, "1:sst 2:si 3:t", false},
		{`<a><!-- <b> --><![CDATA[<c>]]><?pi <d>?><e k="1>2" j='<f>'/><g></g></a>`, "1:a 2:e 2:g", false},
		{"<a\n><b\t/><c/></a>", "1:a 2:b 2:c", false},
		{`<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`, "", true},
		{`<a><!ENTITY e "x"><b/></a>`, "1:a", true},
		{`<a><b k="unclosed></a>`, "1:a", false},
	} {
		var got []string
		dtd := tagWalk([]byte(tc.doc), func(depth int, local []byte) bool {
			got = append(got, string(rune('0'+depth))+":"+string(local))
			return true
		})
		if strings.Join(got, " ") != tc.want || dtd != tc.dtd {
			t.Errorf("%s: %q, dtd %v; want %q, %v", tc.doc, got, dtd, tc.want, tc.dtd)
		}
	}
	// visit stops the walk.
	n := 0
	tagWalk([]byte(`<a><b/><b/><b/></a>`), func(int, []byte) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("walk went on after visit stopped it: %d tags", n)
	}
}

// TestUnsafeXMLAnyPart: a document type declaration in any part the reader
// keeps is ErrUnsafeXML, whichever part it is in; the same workbook
// without it reads.
func TestUnsafeXMLAnyPart(t *testing.T) {
	good := xlsxBytes(t, oneCell)
	if _, err := Read("好.xlsx", good, Limits{}); err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml", "docProps/app.xml"} {
		doc := zipPart(t, good, part)
		if doc == nil {
			t.Fatalf("no %s", part)
		}
		i := strings.Index(string(doc), "?>") + 2
		bomb := string(doc[:i]) + `<!DOCTYPE x [<!ENTITY a "哈哈">]>` + string(doc[i:])
		data := withPart(t, good, part, bomb)
		_, err := Read("坏.xlsx", data, Limits{})
		if !errors.Is(err, ErrUnsafeXML) || !strings.Contains(err.Error(), part) {
			t.Errorf("%s: err = %v, want ErrUnsafeXML naming the part", part, err)
		}
	}
}

// withPart replaces a part of a workbook's zip with doc.
func withPart(t testing.TB, data []byte, name, doc string) []byte {
	t.Helper()
	return rezip(t, data, func(zf *zip.File) (*zip.FileHeader, []byte, bool) {
		if zf.Name != name {
			return nil, nil, false
		}
		b := []byte(doc)
		return &zip.FileHeader{Name: zf.Name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(b),
			CompressedSize64: uint64(len(b)), UncompressedSize64: uint64(len(b))}, b, true
	})
}
