package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/sync"
)

func newSyncCmd(g *globals) *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   "sync DIR",
		Short: "同步文件夹与中心库 (import a folder, then list stored submissions with no file in it)",
		Args:  argsN(1, 1, "一个文件夹 (one folder)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.actor = byActor(cmd, o.by)
			return runSync(cmd.Context(), g, o, args[0])
		},
	}
	cmd.Flags().StringVar(&o.report, "report", "", "写出逐文件报告 (write a per-file report; .csv or .json)")
	cmd.Flags().IntVar(&o.workers, "workers", 0, "并行数 (parallel workers)")
	cmd.Flags().StringVar(&o.by, "by", "sync", "上传人，也记入审计日志（默认审计日志记系统用户名）(recorded as uploaded by, and in the audit log; there the OS user by default)")
	return cmd
}

// runSync imports dir like import does, then lists the latest revisions of
// stored submissions none of whose revisions came from a file now in dir.
func runSync(ctx context.Context, g *globals, o importOptions, dir string) error {
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
	srcs, bad := sync.Collect([]string{dir}, sync.CollectLimits{MaxEntryBytes: cfg.Limits.MaxFileBytes})
	var revisions []int64 // the stored revisions only: not the files' results
	tally, err := importWithReport(ctx, g, svc, srcs, bad, workers, sync.ImportOptions{By: o.by, Force: o.force, Actor: o.actor}, o.report,
		func(rs []*sync.ImportResult) {
			for _, r := range rs {
				if r.Revision != 0 {
					revisions = append(revisions, r.Revision)
				}
			}
		})
	if err != nil {
		return err
	}
	present := map[int64]bool{}
	for _, id := range revisions {
		if rev, err := svc.Records.Revision(ctx, id); err == nil {
			present[rev.SubmissionID] = true
		}
	}
	latest, err := svc.Records.Latest(ctx, "")
	if err != nil {
		return err
	}
	missing := 0
	for _, rev := range latest {
		if present[rev.SubmissionID] {
			continue
		}
		if missing == 0 {
			fmt.Fprintf(g.stdout, "库中有、文件夹 %s 中没有的填报 (stored submissions with no file in the folder):\n", filepath.Clean(dir))
		}
		missing++
		fmt.Fprintf(g.stdout, "  %s %d %s@%s %s  最新修订 %d (%s)\n", rev.Unit, rev.Year, rev.TemplateID, rev.TemplateVersion, rev.Subject, rev.ID, rev.FileName)
	}
	return exitFor(ctx, tally)
}
