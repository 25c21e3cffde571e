package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/web"
)

func TestAPI(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	c := e.client()

	// Sign-in takes JSON only (a cross-site form cannot send it).
	res, body := c.do("POST", "/api/login", "application/x-www-form-urlencoded", strings.NewReader("name=jz&password="+password))
	wantStatus(t, "form-encoded login", res, body, http.StatusUnsupportedMediaType)
	res, body = c.do("POST", "/api/login", "application/json", strings.NewReader(`{"name":"jz","password":"nope-nope"}`))
	wantStatus(t, "wrong password", res, body, http.StatusUnauthorized)
	res, body = c.do("POST", "/api/login", "application/json", strings.NewReader(`{`))
	wantStatus(t, "bad JSON", res, body, http.StatusBadRequest)

	c = e.login("jz")
	res, body = c.get("/api/me")
	wantStatus(t, "me", res, body, http.StatusOK)
	var me struct {
		User struct{ Name, Role, Unit string }
		CSRF string
	}
	if json.Unmarshal(body, &me); me.User.Unit != unitJiuzhu || me.CSRF != c.csrf {
		t.Errorf("me = %s", body)
	}
	res, body = c.get("/api/templates")
	wantStatus(t, "templates", res, body, http.StatusOK)
	mustContain(t, body, `"id": "hubei-dept"`, `"versions": [`)

	res, body = c.upload("/api/upload", "jiuzhu.xlsx", testkit.Example(t, jiuzhuXLSX), false, true)
	wantStatus(t, "upload", res, body, http.StatusOK)
	var up struct {
		Result struct {
			Status   string `json:"status"`
			Revision int64  `json:"revision"`
			Errors   int    `json:"errors"`
		} `json:"result"`
		Findings     []mapping.Finding `json:"findings"`
		RevisionURL  string            `json:"revision_url"`
		AnnotatedURL string            `json:"annotated_url"`
	}
	if err := json.Unmarshal(body, &up); err != nil {
		t.Fatal(err)
	}
	if up.Result.Status != "rejected" || up.Result.Errors != 1 || up.AnnotatedURL != "/api/revisions/"+itoa(up.Result.Revision)+"/annotated" {
		t.Errorf("upload = %s", body)
	}
	var f9 bool
	for _, f := range up.Findings {
		f9 = f9 || f.Cell == "B19" && f.Severity == mapping.SeverityError
	}
	if !f9 {
		t.Errorf("no B19 error in %+v", up.Findings)
	}

	res, body = c.get(up.RevisionURL)
	wantStatus(t, "revision", res, body, http.StatusOK)
	var rev struct {
		Revision struct {
			ID   int64
			Unit string
		}
		Data     *mapping.Result
		Findings []mapping.Finding
		History  []struct{ ID int64 }
		Reviews  []any
		State    string
	}
	if err := json.Unmarshal(body, &rev); err != nil {
		t.Fatal(err)
	}
	if rev.Revision.Unit != unitJiuzhu || rev.Data == nil || rev.Data.Fields["unit_name"].Text != unitJiuzhu ||
		len(rev.Findings) != 2 || len(rev.History) != 1 || rev.Reviews == nil || rev.State != sync.StateErrors {
		t.Errorf("revision = %s", clip(body))
	}

	res, body = c.get("/api/submissions")
	wantStatus(t, "submissions", res, body, http.StatusOK)
	mustContain(t, body, `"state": "errors"`, `"revisions": [`)

	res, body = c.postJSON("/api/logout", "")
	wantStatus(t, "logout", res, body, http.StatusNoContent)
	res, body = c.get("/api/me")
	wantStatus(t, "after logout", res, body, http.StatusUnauthorized)
}
