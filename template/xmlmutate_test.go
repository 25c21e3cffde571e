package template

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"
)

// XML mutations: a workbook's XML parts written another way that means the
// same to an XML reader, as other programs write them. The differential
// test reads each mutation both ways.

// xmlStyle is how rewriteXML writes a part.
type xmlStyle struct {
	// selfClose writes every empty element <x/>; otherwise <x></x>.
	selfClose bool
	// reverseAttrs writes each element's attributes in reverse order.
	reverseAttrs bool
	// prefix binds each default namespace to a prefix instead, and names
	// the elements in it with that prefix.
	prefix bool
	// indent puts a newline and indentation between elements.
	indent bool
	// noCellRefs drops the r attribute of cells (c elements), which then
	// follow the one before, as some programs write them.
	noCellRefs bool
}

// mutations are the ways the differential test rewrites workbooks.
var mutations = []struct {
	name  string
	style xmlStyle
}{
	{"self-closing", xmlStyle{selfClose: true}},
	{"open-close", xmlStyle{}},
	{"attributes-reversed", xmlStyle{selfClose: true, reverseAttrs: true}},
	{"prefixed", xmlStyle{prefix: true}},
	{"indented", xmlStyle{selfClose: true, indent: true}},
	{"no-cell-refs", xmlStyle{noCellRefs: true}},
}

// rewriteXML writes an XML document again in style, token by token; ok is
// false for a document encoding/xml does not read, left as it is.
func rewriteXML(doc []byte, st xmlStyle) (out []byte, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var toks []xml.Token
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return doc, false
		}
		toks = append(toks, xml.CopyToken(tok))
	}
	var b bytes.Buffer
	type scope struct {
		name   xml.Name
		prefix string // the prefix this element's default namespace is written with, "" for none
	}
	var stack []scope
	depth := 0
	var prev xml.Token
	for i, tok := range toks {
		switch t := tok.(type) {
		case xml.StartElement:
			cur := ""
			if len(stack) > 0 {
				cur = stack[len(stack)-1].prefix
			}
			attrs := slices.Clone(t.Attr)
			if st.prefix {
				for j, a := range attrs {
					if a.Name.Space == "" && a.Name.Local == "xmlns" {
						cur = ""
						if a.Value != "" {
							cur = freePrefix(toks)
							attrs[j].Name = xml.Name{Space: "xmlns", Local: cur}
						}
					}
				}
			}
			stack = append(stack, scope{t.Name, cur})
			if st.noCellRefs && t.Name.Local == "c" {
				attrs = slices.DeleteFunc(attrs, func(a xml.Attr) bool { return a.Name == xml.Name{Local: "r"} })
			}
			if st.reverseAttrs {
				slices.Reverse(attrs)
			}
			if st.indent && prev != nil && !isCharData(prev) {
				b.WriteString("\n" + strings.Repeat("  ", depth))
			}
			b.WriteString("<" + qname(t.Name, cur))
			for _, a := range attrs {
				b.WriteString(" " + qname(a.Name, "") + `="`)
				escapeXML(&b, a.Value, true)
				b.WriteString(`"`)
			}
			depth++
			if st.selfClose && i+1 < len(toks) {
				if _, end := toks[i+1].(xml.EndElement); end {
					b.WriteString("/>")
					prev = toks[i+1]
					toks[i+1] = nil // written
					stack = stack[:len(stack)-1]
					depth--
					continue
				}
			}
			b.WriteString(">")
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != t.Name {
				return doc, false
			}
			cur := stack[len(stack)-1].prefix
			stack = stack[:len(stack)-1]
			depth--
			if st.indent && prev != nil && isEnd(prev) {
				b.WriteString("\n" + strings.Repeat("  ", depth))
			}
			b.WriteString("</" + qname(t.Name, cur) + ">")
		case xml.CharData:
			escapeXML(&b, string(t), false)
		case xml.ProcInst:
			b.WriteString("<?" + t.Target + " " + string(t.Inst) + "?>")
		case xml.Comment:
			b.WriteString("<!--" + string(t) + "-->")
		case xml.Directive:
			b.WriteString("<!" + string(t) + ">")
		case nil:
			continue // an end tag written as part of <x/>
		}
		prev = tok
	}
	if len(stack) != 0 {
		return doc, false
	}
	return b.Bytes(), true
}

func isCharData(t xml.Token) bool { _, ok := t.(xml.CharData); return ok }
func isEnd(t xml.Token) bool      { _, ok := t.(xml.EndElement); return ok }

