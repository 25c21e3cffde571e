package main

import (
	"context"

	"github.com/jxsync/jxsync/jobs"
	"github.com/jxsync/jxsync/sync"
)

// serveJobs opens the portal's job queue: on SQLite (the embedded
// default) the portal works the jobs itself, so nothing else has to run;
// on PostgreSQL it only enqueues them for `jxsync worker`.
func serveJobs(ctx context.Context, cfg *Config, svc *sync.Service) (*jobs.Queue, error) {
	q, err := openJobs(ctx, cfg, svc)
	if err != nil {
		return nil, err
	}
	if cfg.Store.Records != "postgres" {
		if err := q.Start(ctx); err != nil {
			q.Close(context.Background())
			return nil, err
		}
	}
	return q, nil
}
