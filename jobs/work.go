package jobs

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// entry is one workbook of a bulk import: a file as uploaded or an entry
// of an uploaded .zip, or one that could not be used (bad).
type entry struct {
	name string
	read func() ([]byte, error)
	bad  *sync.ImportResult
}

// importWorker works bulk imports.
type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	q *Queue
}

// Work imports the uploaded files one by one, recording each file's
// results as it goes. Files already recorded by an earlier attempt are
// passed over; a file whose revisions an interrupted attempt stored but
// did not record comes out unchanged (import is idempotent by blob hash
// and fingerprint), so nothing is stored twice. After a slice of time it
// puts the job back in the queue (progress kept).
func (w *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	q, a := w.q, job.Args
	deadline := time.Now().Add(q.sliceOf())
	tmp, err := os.MkdirTemp("", "jxsync-job-*")
	if err != nil {
		return fmt.Errorf("bulk import %d: %w", a.Job, err)
	}
	defer os.RemoveAll(tmp)
	entries, err := w.expand(ctx, tmp, a.Files)
	if err != nil {
		return fmt.Errorf("bulk import %d: %w", a.Job, err)
	}
	done, counts, err := q.progress(ctx, a.Job)
	if err != nil {
		return fmt.Errorf("bulk import %d: %w", a.Job, err)
	}
	if err := q.db.exec(ctx, `UPDATE jxsync_jobs SET total = ? WHERE id = ?`, len(entries), a.Job); err != nil {
		return fmt.Errorf("bulk import %d: %w", a.Job, err)
	}
	for seq, e := range entries {
		if done[seq] {
			continue
		}
		if time.Now().After(deadline) {
			return river.JobSnooze(0)
		}
		rs := []*sync.ImportResult{e.bad}
		if e.bad == nil {
			data, err := e.read()
			if err != nil {
				rs = []*sync.ImportResult{{File: e.name, Outcome: sync.OutcomeUnreadable, FirstError: err.Error()}}
			} else if rs, err = q.svc.ImportFile(ctx, e.name, data, sync.ImportOptions{By: a.By,
				Actor: sync.Actor{Name: a.By, Role: store.RoleBureau}, Action: store.ActionUpload}); err != nil {
				return fmt.Errorf("bulk import %d: %s: %w", a.Job, e.name, err)
			}
		}
		for _, r := range rs {
			counts[r.Outcome]++
		}
		done[seq] = true
		if err := q.record(ctx, a.Job, seq, e.name, rs, len(done), counts); err != nil {
			return fmt.Errorf("bulk import %d: %w", a.Job, err)
		}
	}
	return q.finish(ctx, a.Job, "", "", "")
}

// expand lists the workbooks of the uploaded files, in a stable order:
// each file as uploaded, a .zip as its entries (what sync.Collect takes
// from an archive).
func (w *importWorker) expand(ctx context.Context, tmp string, files []UploadedFile) ([]entry, error) {
	var out []entry
	for i, f := range files {
		data, err := w.q.svc.Blobs.Get(ctx, f.Hash)
		if err != nil {
			return nil, fmt.Errorf("read upload %s: %w", f.Name, err)
		}
		if !strings.EqualFold(path.Ext(f.Name), ".zip") {
			out = append(out, entry{name: f.Name, read: func() ([]byte, error) { return data, nil }})
			continue
		}
		p := filepath.Join(tmp, fmt.Sprintf("%d.zip", i))
		if err := os.WriteFile(p, data, 0o600); err != nil {
			return nil, err
		}
		srcs, bad := sync.Collect([]string{p}, sync.CollectLimits{})
		var es []entry
		for _, s := range srcs {
			es = append(es, entry{name: f.Name + strings.TrimPrefix(s.Name, p), read: s.Read})
		}
		for _, b := range bad {
			b.File = f.Name + strings.TrimPrefix(b.File, p)
			es = append(es, entry{name: b.File, bad: b})
		}
		sort.SliceStable(es, func(i, j int) bool { return es[i].name < es[j].name })
		out = append(out, es...)
	}
	return out, nil
}

