package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/web"
)

// Units of testkit.Roster(9) the department tests use.
const (
	eduDept     = "420114100" // 武汉市蔡甸区教育局
	civilDept   = "420114200" // 武汉市蔡甸区民政局
	eduSchool1  = "武汉市蔡甸区第1中学"
	civilUnit1  = "武汉市蔡甸区第1救助管理站"
	civilOwnFor = "武汉市蔡甸区民政局"
)

// deptEnv is a portal with testkit.Roster(9) registered, the bureau (cz),
// the 教育局 (jyj) and 民政局 (mzj) departments and the 第1中学 agency (zx1),
// and three forms (warnings only): 第1中学's, 第1救助管理站's and the
// 民政局's own.
type deptEnv struct {
	*env
	school, civil, civilOwn int64
}

func newDeptEnv(t *testing.T) *deptEnv {
	t.Helper()
	e := newEnv(t, web.Options{})
	if _, err := e.db.SaveUnits(context.Background(), testkit.Roster(9)); err != nil {
		t.Fatal(err)
	}
	e.addUser("cz", store.RoleBureau, "")
	e.addUser("jyj", store.RoleDepartment, eduDept)
	e.addUser("mzj", store.RoleDepartment, civilDept)
	e.addUser("zx1", store.RoleAgency, eduDept+"01")
	d := &deptEnv{env: e}
	d.school = e.importWorkbook("school.xlsx", testkit.HubeiWorkbook(t, eduSchool1, nil)).Revision
	d.civil = e.importWorkbook("civil.xlsx", testkit.HubeiWorkbook(t, civilUnit1, nil)).Revision
	d.civilOwn = e.importWorkbook("own.xlsx", testkit.HubeiWorkbook(t, civilOwnFor, nil)).Revision
	return d
}

// TestDepartmentAccessEveryRoute: a department's account never reaches
// another department's units — nor the bureau's own forms — through any
// page or API route (404 for ids, so that they cannot be probed; 403 for
// the bureau's report); it sees and reviews its own subtree.
func TestDepartmentAccessEveryRoute(t *testing.T) {
	d := newDeptEnv(t)
	jyj := d.login("jyj")
	other, own := itoa(d.civil), itoa(d.school)
	otherSub, ownSub := subOf(t, d.env, d.civil), subOf(t, d.env, d.school)
	routes := []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/revisions/" + other, "", 404},
		{"GET", "/revisions/" + other + "/original", "", 404},
		{"GET", "/revisions/" + other + "/export", "", 404},
		{"GET", "/revisions/" + other + "/annotated", "", 404},
		{"GET", "/revisions/" + itoa(d.civilOwn), "", 404},
		{"GET", "/api/revisions/" + other, "", 404},
		{"GET", "/api/revisions/" + other + "/original", "", 404},
		{"GET", "/api/revisions/" + other + "/export", "", 404},
		{"GET", "/api/revisions/" + other + "/annotated", "", 404},
		{"POST", "/submissions/" + otherSub + "/review", "form", 404},
		{"POST", "/api/submissions/" + otherSub + "/review", "json", 404},
		{"GET", "/bureau?template=hubei-dept&year=2022&under=" + civilDept, "", 400},
		{"GET", "/api/dashboard?template=hubei-dept&year=2022&under=" + civilDept, "", 400},
		{"GET", "/bureau/zip?template=hubei-dept&year=2022&under=" + civilDept, "", 400},
		{"GET", "/api/zip?template=hubei-dept&year=2022&under=" + civilDept, "", 400},
		{"GET", "/bureau/report?template=hubei-dept&year=2022", "", 403},
		{"GET", "/api/report?template=hubei-dept&year=2022", "", 403},

		{"GET", "/revisions/" + own, "", 200},
		{"GET", "/revisions/" + own + "/original", "", 200},
		{"GET", "/api/revisions/" + own + "/annotated", "", 200},
		{"GET", "/agency", "", 200},
		{"GET", "/bureau?template=hubei-dept&year=2022", "", 200},
		{"GET", "/api/dashboard?template=hubei-dept&year=2022", "", 200},
		{"GET", "/api/submissions", "", 200},
		{"GET", "/bureau/zip?template=hubei-dept&year=2022", "", 200},
		{"GET", "/api/zip?template=hubei-dept&year=2022", "", 200},
		{"POST", "/submissions/" + ownSub + "/review", "form", 303},
	}
	for _, rt := range routes {
		var (
			res  *http.Response
			body []byte
		)
		switch rt.body {
		case "":
			res, body = jyj.do(rt.method, rt.path, "", nil)
		case "form":
			res, body = jyj.postForm(rt.path, url.Values{"status": {"accepted"}, "confirm": {"1"}}, true)
		case "json":
			res, body = jyj.postJSON(rt.path, `{"status":"accepted","confirm":true}`)
		}
		wantStatus(t, rt.method+" "+rt.path, res, body, rt.want)
		// Nothing of the 民政局's units shows, not even in a zip's names.
		mustNotContain(t, body, civilUnit1, "救助管理站", civilOwnFor)
	}

	// Its submissions list is its subtree's.
	_, body := jyj.get("/api/submissions")
	var subs []struct{ Unit string }
	if err := json.Unmarshal(body, &subs); err != nil || len(subs) != 1 || subs[0].Unit != eduSchool1 {
		t.Errorf("department's submissions: %v %s", err, body)
	}
	// The 民政局 cannot review its own form, which is the bureau's to review.
	mzj := d.login("mzj")
	res, body := mzj.postForm("/submissions/"+subOf(t, d.env, d.civilOwn)+"/review", url.Values{"status": {"accepted"}, "confirm": {"1"}}, true)
	wantStatus(t, "department reviewing its own form", res, body, http.StatusForbidden)
	res, body = mzj.get("/revisions/" + itoa(d.civilOwn))
	wantStatus(t, "department's own form", res, body, http.StatusOK)
	mustNotContain(t, body, `id="review-form"`)
	mustContain(t, body, `id="upload-again"`)
	// An agency has no dashboard.
	res, body = d.login("zx1").get("/bureau")
	wantStatus(t, "agency dashboard", res, body, http.StatusForbidden)
}

