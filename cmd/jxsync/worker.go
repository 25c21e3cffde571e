package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/jobs"
	"github.com/jxsync/jxsync/sync"
)

func newWorkerCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "运行后台任务（批量导入、打包、汇总表） (work the job queue)",
		Long: "运行网页平台发起的后台任务：批量导入、全部填报打包、汇总表、重新生成。与 serve 使用同一个库和配置；\n" +
			"库为 PostgreSQL 时可在多台机器上各运行若干个；库为 SQLite 时 serve 自己就运行这些任务，无需 worker。\n\n" +
			"Works the jobs the portal starts (bulk import, zip, report, regenerate) on the configured store. " +
			"Any number of workers can run on PostgreSQL; on SQLite `jxsync serve` works them itself.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWorker(cmd.Context(), g)
		},
	}
}

// runWorker works the queue until the process is interrupted, then
// finishes the jobs in hand (or, after 30 s, leaves them to be retried).
func runWorker(ctx context.Context, g *globals) error {
	svc, cfg, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	q, err := openJobs(ctx, cfg, svc)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := q.Start(ctx); err != nil {
		q.Close(context.Background())
		return err
	}
	fmt.Fprintf(g.stdout, "jxsync 后台任务进程已启动，同时运行 %d 个任务 (worker started; Ctrl-C stops)\n", cfg.Jobs.Workers)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.Close(shutdown); err != nil {
		return fmt.Errorf("worker: stop: %w", err)
	}
	fmt.Fprintln(g.stdout, "jxsync 后台任务进程已停止 (worker stopped)")
	return nil
}

// openJobs opens the job queue on the configured records store.
func openJobs(ctx context.Context, cfg *Config, svc *sync.Service) (*jobs.Queue, error) {
	jc := jobs.Config{Service: svc, Workers: cfg.Jobs.Workers, RescueAfter: cfg.Jobs.RescueAfter}
	if cfg.Store.Records == "postgres" {
		jc.Postgres = cfg.Postgres.URL
	} else {
		jc.SQLite = cfg.Store.Database
	}
	return jobs.Open(ctx, jc)
}
