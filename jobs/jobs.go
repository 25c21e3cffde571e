// Package jobs runs the portal's long work as jobs on River
// (github.com/riverqueue/river): the bulk import of files the bureau
// uploads, the zip of all submissions, the consolidated report and the
// regeneration of submissions onto a new template version. A job is a row
// of jxsync_jobs (who started it, its progress and result) and a River job,
// inserted in one transaction; River retries a failed job, and every job
// keeps its progress in the store so that a retry continues where the last
// attempt stopped. On PostgreSQL (riverpgxv5) any number of `jxsync worker`
// processes work the queue; on SQLite (riversqlite, the same file as the
// records) the portal works it in-process.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// Job kinds, as River records them.
const (
	// KindImport is a bulk import of uploaded files.
	KindImport = "jxsync_import"
	// KindZip is the zip of a template's submissions of a year.
	KindZip = "jxsync_zip"
	// KindReport is a consolidated report workbook.
	KindReport = "jxsync_report"
	// KindRegenerate is a regeneration onto a template version.
	KindRegenerate = "jxsync_regenerate"
)

// Job states, as River names them, plus StateUnknown for a job whose River
// row is gone (pruned long after it finished).
const (
	StateAvailable = "available"
	StateRunning   = "running"
	StateRetryable = "retryable"
	StateCompleted = "completed"
	StateDiscarded = "discarded"
	StateCancelled = "cancelled"
	StateScheduled = "scheduled"
	StatePending   = "pending"
	StateUnknown   = "unknown"
)

// Config configures a Queue.
type Config struct {
	// SQLite is the records file (store.records: sqlite); Postgres the
	// database URL (store.records: postgres). Exactly one is set.
	SQLite   string
	Postgres string
	// Service does the work (import, export, report); its stores are the
	// configured ones.
	Service *sync.Service
	// Workers is how many jobs one process works at once (default 2).
	Workers int
	// RescueAfter is how long a job may run before it is taken for the job
	// of a dead worker and run again (default 10 minutes). A job works in
	// slices of half that time and is put back in the queue between them,
	// so a live job is never rescued.
	RescueAfter time.Duration
	// MaxAttempts is how often a failing job is tried (default 10).
	MaxAttempts int
}

// Job is one job as the portal shows it.
type Job struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	By        string    `json:"by"`
	CreatedAt time.Time `json:"created_at"`
	// State is River's state of the job; Attempt its current attempt and
	// Errors the errors of failed attempts, oldest first.
	State   string   `json:"state"`
	Attempt int      `json:"attempt"`
	Errors  []string `json:"errors,omitempty"`
	// Total and Done count the job's files (bulk import) or submissions.
	Total int `json:"total"`
	Done  int `json:"done"`
	// Counts counts results by outcome (import: imported, updated, …).
	Counts map[string]int `json:"counts,omitempty"`
	// ResultName and ResultHash name the file the job made (a zip or a
	// workbook kept in the blob store); empty when none.
	ResultName string `json:"result_name,omitempty"`
	ResultHash string `json:"-"`
	// Message says what the job found that is not a file (e.g. nothing to
	// zip).
	Message string `json:"message,omitempty"`
	// FinishedAt is when the job completed (zero while it is not).
	FinishedAt time.Time `json:"finished_at,omitempty"`
}

// Finished reports whether the job will not run again.
func (j *Job) Finished() bool {
	switch j.State {
	case StateCompleted, StateDiscarded, StateCancelled:
		return true
	}
	return false
}

// Item is the result of one file of a bulk import: its forms' results.
type Item struct {
	Seq     int                  `json:"seq"`
	Name    string               `json:"name"`
	Results []*sync.ImportResult `json:"results"`
}

// UploadedFile is one file of a bulk upload, kept in the blob store.
type UploadedFile struct {
	Name string `json:"name"`
	Hash string `json:"hash"`
}

// ImportArgs are the arguments of a bulk import.
type ImportArgs struct {
	Job   int64          `json:"job"`
	By    string         `json:"by"`
	Files []UploadedFile `json:"files"`
}

// Kind implements river.JobArgs.
func (ImportArgs) Kind() string { return KindImport }

// ZipArgs are the arguments of the zip of a template's submissions of a
// year.
type ZipArgs struct {
	Job      int64  `json:"job"`
	Template string `json:"template"`
	Title    string `json:"title"`
	Year     int    `json:"year"`
}

// Kind implements river.JobArgs.
func (ZipArgs) Kind() string { return KindZip }

