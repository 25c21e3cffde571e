package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/web"
)

// stateSpan finds the submission state shown on a page.
var stateSpan = regexp.MustCompile(`<span class="state ([a-z]+)">([^<]+)</span>`)

// statesOn returns the states a page shows, as "class:name".
func statesOn(body []byte) []string {
	var out []string
	for _, m := range stateSpan.FindAllSubmatch(body, -1) {
		out = append(out, string(m[1])+":"+string(m[2]))
	}
	return out
}

// TestStatusWords: one vocabulary on every page. A revision that failed
// validation is 有错误 and cannot be reviewed; 财政退回 is only the bureau's
// return.
func TestStatusWords(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("cz", store.RoleBureau, "")
	jz, cz := e.login("jz"), e.login("cz")
	res, body := jz.upload("/upload", "救助站.xlsx", testkit.Example(t, jiuzhuXLSX), true, false)
	wantStatus(t, "upload", res, body, http.StatusOK)
	rev := firstRevision(t, body)
	sub := subOf(t, e, mustInt(t, rev))

	pages := func() map[string][]byte {
		out := map[string][]byte{}
		for name, p := range map[string]struct {
			c    *client
			path string
		}{"agency": {jz, "/agency"}, "revision": {jz, "/revisions/" + rev}, "dashboard": {cz, "/bureau?template=hubei-dept&year=2022"},
			"bureau's revision": {cz, "/revisions/" + rev}} {
			res, body := p.c.get(p.path)
			wantStatus(t, name, res, body, http.StatusOK)
			out[name] = body
		}
		return out
	}
	// Failed validation, not reviewed: 有错误 everywhere, never 已退回.
	for name, body := range pages() {
		if got := statesOn(body); !contains(got, "errors:有错误") || contains(got, "returned:财政退回") {
			t.Errorf("%s: states %q, want 有错误", name, got)
		}
		if name != "dashboard" { // whose filters name every state
			mustNotContain(t, body, "退回")
			mustContain(t, body, `<span class="check rejected">有错误</span>`)
		}
	}

	// A form with errors cannot be returned (nor accepted): the unit fixes
	// it; the state stays 有错误.
	res, body = cz.postForm("/submissions/"+sub+"/review", url.Values{"status": {"returned"}, "comment": {"请说明原因"}}, true)
	wantStatus(t, "return of errors", res, body, http.StatusConflict)
	mustContain(t, body, "该表校验有错误，不能审核")
	mustNotContain(t, body, "not reviewable")

	// A corrected upload: 已提交, its validation 校验通过 (or 有警告).
	res, body = jz.upload("/upload", "救助站-改.xlsx", hubeiWorkbook(t, corrected), true, false)
	wantStatus(t, "corrected", res, body, http.StatusOK)
	rev = firstRevision(t, body)
	for name, body := range pages() {
		if got := statesOn(body); !contains(got, "submitted:已提交") || contains(got, "returned:财政退回") {
			t.Errorf("%s: states %q, want 已提交", name, got)
		}
		if strings.Contains(name, "revision") {
			mustContain(t, body, `<span class="check warnings">有警告</span>`)
		}
	}

	// Returned by the bureau (the unit has no department): 财政退回, and
	// the revision still 有警告.
	res, body = cz.postForm("/submissions/"+sub+"/review", url.Values{"status": {"returned"}, "comment": {"请说明原因"}}, true)
	wantStatus(t, "return", res, body, http.StatusSeeOther)
	for name, body := range pages() {
		if got := statesOn(body); !contains(got, "returned:财政退回") || contains(got, "submitted:已提交") {
			t.Errorf("%s: states %q, want 财政退回", name, got)
		}
		if strings.Contains(name, "revision") {
			mustContain(t, body, `<span class="check warnings">有警告</span>`)
		}
	}
}

// TestUploadAreaOnResultPages: the upload result and an agency's revision
// page carry the upload form, which takes .xls with a note that it is
// converted; the bureau's revision page has none.
func TestUploadAreaOnResultPages(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("cz", store.RoleBureau, "")
	jz, cz := e.login("jz"), e.login("cz")
	form := []string{`id="upload-form"`, `action="/upload"`, `accept=".xlsx,.xlsm,.xls"`, "（.xls），系统先将其转换为 .xlsx，需要几秒钟"}

	res, body := jz.upload("/upload", "救助站.xlsx", testkit.Example(t, jiuzhuXLSX), true, false)
	wantStatus(t, "upload", res, body, http.StatusOK)
	mustContain(t, body, append(form, `id="upload-again"`, `href="#upload-again"`)...)
	rev := firstRevision(t, body)
	res, body = jz.upload("/upload", "坏.xlsx", []byte("不是工作簿"), true, false)
	wantStatus(t, "unreadable upload", res, body, http.StatusUnprocessableEntity)
	mustContain(t, body, form...)

	res, body = jz.get("/revisions/" + rev)
	wantStatus(t, "agency's revision", res, body, http.StatusOK)
	mustContain(t, body, append(form, `id="upload-again"`)...)
	res, body = jz.get("/agency")
	wantStatus(t, "agency", res, body, http.StatusOK)
	mustContain(t, body, form...)

	res, body = cz.get("/revisions/" + rev)
	wantStatus(t, "bureau's revision", res, body, http.StatusOK)
	mustNotContain(t, body, `id="upload-form"`, `id="upload-again"`)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
