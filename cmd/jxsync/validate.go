package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

// validateOptions are the flags of `jxsync validate`.
type validateOptions struct {
	template string
	sheet    string
	json     bool
	annotate string
}

func newValidateCmd(g *globals) *cobra.Command {
	var o validateOptions
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "按模板规则校验工作簿 (check workbooks against their template's rules)",
		Long: "校验每个工作簿，逐条列出问题所在的单元格。退出码：0 无错误（可有警告），1 有错误，2 文件无法读取或用法错误。\n" +
			"Checks each workbook and lists every finding at its cell. Exit 0: no error (warnings allowed); 1: a file has errors; 2: a file could not be read, or misuse.",
		Args: argsN(1, -1, "要校验的工作簿文件，如 jxsync validate 自评表.xlsx (workbook files)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(cmd.Context(), g, o, args)
		},
	}
	cmd.Flags().StringVar(&o.template, "template", "", "指定模板 ID[@VERSION] (force a template instead of detecting it)")
	cmd.Flags().BoolVar(&o.json, "json", false, "以JSON输出 (print JSON)")
	cmd.Flags().StringVar(&o.sheet, "sheet", "", "只读取此工作表 (read only the sheet of that name)")
	cmd.Flags().StringVar(&o.annotate, "annotate", "", "在此目录写出标注问题的工作簿副本 (write annotated copies into DIR)")
	return cmd
}

// runValidate validates each file, prints the findings and returns an exit
// error: 2 when a file could not be read, else 1 when any has errors.
func runValidate(_ context.Context, g *globals, o validateOptions, files []string) error {
	svc, _, err := g.service()
	if err != nil {
		return err
	}
	var reports []*sync.Report
	unreadable, withErrors := 0, 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(g.stderr, "jxsync: %s: 无法读取文件 (cannot read file): %v\n", name, err)
			unreadable++
			continue
		}
		reps, err := svc.ValidateForms(name, data, sync.ReadOptions{Template: o.template, Sheet: o.sheet})
		if err != nil {
			if errors.Is(err, mapping.ErrNoTemplate) {
				err = fmt.Errorf("%s: %w", name, templateError(svc, o.template, err))
			}
			fmt.Fprintf(g.stderr, "jxsync: %v\n", err)
			unreadable++
			continue
		}
		for _, r := range reps {
			if r.Errors > 0 {
				withErrors++
			}
		}
		if o.json {
			reports = append(reports, reps...)
		} else {
			for _, r := range reps {
				printReport(g.stdout, r, len(reps))
			}
		}
		if o.annotate != "" {
			out, err := svc.Annotate(o.annotate, name, data, reps...)
			if err != nil {
				fmt.Fprintf(g.stderr, "jxsync: %v\n", err)
				unreadable++
			} else if !o.json {
				fmt.Fprintf(g.stdout, "  → 标注文件 (annotated copy): %s\n\n", out)
			}
		}
	}
	if o.json {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if reports == nil {
			reports = []*sync.Report{}
		}
		if err := enc.Encode(reports); err != nil {
			return err
		}
	}
	switch {
	case unreadable > 0:
		return &exitError{code: exitFailure, err: fmt.Errorf("%d 个文件无法读取 (%d file(s) could not be read)", unreadable, unreadable)}
	case withErrors > 0:
		return &exitError{code: exitFindings}
	}
	return nil
}

// printReport writes a form's findings for people: `sheet!cell  [错误]
// message（应为…；实为…）`, the same finding on consecutive rows grouped
// into one line ("第12–30行 …", `sheet!G12:G30`), headed by the file, and by
// its sheet when the workbook has several forms (forms). Rule ids are only
// in --json.
func printReport(w io.Writer, r *sync.Report, forms int) {
	if forms > 1 {
		fmt.Fprintf(w, "%s 工作表 (sheet) “%s” (%s@%s)\n", r.File, r.Sheet, r.Template, r.Version)
	} else {
		fmt.Fprintf(w, "%s (%s@%s)\n", r.File, r.Template, r.Version)
	}
	for _, g := range mapping.GroupFindings(r.Findings) {
		f := g.Findings[0]
		fmt.Fprintf(w, "  %s  [%s] %s", g.Ref(), severityWord(g.Severity), g.Message)
		if len(g.Findings) == 1 {
			switch {
			case f.Expected != "":
				fmt.Fprintf(w, "（应为 expected: %s；实为 found: %s）", f.Expected, orDash(f.Found))
			case f.Found != "":
				fmt.Fprintf(w, "（实为 found: %s）", f.Found)
			}
		}
		fmt.Fprintln(w)
	}
	status := "通过 (passed)"
	if r.Errors > 0 {
		status = "未通过 (failed)"
	}
	fmt.Fprintf(w, "  %s: %d 个错误 (errors), %d 个警告 (warnings)\n\n", status, r.Errors, r.Warnings)
}

// severityWord is a severity as people read it: 错误 or 警告.
func severityWord(sev string) string {
	if sev == mapping.SeverityError {
		return "错误"
	}
	return "警告"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
