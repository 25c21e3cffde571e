package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/jxsync/jxsync/template"
)

// printMappingCheck prints what `mapping check` found: the blank, the
// samples, a table of every binding in every sample, the rules that fire
// and a summary line.
func printMappingCheck(w io.Writer, name string, mc *template.MappingCheck) {
	t := mc.Template
	fmt.Fprintf(w, "模板 (template) %s@%s %s — %s\n", t.ID, t.Version, t.Title, name)
	if mc.Blank != nil {
		fmt.Fprintf(w, "✗ template.xlsx 中未能全部解析 (does not resolve in template.xlsx):\n  %s\n",
			strings.ReplaceAll(mc.Blank.Error(), "\n", "\n  "))
	} else {
		fmt.Fprintln(w, "✓ template.xlsx：全部绑定可解析 (every binding resolves)")
	}
	if len(mc.Samples) == 0 {
		fmt.Fprintln(w, "未给样本：只检查了 template.xlsx (no sample given)")
		summary(w, mc)
		return
	}
	fmt.Fprintln(w, "样本 (samples):")
	for i, s := range mc.Samples {
		switch {
		case s.Err != nil:
			fmt.Fprintf(w, "  [%d] %s: ✗ %v\n", i+1, s.File, s.Err)
		case s.Detected == "":
			fmt.Fprintf(w, "  [%d] %s 工作表“%s”，未被识别为任何模板 (not detected)\n", i+1, s.File, s.Sheet)
		default:
			fmt.Fprintf(w, "  [%d] %s 工作表“%s”，识别为 (detected as) %s\n", i+1, s.File, s.Sheet, s.Detected)
		}
	}
	fmt.Fprintln(w)
	rows := [][]string{{"绑定 (binding)", "标题 (title)", "样本", "位置 (where)", "值 (value)", "问题 (problem)"}}
	for _, b := range mc.Bindings {
		for i, at := range b.At {
			path, title := b.Path, b.Title
			if i > 0 {
				path, title = "", ""
			}
			problem := at.Problem
			if at.Fail {
				problem = "✗ " + problem
			}
			rows = append(rows, []string{path, title, fmt.Sprintf("[%d]", i+1), at.Cell, cellText(at.Value), cellText(problem)})
		}
		for _, n := range b.Notes {
			rows = append(rows, []string{"", "", "", "", "", n})
		}
	}
	printColumns(w, rows)
	fired := 0
	for _, s := range mc.Samples {
		fired += len(s.Findings)
	}
	if fired > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "样本触发的规则 (rules that fire on the samples; they do not change the exit code):")
		for i, s := range mc.Samples {
			for _, f := range s.Findings {
				fmt.Fprintf(w, "  [%d] %s  [%s] %s  %s\n", i+1, f.Ref(), f.Severity, f.Rule, f.Message)
			}
		}
	}
	summary(w, mc)
}

// cellText keeps a table cell on one line.
func cellText(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func summary(w io.Writer, mc *template.MappingCheck) {
	fmt.Fprintln(w)
	if n := mc.Failed(); n > 0 {
		fmt.Fprintf(w, "结果 (result): %d 项未通过，%d 个样本 (%d failed)\n", n, len(mc.Samples), n)
		return
	}
	fmt.Fprintf(w, "结果 (result): 全部通过，%d 个绑定，%d 个样本 (all %d bindings pass)\n", len(mc.Bindings), len(mc.Samples), len(mc.Bindings))
}
