package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// TestAccessEveryRoute requests every route as nobody, as the agency that
// owns the submission, as another agency (with the owner's ids) and as
// bureau staff. Another unit's ids are 404 wherever an id is taken, so
// that ids cannot be probed; bureau routes are 403 for agencies.
func TestAccessEveryRoute(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	e.addUser("cz", store.RoleBureau, "")
	rev := e.importFile(jiuzhuXLSX).Revision
	mzRev := e.importFile("hubei-dept/2022/examples/caidian-minzheng-2022.xlsx").Revision
	id := itoa(rev)
	// Reviews take forms that passed validation (the 救助管理站's has
	// errors): one for the page's form, one for the API.
	msub := subOf(t, e, mzRev)
	xsub := subOf(t, e, e.importWorkbook("x.xlsx", hubeiWorkbook(t, func(d *template.Data) { forUnit("某某单位")(d); corrected(d) })).Revision)
	wb := testkit.Example(t, jiuzhuXLSX)

	clients := map[string]*client{"anon": e.client(), "owner": e.login("jz"), "other": e.login("mz"), "bureau": e.login("cz")}
	// An upload of the owner's whose unit could not be read: the owner and
	// bureau staff see it, another agency does not.
	_, body := clients["owner"].upload("/api/upload", "no-unit.xlsx", hubeiWorkbook(t, forUnit("")), false, true)
	var un struct{ Result struct{ Revision int64 } }
	if err := json.Unmarshal(body, &un); err != nil || un.Result.Revision == 0 {
		t.Fatalf("upload without unit: %v %s", err, body)
	}
	uid := itoa(un.Result.Revision)
	const (
		login = 1000 // a page answers a redirect to the sign-in page
	)
	type want map[string]int
	routes := []struct {
		method, path string
		body         string // "", "form", "json", "upload"
		want         want
	}{
		{"GET", "/", "", want{"anon": login, "owner": 303, "other": 303, "bureau": 303}},
		{"GET", "/login", "", want{"anon": 200, "owner": 303, "other": 303, "bureau": 303}},
		{"GET", "/static/style.css", "", want{"anon": 200, "owner": 200, "other": 200, "bureau": 200}},
		{"GET", "/agency", "", want{"anon": login, "owner": 200, "other": 200, "bureau": 403}},
		{"GET", "/blank?template=hubei-dept&year=2022", "", want{"anon": login, "owner": 200, "other": 200, "bureau": 200}},
		{"POST", "/upload", "upload", want{"anon": login, "owner": 200, "other": 403, "bureau": 200}},
		{"GET", "/revisions/" + id, "", want{"anon": login, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/revisions/" + id + "/original", "", want{"anon": login, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/revisions/" + id + "/export", "", want{"anon": login, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/revisions/" + id + "/annotated", "", want{"anon": login, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/revisions/" + uid, "", want{"anon": login, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/revisions/" + uid + "/original", "", want{"anon": login, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/revisions/" + uid + "/annotated", "", want{"anon": login, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/bureau", "", want{"anon": login, "owner": 403, "other": 403, "bureau": 200}},
		{"GET", "/bureau/zip?template=hubei-dept&year=2022", "", want{"anon": login, "owner": 403, "other": 403, "bureau": 200}},
		{"GET", "/bureau/report?template=hubei-dept&year=2022", "", want{"anon": login, "owner": 403, "other": 403, "bureau": 200}},
		{"POST", "/submissions/" + msub + "/review", "form", want{"anon": login, "owner": 403, "other": 403, "bureau": 303}},
		{"GET", "/audit", "", want{"anon": login, "owner": 403, "other": 403, "bureau": 200}},
		{"GET", "/audit?unit=" + url.QueryEscape(unitJiuzhu) + "&since=2020-01-01", "", want{"anon": login, "owner": 403, "other": 403, "bureau": 200}},

		{"GET", "/api/me", "", want{"anon": 401, "owner": 200, "other": 200, "bureau": 200}},
		{"GET", "/api/templates", "", want{"anon": 401, "owner": 200, "other": 200, "bureau": 200}},
		{"GET", "/api/blank?template=hubei-dept&year=2022", "", want{"anon": 401, "owner": 200, "other": 200, "bureau": 200}},
		{"POST", "/api/upload", "upload", want{"anon": 401, "owner": 200, "other": 403, "bureau": 200}},
		{"GET", "/api/submissions", "", want{"anon": 401, "owner": 200, "other": 200, "bureau": 200}},
		{"GET", "/api/unidentified", "", want{"anon": 401, "owner": 200, "other": 200, "bureau": 200}},
		{"GET", "/api/revisions/" + id, "", want{"anon": 401, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/api/revisions/" + uid, "", want{"anon": 401, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/api/revisions/" + uid + "/annotated", "", want{"anon": 401, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/api/revisions/" + id + "/original", "", want{"anon": 401, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/api/revisions/" + id + "/export", "", want{"anon": 401, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/api/revisions/" + id + "/annotated", "", want{"anon": 401, "owner": 200, "other": 404, "bureau": 200}},
		{"GET", "/api/dashboard?template=hubei-dept&year=2022", "", want{"anon": 401, "owner": 403, "other": 403, "bureau": 200}},
		{"GET", "/api/zip?template=hubei-dept&year=2022", "", want{"anon": 401, "owner": 403, "other": 403, "bureau": 200}},
		{"GET", "/api/report?template=hubei-dept&year=2022", "", want{"anon": 401, "owner": 403, "other": 403, "bureau": 200}},
		{"POST", "/api/submissions/" + xsub + "/review", "json", want{"anon": 401, "owner": 403, "other": 403, "bureau": 200}},
		{"GET", "/api/nothing", "", want{"anon": 404, "owner": 404, "other": 404, "bureau": 404}},
	}
	for _, rt := range routes {
		for _, who := range []string{"anon", "owner", "other", "bureau"} {
			c := clients[who]
			var (
				res  *http.Response
				body []byte
			)
			switch rt.body {
			case "":
				res, body = c.do(rt.method, rt.path, "", nil)
			case "form":
				res, body = c.postForm(rt.path, url.Values{"status": {"accepted"}, "confirm": {"1"}}, true)
			case "json":
				res, body = c.postJSON(rt.path, `{"status":"accepted","comment":"好","confirm":true}`)
			case "upload":
				res, body = c.upload(rt.path, "jiuzhu.xlsx", wb, true, true)
			}
			what := who + " " + rt.method + " " + rt.path
			if rt.want[who] == login {
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
					t.Errorf("%s: %d → %q, want the sign-in page", what, res.StatusCode, res.Header.Get("Location"))
				}
				continue
			}
			wantStatus(t, what, res, body, rt.want[who])
			if who == "other" && res.StatusCode < 300 {
				mustNotContain(t, body, unitJiuzhu)
			}
			if strings.HasPrefix(rt.path, "/api/") && res.StatusCode >= 400 && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: API error as %s", what, res.Header.Get("Content-Type"))
			}
		}
	}

	// Ids that are not ids, or of nothing, are 404 too.
	for _, bad := range []string{"0", "-1", "abc", "99999", "1e3"} {
		for _, p := range []string{"/revisions/" + bad, "/revisions/" + bad + "/original", "/api/revisions/" + bad + "/export"} {
			res, body := clients["bureau"].get(p)
			wantStatus(t, "bureau GET "+p, res, body, http.StatusNotFound)
		}
		res, body := clients["bureau"].postJSON("/api/submissions/"+bad+"/review", `{"status":"accepted"}`)
		wantStatus(t, "review of "+bad, res, body, http.StatusNotFound)
	}

	// Lists hold only the agency's own unit.
	_, body = clients["other"].get("/api/submissions")
	var subs []struct{ Unit string }
	if err := json.Unmarshal(body, &subs); err != nil || len(subs) != 1 || subs[0].Unit != unitMinzh {
		t.Errorf("other's submissions: %v %s", err, body)
	}
	_, body = clients["other"].get("/agency")
	mustNotContain(t, body, unitJiuzhu, "/revisions/"+id+`"`, "/revisions/"+uid+`"`, "no-unit.xlsx")
	for who, n := range map[string]int{"owner": 1, "other": 0, "bureau": 1} {
		_, body = clients[who].get("/api/unidentified")
		var list []struct{ Revision int64 }
		if err := json.Unmarshal(body, &list); err != nil || len(list) != n || n == 1 && itoa(list[0].Revision) != uid {
			t.Errorf("%s's unidentified: %v %s", who, err, body)
		}
	}
}
