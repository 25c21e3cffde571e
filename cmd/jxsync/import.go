package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
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
	// actor is who the audit log records: --by when given, else the OS user.
	actor sync.Actor
}

// byActor is the audit actor of a command with a --by flag: its value when
// given, else the OS user.
func byActor(cmd *cobra.Command, by string) sync.Actor {
	if !cmd.Flags().Changed("by") {
		by = ""
	}
	return cliActor(by)
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
			o.actor = byActor(cmd, o.by)
			return runImport(cmd.Context(), g, o, args)
		},
	}
	cmd.Flags().StringVar(&o.report, "report", "", "写出逐文件报告 (write a per-file report; .csv or .json)")
	cmd.Flags().IntVar(&o.workers, "workers", 0, "并行数 (parallel workers; default import.workers)")
	cmd.Flags().StringVar(&o.by, "by", "import", "上传人，也记入审计日志（默认审计日志记系统用户名）(recorded as uploaded by, and in the audit log; there the OS user by default)")
	cmd.Flags().BoolVar(&o.force, "force", false, "由旧修订生成的文件也保存为新修订 (store workbooks generated from an older revision anyway)")
	return cmd
}

// runImport imports every workbook found under args and prints a summary.
func runImport(ctx context.Context, g *globals, o importOptions, args []string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	svc, cfg, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	workers := cfg.Import.Workers
	if o.workers > 0 {
		workers = o.workers
	}
	defer tuneGCForImport(workers)()
	srcs, bad := sync.Collect(args, sync.CollectLimits{MaxEntryBytes: cfg.Limits.MaxFileBytes})
	tally, err := importWithReport(ctx, g, svc, srcs, bad, workers, sync.ImportOptions{By: o.by, Force: o.force, Actor: o.actor}, o.report, nil)
	if err != nil {
		return err
	}
	return exitFor(ctx, tally)
}

// importWithReport imports srcs — stopping on SIGINT or SIGTERM after the
// files in hand — writing the --report file (when path is set) as it goes,
// adds the files that could not be collected (bad), and prints the summary.
// It keeps no file's results: each file's are written to the report and
// the summary's attention lines, told to each (when set), and counted.
func importWithReport(ctx context.Context, g *globals, svc *sync.Service, srcs []sync.Source, bad []*sync.ImportResult,
	workers int, opts sync.ImportOptions, path string, each func([]*sync.ImportResult)) (sync.ImportTally, error) {
	var rep *importReport
	if path != "" {
		var err error
		if rep, err = openImportReport(path); err != nil {
			return sync.ImportTally{}, &exitError{code: exitFailure, err: err}
		}
		opts.OnFile = rep.add
	}
	tally := runBatch(ctx, g, svc, srcs, workers, opts, each)
	for _, b := range bad {
		rs := []*sync.ImportResult{b}
		tally.Add(rs)
		tally.attention(rs)
		if each != nil {
			each(rs)
		}
	}
	tally.print()
	if rep != nil {
		rep.add(bad)
		if err := rep.close(); err != nil {
			return tally.ImportTally, &exitError{code: exitFailure, err: err}
		}
		fmt.Fprintf(g.stdout, "报告 (report): %s\n", path)
	}
	return tally.ImportTally, nil
}

// runBatch imports srcs with a progress bar on a terminal and returns the
// summary so far: counts, and the attention lines of the files, which go
// straight to stdout when no progress bar is drawn.
func runBatch(ctx context.Context, g *globals, svc *sync.Service, srcs []sync.Source, workers int, opts sync.ImportOptions,
	each func([]*sync.ImportResult)) *importSummary {
	sum := &importSummary{w: g.stdout, templates: svc.Templates}
	var progress sync.Progress
	if f, ok := osFile(g.stderr); ok && term.IsTerminal(int(f.Fd())) && len(srcs) > 1 {
		// Lines on stdout would tear the bar: they wait for its end.
		sum.held = &bytes.Buffer{}
		bar, step := newProgress(g.stderr, len(srcs), 100*time.Millisecond)
		progress = func(_, _ int, r *sync.ImportResult) { step(r.File) }
		defer func() {
			bar.Finish()
			io.Copy(g.stdout, sum.held)
			sum.held = nil
		}()
	}
	sum.ImportTally = svc.ImportEach(ctx, srcs, workers, opts, progress, func(rs []*sync.ImportResult) {
		sum.attention(rs)
		if each != nil {
			each(rs)
		}
	})
	return sum
}

