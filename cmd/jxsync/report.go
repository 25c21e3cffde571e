package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

// reportOptions are the flags of `jxsync report`.
type reportOptions struct {
	template, units, out, grades, under string
	year                                int
}

func newReportCmd(g *globals) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report --template ID --year Y [--units FILE] [--under CODE] -o FILE",
		Short: "生成某模板某年度的汇总工作簿 (write a summary workbook of a template's submissions for a year)",
		Long: "按模板和年度汇总各单位最新修订：单位汇总、指标明细、得分分布（含图表）和未提交单位。\n" +
			"应提交单位取自 --units 文件（每行一个单位名称，# 开头为注释），未给出时取该模板该年度的自评任务，\n" +
			"没有任务时取上一年度提交过该表的单位。导入单位名册后按主管部门逐级汇总（部门汇总表），--under 只汇总一个部门。\n" +
			"Summarises the latest revision of every submission of a template for a year. Expected units come\n" +
			"from --units (one name a line), or else from the tasks of the template and year, or else are the units\n" +
			"that submitted the year before. With a unit registry the totals roll up per department; --under limits\n" +
			"the report to one department.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), g, o)
		},
	}
	cmd.Flags().StringVar(&o.template, "template", "", "模板ID (template id)")
	cmd.Flags().IntVar(&o.year, "year", 0, "年度 (year)")
	cmd.Flags().StringVar(&o.units, "units", "", "应提交单位名单，每行一个 (expected units, one a line)")
	cmd.Flags().StringVar(&o.under, "under", "", "只汇总该主管部门及其下单位 (only this department and the units below it)")
	cmd.Flags().StringVar(&o.grades, "grades", "", "等级分数线 优,良,中 (grade cut-offs, default 90,80,60 or the template's)")
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "输出文件，不得已存在 (output file; must not exist)")
	cmd.MarkFlagRequired("template")
	cmd.MarkFlagRequired("year")
	cmd.MarkFlagRequired("output")
	return cmd
}

// runReport writes the summary workbook of a template and year.
func runReport(ctx context.Context, g *globals, o reportOptions) error {
	usage := func(format string, a ...any) error {
		return &exitError{code: exitFailure, err: fmt.Errorf("report: "+format, a...)}
	}
	if o.template == "" || o.year <= 0 || o.out == "" {
		return usageError(g.cmd, "请给出 --template、--year（如 2024）和 -o (give --template, --year and -o output)")
	}
	if _, err := os.Lstat(o.out); err == nil {
		return usage("文件 %s 已存在，不覆盖 (already exists; not overwritten)", o.out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return usage("%w", err)
	}
	var grades *sync.GradeScale
	if o.grades != "" {
		gs, err := parseGrades(o.grades)
		if err != nil {
			return usage("--grades: %w", err)
		}
		grades = &gs
	}
	var expected []string
	if o.units != "" {
		var err error
		if expected, err = readUnits(o.units); err != nil {
			return usage("%w", err)
		}
	}
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	for i, u := range expected {
		if expected[i], err = unitArg(ctx, g, svc, u); err != nil {
			return err
		}
	}
	sum, err := svc.SummaryUnder(ctx, o.template, o.year, expected, o.under)
	if err != nil {
		if errors.Is(err, mapping.ErrNoTemplate) {
			return templateError(svc, o.template, err)
		}
		return &exitError{code: exitFailure, err: err}
	}
	if len(sum.Units) == 0 && len(sum.Missing) == 0 {
		scope := ""
		if sum.Under != "" {
			scope = fmt.Sprintf("%s（%s）之下", sum.UnderName, sum.Under)
		}
		return &exitError{code: exitFailure, err: fmt.Errorf("report: 库中没有%s %s %d 年度的任何提交，未写出 %s (no submissions of %s for %d; nothing written)",
			scope, sum.Template, o.year, o.out, sum.Template, o.year)}
	}
	if o.units != "" {
		sum.ExpectedFrom = "单位名单 " + filepath.Base(o.units)
	}
	if grades != nil {
		if err := sum.Regrade(*grades); err != nil {
			return usage("--grades: %w", err)
		}
	}
	out, err := svc.Report(sum)
	if err != nil {
		return err
	}
	if err := writeNew(o.out, out); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	units := map[string]bool{}
	for _, u := range sum.Units {
		units[u.Unit] = true
	}
	fmt.Fprintf(g.stdout, "%s: %s %d，%d 份自评表 (submissions)，%d 个单位 (units)，%d 条指标 (indicators)，未提交 %d 个单位 (missing)\n",
		filepath.Base(o.out), sum.Template, sum.Year, len(sum.Units), len(units), len(sum.Indicators), len(sum.Missing))
	for _, m := range sum.Missing {
		fmt.Fprintf(g.stdout, "未提交 missing  %s\n", m)
	}
	printRollup(g, sum)
	return nil
}

// printRollup prints the totals per department and the whole.
func printRollup(g *globals, sum *sync.Summary) {
	rows := [][]string{
		{"主管部门", "份数", "预算数（万元）", "执行数（万元）", "执行率（%）", "平均总分", "未提交", "有错误", "已提交", "部门通过", "部门退回", "财政通过", "财政退回"},
		{"department", "forms", "budget", "spent", "rate", "score", "missing", "errors", "submitted", "dept_accepted", "dept_returned", "accepted", "returned"},
	}
	line := func(name string, r sync.Rollup) []string {
		return []string{name, fmt.Sprint(r.Forms), numText(r.Budget), numText(r.Spent), numText(r.Rate), numText(r.Score),
			fmt.Sprint(r.States[sync.StateMissing]), fmt.Sprint(r.States[sync.StateErrors]), fmt.Sprint(r.States[sync.StateSubmitted]),
			fmt.Sprint(r.States[sync.StateDeptAccepted]), fmt.Sprint(r.States[sync.StateDeptReturned]),
			fmt.Sprint(r.States[sync.StateAccepted]), fmt.Sprint(r.States[sync.StateReturned])}
	}
	for _, d := range sum.Departments {
		name := d.Name
		if d.Code != "" {
			name += "（" + d.Code + "）"
		}
		rows = append(rows, line(name, d))
	}
	rows = append(rows, line("合计 total", sum.Total))
	printColumns(g.stdout, rows)
}

// numText is a number for a table, "-" for none.
func numText(x *float64) string {
	if x == nil {
		return "-"
	}
	return mapping.FormatNumber(*x)
}

// parseGrades reads cut-offs written "90,80,60".
func parseGrades(s string) (sync.GradeScale, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '/' || r == ' ' })
	if len(parts) != 3 {
		return sync.GradeScale{}, fmt.Errorf("want three cut-offs 优,良,中 such as 90,80,60, got %q", s)
	}
	var x [3]float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return sync.GradeScale{}, fmt.Errorf("cut-off %q is not a number", p)
		}
		x[i] = v
	}
	g := sync.GradeScale{Excellent: x[0], Good: x[1], Pass: x[2]}
	return g, g.Validate()
}

// readUnits reads a units list: one name a line, blank lines and lines
// starting with # skipped. The file may be UTF-8 (with or without BOM) or
// GBK, as Windows editors save it.
func readUnits(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("units list: %w", err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
			return nil, fmt.Errorf("units list %s: neither UTF-8 nor GBK: %w", path, err)
		}
	}
	units := []string{} // not nil: an empty list expects no unit
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		units = append(units, line)
	}
	return units, nil
}
