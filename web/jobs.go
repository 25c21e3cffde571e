package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/jxsync/jxsync/jobs"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// DefaultMaxBulkBytes is the default limit of a bulk upload's request body
// (512 MB).
const DefaultMaxBulkBytes = 512 << 20

// errNoJobs answers the job routes of a portal run without a job queue.
var errNoJobs = &httpError{http.StatusNotImplemented, "后台任务未配置 (no job queue)"}

// jobsRoutes registers the bulk upload and the job pages and API (bureau
// only).
func (s *Server) jobsRoutes() {
	s.mux.Handle("GET /bulk", s.page(roleBureau, s.bulkPage))
	s.mux.Handle("POST /bulk", s.wrap(roleBureau, false, true, s.bulkForm))
	s.mux.Handle("GET /jobs", s.page(roleBureau, s.jobsPage))
	s.mux.Handle("GET /jobs/{id}", s.page(roleBureau, s.jobPage))
	s.mux.Handle("GET /jobs/{id}/report", s.page(roleBureau, s.jobReport))
	s.mux.Handle("GET /jobs/{id}/result", s.page(roleBureau, s.jobResult))
	s.mux.Handle("POST /bureau/jobs/{kind}", s.page(roleBureau, s.startJobForm))

	s.mux.Handle("POST /api/bulk", s.api(roleBureau, s.apiBulk))
	s.mux.Handle("GET /api/jobs", s.api(roleBureau, s.apiJobs))
	s.mux.Handle("GET /api/jobs/{id}", s.api(roleBureau, s.apiJob))
	s.mux.Handle("GET /api/jobs/{id}/report", s.api(roleBureau, s.jobReport))
	s.mux.Handle("GET /api/jobs/{id}/result", s.api(roleBureau, s.jobResult))
	s.mux.Handle("POST /api/jobs/{kind}", s.api(roleBureau, s.apiStartJob))
}

// jobView is a job as its page shows it.
type jobView struct {
	*jobs.Job
	StateName string               `json:"state_name"`
	Percent   int                  `json:"percent"`
	Failures  []*sync.ImportResult `json:"failures,omitempty"`
	Counts    []outcomeCount       `json:"-"`
	Import    bool                 `json:"-"`
	Items     int                  `json:"-"`
}

// outcomeCount is one count of a bulk import's results.
type outcomeCount struct {
	Outcome, Name string
	N             int
}

// jobStateName names a job's state.
func jobStateName(state string) string {
	switch state {
	case jobs.StateAvailable, jobs.StateScheduled, jobs.StatePending:
		return "排队中 (queued)"
	case jobs.StateRunning:
		return "进行中 (running)"
	case jobs.StateRetryable:
		return "出错，稍后重试 (will retry)"
	case jobs.StateCompleted:
		return "已完成 (completed)"
	case jobs.StateDiscarded:
		return "失败 (failed)"
	case jobs.StateCancelled:
		return "已取消 (cancelled)"
	}
	return state
}

