package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/template"
)

// scaffoldOptions are the flags of `jxsync mapping scaffold`.
type scaffoldOptions struct {
	sheet, id, version, out string
	force                   bool
}

func newMappingCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mapping",
		Short: "为新表样编写映射 (write the mapping of a form jxsync does not ship)",
	}
	var o scaffoldOptions
	scaffold := &cobra.Command{
		Use:   "scaffold FILE.xlsx --id ID --version V -o DIR [--sheet S]",
		Short: "由一张空白或已填的表生成映射草稿 (propose mapping.yaml and template.xlsx for a form)",
		Long: "读取一张空白或已填的自评表，写出 DIR/template.xlsx（清空填写内容的空白表）和 DIR/mapping.yaml（字段、指标表、\n" +
			"识别标签、身份与适用的校验规则；每项推测都注明依据）。核对后用 jxsync mapping check DIR 样本.xlsx 检查，\n" +
			"再用 jxsync templates add DIR 加入库中。\n\n" +
			"Reads a blank or filled form and writes DIR/template.xlsx (the form with its values cleared) and\n" +
			"DIR/mapping.yaml (fields, indicator tables, detection labels, identity and the rules that fit, every\n" +
			"guess commented with its reason). Review it, check it with `jxsync mapping check DIR SAMPLE.xlsx`,\n" +
			"then add it with `jxsync templates add DIR`.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMappingScaffold(cmd.Context(), g, o, args[0])
		},
	}
	f := scaffold.Flags()
	f.StringVar(&o.sheet, "sheet", "", "表所在的工作表 (the form's sheet; default the first with an indicator table)")
	f.StringVar(&o.id, "id", "", "模板 ID，小写字母、数字和连字符 (template id, e.g. hunan-dept)")
	f.StringVar(&o.version, "version", "", "版本，如年份 (version, e.g. 2025)")
	f.StringVarP(&o.out, "output", "o", "", "输出目录，不存在时创建 (output folder, created with its parents)")
	f.BoolVar(&o.force, "force", false, "覆盖已有文件 (overwrite existing files)")
	for _, name := range []string{"id", "version", "output"} {
		scaffold.MarkFlagRequired(name)
	}
	check := &cobra.Command{
		Use:   "check DIR [SAMPLE.xlsx...]",
		Short: "检查映射与空白表及样本 (check a mapping against its template.xlsx and samples)",
		Long: "加载 DIR/mapping.yaml，检查它在 DIR/template.xlsx 中能否全部解析，并用它读取每个样本：逐项列出在各样本中的位置、\n" +
			"值和问题（未找到、标签重复、位置不同、类型不符、未被识别）；再列出样本触发的校验规则（不影响退出码）。\n" +
			"有绑定未通过时退出码为 1。\n\n" +
			"Loads DIR/mapping.yaml, resolves it in DIR/template.xlsx and reads each sample with it: every binding with\n" +
			"where it was found in each sample, its value and what is wrong; then the rules that fire on the samples\n" +
			"(they do not change the exit code). Exit 1 when a binding fails, 2 when the mapping cannot be read.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMappingCheck(cmd.Context(), g, args[0], args[1:])
		},
	}
	cmd.AddCommand(scaffold, check)
	return cmd
}

// runMappingScaffold writes the proposal for one form into o.out.
func runMappingScaffold(_ context.Context, g *globals, o scaffoldOptions, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("mapping scaffold: %w", err)}
	}
	_, reg, err := g.service()
	if err != nil {
		return err
	}
	r, err := template.Scaffold(file, data, template.ScaffoldOptions{Sheet: o.sheet, ID: o.id, Version: o.version,
		Known: reg.Templates, Blank: reg.Blank})
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	written, err := template.WriteScaffold(o.out, r, o.force)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	for _, p := range written {
		fmt.Fprintln(g.stdout, "写出 (wrote)", p)
	}
	fmt.Fprintf(g.stdout, "%s@%s：%d 个字段，%d 张指标表，%d 个重复块，%d 条校验规则（工作表“%s”）\n", r.Template.ID, r.Template.Version,
		len(r.Template.Fields), len(r.Template.Tables), len(r.Template.Blocks), len(r.Template.Rules.Checks), r.Sheet)
	if len(r.Notes) > 0 {
		fmt.Fprintln(g.stdout, "需要人工处理 (to review; also at the top of mapping.yaml):")
		for _, n := range r.Notes {
			fmt.Fprintln(g.stdout, "  -", n)
		}
	}
	fmt.Fprintf(g.stdout, "下一步 (next): 核对 %s 后运行 jxsync mapping check %s %s\n",
		filepath.Join(o.out, "mapping.yaml"), o.out, file)
	return nil
}

// runMappingCheck checks the mapping of dir against its blank and samples
// and prints the table; a failing binding is exit 1.
func runMappingCheck(_ context.Context, g *globals, dir string, files []string) error {
	name := filepath.Join(dir, "mapping.yaml")
	y, err := os.ReadFile(name)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("mapping check: %w", err)}
	}
	blank, err := os.ReadFile(filepath.Join(dir, "template.xlsx"))
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("mapping check: %w", err)}
	}
	var samples []template.Sample
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return &exitError{code: exitFailure, err: fmt.Errorf("mapping check: %w", err)}
		}
		samples = append(samples, template.Sample{Name: f, Data: b})
	}
	_, reg, err := g.service()
	if err != nil {
		return err
	}
	mc, err := template.CheckMapping(name, y, blank, samples, reg.Templates)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	printMappingCheck(g.stdout, name, mc)
	if n := mc.Failed(); n > 0 {
		return &exitError{code: exitFindings, err: errors.New(fmt.Sprintf("mapping check: %d 项未通过 (%d failed)", n, n))}
	}
	return nil
}