// ReportArgs are the arguments of a consolidated report.
type ReportArgs struct {
	Job      int64    `json:"job"`
	Template string   `json:"template"`
	Title    string   `json:"title"`
	Year     int      `json:"year"`
	Expected []string `json:"expected"`
}

// Kind implements river.JobArgs.
func (ReportArgs) Kind() string { return KindReport }

// RegenerateArgs are the arguments of regenerating a template's
// submissions onto a template version (ID@VERSION).
type RegenerateArgs struct {
	Job      int64    `json:"job"`
	Template string   `json:"template"`
	Year     int      `json:"year"`
	Units    []string `json:"units,omitempty"`
}

// Kind implements river.JobArgs.
func (RegenerateArgs) Kind() string { return KindRegenerate }

// ErrNoJobs means the portal runs without a job queue.
var ErrNoJobs = errors.New("no job queue")

// Queue enqueues jobs and, when started, works them.
type Queue struct {
	cfg Config
	db  engine
	svc *sync.Service
}

// Open connects to the configured store's database, runs River's
// migrations and the job tables' under the migration lock, and returns a
// queue that can enqueue jobs; Start works them too.
func Open(ctx context.Context, cfg Config) (*Queue, error) {
	if cfg.Service == nil || cfg.Service.Blobs == nil || cfg.Service.Records == nil {
		return nil, errors.New("open jobs: the service needs its stores")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = 10 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 10
	}
	q := &Queue{cfg: cfg, svc: cfg.Service}
	workers := river.NewWorkers()
	river.AddWorker(workers, &importWorker{q: q})
	river.AddWorker(workers, &zipWorker{q: q})
	river.AddWorker(workers, &reportWorker{q: q})
	river.AddWorker(workers, &regenerateWorker{q: q})
	rc := &river.Config{
		Workers:              workers,
		MaxAttempts:          cfg.MaxAttempts,
		JobTimeout:           cfg.RescueAfter * 3 / 4,
		RescueStuckJobsAfter: cfg.RescueAfter,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Logger:               quietLogger(),
	}
	var err error
	switch {
	case cfg.Postgres != "" && cfg.SQLite == "":
		q.db, err = openPostgres(ctx, cfg.Postgres, rc)
	case cfg.SQLite != "" && cfg.Postgres == "":
		q.db, err = openSQLite(ctx, cfg.SQLite, rc)
	default:
		err = errors.New("give the SQLite file or the PostgreSQL URL")
	}
	if err != nil {
		return nil, fmt.Errorf("open jobs: %w", err)
	}
	return q, nil
}

// Start works the queue in this process until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.db.start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

// Close stops working (the jobs in hand are finished or, after ctx ends,
// cancelled and retried later) and closes the connections.
func (q *Queue) Close(ctx context.Context) error {
	return q.db.close(ctx)
}

// sliceOf is how long one attempt of a job works before it puts the job
// back in the queue.
func (q *Queue) sliceOf() time.Duration { return q.cfg.RescueAfter / 2 }

