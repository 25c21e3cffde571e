package sync

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// BlankOptions say whose blank form Blank prepares.
type BlankOptions struct {
	// Unit and Year are written into the form's identity fields.
	Unit string
	Year int
	// LastYear carries the plan of the unit's stored submission of the year
	// before: goals, indicator rows, targets and weights, with the outcome
	// columns left empty. Subject picks the submission when the unit has
	// several (projects).
	LastYear bool
	Subject  string
}

// Blank is a blank form prepared for a unit and year.
type Blank struct {
	// Data is the workbook.
	Data []byte
	// Result is what was filled in.
	Result *mapping.Result
	// From is the revision whose plan was carried (nil without LastYear).
	From *store.Revision
}

// ErrSeveralSubmissions is wrapped by Blank when the unit has several
// submissions of the year before and no subject chooses one.
var ErrSeveralSubmissions = errors.New("several submissions")

// outcomeColumns are the table columns that report a year's outcome, left
// empty when last year's rows are carried into a new form.
var outcomeColumns = map[string]bool{"actual": true, "score": true, "deviation": true}

// Blank lays out t's form with o.Unit and o.Year filled in (and, with
// o.LastYear, last year's plan), marked with its template, version, unit
// and year, and checks that it reads back as that unit and year. Without a
// submission of the year before the error wraps store.ErrNotFound; with
// several and no subject, ErrSeveralSubmissions.
func (s *Service) Blank(ctx context.Context, t *mapping.Template, o BlankOptions) (*Blank, error) {
	o.Unit = strings.TrimSpace(o.Unit)
	if o.Unit == "" || o.Year < 1900 || o.Year >= 3000 {
		return nil, fmt.Errorf("blank %s@%s: 需要单位名称和年度 (unit and year required, got %q %d)", t.ID, t.Version, o.Unit, o.Year)
	}
	if s.Exporter == nil {
		return nil, fmt.Errorf("blank %s@%s: no exporter configured", t.ID, t.Version)
	}
	res := &mapping.Result{Template: t.ID, Version: t.Version, Sheet: t.Sheet,
		Fields: map[string]mapping.Value{}, Tables: map[string][]mapping.Row{}, Blocks: map[string][]mapping.BlockResult{}}
	b := &Blank{Result: res}
	if o.LastYear {
		var err error
		if b.From, err = s.carryLastYear(ctx, t, o, res); err != nil {
			return nil, err
		}
	}
	if err := prefillIdentity(t, res, o.Unit, o.Year); err != nil {
		return nil, err
	}
	props := map[string]string{mapping.PropTemplate: t.ID, mapping.PropVersion: t.Version,
		mapping.PropUnit: o.Unit, mapping.PropYear: strconv.Itoa(o.Year)}
	out, err := s.Exporter.Export(t, res, props)
	if err != nil {
		return nil, fmt.Errorf("blank %s@%s: %w", t.ID, t.Version, err)
	}
	// What the form reads back as must be the unit and year asked for.
	back, err := s.Extract(t.ID+".xlsx", out, t.ID+"@"+t.Version)
	if err != nil {
		return nil, fmt.Errorf("blank %s@%s: read back: %w", t.ID, t.Version, err)
	}
	if u, y, _ := t.Who(back); u != o.Unit || y != o.Year {
		return nil, fmt.Errorf("blank %s@%s: 表格读回为 %q %d，无法预填单位和年度 (the form reads back as %q %d)",
			t.ID, t.Version, u, y, u, y)
	}
	b.Data = out
	return b, nil
}

