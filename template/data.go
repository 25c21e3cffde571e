package template

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Data is the content a form is filled with: the texts typed into its cells,
// by the names of the template's mapping. Example workbooks are built from
// Data kept as YAML beside each template version.
type Data struct {
	// Fields holds single values by field name.
	Fields map[string]string `yaml:"fields"`
	// Tables holds each table's rows, a row being values by column name.
	Tables map[string][]map[string]string `yaml:"tables"`
	// Blocks holds each repeated block's instances.
	Blocks map[string][]Data `yaml:"blocks"`
}

// ParseData reads Data from YAML; name is used in errors.
func ParseData(name string, b []byte) (*Data, error) {
	var d Data
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("parse data %s: %w", name, err)
	}
	return &d, nil
}

// F returns field name's text; a nil Data gives "".
func (d *Data) F(name string) string {
	if d == nil {
		return ""
	}
	return d.Fields[name]
}

// Rows returns a table's rows, or n empty rows for a nil Data (the blank
// template's input rows).
func (d *Data) Rows(table string, n int) []map[string]string {
	if d == nil {
		return make([]map[string]string, n)
	}
	return d.Tables[table]
}

// Instances returns a block's instances, or one empty instance for a nil
// Data.
func (d *Data) Instances(block string) []*Data {
	if d == nil {
		return []*Data{nil}
	}
	out := make([]*Data, len(d.Blocks[block]))
	for i := range d.Blocks[block] {
		out[i] = &d.Blocks[block][i]
	}
	return out
}

// cellValue turns typed text into what a person typing it into Excel gets:
// a plain decimal becomes a number, anything else stays text.
func cellValue(s string) any {
	t := strings.TrimSpace(s)
	if t == "" || t != s || strings.ContainsAny(t, "eE+_xX") || (len(t) > 1 && t[0] == '0' && t[1] != '.') {
		return s
	}
	if n, err := strconv.ParseFloat(t, 64); err == nil && len(t) < 16 {
		return n
	}
	return s
}

// groups returns, for a column whose value is written only on the first row
// of each group (as on the printed forms), the [first, last] row indexes of
// every group.
func groups(rows []map[string]string, col string) [][2]int {
	var out [][2]int
	for i, r := range rows {
		if r[col] != "" || len(out) == 0 {
			out = append(out, [2]int{i, i})
			continue
		}
		out[len(out)-1][1] = i
	}
	return out
}
