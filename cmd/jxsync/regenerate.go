package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
)

// regenerateOptions are the flags of `jxsync regenerate`.
type regenerateOptions struct {
	template string
	year     int
	units    []string
	out      string
}

func newRegenerateCmd(g *globals) *cobra.Command {
	var o regenerateOptions
	cmd := &cobra.Command{
		Use:   "regenerate --template ID@VERSION [--year Y] [--unit U ...] -o DIR",
		Short: "把库中填报转到新版模板，逐个写出工作簿 (carry stored submissions over to a template version, one workbook each)",
		Long: "取每个填报的最新修订，按新版 mapping.yaml 的 upgrade 一节转换数据（同名带入、改名、默认值），填入新版模板，\n" +
			"写出 DIR/<单位>-<年度>-<模板>-<版本>.xlsx（已有同名文件时加 -2、-3…，从不覆盖）。新版没有位置的数据逐条列出。\n" +
			"工作簿带有原填报的标识，填好后再导入即记为同一填报的新修订。\n" +
			"Takes the latest revision of every submission of the template (limited to --year and --unit), carries its data\n" +
			"over to the version by its mapping's upgrade section, and writes the filled form into DIR (never over a file).\n" +
			"Values the new version has no place for are listed. The workbooks carry the submission's identity: uploaded\n" +
			"again, each is a new revision of its submission.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRegenerate(cmd.Context(), g, o, args)
		},
	}
	cmd.Flags().StringVar(&o.template, "template", "", "目标模板 ID[@VERSION]（省略版本为最新版） (target template version; default the latest)")
	cmd.Flags().IntVar(&o.year, "year", 0, "只转该年度 (only this year)")
	cmd.Flags().StringArrayVar(&o.units, "unit", nil, "只转该单位，可多次给出 (only this unit; repeatable)")
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "输出目录 (output folder)")
	cmd.MarkFlagRequired("template")
	cmd.MarkFlagRequired("output")
	return cmd
}

// runRegenerate writes one workbook per matching submission into o.out and
// prints what was written, the values not carried and a summary. A
// submission that could not be regenerated is reported and makes the exit
// code 2; so does a filter that matches nothing.
func runRegenerate(ctx context.Context, g *globals, o regenerateOptions, _ []string) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	results, err := svc.Regenerate(ctx, o.template, o.year, o.units, nil)
	if errors.Is(err, mapping.ErrNoTemplate) {
		return templateError(svc, o.template, err)
	}
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	if len(results) == 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("regenerate: 库中没有匹配的填报 (no stored submission of %s%s)", o.template, filterText(o.year, o.units))}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("regenerate: %w", err)}
	}
	written, failed, notes := 0, 0, 0
	seen := map[string]bool{}
	for _, r := range results {
		seen[r.Unit] = true
		if r.Err != nil {
			fmt.Fprintf(g.stderr, "jxsync: %v\n", r.Err)
			failed++
			continue
		}
		path, err := writeUnique(o.out, r.FileName(), r.Data)
		if err != nil {
			fmt.Fprintf(g.stderr, "jxsync: %s %d: %v\n", r.Unit, r.Year, err)
			failed++
			continue
		}
		written++
		fmt.Fprintf(g.stdout, "%s: %s %d，修订 %d (revision) %s@%s → %s\n", path, r.Unit, r.Year, r.Revision.ID, r.Template, r.From, r.To)
		for _, n := range r.Notes {
			fmt.Fprintf(g.stdout, "  ! 未带入 (not carried): %s\n", n)
		}
		notes += len(r.Notes)
	}
	missing := 0
	for _, u := range o.units {
		if !seen[strings.TrimSpace(u)] {
			fmt.Fprintf(g.stderr, "jxsync: %s: 库中没有该单位的填报 (no stored submission of this unit)\n", u)
			missing++
		}
	}
	fmt.Fprintf(g.stdout, "共 %d 个填报：写出 %d 个工作簿，失败 %d 个；%d 项数据未带入 (submissions %d: %d written, %d failed, %d values not carried)\n",
		len(results), written, failed, notes, len(results), written, failed, notes)
	switch {
	case failed > 0:
		return &exitError{code: exitFailure, err: fmt.Errorf("regenerate: %d 个失败 (%d failed)", failed, failed)}
	case missing > 0:
		return &exitError{code: exitFailure, err: fmt.Errorf("regenerate: %d 个单位没有填报 (%d unit(s) not found)", missing, missing)}
	}
	return nil
}

// filterText describes the --year and --unit filters for a message.
func filterText(year int, units []string) string {
	var parts []string
	if year != 0 {
		parts = append(parts, fmt.Sprint(year))
	}
	parts = append(parts, units...)
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// writeUnique writes b to dir/name, or, when that file exists, to
// dir/<name>-2.xlsx, -3 …: it never overwrites a file. It returns the path
// written.
func writeUnique(dir, name string, b []byte) (string, error) {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		p := filepath.Join(dir, name)
		if i > 1 {
			p = filepath.Join(dir, fmt.Sprintf("%s-%d%s", base, i, ext))
		}
		err := writeNew(p, b)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("write %s: too many files of that name", filepath.Join(dir, name))
}