// importSummary is an import's summary as it goes: the counts, and the lines of
// the forms and files that need attention, written as files finish (in
// the order of the sources) to w, or held while a progress bar is drawn.
type importSummary struct {
	sync.ImportTally
	w         io.Writer
	held      *bytes.Buffer
	templates []*mapping.Template
}

// attention writes the lines of one file's forms that need attention.
func (s *importSummary) attention(rs []*sync.ImportResult) {
	w := s.w
	if s.held != nil {
		w = s.held
	}
	for _, r := range rs {
		where := oneLine(r.File)
		if r.Sheet != "" {
			where = fmt.Sprintf("%s [%s]", oneLine(r.File), oneLine(r.Sheet))
		}
		switch r.Outcome {
		case sync.OutcomeRejected:
			fmt.Fprintf(w, "有错误 rejected   %s (%s %d): %d 个错误, 首个: %s\n", where, oneLine(r.Unit), r.Year, r.Errors, oneLine(r.FirstError))
		case sync.OutcomeUnreadable, sync.OutcomeFailed:
			fmt.Fprintf(w, "未导入 %-10s %s: %s\n", r.Outcome, where, oneLine(r.FirstError))
		case sync.OutcomeConflict:
			fmt.Fprintf(w, "冲突 conflict   %s: %s\n", where, oneLine(r.FirstError))
			t, _ := mapping.Find(s.templates, r.Template+"@"+r.Version)
			printChanges(w, "    ", t, r.Changes, 10)
		case sync.OutcomeDuplicate:
			fmt.Fprintf(w, "重复 duplicate  %s: %s\n", where, oneLine(r.FirstError))
		case sync.OutcomePending:
			fmt.Fprintf(w, "待确认单位 pending  %s (%s %d): 单位名称与名单中的单位对不上，修订 %d 等待归入单位 (jxsync units pending / units assign)\n",
				where, oneLine(r.Unit), r.Year, r.Revision)
		}
	}
}

// print ends the summary: how many sheets were read as which form and the
// outcomes (of forms; a file that could not be read counts once).
func (s *importSummary) print() {
	w, counts := s.w, s.Outcomes
	if len(s.Templates) > 0 {
		keys := make([]string, 0, len(s.Templates))
		for k := range s.Templates {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, s.Templates[k])
		}
		fmt.Fprintf(w, "读取的表 (forms read): %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "共 %d 个文件 (files), %d 张表 (forms): 新增 imported %d, 更新 updated %d, 未变 unchanged %d, 有错误 rejected %d, 无法读取 unreadable %d",
		s.Files, s.Forms, counts["imported"], counts["updated"], counts["unchanged"], counts["rejected"], counts["unreadable"])
	if counts["pending"] > 0 {
		fmt.Fprintf(w, ", 待确认单位 pending %d", counts["pending"])
	}
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

// exitFor maps outcomes to the exit code: 2 when the import was
// interrupted (ctx done) or a store failed, 1 when a file could not be read.
func exitFor(ctx context.Context, t sync.ImportTally) error {
	if ctx.Err() != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("导入已中断：已处理的文件见上，其余文件未导入，请重新运行 (import interrupted; run again for the rest)")}
	}
	failed := t.Outcomes[sync.OutcomeFailed] + t.Outcomes[sync.OutcomeCancelled]
	unreadable := t.Outcomes[sync.OutcomeUnreadable] + t.Outcomes[sync.OutcomeConflict] + t.Outcomes[sync.OutcomeDuplicate]
	switch {
	case failed > 0:
		return &exitError{code: exitFailure, err: fmt.Errorf("%d 个文件因存储错误未导入，请稍后重新运行 (%d file(s) failed; run again)", failed, failed)}
	case unreadable > 0:
		return &exitError{code: exitFindings, err: fmt.Errorf("%d 个文件无法读取 (%d file(s) could not be read)", unreadable, unreadable)}
	}
	return nil
}
