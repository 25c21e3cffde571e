package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
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

// runTemplateNew writes the blank form of o.template for o.unit and o.year
// (sync.Service.Blank).
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
	if o.unit, err = unitArg(ctx, g, svc, o.unit); err != nil {
		return err
	}
	t, err := versionForYear(svc.Templates, o.template, o.year)
	if err != nil {
		return templateError(svc, o.template, err)
	}
	b, err := svc.Blank(ctx, t, sync.BlankOptions{Unit: o.unit, Year: o.year, LastYear: o.lastYear, Subject: o.subject})
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("template new: %w", err)}
	}
	if err := writeNew(o.out, b.Data); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	fmt.Fprintf(g.stdout, "%s: %s@%s %s，%s %d\n", o.out, t.ID, t.Version, t.Title, o.unit, o.year)
	if from := b.From; from != nil {
		goals, rows := 0, 0
		for _, rs := range b.Result.Tables {
			rows += len(rs)
		}
		for _, insts := range b.Result.Blocks {
			goals += len(insts)
			for _, bl := range insts {
				for _, rs := range bl.Tables {
					rows += len(rs)
				}
			}
		}
		fmt.Fprintf(g.stdout, "  带入 %d 年度（修订 %d，%s@%s）的 %d 个年度目标、%d 行指标，实际完成值已清空 (carried %d goals and %d indicator rows of %d, revision %d; actuals emptied)\n",
			from.Year, from.ID, from.TemplateID, from.TemplateVersion, goals, rows, goals, rows, from.Year, from.ID)
	}
	return nil
}
