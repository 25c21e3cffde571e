package mapping

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Difference is one difference between two results of a template, named as
// people name it: the field's title; the 年度目标 (block) by its number;
// the row by its number within its table, as people count rows, with the
// row's key (三级指标“救助人次”); the column's title.
type Difference struct {
	// Change holds the path (see Flatten; a whole row or block added or
	// removed is the path of the row or block), kind, raw texts and cells.
	Change
	// Where names the value: "执行数（B）", "第2个年度目标 第3行 三级指标“救助人次” 实际完成值".
	Where string `json:"where"`
}

// DiffWords lists the values that differ between a, read with template ta,
// and b, read with tb (the same template, or two versions of one), in the
// order of tb's mapping — fields, tables, then each block instance — and
// then what only ta's mapping has. Values are compared as read — numbers,
// units, operators, tiers and text with its white space folded — so a
// difference of formatting alone ("1,083.17" and 1083.17, "110.36万元" and
// 110.36 in a 万元 cell, a line break inside a label) is no difference. A
// table row or block instance present in one result only is one difference
// (kind added or removed), not one per value.
func DiffWords(ta, tb *Template, a, b *Result) []Difference {
	t := wordsMerge(tb, ta)
	var out []Difference
	wordsFields(&out, "fields.", "", "", t.Fields, a.Fields, b.Fields)
	wordsTables(&out, "tables.", "", t.Tables, a.Tables, b.Tables)
	for _, bl := range t.Blocks {
		ia, ib := a.Blocks[bl.Name], b.Blocks[bl.Name]
		for i := 0; i < max(len(ia), len(ib)); i++ {
			path := fmt.Sprintf("blocks.%s[%d]", bl.Name, i)
			where := fmt.Sprintf("第%d个%s", i+1, bl.Title)
			switch {
			case i >= len(ia):
				out = append(out, Difference{Change: Change{Path: path, Kind: "added", New: wordsBlockSummary(bl, ib[i])}, Where: where})
			case i >= len(ib):
				out = append(out, Difference{Change: Change{Path: path, Kind: "removed", Old: wordsBlockSummary(bl, ia[i])}, Where: where})
			default:
				wordsFields(&out, path+".fields.", where, bl.Title, bl.Fields, ia[i].Fields, ib[i].Fields)
				wordsTables(&out, path+".tables.", where, bl.Tables, ia[i].Tables, ib[i].Tables)
			}
		}
	}
	return out
}

// wordsFields compares two sets of field values: the fields of the
// mapping in its order, then any other name in either set (a field of
// another version), by name.
func wordsFields(out *[]Difference, path, where, blockTitle string, fs []Field, a, b map[string]Value) {
	titles := map[string]string{}
	var names []string
	for _, f := range fs {
		titles[f.Name] = f.Title
		names = append(names, f.Name)
	}
	names = append(names, wordsExtraNames(titles, a, b)...)
	for _, n := range names {
		title := wordsOrName(titles[n], n)
		w := title
		switch {
		case where != "" && title == blockTitle:
			w = where // the block's own text: 第2个年度目标
		case where != "":
			w = where + " " + title
		}
		if d, ok := wordsCompare(path+n, w, a, b, n); ok {
			*out = append(*out, d)
		}
	}
}

// wordsTables compares the tables of a scope row by row (by position).
// A table's title is named only when the scope has several tables.
func wordsTables(out *[]Difference, path, where string, ts []Table, a, b map[string][]Row) {
	for _, tb := range ts {
		ra, rb := a[tb.Name], b[tb.Name]
		titles := map[string]string{}
		var cols []string
		for _, c := range tb.Columns {
			titles[c.Name] = c.Title
			cols = append(cols, c.Name)
		}
		keyTitle := wordsOrName(titles[tb.Key], tb.Key)
		prefix := where
		if len(ts) > 1 {
			prefix = strings.TrimSpace(prefix + " " + tb.Title)
		}
		for i := 0; i < max(len(ra), len(rb)); i++ {
			rowPath := fmt.Sprintf("%s%s[%d]", path, tb.Name, i)
			rowWhere := strings.TrimSpace(fmt.Sprintf("%s 第%d行", prefix, i+1))
			switch {
			case i >= len(ra):
				*out = append(*out, Difference{Change: Change{Path: rowPath, Kind: "added", New: wordsRowSummary(tb, rb[i]),
					NewCell: wordsFirstCell(tb, rb[i])}, Where: wordsWithKey(rowWhere, keyTitle, tb.Key, rb[i])})
				continue
			case i >= len(rb):
				*out = append(*out, Difference{Change: Change{Path: rowPath, Kind: "removed", Old: wordsRowSummary(tb, ra[i]),
					OldCell: wordsFirstCell(tb, ra[i])}, Where: wordsWithKey(rowWhere, keyTitle, tb.Key, ra[i])})
				continue
			}
			keyed := rb[i]
			if tb.Key != "" && keyed.Value(tb.Key).Empty() {
				keyed = ra[i]
			}
			va, vb := ra[i].Map(), rb[i].Map()
			names := append(append([]string(nil), cols...), wordsExtraNames(titles, va, vb)...)
			for _, n := range names {
				w := rowWhere
				if n != tb.Key {
					w = wordsWithKey(rowWhere, keyTitle, tb.Key, keyed)
				}
				w += " " + wordsOrName(titles[n], n)
				if d, ok := wordsCompare(rowPath+"."+n, w, va, vb, n); ok {
					*out = append(*out, d)
				}
			}
		}
	}
}

