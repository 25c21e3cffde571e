package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

// extractOptions are the flags of `jxsync extract`.
type extractOptions struct {
	template string
	sheet    string
	json     bool
}

func newExtractCmd(g *globals) *cobra.Command {
	var o extractOptions
	cmd := &cobra.Command{
		Use:   "extract FILE...",
		Short: "读取工作簿中的字段与表格 (print the typed fields and tables of workbooks)",
		Args:  argsN(1, -1, "要读取的工作簿文件，如 jxsync extract 自评表.xlsx (workbook files)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExtract(cmd.Context(), g, o, args)
		},
	}
	cmd.Flags().StringVar(&o.template, "template", "", "指定模板 ID[@VERSION] (force a template instead of detecting it)")
	cmd.Flags().StringVar(&o.sheet, "sheet", "", "只读取此工作表 (read only the sheet of that name)")
	cmd.Flags().BoolVar(&o.json, "json", false, "以JSON输出 (print JSON: one object for a workbook with one form, else a list with one object per form)")
	return cmd
}

// runExtract extracts each file. Files that cannot be read or recognised are
// reported on stderr and make the exit code 2; the others are still printed.
func runExtract(_ context.Context, g *globals, o extractOptions, files []string) error {
	svc, reg, err := g.service()
	if err != nil {
		return err
	}
	var results []*mapping.Result
	failed := 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(g.stderr, "jxsync: %s: 无法读取文件 (cannot read file): %v\n", name, err)
			failed++
			continue
		}
		forms, err := svc.ExtractForms(name, data, sync.ReadOptions{Template: o.template, Sheet: o.sheet})
		if err != nil {
			if errors.Is(err, mapping.ErrNoTemplate) {
				err = fmt.Errorf("%s: %w", name, templateError(svc, o.template, err))
			}
			fmt.Fprintf(g.stderr, "jxsync: %v\n", err)
			failed++
			continue
		}
		if o.json {
			results = append(results, forms...)
			continue
		}
		for _, res := range forms {
			t, _ := mapping.Find(reg.Templates, res.Template+"@"+res.Version)
			printResult(g.stdout, t, res)
		}
	}
	if o.json && len(results) > 0 {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		var v any = results
		if len(results) == 1 {
			v = results[0]
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	if failed > 0 {
		return &exitError{code: exitFailure, err: errors.New(fmt.Sprintf("%d 个文件无法读取 (%d file(s) could not be read)", failed, failed))}
	}
	return nil
}