// carryLastYear fills res with the plan of the unit's stored submission of
// the year before: block fields (the 年度目标) and table rows without their
// outcome columns. Top-level fields (amounts, totals) are a year's own and
// are not carried.
func (s *Service) carryLastYear(ctx context.Context, t *mapping.Template, o BlankOptions, res *mapping.Result) (*store.Revision, error) {
	if s.Records == nil {
		return nil, fmt.Errorf("blank %s@%s: last year: no store configured", t.ID, t.Version)
	}
	latest, err := s.Records.Latest(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("blank %s@%s: last year: %w", t.ID, t.Version, err)
	}
	var cands []*store.Revision
	for _, r := range latest {
		if SameUnit(r.Unit, o.Unit) && r.Year == o.Year-1 && (o.Subject == "" || r.Subject == o.Subject) {
			cands = append(cands, r)
		}
	}
	switch {
	case len(cands) == 0:
		return nil, fmt.Errorf("blank %s@%s: 库中没有 %s %d 年度的填报 (no stored submission of %s for %d): %w",
			t.ID, t.Version, o.Unit, o.Year-1, o.Unit, o.Year-1, store.ErrNotFound)
	case len(cands) > 1:
		var subs []string
		for _, c := range cands {
			subs = append(subs, c.Subject)
		}
		return nil, fmt.Errorf("blank %s@%s: %s %d 年度有多个填报，请选择项目：%s (%w; choose a subject)",
			t.ID, t.Version, o.Unit, o.Year-1, strings.Join(subs, "、"), ErrSeveralSubmissions)
	}
	rev := cands[0]
	data, err := s.Records.Data(ctx, rev.ID)
	if err != nil {
		return nil, fmt.Errorf("blank %s@%s: revision %d: %w", t.ID, t.Version, rev.ID, err)
	}
	up, _, err := Upgrade(s.Templates, data, t)
	if err != nil {
		return nil, fmt.Errorf("blank %s@%s: revision %d: %w", t.ID, t.Version, rev.ID, err)
	}
	plan := func(rows []mapping.Row) []mapping.Row {
		out := make([]mapping.Row, 0, len(rows))
		for _, r := range rows {
			nr := mapping.NewRow(r.Row, map[string]mapping.Value{})
			for k, v := range r.All() {
				if !outcomeColumns[k] {
					nr.Set(k, v)
				}
			}
			out = append(out, nr)
		}
		return out
	}
	for name, rows := range up.Tables {
		res.Tables[name] = plan(rows)
	}
	for name, insts := range up.Blocks {
		for _, b := range insts {
			nb := mapping.BlockResult{Row: b.Row, Fields: b.Fields, Tables: map[string][]mapping.Row{}}
			for tn, rows := range b.Tables {
				nb.Tables[tn] = plan(rows)
			}
			res.Blocks[name] = append(res.Blocks[name], nb)
		}
	}
	if t.Identity.Subject != "" && rev.Subject != "" {
		res.Fields[t.Identity.Subject] = textValue(rev.Subject)
	}
	return rev, nil
}

// prefillIdentity writes the unit into every field Identity.Unit names and
// the year into every numeric field Identity.Year names; a form whose year
// is read out of its title (a year field with the title field's label) gets
// the title "<year>年度<unit><form title>".
func prefillIdentity(t *mapping.Template, res *mapping.Result, unit string, year int) error {
	fields := map[string]*mapping.Field{}
	for i := range t.Fields {
		fields[t.Fields[i].Name] = &t.Fields[i]
	}
	for _, name := range t.Identity.Unit {
		res.Fields[name] = textValue(unit)
	}
	titled := false
	for _, name := range t.Identity.Year {
		f := fields[name]
		if f == nil || f.Type != mapping.TypeNumber {
			continue
		}
		if title := fields["title"]; title != nil && f.Pattern != "" && strings.Join(f.Label, "|") == strings.Join(title.Label, "|") {
			res.Fields["title"] = textValue(fmt.Sprintf("%d年度%s%s", year, unit, t.Title))
			titled = true
			continue
		}
		res.Fields[name] = textValue(strconv.Itoa(year))
		titled = true
	}
	if !titled {
		return fmt.Errorf("blank %s@%s: 没有可预填的年度字段 (no year field to fill)", t.ID, t.Version)
	}
	return nil
}

func textValue(s string) mapping.Value {
	return mapping.Value{Type: mapping.TypeText, Raw: s, Text: s}
}
