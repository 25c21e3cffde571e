package template

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// Macros in copies jxsync writes. excelize keeps every part of a workbook
// it opens, a VBA project too, and writes the workbook part's content type
// as it found it: the annotated copy of an .xlsm would carry its macros
// under an .xlsx name. stripMacros takes them out of the written bytes.

// Content types of a workbook part, and the relationship type of a VBA
// project.
const (
	ctWorkbook    = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	ctTemplate    = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
	relVBAProject = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
)

type (
	xTypes struct {
		XMLName  xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/content-types Types"`
		Default  []xTypeDefault
		Override []xTypeOverride
	}
	xTypeDefault struct {
		Extension   string `xml:",attr"`
		ContentType string `xml:",attr"`
	}
	xTypeOverride struct {
		PartName    string `xml:",attr"`
		ContentType string `xml:",attr"`
	}
	// xPkgRels is a relationships part with every attribute a
	// relationship has, to be written back.
	xPkgRels struct {
		XMLName xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/relationships Relationships"`
		Rels    []struct {
			ID         string `xml:"Id,attr"`
			Type       string `xml:",attr"`
			Target     string `xml:",attr"`
			TargetMode string `xml:",attr,omitempty"`
		} `xml:"Relationship"`
	}
)

// isVBAPart reports whether a zip entry is a VBA project or its signature
// (xl/vbaProject.bin, xl/vbaProjectSignature.bin…).
func isVBAPart(name string) bool {
	b := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	return strings.HasPrefix(b, "vbaproject") && strings.HasSuffix(b, ".bin")
}

// stripMacros returns a workbook's bytes without its VBA project: the
// project's parts and the relationships to them are dropped, and a
// macro-enabled workbook part (.xlsm, .xltm) gets the content type of an
// .xlsx (.xltx). Bytes without a VBA project or a macro-enabled content
// type are returned as they are.
func stripMacros(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("strip macros: %w", err)
	}
	macros := false
	for _, zf := range zr.File {
		if isVBAPart(zf.Name) {
			macros = true
		}
		if strings.EqualFold(zf.Name, pathContentTypes) {
			b, err := readEntry(zf)
			if err != nil {
				return nil, fmt.Errorf("strip macros: %w", err)
			}
			macros = macros || bytes.Contains(bytes.ToLower(b), []byte("macroenabled"))
		}
	}
	if !macros {
		return data, nil
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if isVBAPart(zf.Name) {
			continue
		}
		var edit func([]byte) ([]byte, error)
		switch n := strings.ReplaceAll(zf.Name, "\\", "/"); {
		case strings.EqualFold(n, pathContentTypes):
			edit = stripContentTypes
		case strings.HasSuffix(strings.ToLower(n), ".rels"):
			edit = stripVBARels
		}
		if edit == nil {
			if err := zw.Copy(zf); err != nil {
				return nil, fmt.Errorf("strip macros: %w", err)
			}
			continue
		}
		b, err := readEntry(zf)
		if err == nil {
			b, err = edit(b)
		}
		if err != nil {
			return nil, fmt.Errorf("strip macros: %s: %w", zf.Name, err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified})
		if err != nil {
			return nil, fmt.Errorf("strip macros: %w", err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("strip macros: %w", err)
	}
	return out.Bytes(), nil
}

// readEntry returns a zip entry's bytes.
func readEntry(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// stripContentTypes drops the content types of VBA parts and gives a
// macro-enabled workbook part the type of a workbook without macros.
func stripContentTypes(b []byte) ([]byte, error) {
	var t xTypes
	if err := xml.Unmarshal(b, &t); err != nil {
		return nil, err
	}
	defaults := t.Default[:0]
	for _, d := range t.Default {
		if !strings.Contains(strings.ToLower(d.ContentType), "vbaproject") {
			defaults = append(defaults, d)
		}
	}
	t.Default = defaults
	overrides := t.Override[:0]
	for _, o := range t.Override {
		switch ct := strings.ToLower(o.ContentType); {
		case isVBAPart(o.PartName) || strings.Contains(ct, "vbaproject"):
			continue
		case strings.Contains(ct, "template.macroenabled.main"):
			o.ContentType = ctTemplate
		case strings.Contains(ct, "macroenabled.main"):
			o.ContentType = ctWorkbook
		}
		overrides = append(overrides, o)
	}
	t.Override = overrides
	return marshalPart(t)
}

// stripVBARels drops the relationships to VBA projects from a
// relationships part.
func stripVBARels(b []byte) ([]byte, error) {
	var rels xPkgRels
	if err := xml.Unmarshal(b, &rels); err != nil {
		return nil, err
	}
	keep := rels.Rels[:0]
	for _, r := range rels.Rels {
		if r.Type != relVBAProject && !isVBAPart(r.Target) {
			keep = append(keep, r)
		}
	}
	if len(keep) == len(rels.Rels) {
		return b, nil
	}
	rels.Rels = keep
	return marshalPart(rels)
}

// marshalPart writes an XML part with its declaration.
func marshalPart(v any) ([]byte, error) {
	b, err := xml.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}
