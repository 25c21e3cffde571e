package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/jobs"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// newJobsEnv is newEnv with a job queue on the records file, worked in
// this process as `jxsync serve` does on SQLite.
func newJobsEnv(t *testing.T) (*env, *jobs.Queue) {
	t.Helper()
	svc := testkit.Service(t)
	_, rows, err := svc.Records.Query(context.Background(), "SELECT file FROM pragma_database_list WHERE name = 'main'")
	if err != nil || len(rows) != 1 {
		t.Fatalf("database file: %v", err)
	}
	ctx := context.Background()
	q, err := jobs.Open(ctx, jobs.Config{SQLite: fmt.Sprint(rows[0][0]), Service: svc, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close(ctx) })
	srv, err := web.New(svc, web.Options{Jobs: q})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, svc: svc, db: svc.Records.(*sqlite.DB), srv: srv, ts: ts, reg: testkit.Registry(t)}, q
}

// bulk posts files as the bulk form does (token: the csrf field) or as an
// API client (header).
func (c *client) bulk(path string, files map[string][]byte, token, header bool) (*http.Response, []byte) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if token {
		mw.WriteField("csrf", c.csrf)
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if header {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res, out.Bytes()
}

// okWorkbook is a Hubei form of unit without errors.
func okWorkbook(t *testing.T, unit string) []byte {
	return hubeiWorkbook(t, func(d *template.Data) { forUnit(unit)(d); corrected(d) })
}

// zipFiles returns a zip archive of the named files.
func zipFiles(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// waitJob polls the job's API until it finished.
func (c *client) waitJob(id string) map[string]any {
	c.t.Helper()
	for i := 0; i < 1200; i++ {
		res, body := c.get("/api/jobs/" + id)
		wantStatus(c.t, "job", res, body, http.StatusOK)
		var j map[string]any
		if err := json.Unmarshal(body, &j); err != nil {
			c.t.Fatal(err)
		}
		switch j["state"] {
		case jobs.StateCompleted, jobs.StateDiscarded, jobs.StateCancelled:
			return j
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("job %s did not finish", id)
	return nil
}

// jobID is the id of the job page a form redirected to.
func jobID(t *testing.T) func(res *http.Response, body []byte) string {
	return func(res *http.Response, body []byte) string { return jobIDOf(t, res, body) }
}

func jobIDOf(t *testing.T, res *http.Response, body []byte) string {
	t.Helper()
	wantStatus(t, "start job", res, body, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/jobs/") {
		t.Fatalf("redirect to %q", loc)
	}
	return strings.TrimPrefix(loc, "/jobs/")
}

// TestBulkUploadJob: the bureau uploads a zip of workbooks (with a file
// that is no workbook and a workbook that cannot be read) and a loose
// workbook on the bulk page; one job imports them all and its page shows
// progress, counts, the failure and the report; agencies get 403, a form
// without the CSRF token 403 and starts nothing.
func TestBulkUploadJob(t *testing.T) {
	e, q := newJobsEnv(t)
	e.addUser("caizheng", "bureau", "")
	e.addUser("agency", "agency", "武汉市蔡甸区救助管理站")
	bureau, agency := e.login("caizheng"), e.login("agency")

	archive := zipFiles(t, map[string][]byte{
		"甲/wb-1.xlsx": okWorkbook(t, "批量单位一"),
		"甲/wb-2.xlsx": okWorkbook(t, "批量单位二"),
		"乙/坏的.xlsx":   []byte("not a workbook"),
		"说明.txt":      []byte("readme"),
	})
	files := map[string][]byte{"收到的.zip": archive, "单独.xlsx": okWorkbook(t, "批量单位三")}

	res, body := agency.get("/bulk")
	wantStatus(t, "agency bulk page", res, body, http.StatusForbidden)
	res, body = agency.bulk("/bulk", files, true, false)
	wantStatus(t, "agency bulk upload", res, body, http.StatusForbidden)
	res, body = agency.bulk("/api/bulk", files, false, true)
	wantStatus(t, "agency bulk API", res, body, http.StatusForbidden)
	res, body = bureau.bulk("/bulk", files, false, false)
	wantStatus(t, "bulk without CSRF", res, body, http.StatusForbidden)
	if js, err := q.List(context.Background(), 10); err != nil || len(js) != 0 {
		t.Fatalf("jobs after refused uploads: %d %v", len(js), err)
	}

	res, body = bureau.get("/bulk")
	wantStatus(t, "bulk page", res, body, http.StatusOK)
	mustContain(t, body, `action="/bulk"`, `name="csrf"`, "multiple")
	id := jobID(t)(bureau.bulk("/bulk", files, true, false))
	j := bureau.waitJob(id)
	if j["state"] != jobs.StateCompleted || j["total"] != 4.0 || j["done"] != 4.0 {
		t.Fatalf("job: %v", j)
	}
	counts := j["counts"].(map[string]any)
	if counts["imported"] != 3.0 || counts["unreadable"] != 1.0 {
		t.Errorf("counts %v", counts)
	}
	if n := testkit.QueryInt(t, e.svc.Records, "SELECT count(*) FROM revisions"); n != 3 {
		t.Errorf("%d revisions, want 3", n)
	}
	res, body = bureau.get("/jobs/" + id)
	wantStatus(t, "job page", res, body, http.StatusOK)
	mustContain(t, body, "已完成", "4 / 4", "已保存（新填报） <strong>3</strong>", "收到的.zip!乙/坏的.xlsx", "/jobs/"+id+"/report")
	res, body = bureau.get("/jobs/" + id + "/report")
	wantStatus(t, "report", res, body, http.StatusOK)
	mustContain(t, body, "path,sheet,unit", "收到的.zip!甲/wb-1.xlsx", "批量单位三", "unreadable")
	if n := bytes.Count(body, []byte("\n")); n != 5 {
		t.Errorf("report has %d lines, want 5:\n%s", n, body)
	}
	res, body = agency.get("/jobs/" + id)
	wantStatus(t, "agency job page", res, body, http.StatusForbidden)

	// The same files again: a new job, nothing stored twice.
	res, body = bureau.bulk("/api/bulk", files, false, true)
	wantStatus(t, "bulk API", res, body, http.StatusAccepted)
	var started struct{ Job int64 }
	json.Unmarshal(body, &started)
	j = bureau.waitJob(fmt.Sprint(started.Job))
	if c := j["counts"].(map[string]any); c["unchanged"] != 3.0 || c["imported"] != nil {
		t.Errorf("second import counts %v", c)
	}
	if n := testkit.QueryInt(t, e.svc.Records, "SELECT count(*) FROM revisions"); n != 3 {
		t.Errorf("%d revisions after the second import, want 3", n)
	}
}

// TestZipAndReportJobs: the dashboard's zip and report buttons start jobs
// whose files are downloaded from the job page; agencies get 403; a
// portal without a queue answers 501.
func TestZipAndReportJobs(t *testing.T) {
	e, _ := newJobsEnv(t)
	e.addUser("caizheng", "bureau", "")
	e.addUser("agency", "agency", "武汉市蔡甸区救助管理站")
	e.importFile(jiuzhuXLSX)
	e.importFile("hubei-dept/2022/examples/caidian-minzheng-2022.xlsx")
	bureau, agency := e.login("caizheng"), e.login("agency")

	res, body := bureau.get("/bureau?template=hubei-dept&year=2022")
	wantStatus(t, "dashboard", res, body, http.StatusOK)
	mustContain(t, body, `action="/bureau/jobs/zip"`, `action="/bureau/jobs/report"`)
	form := url.Values{"template": {"hubei-dept"}, "year": {"2022"}}
	res, body = agency.postForm("/bureau/jobs/zip", url.Values{"template": {"hubei-dept"}, "year": {"2022"}}, true)
	wantStatus(t, "agency zip job", res, body, http.StatusForbidden)
	res, body = bureau.postForm("/bureau/jobs/zip", url.Values{"template": {"hubei-dept"}, "year": {"2022"}}, false)
	wantStatus(t, "zip job without CSRF", res, body, http.StatusForbidden)

	id := jobID(t)(bureau.postForm("/bureau/jobs/zip", form, true))
	if j := bureau.waitJob(id); j["state"] != jobs.StateCompleted || j["done"] != 2.0 {
		t.Fatalf("zip job: %v", j)
	}
	res, body = bureau.get("/jobs/" + id + "/result")
	wantStatus(t, "zip", res, body, http.StatusOK)
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var originals, exports int
	for _, f := range zr.File {
		switch {
		case strings.HasPrefix(f.Name, "原件/"):
			originals++
		case strings.HasPrefix(f.Name, "导出/"):
			exports++
		}
	}
	if originals != 2 || exports != 2 {
		t.Errorf("zip: %d originals, %d exports, want 2 and 2", originals, exports)
	}

	id = jobID(t)(bureau.postForm("/bureau/jobs/report", url.Values{"template": {"hubei-dept"}, "year": {"2022"}}, true))
	if j := bureau.waitJob(id); j["state"] != jobs.StateCompleted || !strings.HasSuffix(fmt.Sprint(j["result_name"]), ".xlsx") {
		t.Fatalf("report job: %v", j)
	}
	res, body = bureau.get("/jobs/" + id + "/result")
	wantStatus(t, "report", res, body, http.StatusOK)
	if !bytes.HasPrefix(body, []byte("PK")) {
		t.Errorf("report is not a workbook: %q", clip(body))
	}

	plain := newEnv(t, web.Options{})
	plain.addUser("caizheng", "bureau", "")
	res, body = plain.login("caizheng").get("/bulk")
	wantStatus(t, "bulk without a queue", res, body, http.StatusNotImplemented)
}
