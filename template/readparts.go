package template

import "strings"

// Scanners of the package parts readFast resolves a workbook's sheets with
// (relationships and xl/workbook.xml): each fills the structure that
// encoding/xml would, from a document xmlScan reads whole, and gives up
// (errSlow, and readFast decodes the part with encoding/xml) at anything
// it does not read exactly as encoding/xml does: an attribute it uses
// given twice, a namespace declared below the root, the root element in
// another namespace.

// nsRelsPackage is the namespace of package relationship parts.
const nsRelsPackage = "http://schemas.openxmlformats.org/package/2006/relationships"

// nsRelsOffice is the namespace of the r:id attributes that name
// relationships.
const nsRelsOffice = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

// rootNamespace is the namespace of the root element's name, as
// encoding/xml resolves it from the root's own declarations (the last of a
// prefix declared twice); "" where it is not declared, or its prefix is
// xml or xmlns.
func (x *xmlScan) rootNamespace() string {
	want := "xmlns"
	if i := strings.IndexByte(x.name, ':'); i >= 0 {
		if p := x.name[:i]; p == "xml" || p == "xmlns" {
			return ""
		}
		want = "xmlns:" + x.name[:i]
	}
	ns := ""
	for _, a := range x.attrs {
		if a.name == want {
			ns = a.value
		}
	}
	return ns
}

// declaresNamespace reports whether the current start tag declares a
// namespace.
func (x *xmlScan) declaresNamespace() bool {
	for _, a := range x.attrs {
		if a.name == "xmlns" || strings.HasPrefix(a.name, "xmlns:") {
			return true
		}
	}
	return false
}

// attrIn returns the value of the current start tag's attribute with local
// name local whose prefix the root declares as namespace ns, with decls the
// root's declarations (the last of a prefix declared twice), and how many
// such attributes the tag has.
func (x *xmlScan) attrIn(local, ns string, decls []xmlAttr) (string, int) {
	v, n := "", 0
	for _, a := range x.attrs {
		i := strings.IndexByte(a.name, ':')
		if i < 0 || a.name[i+1:] != local {
			continue
		}
		prefix := a.name[:i]
		if prefix == "xml" || prefix == "xmlns" {
			continue // encoding/xml gives these their own namespaces
		}
		declared := ""
		for _, d := range decls {
			if d.name == "xmlns:"+prefix {
				declared = d.value // the last, as encoding/xml takes it
			}
		}
		if declared == ns {
			v, n = a.value, n+1
		}
	}
	return v, n
}

// scanRels reads a relationships part into *xRels.
func scanRels(doc string, v any) error {
	rels := v.(*xRels)
	*rels = xRels{}
	x := &xmlScan{s: doc}
	x.prolog()
	if !x.start() || x.local(x.name) != "Relationships" || x.rootNamespace() != nsRelsPackage {
		return errSlow
	}
	rels.XMLName.Space, rels.XMLName.Local = nsRelsPackage, "Relationships"
	if x.selfClose {
		return nil
	}
	for x.next() && x.kind == tokStart {
		if x.local(x.name) == "Relationship" {
			id, n1 := x.attr("Id")
			target, n2 := x.attr("Target")
			typ, n3 := x.attr("Type")
			if n1 > 1 || n2 > 1 || n3 > 1 {
				return errSlow
			}
			rels.Rels = append(rels.Rels, xRel{ID: id, Target: target, Type: typ})
		}
		x.skip()
	}
	if x.bad || x.kind != tokEnd || len(x.stack) != 0 {
		return errSlow
	}
	return nil
}

// scanWorkbook reads xl/workbook.xml into *xWorkbook.
func scanWorkbook(doc string, v any) error {
	book := v.(*xWorkbook)
	*book = xWorkbook{}
	x := &xmlScan{s: doc}
	x.prolog()
	if !x.start() || x.local(x.name) != "workbook" || !x.mainNamespace() {
		return errSlow
	}
	book.XMLName.Space, book.XMLName.Local = nsMain, "workbook"
	if x.selfClose {
		return nil
	}
	decls := append([]xmlAttr(nil), x.attrs...)
	sawSheets := false
	for x.next() && x.kind == tokStart {
		if x.local(x.name) != "sheets" {
			x.skip()
			continue
		}
		if sawSheets || x.declaresNamespace() {
			return errSlow
		}
		sawSheets = true
		if x.selfClose {
			continue
		}
		for x.next() && x.kind == tokStart {
			if x.local(x.name) == "sheet" {
				if x.declaresNamespace() {
					return errSlow
				}
				name, n1 := x.attr("name")
				state, n2 := x.attr("state")
				id, n3 := x.attrIn("id", nsRelsOffice, decls)
				if n1 > 1 || n2 > 1 || n3 > 1 {
					return errSlow
				}
				book.Sheets.Sheet = append(book.Sheets.Sheet, struct {
					Name  string `xml:"name,attr,omitempty"`
					State string `xml:"state,attr,omitempty"`
					ID    string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
				}{strings.Clone(name), state, id}) // a sheet's name is kept: not a substring of the part

			}
			x.skip()
		}
		if x.bad {
			return errSlow
		}
	}
	if x.bad || x.kind != tokEnd || len(x.stack) != 0 {
		return errSlow
	}
	return nil
}