// qname writes a raw name, an unprefixed element name with prefix def.
func qname(n xml.Name, def string) string {
	switch {
	case n.Space != "":
		return n.Space + ":" + n.Local
	case def != "":
		return def + ":" + n.Local
	}
	return n.Local
}

// freePrefix is a namespace prefix the document does not declare.
func freePrefix(toks []xml.Token) string {
	used := map[string]bool{}
	for _, tok := range toks {
		if t, ok := tok.(xml.StartElement); ok {
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" {
					used[a.Name.Local] = true
				}
			}
		}
	}
	for _, p := range []string{"x", "main", "jx"} {
		if !used[p] {
			return p
		}
	}
	return "jxsync"
}

// escapeXML writes s as XML text or an attribute value.
func escapeXML(b *bytes.Buffer, s string, attr bool) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case attr && r == '"':
			b.WriteString("&quot;")
		case attr && r == '\n':
			b.WriteString("&#xA;")
		case attr && r == '\t':
			b.WriteString("&#x9;")
		case r == '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}

// mutateWorkbook re-packs a workbook with its XML parts (those part
// selects, all when nil) rewritten in style.
func mutateWorkbook(tb testing.TB, data []byte, st xmlStyle, part func(name string) bool) []byte {
	tb.Helper()
	return editParts(tb, data, func(name string, b []byte) []byte {
		n := strings.ToLower(name)
		if (strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".rels")) && (part == nil || part(name)) {
			b, _ = rewriteXML(b, st)
		}
		return b
	})
}

// editParts re-packs a workbook's zip, its entries stored, with each
// entry's bytes replaced by what edit returns for them.
func editParts(tb testing.TB, data []byte, edit func(name string, b []byte) []byte) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Store})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(edit(zf.Name, b))
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// zipPart is one part of a workbook's zip, nil when it has none.
func zipPart(tb testing.TB, data []byte, name string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				tb.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				tb.Fatal(err)
			}
			return b
		}
	}
	return nil
}

func TestRewriteXML(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<sst xmlns="` + nsMain + `" count="2"><si><t xml:space="preserve"> a&amp;b </t></si><si><t></t></si><si><r><rPr><b val="1"></b></rPr><t>x</t></r></si></sst>`
	cases := map[string]string{
		"self-closing":        `<sst xmlns="` + nsMain + `" count="2"><si><t xml:space="preserve"> a&amp;b </t></si><si><t/></si><si><r><rPr><b val="1"/></rPr><t>x</t></r></si></sst>`,
		"open-close":          `<sst xmlns="` + nsMain + `" count="2"><si><t xml:space="preserve"> a&amp;b </t></si><si><t></t></si><si><r><rPr><b val="1"></b></rPr><t>x</t></r></si></sst>`,
		"attributes-reversed": `<sst count="2" xmlns="` + nsMain + `"><si><t xml:space="preserve"> a&amp;b </t></si><si><t/></si><si><r><rPr><b val="1"/></rPr><t>x</t></r></si></sst>`,
		"prefixed":            `<x:sst xmlns:x="` + nsMain + `" count="2"><x:si><x:t xml:space="preserve"> a&amp;b </x:t></x:si><x:si><x:t></x:t></x:si><x:si><x:r><x:rPr><x:b val="1"></x:b></x:rPr><x:t>x</x:t></x:r></x:si></x:sst>`,
		"indented":            "<sst xmlns=\"" + nsMain + "\" count=\"2\">\n  <si>\n    <t xml:space=\"preserve\"> a&amp;b </t>\n  </si>\n  <si>\n    <t/>\n  </si>\n  <si>\n    <r>\n      <rPr>\n        <b val=\"1\"/>\n      </rPr>\n      <t>x</t>\n    </r>\n  </si>\n</sst>",
	}
	cases["no-cell-refs"] = cases["open-close"]
	for _, m := range mutations {
		got, ok := rewriteXML([]byte(doc), m.style)
		want := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + cases[m.name]
		if !ok || string(got) != want {
			t.Errorf("%s:\ngot  %s\nwant %s", m.name, got, want)
		}
	}
	sheet := `<sheetData><row r="1"><c r="A1" s="1"><v>1</v></c><x:c r="B1"></x:c></row></sheetData>`
	if got, _ := rewriteXML([]byte(sheet), xmlStyle{noCellRefs: true}); string(got) != `<sheetData><row r="1"><c s="1"><v>1</v></c><x:c></x:c></row></sheetData>` {
		t.Errorf("no-cell-refs: %s", got)
	}
	if _, ok := rewriteXML([]byte("<a><b></a>"), xmlStyle{}); ok {
		t.Error("a broken document was rewritten")
	}
}
