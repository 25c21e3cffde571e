package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// dashboardJSON is the part of /api/dashboard the tests read.
type dashboardJSON struct {
	Template string `json:"template"`
	Year     int    `json:"year"`
	Total    int    `json:"total"`
	Counts   []struct {
		State string `json:"state"`
		N     int    `json:"count"`
	} `json:"counts"`
	Rows []struct {
		Unit    string `json:"unit"`
		Subject string `json:"subject"`
		State   string `json:"state"`
		Latest  *struct {
			ID         int64 `json:"id"`
			Submission int64 `json:"submission"`
		} `json:"latest"`
		Review *struct {
			Status  string `json:"status"`
			Comment string `json:"comment"`
		} `json:"review"`
	} `json:"rows"`
}

func (d *dashboardJSON) states() map[string]string {
	out := map[string]string{}
	for _, r := range d.Rows {
		out[r.Unit+r.Subject] = r.State
	}
	return out
}

func getDashboard(t *testing.T, c *client, q string) *dashboardJSON {
	t.Helper()
	res, body := c.get("/api/dashboard?" + q)
	wantStatus(t, "dashboard "+q, res, body, http.StatusOK)
	var d dashboardJSON
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return &d
}

func TestDashboardAndReview(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("cz", store.RoleBureau, "")
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	e.addUser("xx", store.RoleAgency, "新设单位")
	e.addUser("old", store.RoleAgency, "已撤销单位")
	e.db.SetDisabled(context.Background(), "old", true)
	// 2021: a unit that submitted last year only.
	e.importWorkbook("2021.xlsx", hubeiWorkbookYear(t, "往年单位", 2021))
	jzRev := e.importFile(jiuzhuXLSX).Revision
	mzRev := e.importFile("hubei-dept/2022/examples/caidian-minzheng-2022.xlsx").Revision
	cz := e.login("cz")

	d := getDashboard(t, cz, "template=hubei-dept&year=2022")
	want := map[string]string{unitJiuzhu: sync.StateErrors, unitMinzh: sync.StateSubmitted, "新设单位": sync.StateMissing, "往年单位": sync.StateMissing}
	if got := d.states(); !equalMaps(got, want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	counts := map[string]int{}
	for _, c := range d.Counts {
		counts[c.State] = c.N
	}
	if d.Total != 4 || counts[sync.StateMissing] != 2 || counts[sync.StateErrors] != 1 || counts[sync.StateSubmitted] != 1 {
		t.Errorf("total %d counts %v", d.Total, counts)
	}
	// Without template and year: the template and year of the latest upload.
	if d := getDashboard(t, cz, ""); d.Template != "hubei-dept" || d.Year != 2022 {
		t.Errorf("default dashboard: %s %d", d.Template, d.Year)
	}
	// Filters.
	if d := getDashboard(t, cz, "template=hubei-dept&year=2022&state=missing"); len(d.Rows) != 2 || d.Total != 4 {
		t.Errorf("state filter: %d rows of %d", len(d.Rows), d.Total)
	}
	if d := getDashboard(t, cz, "template=hubei-dept&year=2022&q="+url.QueryEscape("救助")); len(d.Rows) != 1 || d.Rows[0].Unit != unitJiuzhu {
		t.Errorf("unit filter: %+v", d.Rows)
	}
	res, body := cz.get("/api/dashboard?template=nope")
	wantStatus(t, "unknown template", res, body, http.StatusBadRequest)

	// The page shows the same, with counts.
	res, body = cz.get("/bureau?template=hubei-dept&year=2022")
	wantStatus(t, "dashboard page", res, body, http.StatusOK)
	mustContain(t, body, unitJiuzhu, "新设单位", "往年单位", "未提交", "有错误", "已提交", `<span class="n">4</span>全部`)
	mustNotContain(t, body, "已撤销单位")

	// Accept one, return the other with a comment the agency sees.
	mzSub, jzSub := subOf(t, e, mzRev), subOf(t, e, jzRev)
	res, body = cz.postForm("/submissions/"+mzSub+"/review", url.Values{"status": {"accepted"}, "comment": {"数据完整"}}, true)
	wantStatus(t, "accept warnings unconfirmed", res, body, http.StatusConflict)
	mustContain(t, body, "该表有警告，确认通过？")
	res, body = cz.postForm("/submissions/"+mzSub+"/review", url.Values{"status": {"accepted"}, "comment": {"数据完整"}, "confirm": {"1"}}, true)
	wantStatus(t, "accept", res, body, http.StatusSeeOther)
	res, body = cz.postForm("/submissions/"+mzSub+"/review", url.Values{"status": {"returned"}, "comment": {"再看"}}, true)
	wantStatus(t, "second review", res, body, http.StatusConflict)
	res, body = cz.postForm("/submissions/"+jzSub+"/review", url.Values{"status": {"returned"}}, true)
	wantStatus(t, "return without comment", res, body, http.StatusBadRequest)
	res, body = cz.postForm("/submissions/"+jzSub+"/review", url.Values{"status": {"maybe"}, "comment": {"x"}}, true)
	wantStatus(t, "bad status", res, body, http.StatusBadRequest)
	res, body = cz.postForm("/submissions/"+jzSub+"/review", url.Values{"status": {"returned"}, "comment": {strings.Repeat("长", 2001)}}, true)
	wantStatus(t, "comment too long", res, body, http.StatusBadRequest)
	res, body = cz.postJSON("/api/submissions/"+jzSub+"/review", `{"status":"returned","comment":"请说明救助人次未完成的原因"}`)
	wantStatus(t, "API return of a form with errors", res, body, http.StatusConflict)
	res, body = cz.postForm("/submissions/999999/review", url.Values{"status": {"accepted"}}, true)
	wantStatus(t, "review of no submission", res, body, http.StatusNotFound)

	d = getDashboard(t, cz, "template=hubei-dept&year=2022")
	want[unitMinzh] = sync.StateAccepted
	if got := d.states(); !equalMaps(got, want) {
		t.Errorf("after review: %v", got)
	}

	// The corrected form is returned with a comment the agency sees.
	jz := e.login("jz")
	res, body = jz.upload("/upload", "fixed.xlsx", hubeiWorkbook(t, corrected), true, false)
	wantStatus(t, "corrected", res, body, http.StatusOK)
	jzRev = mustInt(t, firstRevision(t, body))
	res, body = cz.postJSON("/api/submissions/"+jzSub+"/review", `{"status":"returned","comment":"请说明救助人次未完成的原因"}`)
	wantStatus(t, "API return", res, body, http.StatusOK)
	want[unitJiuzhu] = sync.StateReturned
	if got := getDashboard(t, cz, "template=hubei-dept&year=2022").states(); !equalMaps(got, want) {
		t.Errorf("after the return: %v", got)
	}
	_, body = jz.get("/agency")
	mustContain(t, body, "财政退回", "请说明救助人次未完成的原因")
	_, body = jz.get("/revisions/" + itoa(jzRev))
	mustContain(t, body, "审核意见", "请说明救助人次未完成的原因")
	mustNotContain(t, body, `id="review-form"`)

	// A new upload after the review is waiting for review again.
	res, body = jz.upload("/upload", "fixed-2.xlsx", hubeiWorkbook(t, func(d *template.Data) {
		corrected(d)
		d.Fields["improvement"] = "加强管理。"
	}), true, false)
	wantStatus(t, "corrected again", res, body, http.StatusOK)
	if got := getDashboard(t, cz, "template=hubei-dept&year=2022").states()[unitJiuzhu]; got != sync.StateSubmitted {
		t.Errorf("after a new upload: %s", got)
	}
	_, body = cz.get("/revisions/" + itoa(jzRev))
	mustContain(t, body, "这不是最新版本", `id="review-form"`)
}

func TestZipAndReport(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("cz", store.RoleBureau, "")
	var want []string
	for _, f := range []string{"canji", "dibao", "linshi", "tekun"} {
		ir := e.importFile("national-project/2020/examples/lechang-" + f + "-2021.xlsx")
		if ir.Revision == 0 {
			t.Fatalf("import %s: %+v", f, ir)
		}
		want = append(want, "lechang-"+f+"-2021.xlsx")
	}
	cz := e.login("cz")
	res, body := cz.get("/bureau/zip?template=national-project&year=2021")
	wantStatus(t, "zip", res, body, http.StatusOK)
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, ".zip") || !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var originals, exports []string
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Errorf("unsafe entry %q", f.Name)
		}
		dir, name, _ := strings.Cut(f.Name, "/")
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		switch dir {
		case "原件":
			originals = append(originals, name)
			if ok := containsBytes(t, e, b); !ok {
				t.Errorf("%s is not a stored original", f.Name)
			}
		case "导出":
			exports = append(exports, name)
			if _, err := e.svc.Validate(name, b, ""); err != nil {
				t.Errorf("%s: %v", f.Name, err)
			}
		default:
			t.Errorf("entry %q", f.Name)
		}
	}
	if len(originals) != 4 || len(exports) != 4 {
		t.Errorf("originals %v exports %v", originals, exports)
	}
	for _, w := range want {
		found := false
		for _, o := range originals {
			found = found || strings.HasSuffix(o, w)
		}
		if !found {
			t.Errorf("no original %s in %v", w, originals)
		}
	}
	res, body = cz.get("/bureau/zip?template=national-project&year=2030")
	wantStatus(t, "zip of a year without submissions", res, body, http.StatusNotFound)

	res, body = cz.get("/bureau/report?template=national-project&year=2021")
	wantStatus(t, "report", res, body, http.StatusOK)
	if _, err := e.svc.Reader.Read("report.xlsx", body); err != nil {
		t.Errorf("report: %v", err)
	}
	res, body = cz.get("/api/report?template=national-project&year=2021")
	wantStatus(t, "API report", res, body, http.StatusOK)
}

func containsBytes(t *testing.T, e *env, b []byte) bool {
	t.Helper()
	revs, err := e.db.Latest(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs {
		if _, data, err := e.svc.Original(context.Background(), r.ID); err == nil && bytes.Equal(data, b) {
			return true
		}
	}
	return false
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
