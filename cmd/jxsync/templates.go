package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/template"
)

func newTemplatesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "官方模板 (the official form templates)",
	}
	var dir, only string
	build := &cobra.Command{
		Use:   "build",
		Short: "由代码生成模板与示例工作簿 (generate template.xlsx and example workbooks from code)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTemplatesBuild(cmd.Context(), g, dir, only)
		},
	}
	build.Flags().StringVar(&dir, "dir", "templates", "模板目录 (templates folder)")
	build.Flags().StringVar(&only, "only", "", "只生成该模板 (only the template with this id)")
	list := &cobra.Command{
		Use:   "list",
		Short: "列出模板 (list the known template versions)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTemplatesList(cmd.Context(), g)
		},
	}
	cmd.AddCommand(build, list, newTemplatesAddCmd(g))
	return cmd
}

// runTemplatesBuild writes every form's template.xlsx and examples into dir.
func runTemplatesBuild(_ context.Context, g *globals, dir, only string) error {
	written, err := template.WriteAll(dir, only)
	for _, p := range written {
		fmt.Fprintln(g.stdout, "wrote", p)
	}
	return err
}

// runTemplatesList prints the template versions with their titles and
// origin (embedded, dir or store).
func runTemplatesList(_ context.Context, g *globals) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	_, reg, err := g.serviceFor(cfg)
	if err != nil {
		return err
	}
	for i, t := range reg.Templates {
		fmt.Fprintf(g.stdout, "%s@%s\t%s\t%d examples\t%s\n", t.ID, t.Version, t.Title, len(reg.Examples(t)), templateOrigin(cfg, reg, i))
	}
	return nil
}