// view reads a job and, for a bulk import, its failures.
func (s *Server) view(rq *request) (*jobView, error) {
	if s.opts.Jobs == nil {
		return nil, errNoJobs
	}
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, store.ErrNotFound
	}
	j, err := s.opts.Jobs.Get(rq.ctx(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	v := viewOf(j)
	if j.Kind == jobs.KindImport {
		items, err := s.opts.Jobs.Items(rq.ctx(), id)
		if err != nil {
			return nil, err
		}
		v.Failures, v.Items = jobs.Failures(items), len(items)
	}
	return v, nil
}

func viewOf(j *jobs.Job) *jobView {
	v := &jobView{Job: j, StateName: jobStateName(j.State), Import: j.Kind == jobs.KindImport}
	if j.Total > 0 {
		v.Percent = 100 * j.Done / j.Total
	}
	for _, o := range []string{store.OutcomeImported, store.OutcomeUpdated, store.OutcomeUnchanged, sync.OutcomeRejected,
		sync.OutcomeUnreadable, sync.OutcomeConflict, sync.OutcomeDuplicate, sync.OutcomeFailed, sync.OutcomeCancelled} {
		if n := j.Counts[o]; n > 0 {
			v.Counts = append(v.Counts, outcomeCount{o, outcomeName(o), n})
		}
	}
	return v
}

// bulkPage offers the bulk upload and lists the recent jobs.
func (s *Server) bulkPage(rq *request) error {
	if s.opts.Jobs == nil {
		return errNoJobs
	}
	list, err := s.recentJobs(rq)
	if err != nil {
		return err
	}
	d := s.pageFor(rq, "批量导入", list)
	d.MaxUpload = s.opts.MaxBulkBytes
	s.render(rq.w, http.StatusOK, "bulk", d)
	return nil
}

// jobsPage lists the recent jobs.
func (s *Server) jobsPage(rq *request) error {
	return s.bulkPage(rq)
}

func (s *Server) recentJobs(rq *request) ([]*jobView, error) {
	js, err := s.opts.Jobs.List(rq.ctx(), 50)
	if err != nil {
		return nil, err
	}
	out := make([]*jobView, len(js))
	for i, j := range js {
		out[i] = viewOf(j)
	}
	return out, nil
}

// bulkFiles reads the files of a bulk upload (field file, any number of
// them: workbooks and .zip archives), within the bulk size limit, checks
// the form's CSRF token, and only then keeps them in the blob store.
func (s *Server) bulkFiles(rq *request) ([]jobs.UploadedFile, error) {
	if s.opts.Jobs == nil {
		return nil, errNoJobs
	}
	rq.r.Body = http.MaxBytesReader(rq.w, rq.r.Body, s.opts.MaxBulkBytes)
	mr, err := rq.r.MultipartReader()
	if err != nil {
		return nil, badRequest("请以 multipart/form-data 上传文件 (send multipart/form-data)")
	}
	type part struct {
		name string
		data []byte
	}
	var (
		token string
		parts []part
	)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, tooLargeOr(err, badRequest("上传内容无效 (bad multipart body)"))
		}
		switch p.FormName() {
		case "csrf":
			b, err := io.ReadAll(io.LimitReader(p, 256))
			if err != nil {
				return nil, tooLargeOr(err, badRequest("上传内容无效 (bad multipart body)"))
			}
			token = string(b)
		case "file":
			var b bytes.Buffer
			if _, err := io.Copy(&b, p); err != nil {
				return nil, tooLargeOr(err, badRequest("上传内容无效 (bad multipart body)"))
			}
			if p.FileName() == "" && b.Len() == 0 {
				continue // no file chosen
			}
			parts = append(parts, part{p.FileName(), b.Bytes()})
		default:
			if _, err := io.Copy(io.Discard, p); err != nil {
				return nil, tooLargeOr(err, badRequest("上传内容无效 (bad multipart body)"))
			}
		}
	}
	if err := rq.checkCSRF(token); err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, badRequest("请选择要导入的工作簿或 zip 压缩包 (no file)")
	}
	var files []jobs.UploadedFile
	for _, p := range parts {
		name := safeFileName(p.name, "上传.xlsx")
		switch strings.ToLower(path.Ext(name)) {
		case ".zip", ".xlsx", ".xlsm", ".xls":
		default:
			return nil, badRequest("“%s”不是工作簿或 zip 压缩包 (only .xlsx, .xlsm, .xls and .zip)", name)
		}
		if len(p.data) == 0 {
			return nil, badRequest("文件为空：“%s”的大小为 0 字节 (empty file)", name)
		}
		hash, err := s.svc.Blobs.Put(rq.ctx(), p.data)
		if err != nil {
			return nil, fmt.Errorf("bulk upload %s: %w", name, err)
		}
		files = append(files, jobs.UploadedFile{Name: name, Hash: hash})
	}
	return files, nil
}

// bulkForm takes a bulk upload and starts its import job.
func (s *Server) bulkForm(rq *request) error {
	files, err := s.bulkFiles(rq)
	if err != nil {
		return err
	}
	id, err := s.opts.Jobs.EnqueueImport(rq.ctx(), rq.user.Name, files)
	if err != nil {
		return err
	}
	http.Redirect(rq.w, rq.r, fmt.Sprintf("/jobs/%d", id), http.StatusSeeOther)
	return nil
}

// apiBulk is bulkForm for the API: {"job", "url"} (202).
func (s *Server) apiBulk(rq *request) error {
	files, err := s.bulkFiles(rq)
	if err != nil {
		return err
	}
	id, err := s.opts.Jobs.EnqueueImport(rq.ctx(), rq.user.Name, files)
	if err != nil {
		return err
	}
	writeJSON(rq.w, http.StatusAccepted, map[string]any{"job": id, "url": fmt.Sprintf("/api/jobs/%d", id)})
	return nil
}

