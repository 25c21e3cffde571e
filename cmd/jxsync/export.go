package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// exportOptions are the flags of `jxsync export`.
type exportOptions struct {
	unit, template, out, version string
	year                         int
}

func newExportCmd(g *globals) *cobra.Command {
	var o exportOptions
	cmd := &cobra.Command{
		Use:   "export (REVISION | --unit U --year Y --template ID) [--version V] -o FILE",
		Short: "由库中数据生成填好的工作簿 (write the template filled with stored values)",
		Args:  argsN(0, 1, "一个修订号，或用 --unit、--year、--template 指定 (one revision, or --unit, --year and --template)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd.Context(), g, o, args)
		},
	}
	cmd.Flags().StringVar(&o.unit, "unit", "", "单位名称 (unit)")
	cmd.Flags().IntVar(&o.year, "year", 0, "年度 (year)")
	cmd.Flags().StringVar(&o.template, "template", "", "模板ID (template id)")
	cmd.Flags().StringVar(&o.version, "version", "", "输出到该模板版本 (onto this template version; default the revision's own)")
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "输出文件 (output file)")
	cmd.MarkFlagRequired("output")
	return cmd
}

// runExport writes the workbook of one revision: given by number, or the
// latest of a unit's submission for a template and year.
func runExport(ctx context.Context, g *globals, o exportOptions, args []string) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	var id int64
	switch {
	case len(args) == 1:
		rev, err := lookupRevision(ctx, svc, args[0])
		if err != nil {
			return err
		}
		id = rev.ID
	case o.unit != "" && o.year != 0 && o.template != "":
		latest, err := svc.Records.Latest(ctx, o.template)
		if err != nil {
			return err
		}
		for _, r := range latest {
			if r.Unit == o.unit && r.Year == o.year {
				id = r.ID
			}
		}
		if id == 0 {
			return noSubmissionError(ctx, svc, o.unit, o.year, o.template)
		}
	default:
		return usageError(g.cmd, "请给出一个修订号，或同时给出 --unit、--year 和 --template (give a REVISION, or --unit, --year and --template)")
	}
	out, rev, notes, err := svc.ExportVersion(ctx, id, o.version)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(g.stdout, "  注意 (note):", n)
	}
	if err := writeNew(o.out, out); err != nil {
		return err
	}
	version := rev.TemplateVersion
	if o.version != "" {
		version = o.version
	}
	fmt.Fprintf(g.stdout, "%s: %s %d %s@%s，由修订 %d 生成 (from revision %d)\n", filepath.Base(o.out), rev.Unit, rev.Year, rev.TemplateID, version, rev.ID, rev.ID)
	return nil
}

// writeNew writes b to a file that must not exist yet.
func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("文件 %s 已存在，不覆盖 (file exists, not overwritten: %w)", path, fs.ErrExist)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
