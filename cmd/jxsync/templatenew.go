package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// templateNewOptions are the flags of `jxsync template new`.
type templateNewOptions struct {
	template, unit, subject, out string
	year                         int
	lastYear                     bool
}

func newTemplateCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "template",
		Short: "为单位准备空白表 (prepare a form for a unit)",
	}
	var o templateNewOptions
	nw := &cobra.Command{
		Use:   "new --template ID[@VERSION] --unit U --year Y [--last-year] -o FILE",
		Short: "写出已填单位名称和年度的空白表 (write the blank form with the unit's name and year filled in)",
		Long: "写出该版模板的空白表，已填好单位名称和年度。加 --last-year 时再带入该单位上一年度（库中最新修订）的年度目标、\n" +
			"指标行、目标值和分值（按需转为该版），实际完成值、得分和偏差原因留空。不覆盖已有文件。\n" +
			"省略版本时取不晚于该年度的最新版，与网页平台相同。\n" +
			"Writes the version's blank form with the unit's name and the year filled in (without @VERSION, the newest version\n" +
			"not after the year, as the portal does). With --last-year, also last\n" +
			"year's goals, indicator rows, targets and weights from the unit's stored submission of year-1 (carried over\n" +
			"to the version when older), with actuals, scores and reasons left empty. Never writes over a file.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTemplateNew(cmd.Context(), g, o, args)
		},
	}
	nw.Flags().StringVar(&o.template, "template", "", "模板 ID[@VERSION]；省略版本时取不晚于 --year 的最新版 (template; without a version, the newest not after the year)")
	nw.Flags().StringVar(&o.unit, "unit", "", "单位名称 (unit)")
	nw.Flags().IntVar(&o.year, "year", 0, "年度 (year)")
	nw.Flags().BoolVar(&o.lastYear, "last-year", false, "带入上一年度的指标和目标值 (carry last year's indicators and targets)")
	nw.Flags().StringVar(&o.subject, "subject", "", "上一年度有多个项目时，取该项目 (with --last-year: the project, when the unit has several)")
	nw.Flags().StringVarP(&o.out, "output", "o", "", "输出文件 (output file)")
	for _, f := range []string{"template", "unit", "year", "output"} {
		nw.MarkFlagRequired(f)
	}
	cmd.AddCommand(nw)
	return cmd
}

// versionForYear picks the template version a form of year is filled on,
// as the portal does: ref's version when it names one (ID@VERSION), else
// the newest version not after the year (a version is a year), else the
// oldest.
func versionForYear(ts []*mapping.Template, ref string, year int) (*mapping.Template, error) {
	if strings.Contains(ref, "@") {
		return mapping.Find(ts, ref)
	}
	var pick, oldest *mapping.Template
	for _, t := range ts {
		if t.ID != ref {
			continue
		}
		if oldest == nil || t.Version < oldest.Version {
			oldest = t
		}
		v, err := strconv.Atoi(t.Version)
		if (err != nil || v <= year) && (pick == nil || t.Version > pick.Version) {
			pick = t
		}
	}
	if pick == nil {
		pick = oldest
	}
	if pick == nil {
		return nil, fmt.Errorf("%w: %q", mapping.ErrNoTemplate, ref)
	}
	return pick, nil
}

// outcomeColumns are the table columns that report a year's outcome, left
// empty when last year's rows are carried into a new form.
var outcomeColumns = map[string]bool{"actual": true, "score": true, "deviation": true}