// wordsCompare returns the difference of value name between a and b, if
// any.
func wordsCompare(path, where string, a, b map[string]Value, name string) (Difference, bool) {
	va, oka := a[name]
	vb, okb := b[name]
	switch {
	case !okb && oka && !va.Empty():
		return Difference{Change: Change{Path: path, Kind: "removed", Old: wordsShown(va), OldCell: va.Cell}, Where: where}, true
	case !oka && okb && !vb.Empty():
		return Difference{Change: Change{Path: path, Kind: "added", New: wordsShown(vb), NewCell: vb.Cell}, Where: where}, true
	case oka && okb && !SameValue(va, vb):
		kind := "changed"
		switch {
		case va.Empty():
			kind = "added"
		case vb.Empty():
			kind = "removed"
		}
		return Difference{Change: Change{Path: path, Kind: kind, Old: wordsShown(va), New: wordsShown(vb), OldCell: va.Cell, NewCell: vb.Cell},
			Where: where}, true
	}
	return Difference{}, false
}

// SameValue reports whether two values read the same: both empty, or equal
// in what was read from them — number, unit, operator, tier, weight, text
// with white space folded — whatever their raw text and cell. A value that
// could not be read is compared by its raw text.
func SameValue(a, b Value) bool {
	if a.Empty() && b.Empty() {
		return true
	}
	return wordsValueKey(a) == wordsValueKey(b)
}

// wordsValueKey is what SameValue compares.
func wordsValueKey(v Value) string {
	if v.Empty() {
		return "empty"
	}
	if v.Error != "" {
		return "error:" + wordsFoldSpace(v.Raw)
	}
	v.Cell, v.Raw, v.Error = "", "", ""
	v.Text = wordsFoldSpace(v.Text)
	b, _ := json.Marshal(v)
	return string(b)
}

// wordsFoldSpace removes white space: in Chinese text it is layout, not content.
func wordsFoldSpace(s string) string {
	return strings.Join(strings.Fields(dropInvisible(s)), "")
}

// wordsShown is a value's text as written, trimmed; "" for an empty value.
func wordsShown(v Value) string {
	if v.Empty() {
		return ""
	}
	return strings.Join(strings.Fields(v.Raw), " ")
}

// wordsWithKey appends the row's key to where: 第3行 三级指标“救助人次”.
func wordsWithKey(where, keyTitle, key string, r Row) string {
	if key == "" {
		return where
	}
	if k := wordsShown(r.Value(key)); k != "" {
		return fmt.Sprintf("%s %s“%s”", where, keyTitle, k)
	}
	return where
}

// wordsRowSummary lists a row's values in the order of the table's columns.
func wordsRowSummary(tb Table, r Row) string {
	var parts []string
	for _, c := range tb.Columns {
		if s := wordsShown(r.Value(c.Name)); s != "" && c.Name != tb.Key {
			parts = append(parts, c.Title+" "+s)
		}
	}
	return strings.Join(parts, "；")
}

// wordsFirstCell is where a row was read: the cell of its first value.
func wordsFirstCell(tb Table, r Row) string {
	for _, c := range tb.Columns {
		if v, ok := r.Lookup(c.Name); ok && v.Cell != "" {
			return v.Cell
		}
	}
	return ""
}

// wordsBlockSummary is the text of a block instance's first non-empty field.
func wordsBlockSummary(bl Block, b BlockResult) string {
	for _, f := range bl.Fields {
		if s := wordsShown(b.Fields[f.Name]); s != "" {
			return s
		}
	}
	return ""
}

