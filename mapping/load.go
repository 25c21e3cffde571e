package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// Load reads a mapping.yaml. name is the file's path, used in every error.
// Unknown keys, bad cell references, duplicate names, unknown types and bad
// patterns are errors naming the file and the key; all of them are reported
// together.
func Load(name string, data []byte) (*Template, error) {
	// Keys such as upgrade.renamed's "table.column" contain dots: use
	// another delimiter for viper's nested keys.
	v := viper.NewWithOptions(viper.KeyDelimiter("::"))
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", name, err)
	}
	var t Template
	err := v.Unmarshal(&t, func(dc *mapstructure.DecoderConfig) {
		dc.ErrorUnused = true
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(stringsHook)
	})
	if err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", name, err)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", name, err)
	}
	return &t, nil
}

// stringsHook lets a Strings key be written as a single string.
func stringsHook(from, to reflect.Type, data any) (any, error) {
	if to == reflect.TypeOf(Strings{}) && from.Kind() == reflect.String {
		return Strings{data.(string)}, nil
	}
	return data, nil
}

var (
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	idRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// Validate checks the template's own consistency (not against a workbook)
// and provisions it. Each error names the key, e.g. `fields[2] (fill_date).cell`.
func (t *Template) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
	if !idRE.MatchString(t.ID) {
		bad("id", "must be lower-case letters, digits and dashes, got %q", t.ID)
	}
	if t.Version == "" {
		bad("version", "is required")
	}
	if len(t.Detect) == 0 {
		bad("detect", "needs at least one label")
	}
	if t.DetectTitle != "" {
		if _, err := regexp.Compile(t.DetectTitle); err != nil {
			bad("detect_title", "%v", err)
		}
	}
	top := map[string]string{}
	checkName := func(key, name string, seen map[string]string) {
		if !nameRE.MatchString(name) {
			bad(key+".name", "must be lower-case ASCII letters, digits and underscores, got %q", name)
			return
		}
		if prev, dup := seen[name]; dup {
			bad(key+".name", "duplicate name %q (also %s)", name, prev)
			return
		}
		seen[name] = key
	}
	checkFields := func(prefix string, fs []Field, seen map[string]string) {
		for i := range fs {
			f := &fs[i]
			key := fmt.Sprintf("%s[%d]", prefix, i)
			checkName(key, f.Name, seen)
			key = fmt.Sprintf("%s (%s)", key, f.Name)
			if !f.Type.valid() {
				bad(key+".type", "unknown type %q (want text, amount, percent, count, date, indicator, score, number or heading)", f.Type)
			}
			if f.Unit != "" && f.Unit != "万元" && f.Unit != "元" {
				bad(key+".unit", "must be 万元 or 元, got %q", f.Unit)
			}
			switch {
			case f.Cell != "" && len(f.Label) > 0:
				bad(key, "give cell or label, not both")
			case f.Cell == "" && len(f.Label) == 0:
				bad(key, "needs cell or label")
			case f.Cell != "":
				if _, _, err := ParseCellName(f.Cell); err != nil {
					bad(key+".cell", "%v", err)
				}
			}
			if !f.Match.valid() {
				bad(key+".match", "must be exact, prefix or contains, got %q", f.Match)
			}
			switch f.Dir {
			case "", DirRight, DirBelow, DirSelf:
			default:
				bad(key+".dir", "must be right, below or self, got %q", f.Dir)
			}
			if len(f.Column) > 0 && len(f.Label) == 0 {
				bad(key+".column", "needs label")
			}
			if f.Pattern != "" {
				if re, err := regexp.Compile(f.Pattern); err != nil {
					bad(key+".pattern", "%v", err)
				} else if re.NumSubexp() < 1 {
					bad(key+".pattern", "needs a group ( ) around the value: %q", f.Pattern)
				}
			}
		}
	}
	checkTables := func(prefix string, ts []Table, seen map[string]string) {
		for i := range ts {
			tb := &ts[i]
			key := fmt.Sprintf("%s[%d]", prefix, i)
			checkName(key, tb.Name, seen)
			key = fmt.Sprintf("%s (%s)", key, tb.Name)
			if len(tb.Columns) == 0 {
				bad(key+".columns", "needs at least one column")
			}
			cols := map[string]string{}
			for j := range tb.Columns {
				c := &tb.Columns[j]
				ck := fmt.Sprintf("%s.columns[%d]", key, j)
				checkName(ck, c.Name, cols)
				if len(c.Header) == 0 {
					bad(ck+".header", "is required")
				}
				if !c.Type.valid() {
					bad(ck+".type", "unknown type %q", c.Type)
				}
				if !c.Match.valid() {
					bad(ck+".match", "must be exact, prefix or contains, got %q", c.Match)
				}
			}
			if tb.Key != "" {
				if _, ok := cols[tb.Key]; !ok {
					bad(key+".key", "names no column: %q", tb.Key)
				}
			}
		}
	}
	checkFields("fields", t.Fields, top)
	checkTables("tables", t.Tables, top)
	for i := range t.Blocks {
		b := &t.Blocks[i]
		key := fmt.Sprintf("blocks[%d]", i)
		checkName(key, b.Name, top)
		key = fmt.Sprintf("%s (%s)", key, b.Name)
		if len(b.Start) == 0 {
			bad(key+".start", "is required")
		}
		inner := map[string]string{}
		checkFields(key+".fields", b.Fields, inner)
		checkTables(key+".tables", b.Tables, inner)
	}
	fieldNames := map[string]bool{}
	for _, f := range t.Fields {
		fieldNames[f.Name] = true
	}
	idRef := func(key, name string) {
		if name != "" && !fieldNames[name] {
			bad(key, "names no top-level field: %q", name)
		}
	}
	for i, n := range t.Identity.Unit {
		idRef(fmt.Sprintf("identity.unit[%d]", i), n)
	}
	for i, n := range t.Identity.Year {
		idRef(fmt.Sprintf("identity.year[%d]", i), n)
	}
	idRef("identity.subject", t.Identity.Subject)
	idRef("identity.score", t.Identity.Score)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return t.Provision()
}

func (ty Type) valid() bool {
	switch ty {
	case "", TypeText, TypeAmount, TypePercent, TypeCount, TypeDate, TypeIndicator, TypeScore, TypeNumber, TypeHeading:
		return true
	}
	return false
}

func (m MatchMode) valid() bool {
	switch m {
	case "", MatchExact, MatchPrefix, MatchContains:
		return true
	}
	return false
}