// TestDepartmentQueue: each role's queue — the department's units awaiting
// its review, the bureau's forwarded ones and those of units without a
// department; the unit tree as a filter.
func TestDepartmentQueue(t *testing.T) {
	d := newDeptEnv(t)
	jyj, cz := d.login("jyj"), d.login("cz")
	queue := func(c *client, q string) []string {
		t.Helper()
		res, body := c.get("/api/dashboard?template=hubei-dept&year=2022&state=queue" + q)
		wantStatus(t, "queue", res, body, http.StatusOK)
		var out struct {
			Queue int
			Rows  []struct{ Unit string }
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		var units []string
		for _, r := range out.Rows {
			units = append(units, r.Unit)
		}
		if out.Queue != len(units) {
			t.Errorf("queue count %d, rows %v", out.Queue, units)
		}
		return units
	}
	if got := queue(jyj, ""); strings.Join(got, ",") != eduSchool1 {
		t.Errorf("department queue: %v", got)
	}
	// The bureau: only the 民政局's own form (the units wait for their
	// departments).
	if got := queue(cz, ""); strings.Join(got, ",") != civilOwnFor {
		t.Errorf("bureau queue before the departments: %v", got)
	}
	if got := queue(cz, "&under="+civilDept); strings.Join(got, ",") != civilOwnFor {
		t.Errorf("bureau queue under the 民政局: %v", got)
	}
	if got := queue(cz, "&under="+eduDept); len(got) != 0 {
		t.Errorf("bureau queue under the 教育局: %v", got)
	}
	res, body := jyj.postForm("/submissions/"+subOf(t, d.env, d.school)+"/review", url.Values{"status": {"accepted"}, "confirm": {"1"}}, true)
	wantStatus(t, "department accepts", res, body, http.StatusSeeOther)
	if got := queue(jyj, ""); len(got) != 0 {
		t.Errorf("department queue after its review: %v", got)
	}
	if got := queue(cz, "&under="+eduDept); strings.Join(got, ",") != eduSchool1 {
		t.Errorf("bureau queue after the department's acceptance: %v", got)
	}
	// The page offers the departments as a filter and names the states.
	_, body = cz.get("/bureau?template=hubei-dept&year=2022")
	mustContain(t, body, `<select name="under" id="under">`, `<option value="`+eduDept+`">武汉市蔡甸区教育局</option>`, "部门审核通过", "待我审核")
	_, body = jyj.get("/bureau?template=hubei-dept&year=2022")
	mustContain(t, body, "本部门审核", "部门审核通过")
	mustNotContain(t, body, `value="`+civilDept+`"`)
}
