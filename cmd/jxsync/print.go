package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// printResult writes an extraction in the order of the template's mapping.
func printResult(w io.Writer, t *mapping.Template, r *mapping.Result) {
	fmt.Fprintf(w, "%s — %s@%s %s (sheet %s)\n", r.File, r.Template, r.Version, t.Title, r.Sheet)
	printFields(w, "  ", t.Fields, r.Fields)
	printTables(w, "  ", t.Tables, r.Tables)
	for _, b := range t.Blocks {
		for i, inst := range r.Blocks[b.Name] {
			fmt.Fprintf(w, "  %s[%d] (row %d)\n", b.Title, i+1, inst.Row)
			printFields(w, "    ", b.Fields, inst.Fields)
			printTables(w, "    ", b.Tables, inst.Tables)
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  ! %s %s %s %s\n", p.Cell, p.Code, p.Path, p.Message)
	}
	fmt.Fprintln(w)
}

func printFields(w io.Writer, indent string, fs []mapping.Field, vals map[string]mapping.Value) {
	for _, f := range fs {
		v, ok := vals[f.Name]
		if !ok {
			fmt.Fprintf(w, "%s%s (%s): — 未找到 (not found)\n", indent, f.Title, f.Name)
			continue
		}
		fmt.Fprintf(w, "%s%s (%s) %s: %s\n", indent, f.Title, f.Name, v.Cell, show(v))
	}
}

func printTables(w io.Writer, indent string, ts []mapping.Table, tables map[string][]mapping.Row) {
	for _, tb := range ts {
		rows := tables[tb.Name]
		fmt.Fprintf(w, "%s%s (%s): %d 行 (rows)\n", indent, tb.Title, tb.Name, len(rows))
		for _, row := range rows {
			var parts []string
			for _, c := range tb.Columns {
				if v, ok := row.Lookup(c.Name); ok {
					parts = append(parts, c.Title+"="+show(v))
				}
			}
			fmt.Fprintf(w, "%s  %d: %s\n", indent, row.Row, strings.Join(parts, " | "))
		}
	}
}

// show renders a value for people: the normalised form, or the raw text
// with the reason it could not be read.
func show(v mapping.Value) string {
	if v.Error != "" {
		return fmt.Sprintf("%q ✗ %s", v.Raw, v.Error)
	}
	if v.Empty() {
		return "(空 empty)"
	}
	num := func() string {
		if v.Number == nil {
			return ""
		}
		return mapping.FormatNumber(*v.Number)
	}
	switch v.Type {
	case mapping.TypeAmount:
		return num() + " " + v.Unit
	case mapping.TypePercent:
		return num() + "%"
	case mapping.TypeCount:
		return num() + v.Unit
	case mapping.TypeHeading:
		if v.Weight != nil {
			return fmt.Sprintf("%s (%s分)", v.Text, mapping.FormatNumber(*v.Weight))
		}
		return v.Text
	case mapping.TypeIndicator:
		if v.Qualitative {
			if v.Tier != "" {
				return fmt.Sprintf("%s [定性 %s]", v.Text, v.Tier)
			}
			return v.Text + " [定性]"
		}
		s := strings.TrimSpace(v.Op + num() + v.Unit)
		if v.Text != "" {
			s += " " + v.Text
		}
		return s
	case mapping.TypeScore, mapping.TypeNumber:
		return num()
	default:
		t := strings.ReplaceAll(v.Text, "\n", " ")
		if r := []rune(t); len(r) > 60 {
			t = string(r[:60]) + "…"
		}
		return t
	}
}