// enqueue records a job of kind by by and inserts its River job (made by
// args from the new row's id) in one transaction.
func (q *Queue) enqueue(ctx context.Context, kind, title, by string, total int, args func(id int64) river.JobArgs) (int64, error) {
	var id int64
	err := q.db.inTx(ctx, func(tx querier, insert func(river.JobArgs) (int64, error)) error {
		var err error
		id, err = tx.insertID(ctx, `INSERT INTO jxsync_jobs(kind, title, created_by, created_at, total) VALUES (?, ?, ?, ?, ?)`,
			kind, title, by, time.Now().UTC().Format(time.RFC3339Nano), total)
		if err != nil {
			return err
		}
		rid, err := insert(args(id))
		if err != nil {
			return err
		}
		return tx.exec(ctx, `UPDATE jxsync_jobs SET river_id = ? WHERE id = ?`, rid, id)
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	return id, nil
}

// EnqueueImport records a bulk import by by of files already kept in the
// blob store, and returns the job's id.
func (q *Queue) EnqueueImport(ctx context.Context, by string, files []UploadedFile) (int64, error) {
	title := fmt.Sprintf("批量导入 %d 个上传文件 (bulk import)", len(files))
	if len(files) == 1 {
		title = "批量导入 " + files[0].Name + " (bulk import)"
	}
	return q.enqueue(ctx, KindImport, title, by, 0, func(id int64) river.JobArgs {
		return ImportArgs{Job: id, By: by, Files: files}
	})
}

// EnqueueZip records the zip of a template's submissions of a year.
func (q *Queue) EnqueueZip(ctx context.Context, by, templateID, title string, year int) (int64, error) {
	return q.enqueue(ctx, KindZip, fmt.Sprintf("%s %d年度 全部填报打包 (zip)", title, year), by, 0, func(id int64) river.JobArgs {
		return ZipArgs{Job: id, Template: templateID, Title: title, Year: year}
	})
}

// EnqueueReport records the consolidated report of a template and year;
// expected are the units expected to submit.
func (q *Queue) EnqueueReport(ctx context.Context, by, templateID, title string, year int, expected []string) (int64, error) {
	return q.enqueue(ctx, KindReport, fmt.Sprintf("%s %d年度 汇总报表 (report)", title, year), by, 0, func(id int64) river.JobArgs {
		return ReportArgs{Job: id, Template: templateID, Title: title, Year: year, Expected: expected}
	})
}

// EnqueueRegenerate records regenerating a template's submissions of a
// year (units: all when empty) onto templateRef (ID@VERSION).
func (q *Queue) EnqueueRegenerate(ctx context.Context, by, templateRef string, year int, units []string) (int64, error) {
	return q.enqueue(ctx, KindRegenerate, fmt.Sprintf("按 %s 重新生成 %d年度 (regenerate)", templateRef, year), by, 0, func(id int64) river.JobArgs {
		return RegenerateArgs{Job: id, Template: templateRef, Year: year, Units: units}
	})
}

// Get returns a job. Errors: store.ErrNotFound.
func (q *Queue) Get(ctx context.Context, id int64) (*Job, error) {
	js, err := q.list(ctx, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(js) == 0 {
		return nil, store.ErrNotFound
	}
	return js[0], nil
}

// List returns the newest jobs, newest first.
func (q *Queue) List(ctx context.Context, limit int) ([]*Job, error) {
	return q.list(ctx, `ORDER BY id DESC LIMIT ?`, limit)
}

func (q *Queue) list(ctx context.Context, tail string, args ...any) ([]*Job, error) {
	var out []*Job
	var rids []int64
	err := q.db.query(ctx, `SELECT id, kind, title, created_by, created_at, total, done, counts, result_name, result_hash,
		message, finished_at, river_id FROM jxsync_jobs `+tail, args, func(sc scanner) error {
		j := &Job{}
		var counts, created, fin string
		var rid int64
		if err := sc.Scan(&j.ID, &j.Kind, &j.Title, &j.By, &created, &j.Total, &j.Done, &counts,
			&j.ResultName, &j.ResultHash, &j.Message, &fin, &rid); err != nil {
			return err
		}
		if counts != "" {
			if err := json.Unmarshal([]byte(counts), &j.Counts); err != nil {
				return err
			}
		}
		j.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		if fin != "" {
			j.FinishedAt, _ = time.Parse(time.RFC3339Nano, fin)
		}
		out = append(out, j)
		rids = append(rids, rid)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read jobs: %w", err)
	}
	for i, j := range out {
		row, err := q.db.jobRow(ctx, rids[i])
		switch {
		case errors.Is(err, river.ErrNotFound):
			j.State = StateUnknown
			if !j.FinishedAt.IsZero() {
				j.State = StateCompleted
			}
		case err != nil:
			return nil, fmt.Errorf("read job %d: %w", j.ID, err)
		default:
			j.State, j.Attempt = string(row.State), row.Attempt
			for _, e := range row.Errors {
				j.Errors = append(j.Errors, e.Error)
			}
		}
	}
	return out, nil
}

// Items returns the per-file results of a bulk import, in file order.
func (q *Queue) Items(ctx context.Context, id int64) ([]*Item, error) {
	var out []*Item
	err := q.db.query(ctx, `SELECT seq, name, results FROM jxsync_job_items WHERE job_id = ? ORDER BY seq`, []any{id}, func(sc scanner) error {
		it := &Item{}
		var res string
		if err := sc.Scan(&it.Seq, &it.Name, &res); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(res), &it.Results); err != nil {
			return err
		}
		out = append(out, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read job %d: %w", id, err)
	}
	return out, nil
}

// Result returns the file a job made. Errors: store.ErrNotFound.
func (q *Queue) Result(ctx context.Context, id int64) (string, []byte, error) {
	j, err := q.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	if j.ResultHash == "" {
		return "", nil, store.ErrNotFound
	}
	data, err := q.svc.Blobs.Get(ctx, j.ResultHash)
	if err != nil {
		return "", nil, fmt.Errorf("read job %d result: %w", id, err)
	}
	return j.ResultName, data, nil
}
