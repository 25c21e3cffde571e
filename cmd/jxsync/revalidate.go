package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
)

// revalidateOptions are the flags of `jxsync revalidate`.
type revalidateOptions struct {
	template string
	year     int
}

func newRevalidateCmd(g *globals) *cobra.Command {
	var o revalidateOptions
	cmd := &cobra.Command{
		Use:   "revalidate --template ID@VERSION [--year Y]",
		Short: "按新版模板规则重新校验库中填报 (check stored submissions against a template version's rules)",
		Long: "把每个填报的最新修订转到该版模板（同 regenerate，不写文件），读回后按该版规则校验，逐个单位列出不再满足的规则，\n" +
			"问题指向新版表格中的单元格。退出码：0 无错误（可有警告），1 有填报出现错误，2 用法错误或无法转换。\n" +
			"Carries the latest revision of every submission over to the version (as regenerate does, writing nothing),\n" +
			"reads the filled form back and checks it against the version's rules: per unit, what the stored data no longer\n" +
			"satisfies, at the cells of the new form. Exit 0: no error; 1: some submission has errors; 2: misuse or a failure.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRevalidate(cmd.Context(), g, o, args)
		},
	}
	cmd.Flags().StringVar(&o.template, "template", "", "模板 ID[@VERSION]（省略版本为最新版） (template version; default the latest)")
	cmd.Flags().IntVar(&o.year, "year", 0, "只校验该年度 (only this year)")
	cmd.MarkFlagRequired("template")
	return cmd
}

// runRevalidate prints, per stored submission, the findings of its data
// under the version's rules and the values the version has no place for.
func runRevalidate(ctx context.Context, g *globals, o revalidateOptions, _ []string) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	results, err := svc.Revalidate(ctx, o.template, o.year)
	if errors.Is(err, mapping.ErrNoTemplate) {
		return templateError(svc, o.template, err)
	}
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	if len(results) == 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("revalidate: 库中没有匹配的填报 (no stored submission of %s%s)", o.template, filterText(o.year, nil))}
	}
	withErrors, withWarnings, failed := 0, 0, 0
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(g.stderr, "jxsync: %v\n", r.Err)
			failed++
			continue
		}
		rep := *r.Report
		rep.File = fmt.Sprintf("%s %d，修订 %d (revision) %s@%s →", r.Unit, r.Year, r.Revision.ID, r.Template, r.From)
		if r.Subject != "" {
			rep.File = fmt.Sprintf("%s %d %s，修订 %d (revision) %s@%s →", r.Unit, r.Year, r.Subject, r.Revision.ID, r.Template, r.From)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(g.stdout, "%s %s@%s: ! 未带入 (not carried): %s\n", r.Unit, r.Template, r.To, n)
		}
		printReport(g.stdout, &rep, 1)
		switch {
		case rep.Errors > 0:
			withErrors++
		case rep.Warnings > 0:
			withWarnings++
		}
	}
	passed := len(results) - withErrors - withWarnings - failed
	fmt.Fprintf(g.stdout, "共 %d 个填报：%d 个有错误，%d 个仅有警告，%d 个通过，%d 个无法转换 (submissions %d: %d with errors, %d with warnings only, %d passed, %d failed)\n",
		len(results), withErrors, withWarnings, passed, failed, len(results), withErrors, withWarnings, passed, failed)
	switch {
	case failed > 0:
		return &exitError{code: exitFailure, err: fmt.Errorf("revalidate: %d 个无法转换 (%d failed)", failed, failed)}
	case withErrors > 0:
		return &exitError{code: exitFindings}
	}
	return nil
}
