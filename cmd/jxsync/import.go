package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

// importOptions are the flags of `jxsync import`.
type importOptions struct {
	report  string
	workers int
	by      string
	force   bool
}

func newImportCmd(g *globals) *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "导入工作簿到中心库 (import workbooks: files, folders, globs, .zip archives)",
		Long: "逐个文件：识别模板、校验、保存原件（先存原件），再在一个事务中写入修订及其数据。相同内容再次导入为“未变”，内容变化为新修订，旧修订保留。\n" +
			"Per file: detect the template, validate, store the original (blob first), then write the revision and its values in one transaction. " +
			"Exit 0: every file stored (rejected ones too); 1: some file could not be read; 2: a store failed or misuse.",
		Args: argsN(1, -1, "要导入的文件、文件夹或 .zip 压缩包，如 jxsync import 收到的自评表 (files, folders or .zip archives)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.Context(), g, o, args)
		},
	}
	cmd.Flags().StringVar(&o.report, "report", "", "写出逐文件报告 (write a per-file report; .csv or .json)")
	cmd.Flags().IntVar(&o.workers, "workers", 0, "并行数 (parallel workers; default import.workers)")
	cmd.Flags().StringVar(&o.by, "by", "import", "上传人 (recorded as uploaded by)")
	cmd.Flags().BoolVar(&o.force, "force", false, "由旧修订生成的文件也保存为新修订 (store workbooks generated from an older revision anyway)")
	return cmd
}

// runImport imports every workbook found under args and prints a summary.
func runImport(ctx context.Context, g *globals, o importOptions, args []string) error {
	svc, cfg, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	workers := cfg.Import.Workers
	if o.workers > 0 {
		workers = o.workers
	}
	srcs, bad := sync.Collect(args, sync.CollectLimits{MaxEntryBytes: cfg.Limits.MaxFileBytes})
	results := runBatch(ctx, g, svc, srcs, workers, sync.ImportOptions{By: o.by, Force: o.force})
	results = append(results, bad...)
	printSummary(g.stdout, svc.Templates, results)
	if o.report != "" {
		if err := writeReport(o.report, results); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "报告 (report): %s\n", o.report)
	}
	return exitFor(results)
}

// runBatch imports srcs with a progress bar on a terminal.
func runBatch(ctx context.Context, g *globals, svc *sync.Service, srcs []sync.Source, workers int, opts sync.ImportOptions) []*sync.ImportResult {
	var progress sync.Progress
	if f, ok := g.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && len(srcs) > 1 {
		bar, step := newProgress(g.stderr, len(srcs), 100*time.Millisecond)
		progress = func(_, _ int, r *sync.ImportResult) { step(r.File) }
		defer bar.Finish()
	}
	return svc.ImportAllWith(ctx, srcs, workers, opts, progress)
}

// printSummary lists the forms and files that need attention, counts
// outcomes (of forms; a file that could not be read counts once) and says
// how many sheets were read as which form.
func printSummary(w io.Writer, templates []*mapping.Template, results []*sync.ImportResult) {
	counts := map[string]int{}
	files := map[string]bool{}
	perTemplate := map[string]int{}
	var keys []string
	forms := 0
	for _, r := range results {
		files[r.File] = true
		counts[r.Outcome]++
		where := r.File
		if r.Sheet != "" {
			forms++
			where = fmt.Sprintf("%s [%s]", r.File, r.Sheet)
			key := r.Template + "@" + r.Version
			if perTemplate[key] == 0 {
				keys = append(keys, key)
			}
			perTemplate[key]++
		}
		switch r.Outcome {
		case sync.OutcomeRejected:
			fmt.Fprintf(w, "已退回 rejected   %s (%s %d): %d 个错误, 首个: %s\n", where, r.Unit, r.Year, r.Errors, r.FirstError)
		case sync.OutcomeUnreadable, sync.OutcomeFailed:
			fmt.Fprintf(w, "未导入 %-10s %s: %s\n", r.Outcome, where, r.FirstError)
		case sync.OutcomeConflict:
			fmt.Fprintf(w, "冲突 conflict   %s: %s\n", where, r.FirstError)
			t, _ := mapping.Find(templates, r.Template+"@"+r.Version)
			printChanges(w, "    ", t, r.Changes, 10)
		case sync.OutcomeDuplicate:
			fmt.Fprintf(w, "重复 duplicate  %s: %s\n", where, r.FirstError)
		}
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, perTemplate[k])
		}
		fmt.Fprintf(w, "读取的表 (forms read): %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "共 %d 个文件 (files), %d 张表 (forms): 新增 imported %d, 更新 updated %d, 未变 unchanged %d, 退回 rejected %d, 无法读取 unreadable %d",
		len(files), forms, counts["imported"], counts["updated"], counts["unchanged"], counts["rejected"], counts["unreadable"])
	if counts["conflict"] > 0 {
		fmt.Fprintf(w, ", 冲突 conflict %d", counts["conflict"])
	}
	if counts["duplicate"] > 0 {
		fmt.Fprintf(w, ", 重复 duplicate %d", counts["duplicate"])
	}
	if counts["failed"] > 0 {
		fmt.Fprintf(w, ", 失败 failed %d", counts["failed"])
	}
	fmt.Fprintln(w)
}

// writeReport writes one line per form (and per file that could not be
// read) as CSV or JSON (by extension).
func writeReport(path string, results []*sync.ImportResult) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	defer f.Close()
	if strings.EqualFold(filepath.Ext(path), ".json") {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(results); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		return f.Close()
	}
	cw, err := newCSVFile(f)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	cw.Write([]string{"path", "sheet", "unit", "template", "year", "status", "revision", "errors", "warnings", "first_error"})
	for _, r := range results {
		cw.Write([]string{r.File, r.Sheet, r.Unit, r.Template, strconv.Itoa(r.Year), r.Outcome, strconv.FormatInt(r.Revision, 10),
			strconv.Itoa(r.Errors), strconv.Itoa(r.Warnings), r.FirstError})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return f.Close()
}

// exitFor maps outcomes to the exit code: 2 when a store failed, 1 when a
// file could not be read.
func exitFor(results []*sync.ImportResult) error {
	failed, unreadable := 0, 0
	for _, r := range results {
		switch r.Outcome {
		case sync.OutcomeFailed:
			failed++
		case sync.OutcomeUnreadable, sync.OutcomeConflict, sync.OutcomeDuplicate:
			unreadable++
		}
	}
	switch {
	case failed > 0:
		return &exitError{code: exitFailure, err: fmt.Errorf("%d 个文件因存储错误未导入，请稍后重新运行 (%d file(s) failed; run again)", failed, failed)}
	case unreadable > 0:
		return &exitError{code: exitFindings, err: fmt.Errorf("%d 个文件无法读取 (%d file(s) could not be read)", unreadable, unreadable)}
	}
	return nil
}