// jobPage shows a job's state, progress, counts and failures.
func (s *Server) jobPage(rq *request) error {
	v, err := s.view(rq)
	if err != nil {
		return err
	}
	s.render(rq.w, http.StatusOK, "job", s.pageFor(rq, v.Title, v))
	return nil
}

// apiJobs lists the recent jobs.
func (s *Server) apiJobs(rq *request) error {
	if s.opts.Jobs == nil {
		return errNoJobs
	}
	list, err := s.recentJobs(rq)
	if err != nil {
		return err
	}
	writeJSON(rq.w, http.StatusOK, list)
	return nil
}

// apiJob is one job: its state, progress, counts and failures.
func (s *Server) apiJob(rq *request) error {
	v, err := s.view(rq)
	if err != nil {
		return err
	}
	writeJSON(rq.w, http.StatusOK, v)
	return nil
}

// jobReport sends a bulk import's report: one CSV line per form.
func (s *Server) jobReport(rq *request) error {
	v, err := s.view(rq)
	if err != nil {
		return err
	}
	if !v.Import {
		return store.ErrNotFound
	}
	items, err := s.opts.Jobs.Items(rq.ctx(), v.ID)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := jobs.WriteReport(&b, items); err != nil {
		return err
	}
	send(rq.w, fmt.Sprintf("批量导入-%d-报告.csv", v.ID), "text/csv; charset=utf-8", b.Bytes())
	return nil
}

// jobResult sends the file a job made.
func (s *Server) jobResult(rq *request) error {
	v, err := s.view(rq)
	if err != nil {
		return err
	}
	name, data, err := s.opts.Jobs.Result(rq.ctx(), v.ID)
	if errors.Is(err, store.ErrNotFound) {
		return &httpError{http.StatusNotFound, "该任务没有生成文件，或尚未完成 (no result yet)"}
	}
	if err != nil {
		return err
	}
	send(rq.w, name, contentTypeOf(name), data)
	return nil
}

// startJob starts a zip or report job for the dashboard's template and
// year (q: template, year).
func (s *Server) startJob(rq *request, kind string, q url.Values) (int64, error) {
	if s.opts.Jobs == nil {
		return 0, errNoJobs
	}
	// The dashboard of template and year q names.
	dq := *rq
	dq.r = rq.r.Clone(rq.ctx())
	dq.r.URL.RawQuery = q.Encode()
	d, err := s.dashboard(&dq)
	if err != nil {
		return 0, err
	}
	switch kind {
	case "zip":
		return s.opts.Jobs.EnqueueZip(rq.ctx(), rq.user.Name, d.Template, d.Title, d.Year)
	case "report":
		if s.svc.Reporter == nil {
			return 0, &httpError{http.StatusNotImplemented, "汇总报表尚未配置 (no reporter)"}
		}
		latest, err := s.svc.Records.Latest(rq.ctx(), d.Template)
		if err != nil {
			return 0, err
		}
		expected, err := s.expectedUnits(rq.ctx(), d.Template, d.Year, latest)
		if err != nil {
			return 0, err
		}
		return s.opts.Jobs.EnqueueReport(rq.ctx(), rq.user.Name, d.Template, d.Title, d.Year, expected)
	case "regenerate":
		ref := q.Get("to")
		if ref == "" {
			return 0, badRequest("请给出目标模板版本 to=ID@VERSION (missing to)")
		}
		var units []string
		if u := strings.TrimSpace(q.Get("unit")); u != "" {
			units = []string{u}
		}
		return s.opts.Jobs.EnqueueRegenerate(rq.ctx(), rq.user.Name, ref, d.Year, units)
	}
	return 0, store.ErrNotFound
}

// startJobForm starts a job from a dashboard form and shows its page.
func (s *Server) startJobForm(rq *request) error {
	id, err := s.startJob(rq, rq.r.PathValue("kind"), rq.r.PostForm)
	if err != nil {
		return err
	}
	http.Redirect(rq.w, rq.r, fmt.Sprintf("/jobs/%d", id), http.StatusSeeOther)
	return nil
}

// apiStartJob starts a job: POST /api/jobs/zip|report|regenerate with
// ?template=&year= (regenerate: &to=ID@VERSION[&unit=]); {"job", "url"}.
func (s *Server) apiStartJob(rq *request) error {
	id, err := s.startJob(rq, rq.r.PathValue("kind"), rq.r.URL.Query())
	if err != nil {
		return err
	}
	writeJSON(rq.w, http.StatusAccepted, map[string]any{"job": id, "url": fmt.Sprintf("/api/jobs/%d", id)})
	return nil
}
