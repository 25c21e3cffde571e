package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/web"
)

// TestAuditTrail: an agency's upload, downloads of the original (one and
// in the zip), a review and a refused upload each write an entry naming
// the account, its role and address, the unit and revision; the bureau's
// audit page lists them, filtered by unit and date.
func TestAuditTrail(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	e.addUser("cz", store.RoleBureau, "")
	jz, mz, cz := e.login("jz"), e.login("mz"), e.login("cz")
	ctx := context.Background()
	log := func() []*store.AuditEntry {
		t.Helper()
		es, err := e.svc.Audit.List(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	last := func(what string, want store.AuditEntry) *store.AuditEntry {
		t.Helper()
		es := log()
		if len(es) == 0 {
			t.Fatalf("%s: no entry", what)
		}
		got := es[len(es)-1]
		if got.Actor != want.Actor || got.Role != want.Role || got.Action != want.Action || got.UnitCode != want.UnitCode ||
			got.Revision != want.Revision || got.Address != "127.0.0.1" {
			t.Errorf("%s: entry %+v, want %+v from 127.0.0.1", what, got, want)
		}
		return got
	}

	// The form with its deviation reason: valid, so that it can be reviewed.
	res, body := jz.upload("/api/upload", "救助站.xlsx", hubeiWorkbook(t, corrected), false, true)
	wantStatus(t, "upload", res, body, http.StatusOK)
	var up struct{ Result struct{ Revision int64 } }
	if err := json.Unmarshal(body, &up); err != nil || up.Result.Revision == 0 {
		t.Fatalf("upload: %v %s", err, body)
	}
	rev := up.Result.Revision
	// The log names units by code: the unit created from the typed name
	// has a generated one.
	jiuzhu, err := e.svc.Units.Unit(ctx, unitJiuzhu)
	if err != nil {
		t.Fatal(err)
	}
	unitJiuzhu := jiuzhu.Code
	if e := last("upload", store.AuditEntry{Actor: "jz", Role: store.RoleAgency, Action: store.ActionUpload, UnitCode: unitJiuzhu, Revision: rev}); !strings.HasPrefix(e.Detail, "救助站.xlsx — ") {
		t.Errorf("upload detail %q", e.Detail)
	}
	n := len(log())

	// Another unit's form is refused, and the refusal recorded.
	res, body = mz.upload("/api/upload", "他人.xlsx", hubeiWorkbook(t, corrected), false, true)
	wantStatus(t, "upload of another unit's form", res, body, http.StatusForbidden)
	if e := last("refused upload", store.AuditEntry{Actor: "mz", Role: store.RoleAgency, Action: store.ActionUpload, UnitCode: unitMinzh}); !strings.Contains(e.Detail, "refused") {
		t.Errorf("refused upload detail %q", e.Detail)
	}

	// Downloads of the original, by the agency and the bureau; an export
	// (no original) is not recorded.
	for _, c := range []struct {
		cl   *client
		name string
		role string
	}{{jz, "jz", store.RoleAgency}, {cz, "cz", store.RoleBureau}} {
		res, body := c.cl.get("/revisions/" + itoa(rev) + "/original")
		wantStatus(t, c.name+" original", res, body, http.StatusOK)
		last(c.name+" download", store.AuditEntry{Actor: c.name, Role: c.role, Action: store.ActionDownload, UnitCode: unitJiuzhu, Revision: rev})
	}
	n = len(log())
	res, body = cz.get("/revisions/" + itoa(rev) + "/export")
	wantStatus(t, "export", res, body, http.StatusOK)
	if len(log()) != n {
		t.Errorf("an export was recorded as a download of the original")
	}
	// Another agency's attempt is 404 and downloads nothing.
	res, body = mz.get("/revisions/" + itoa(rev) + "/original")
	wantStatus(t, "other's original", res, body, http.StatusNotFound)
	if len(log()) != n {
		t.Errorf("a refused download was recorded")
	}
	// The zip holds the original: one entry per original in it.
	res, body = cz.get("/bureau/zip?template=hubei-dept&year=2022")
	wantStatus(t, "zip", res, body, http.StatusOK)
	if e := last("zip", store.AuditEntry{Actor: "cz", Role: store.RoleBureau, Action: store.ActionDownload, UnitCode: unitJiuzhu, Revision: rev}); !strings.Contains(e.Detail, ".zip") {
		t.Errorf("zip detail %q", e.Detail)
	}

	// A review, from the page's form.
	res, body = cz.postForm("/submissions/"+subOf(t, e, rev)+"/review", url.Values{"status": {"returned"}, "comment": {"请补充偏差原因"}}, true)
	wantStatus(t, "review", res, body, http.StatusSeeOther)
	if e := last("review", store.AuditEntry{Actor: "cz", Role: store.RoleBureau, Action: store.ActionReview, UnitCode: unitJiuzhu, Revision: rev}); e.Detail != "bureau returned: 请补充偏差原因" {
		t.Errorf("review detail %q", e.Detail)
	}

	// The page lists them, newest first; filters by unit and date.
	res, body = cz.get("/audit")
	wantStatus(t, "audit page", res, body, http.StatusOK)
	mustContain(t, body, "审计日志", "请补充偏差原因", "下载原件", "上传", "审核", "127.0.0.1", "他人.xlsx")
	page := string(body)
	if strings.Index(page, "请补充偏差原因") > strings.Index(page, "救助站.xlsx — ") {
		t.Error("audit page: the review is not above the upload")
	}
	_, body = cz.get("/audit?unit=" + url.QueryEscape(unitMinzh))
	mustContain(t, body, "他人.xlsx")
	mustNotContain(t, body, "请补充偏差原因")
	_, body = cz.get("/audit?since=2999-01-01")
	mustContain(t, body, "没有符合条件的记录")
	res, body = cz.get("/audit?since=tomorrow")
	wantStatus(t, "bad since", res, body, http.StatusBadRequest)
	// The bureau's pages link to it; an agency's do not.
	_, body = cz.get("/bureau")
	mustContain(t, body, `href="/audit"`)
	_, body = jz.get("/agency")
	mustNotContain(t, body, `href="/audit"`)
}