// progress returns the files of a job recorded so far and their counts.
func (q *Queue) progress(ctx context.Context, id int64) (map[int]bool, map[string]int, error) {
	items, err := q.Items(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	done, counts := map[int]bool{}, map[string]int{}
	for _, it := range items {
		done[it.Seq] = true
		for _, r := range it.Results {
			counts[r.Outcome]++
		}
	}
	return done, counts, nil
}

// record stores one file's results and the job's progress in one
// transaction; a file recorded already is left as it was.
func (q *Queue) record(ctx context.Context, id int64, seq int, name string, rs []*sync.ImportResult, done int, counts map[string]int) error {
	res, err := json.Marshal(rs)
	if err != nil {
		return err
	}
	c, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	return q.db.inTx(ctx, func(tx querier, _ func(river.JobArgs) (int64, error)) error {
		if err := tx.exec(ctx, `INSERT INTO jxsync_job_items(job_id, seq, name, results) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			id, seq, name, string(res)); err != nil {
			return err
		}
		return tx.exec(ctx, `UPDATE jxsync_jobs SET done = ?, counts = ? WHERE id = ?`, done, string(c), id)
	})
}

// setProgress records how far a job that makes one file is.
func (q *Queue) setProgress(ctx context.Context, id int64, done, total int) error {
	return q.db.exec(ctx, `UPDATE jxsync_jobs SET done = ?, total = ? WHERE id = ?`, done, total, id)
}

// finish records a job's result file (stored in the blob store) or
// message, and when it finished.
func (q *Queue) finish(ctx context.Context, id int64, name, hash, message string) error {
	err := q.db.exec(ctx, `UPDATE jxsync_jobs SET result_name = ?, result_hash = ?, message = ?, finished_at = ? WHERE id = ?`,
		name, hash, message, time.Now().UTC().Format(time.RFC3339Nano), id)
	if err != nil {
		return fmt.Errorf("finish job %d: %w", id, err)
	}
	return nil
}

// keep stores a job's result file and records it.
func (q *Queue) keep(ctx context.Context, id int64, name string, data []byte) error {
	hash, err := q.svc.Blobs.Put(ctx, data)
	if err != nil {
		return fmt.Errorf("store job %d result: %w", id, err)
	}
	return q.finish(ctx, id, name, hash, "")
}

// zipWorker works the zip of all submissions.
type zipWorker struct {
	river.WorkerDefaults[ZipArgs]
	q *Queue
}

// Work zips the original and the regenerated workbook of the latest
// revision of every submission of the template and year; a workbook that
// cannot be regenerated is listed in a note instead. A retry starts over:
// the zip is made whole or not at all.
func (w *zipWorker) Work(ctx context.Context, job *river.Job[ZipArgs]) error {
	q, a := w.q, job.Args
	latest, err := q.svc.Records.Latest(ctx, a.Template)
	if err != nil {
		return fmt.Errorf("zip %d: %w", a.Job, err)
	}
	var revs []*store.Revision
	for _, r := range latest {
		if r.Year == a.Year && r.SubmissionID != 0 {
			revs = append(revs, r)
		}
	}
	if len(revs) == 0 {
		return q.finish(ctx, a.Job, "", "", "该年度没有填报 (no submissions)")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var missing []string
	for i, rev := range revs {
		_, data, err := q.svc.Original(ctx, rev.ID)
		if err != nil {
			return fmt.Errorf("zip %d: %w", a.Job, err)
		}
		if err := addZip(zw, rev.UploadedAt, "原件/"+stem(rev)+"-"+baseName(rev.FileName), data); err != nil {
			return fmt.Errorf("zip %d: %w", a.Job, err)
		}
		if q.svc.Exporter != nil {
			out, _, err := q.svc.Export(ctx, rev.ID)
			if err != nil {
				missing = append(missing, fmt.Sprintf("%s.xlsx：%v", stem(rev), err))
			} else if err := addZip(zw, rev.UploadedAt, "导出/"+stem(rev)+".xlsx", out); err != nil {
				return fmt.Errorf("zip %d: %w", a.Job, err)
			}
		}
		if err := q.setProgress(ctx, a.Job, i+1, len(revs)); err != nil {
			return fmt.Errorf("zip %d: %w", a.Job, err)
		}
	}
	if len(missing) > 0 {
		note := "以下工作簿未能生成（原件已包含）：\r\n" + strings.Join(missing, "\r\n") + "\r\n"
		if err := addZip(zw, time.Now(), "未能生成的工作簿.txt", []byte(note)); err != nil {
			return fmt.Errorf("zip %d: %w", a.Job, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip %d: %w", a.Job, err)
	}
	return q.keep(ctx, a.Job, fmt.Sprintf("%s-%d年度-全部填报.zip", a.Title, a.Year), buf.Bytes())
}

func addZip(zw *zip.Writer, at time.Time, name string, data []byte) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// stem names a revision's files: unit[-subject]-year-template-rN.
func stem(rev *store.Revision) string {
	parts := []string{rev.Unit}
	if rev.Subject != "" {
		parts = append(parts, rev.Subject)
	}
	parts = append(parts, fmt.Sprint(rev.Year), rev.TemplateID, fmt.Sprintf("r%d", rev.ID))
	return safeName(strings.Join(parts, "-"))
}

// baseName is the last element of an uploaded file's name, made safe.
func baseName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	return safeName(path.Base(name))
}

// safeName replaces characters that are not safe in a zip entry's name.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
	if s = strings.Trim(s, ". "); s == "" {
		return "_"
	}
	return s
}

// reportWorker works consolidated reports.
type reportWorker struct {
	river.WorkerDefaults[ReportArgs]
	q *Queue
}

// Work makes the report workbook and keeps it.
func (w *reportWorker) Work(ctx context.Context, job *river.Job[ReportArgs]) error {
	q, a := w.q, job.Args
	if q.svc.Reporter == nil {
		return river.JobCancel(fmt.Errorf("report %d: 汇总报表尚未配置 (no reporter)", a.Job))
	}
	expected := a.Expected
	if expected == nil {
		expected = []string{}
	}
	sum, err := q.svc.Summary(ctx, a.Template, a.Year, expected)
	if err != nil {
		return fmt.Errorf("report %d: %w", a.Job, err)
	}
	out, err := q.svc.Report(sum)
	if err != nil {
		return fmt.Errorf("report %d: %w", a.Job, err)
	}
	if err := q.setProgress(ctx, a.Job, 1, 1); err != nil {
		return fmt.Errorf("report %d: %w", a.Job, err)
	}
	return q.keep(ctx, a.Job, fmt.Sprintf("%s-%d年度-汇总.xlsx", a.Title, a.Year), out)
}

// regenerateWorker works regenerations.
type regenerateWorker struct {
	river.WorkerDefaults[RegenerateArgs]
	q *Queue
}

// Work carries the submissions over to the template version and keeps a
// zip of the workbooks, with a note of those that could not be made and
// of the values the new version has no place for.
func (w *regenerateWorker) Work(ctx context.Context, job *river.Job[RegenerateArgs]) error {
	q, a := w.q, job.Args
	rs, err := q.svc.Regenerate(ctx, a.Template, a.Year, a.Units, func(done, total int, _ *sync.RegenResult) {
		_ = q.setProgress(ctx, a.Job, done, total)
	})
	if err != nil {
		return fmt.Errorf("regenerate %d: %w", a.Job, err)
	}
	if len(rs) == 0 {
		return q.finish(ctx, a.Job, "", "", "没有可重新生成的填报 (no submissions)")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var notes []string
	for _, r := range rs {
		if r.Err != nil {
			notes = append(notes, fmt.Sprintf("%s：%v", r.FileName(), r.Err))
			continue
		}
		for _, n := range r.Notes {
			notes = append(notes, r.FileName()+"："+n)
		}
		if err := addZip(zw, time.Now(), r.FileName(), r.Data); err != nil {
			return fmt.Errorf("regenerate %d: %w", a.Job, err)
		}
	}
	if len(notes) > 0 {
		if err := addZip(zw, time.Now(), "说明.txt", []byte(strings.Join(notes, "\r\n")+"\r\n")); err != nil {
			return fmt.Errorf("regenerate %d: %w", a.Job, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("regenerate %d: %w", a.Job, err)
	}
	return q.keep(ctx, a.Job, safeName(strings.ReplaceAll(a.Template, "@", "-"))+fmt.Sprintf("-%d年度-重新生成.zip", a.Year), buf.Bytes())
}
