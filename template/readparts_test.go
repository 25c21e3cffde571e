package template

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"testing"
)

// partScanners are the package-part scanners with a fresh value for each.
var partScanners = []struct {
	name string
	scan func(string, any) error
	v    func() any
}{
	{"rels", scanRels, func() any { return new(xRels) }},
	{"workbook", scanWorkbook, func() any { return new(xWorkbook) }},
}

// scanAgrees scans doc with sc and decodes it with encoding/xml; it fails
// when the scanner reads a document differently, and reports whether it
// read it.
func scanAgrees(t *testing.T, what string, doc []byte, scan func(string, any) error, fresh func() any) bool {
	t.Helper()
	got, want := fresh(), fresh()
	if scan(string(doc), got) != nil {
		return false
	}
	if err := xml.NewDecoder(bytes.NewReader(doc)).Decode(want); err != nil {
		t.Errorf("%s: scanned, but encoding/xml fails: %v\n%s", what, err, doc)
		return true
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\nscanned %+v\ndecoded %+v\n%s", what, got, want, doc)
	}
	return true
}

// TestScanPackageParts: the relationship and workbook parts of every
// workbook the tests have, as written and rewritten as other programs write
// them, scan as encoding/xml decodes them; the parts as written scan.
func TestScanPackageParts(t *testing.T) {
	parts := map[string]int{"_rels/.rels": 0, "xl/_rels/workbook.xml.rels": 0, "xl/workbook.xml": 1}
	for _, c := range rfCases(t) {
		for name, i := range parts {
			doc := zipPart(t, c.data, name)
			sc := partScanners[i]
			if !scanAgrees(t, c.name+" "+name, doc, sc.scan, sc.v) {
				t.Errorf("%s %s: not scanned", c.name, name)
			}
			for _, m := range mutations {
				if alt, ok := rewriteXML(doc, m.style); ok {
					scanAgrees(t, c.name+" "+name+" "+m.name, alt, sc.scan, sc.v)
				}
			}
		}
	}
}

// TestScanPackagePartsEdges: namespaces and attributes the way encoding/xml
// resolves them (the last declaration of a prefix, r:id only in its
// namespace, any prefix on the other attributes), and what the scanners
// leave to encoding/xml (a namespace declared below the root, an attribute
// given twice, a root in another namespace).
func TestScanPackagePartsEdges(t *testing.T) {
	const (
		rels = `<Relationships xmlns="` + nsRelsPackage + `">`
		book = `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRelsOffice + `">`
	)
	for _, c := range []struct {
		name, doc string
		i         int  // partScanners
		scanned   bool // whether the scanner reads it
	}{
		{"rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + rels + `<Relationship Id="rId1" Type="t&amp;u" Target="worksheets/sheet1.xml"/></Relationships>`, 0, true},
		{"rels prefixed", `<p:Relationships xmlns:p="` + nsRelsPackage + `"><p:Relationship p:Id="rId1" Target="a"><x/></p:Relationship><Other Id="2"/></p:Relationships>`, 0, true},
		{"rels empty", `<Relationships xmlns="` + nsRelsPackage + `"/>`, 0, true},
		{"rels last default namespace", `<Relationships xmlns="` + nsRelsPackage + `" xmlns="urn:other"><Relationship Id="1"/></Relationships>`, 0, false},
		{"rels other namespace", `<Relationships xmlns="urn:other"><Relationship Id="1"/></Relationships>`, 0, false},
		{"rels id twice", rels + `<Relationship Id="1" Id="2"/></Relationships>`, 0, false},
		{"rels comment", rels + `<!-- x --><Relationship Id="1"/></Relationships>`, 0, false},
		{"rels unclosed", rels + `<Relationship Id="1">`, 0, false},
		{"workbook", book + `<sheets><sheet name="第一页 &lt;1&gt;" sheetId="1" r:id="rId1"/><sheet name="b" state="hidden" r:id="rId2"></sheet></sheets></workbook>`, 1, true},
		{"workbook other prefix", `<w:workbook xmlns:w="` + nsMain + `" xmlns:rel="` + nsRelsOffice + `"><w:sheets><w:sheet w:name="a" rel:id="rId1"/></w:sheets></w:workbook>`, 1, true},
		{"workbook unprefixed id", book + `<sheets><sheet name="a" id="rId1"/></sheets></workbook>`, 1, true},
		{"workbook undeclared prefix", `<workbook xmlns="` + nsMain + `"><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>`, 1, true},
		{"workbook id in another namespace", `<workbook xmlns="` + nsMain + `" xmlns:r="urn:other"><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>`, 1, true},
		{"workbook prefix declared twice", `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRelsOffice + `" xmlns:r="urn:other"><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>`, 1, true},
		{"workbook sheets nested", book + `<x><sheets><sheet name="a" r:id="rId1"/></sheets></x></workbook>`, 1, true},
		{"workbook namespace on sheet", book + `<sheets><sheet xmlns:r="urn:other" name="a" r:id="rId1"/></sheets></workbook>`, 1, false},
		{"workbook two sheets elements", book + `<sheets><sheet name="a"/></sheets><sheets><sheet name="b"/></sheets></workbook>`, 1, false},
		{"workbook name twice", book + `<sheets><sheet name="a" r:name="b"/></sheets></workbook>`, 1, false},
		{"workbook other namespace", `<workbook xmlns="urn:other"><sheets/></workbook>`, 1, false},
	} {
		sc := partScanners[c.i]
		if got := scanAgrees(t, c.name, []byte(c.doc), sc.scan, sc.v); got != c.scanned {
			t.Errorf("%s: scanned = %v, want %v", c.name, got, c.scanned)
		}
	}
}
