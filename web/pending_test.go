package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/web"
)

// rosterEnv is a portal with testkit.Roster(9) registered, an agency of
// 武汉市蔡甸区第1中学, a department (教育局) and bureau staff.
func rosterEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, web.Options{})
	if _, err := e.db.SaveUnits(context.Background(), testkit.Roster(9)); err != nil {
		t.Fatal(err)
	}
	e.addUser("zx1", store.RoleAgency, "武汉市蔡甸区第1中学")
	e.addUser("jyj", store.RoleDepartment, "武汉市蔡甸区教育局")
	e.addUser("cz", store.RoleBureau, "")
	return e
}

func TestAgencyUploadOfUnknownUnitWaits(t *testing.T) {
	e := rosterEnv(t)
	c := e.login("zx1")
	// Its own unit typed without the city: filed under it.
	res, body := c.upload("/upload", "own.xlsx", testkit.HubeiWorkbook(t, "蔡甸区第1中学", nil), true, false)
	wantStatus(t, "own unit", res, body, http.StatusOK)
	mustContain(t, body, "已保存（新填报）")
	// Another registered unit: refused, nothing stored.
	res, body = c.upload("/upload", "other.xlsx", testkit.HubeiWorkbook(t, "蔡甸区第2中学", nil), true, false)
	wantStatus(t, "another unit", res, body, http.StatusForbidden)
	// A name no unit has: kept, waiting, said plainly.
	res, body = c.upload("/upload", "typo.xlsx", testkit.HubeiWorkbook(t, "蔡甸区一中", nil), true, false)
	wantStatus(t, "unknown unit", res, body, http.StatusOK)
	mustContain(t, body, "待确认单位", "蔡甸区一中")
	ps, err := e.svc.Pending(context.Background())
	if err != nil || len(ps) != 1 || ps[0].UnitName != "蔡甸区一中" || ps[0].Revision.UploadedBy != "zx1" {
		t.Fatalf("pending: %v %v", ps, err)
	}
	if n := testkit.QueryInt(t, e.db, "SELECT count(*) FROM revisions WHERE file_name = 'other.xlsx'"); n != 0 {
		t.Errorf("refused upload stored: %d", n)
	}
}

func TestBureauAssignsPendingUnit(t *testing.T) {
	e := rosterEnv(t)
	ir, err := e.svc.Import(context.Background(), "typo.xlsx", testkit.HubeiWorkbook(t, "蔡甸区一中", nil), "zx1")
	if err != nil || ir.Outcome != sync.OutcomePending {
		t.Fatalf("import: %v %v", ir, err)
	}
	rev := itoa(ir.Revision)
	cz := e.login("cz")
	res, body := cz.get("/units/pending")
	wantStatus(t, "pending page", res, body, http.StatusOK)
	mustContain(t, body, "蔡甸区一中", "typo.xlsx", `action="/units/pending/`+rev+`/assign"`, `<option value="42011410001">42011410001 武汉市蔡甸区第1中学</option>`)
	form := url.Values{"unit": {"42011410001"}}
	res, body = cz.postForm("/units/pending/"+rev+"/assign", form, false)
	wantStatus(t, "assign without CSRF", res, body, http.StatusForbidden)
	res, body = cz.postForm("/units/pending/"+rev+"/assign", form, true)
	wantStatus(t, "assign", res, body, http.StatusSeeOther)
	res, body = cz.get(res.Header.Get("Location"))
	wantStatus(t, "after assign", res, body, http.StatusOK)
	mustContain(t, body, "修订 "+rev+" 已归入单位", "没有待确认单位的修订")
	res, body = cz.postForm("/units/pending/"+rev+"/assign", url.Values{"unit": {"42011410002"}}, true)
	wantStatus(t, "assign twice", res, body, http.StatusConflict)
	mustContain(t, body, "不能再次归入")
	res, body = cz.postForm("/units/pending/"+rev+"/assign", url.Values{"unit": {"没有的单位"}}, true)
	wantStatus(t, "assign to no unit", res, body, http.StatusNotFound)
	// The agency sees the filed revision; the typed name is its alias now.
	h, err := e.svc.Records.History(context.Background(), "武汉市蔡甸区第1中学")
	if err != nil || len(h) != 1 || h[0].UploadedBy != "zx1" {
		t.Fatalf("history: %v %v", h, err)
	}
	zx := e.login("zx1")
	res, body = zx.get("/revisions/" + itoa(h[0].ID))
	wantStatus(t, "agency sees its filed revision", res, body, http.StatusOK)
	res, body = zx.upload("/upload", "typo-2.xlsx", testkit.HubeiWorkbook(t, "蔡甸区一中", nil), true, false)
	wantStatus(t, "alias upload", res, body, http.StatusOK)
	mustNotContain(t, body, "待确认单位：")
}

func TestPendingUnitsAccess(t *testing.T) {
	e := rosterEnv(t)
	ir, err := e.svc.Import(context.Background(), "typo.xlsx", testkit.HubeiWorkbook(t, "蔡甸区一中", nil), "import")
	if err != nil || ir.Outcome != sync.OutcomePending {
		t.Fatalf("import: %v %v", ir, err)
	}
	for _, name := range []string{"zx1", "jyj"} {
		c := e.login(name)
		res, body := c.get("/units/pending")
		wantStatus(t, name+" pending page", res, body, http.StatusForbidden)
		res, body = c.postForm("/units/pending/"+itoa(ir.Revision)+"/assign", url.Values{"unit": {"42011410001"}}, true)
		wantStatus(t, name+" assign", res, body, http.StatusForbidden)
	}
	if ps, _ := e.svc.Pending(context.Background()); len(ps) != 1 {
		t.Errorf("assigned by a non-bureau account: %d waiting", len(ps))
	}
	res, _ := e.client().get("/units/pending")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}