// wordsExtraNames lists, sorted, the names in a or b that titles lacks.
func wordsExtraNames[V any](titles map[string]string, a, b map[string]V) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]V{a, b} {
		for n := range m {
			if _, ok := titles[n]; !ok && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

func wordsOrName(title, name string) string {
	if title == "" {
		return name
	}
	return title
}

// wordsPathPartRE matches one step of a Flatten path: a name with an optional
// index.
var wordsPathPartRE = regexp.MustCompile(`^([^.\[]+)(?:\[(\d+)\])?$`)

// DescribePath names a Flatten path of t for people, without the values a
// result would add: "blocks.goals[1].tables.indicators[2].actual" is
// "第2个年度目标 第3行 实际完成值", "fields.spent" is "执行数（B）". A path
// that is not of t's mapping is returned as it is.
func DescribePath(t *Template, path string) string {
	parts := strings.Split(path, ".")
	step := func(i int) (string, int, bool) {
		if i >= len(parts) {
			return "", 0, false
		}
		m := wordsPathPartRE.FindStringSubmatch(parts[i])
		if m == nil {
			return "", 0, false
		}
		n := -1
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		return m[1], n, true
	}
	fields, tables := t.Fields, t.Tables
	var words []string
	blockTitle := ""
	i := 0
	if kind, _, _ := step(0); kind == "blocks" {
		name, n, ok := step(1)
		var bl *Block
		for j := range t.Blocks {
			if t.Blocks[j].Name == name {
				bl = &t.Blocks[j]
			}
		}
		if !ok || bl == nil || n < 0 {
			return path
		}
		words = append(words, fmt.Sprintf("第%d个%s", n+1, bl.Title))
		if len(parts) == 2 {
			return words[0]
		}
		fields, tables, blockTitle = bl.Fields, bl.Tables, bl.Title
		i = 2
	}
	kind, _, _ := step(i)
	switch kind {
	case "fields":
		name, _, ok := step(i + 1)
		if !ok || len(parts) != i+2 {
			return path
		}
		for _, f := range fields {
			if f.Name == name {
				if blockTitle != "" && f.Title == blockTitle {
					return words[0] // the block's own text: 第2个年度目标
				}
				return strings.Join(append(words, f.Title), " ")
			}
		}
	case "tables":
		name, n, ok := step(i + 1)
		if !ok || n < 0 {
			return path
		}
		for _, tb := range tables {
			if tb.Name != name {
				continue
			}
			if len(tables) > 1 {
				words = append(words, tb.Title)
			}
			words = append(words, fmt.Sprintf("第%d行", n+1))
			if len(parts) == i+2 {
				return strings.Join(words, " ")
			}
			col, _, ok := step(i + 2)
			if !ok || len(parts) != i+3 {
				return path
			}
			for _, c := range tb.Columns {
				if c.Name == col {
					return strings.Join(append(words, c.Title), " ")
				}
			}
		}
	}
	return path
}

// wordsMerge returns t's fields, tables, columns and blocks followed by
// those of other that t lacks (by name): the names of two versions.
func wordsMerge(t, other *Template) *Template {
	if other == nil || other == t {
		return t
	}
	m := *t
	m.Fields = wordsMergeFields(t.Fields, other.Fields)
	m.Tables = wordsMergeTables(t.Tables, other.Tables)
	m.Blocks = append([]Block(nil), t.Blocks...)
	for _, ob := range other.Blocks {
		found := false
		for i := range m.Blocks {
			if m.Blocks[i].Name == ob.Name {
				found = true
				m.Blocks[i].Fields = wordsMergeFields(m.Blocks[i].Fields, ob.Fields)
				m.Blocks[i].Tables = wordsMergeTables(m.Blocks[i].Tables, ob.Tables)
			}
		}
		if !found {
			m.Blocks = append(m.Blocks, ob)
		}
	}
	return &m
}

func wordsMergeFields(fs, other []Field) []Field {
	out := append([]Field(nil), fs...)
	for _, o := range other {
		if !slices.ContainsFunc(fs, func(f Field) bool { return f.Name == o.Name }) {
			out = append(out, o)
		}
	}
	return out
}

func wordsMergeTables(ts, other []Table) []Table {
	out := append([]Table(nil), ts...)
	for _, o := range other {
		i := slices.IndexFunc(out, func(t Table) bool { return t.Name == o.Name })
		if i < 0 {
			out = append(out, o)
			continue
		}
		cols := append([]Column(nil), out[i].Columns...)
		for _, c := range o.Columns {
			if !slices.ContainsFunc(cols, func(x Column) bool { return x.Name == c.Name }) {
				cols = append(cols, c)
			}
		}
		out[i].Columns = cols
		if out[i].Key == "" {
			out[i].Key = o.Key
		}
	}
	return out
}