// runTemplateNew writes the blank form of o.template for o.unit and o.year.
func runTemplateNew(ctx context.Context, g *globals, o templateNewOptions, _ []string) error {
	o.unit = strings.TrimSpace(o.unit)
	if o.unit == "" || o.year < 1900 || o.year >= 3000 {
		return usageError(g.cmd, "请给出 --unit 单位名称和 --year 年度，如 --year 2024 (give --unit and a --year such as 2024)")
	}
	var (
		svc         *sync.Service
		closeStores = func() {}
		err         error
	)
	if o.lastYear {
		svc, _, closeStores, err = g.storedService(ctx)
	} else {
		svc, _, err = g.service()
	}
	if err != nil {
		return err
	}
	defer closeStores()
	t, err := versionForYear(svc.Templates, o.template, o.year)
	if err != nil {
		return templateError(svc, o.template, err)
	}
	res := &mapping.Result{Template: t.ID, Version: t.Version, Sheet: t.Sheet,
		Fields: map[string]mapping.Value{}, Tables: map[string][]mapping.Row{}, Blocks: map[string][]mapping.BlockResult{}}
	var from *store.Revision
	if o.lastYear {
		if from, err = carryLastYear(ctx, svc, t, o, res); err != nil {
			return err
		}
	}
	if err := prefillIdentity(t, res, o.unit, o.year); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	props := map[string]string{mapping.PropTemplate: t.ID, mapping.PropVersion: t.Version,
		mapping.PropUnit: o.unit, mapping.PropYear: strconv.Itoa(o.year)}
	out, err := svc.Exporter.Export(t, res, props)
	if err != nil {
		return err
	}
	// What the form reads back as must be the unit and year asked for.
	back, err := svc.Extract(filepath.Base(o.out), out, t.ID+"@"+t.Version)
	if err != nil {
		return err
	}
	if u, y, _ := t.Who(back); u != o.unit || y != o.year {
		return &exitError{code: exitFailure, err: fmt.Errorf("template new: %s@%s 的表格读回为 %q %d，无法预填单位和年度 (the form reads back as %q %d)",
			t.ID, t.Version, u, y, u, y)}
	}
	if err := writeNew(o.out, out); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	fmt.Fprintf(g.stdout, "%s: %s@%s %s，%s %d\n", o.out, t.ID, t.Version, t.Title, o.unit, o.year)
	if from != nil {
		goals, rows := 0, 0
		for _, rs := range res.Tables {
			rows += len(rs)
		}
		for _, insts := range res.Blocks {
			goals += len(insts)
			for _, b := range insts {
				for _, rs := range b.Tables {
					rows += len(rs)
				}
			}
		}
		fmt.Fprintf(g.stdout, "  带入 %d 年度（修订 %d，%s@%s）的 %d 个年度目标、%d 行指标，实际完成值已清空 (carried %d goals and %d indicator rows of %d, revision %d; actuals emptied)\n",
			from.Year, from.ID, from.TemplateID, from.TemplateVersion, goals, rows, goals, rows, from.Year, from.ID)
	}
	return nil
}

// carryLastYear fills res with the plan of the unit's stored submission of
// the year before: block fields (the 年度目标) and table rows without their
// outcome columns. Top-level fields (amounts, totals) are a year's own and
// are not carried.
func carryLastYear(ctx context.Context, svc *sync.Service, t *mapping.Template, o templateNewOptions, res *mapping.Result) (*store.Revision, error) {
	latest, err := svc.Records.Latest(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	var cands []*store.Revision
	for _, r := range latest {
		if r.Unit == o.unit && r.Year == o.year-1 && (o.subject == "" || r.Subject == o.subject) {
			cands = append(cands, r)
		}
	}
	switch {
	case len(cands) == 0:
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("template new: 库中没有 %s %d 年度的 %s 填报 (no stored submission of %s for %d): %w",
			o.unit, o.year-1, t.ID, o.unit, o.year-1, store.ErrNotFound)}
	case len(cands) > 1:
		var subs []string
		for _, c := range cands {
			subs = append(subs, c.Subject)
		}
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("template new: %s %d 年度有多个填报，请用 --subject 选择：%s (several submissions; choose one with --subject)",
			o.unit, o.year-1, strings.Join(subs, "、"))}
	}
	rev := cands[0]
	data, err := svc.Records.Data(ctx, rev.ID)
	if err != nil {
		return nil, fmt.Errorf("template new: revision %d: %w", rev.ID, err)
	}
	up, _, err := sync.Upgrade(svc.Templates, data, t)
	if err != nil {
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("template new: revision %d: %w", rev.ID, err)}
	}
	plan := func(rows []mapping.Row) []mapping.Row {
		out := make([]mapping.Row, 0, len(rows))
		for _, r := range rows {
			nr := mapping.Row{Row: r.Row, Values: map[string]mapping.Value{}}
			for k, v := range r.Values {
				if !outcomeColumns[k] {
					nr.Values[k] = v
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
		return fmt.Errorf("template new: %s@%s 没有可预填的年度字段 (no year field to fill)", t.ID, t.Version)
	}
	return nil
}

func textValue(s string) mapping.Value {
	return mapping.Value{Type: mapping.TypeText, Raw: s, Text: s}
}
