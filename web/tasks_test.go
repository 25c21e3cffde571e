package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// tasksEnv is a portal on testkit.Roster(9) with a bureau account cz.
func tasksEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, web.Options{})
	if _, err := e.db.SaveUnits(context.Background(), testkit.Roster(9)); err != nil {
		t.Fatal(err)
	}
	e.addUser("cz", store.RoleBureau, "")
	return e
}

func TestTasksPage(t *testing.T) {
	e := tasksEnv(t)
	e.addUser("jz", store.RoleAgency, "武汉市蔡甸区第1救助管理站")
	cz, jz := e.login("cz"), e.login("jz")

	res, body := cz.get("/tasks?template=hubei-dept&year=2022")
	wantStatus(t, "tasks page", res, body, http.StatusOK)
	mustContain(t, body, `name="csrf"`, `<option value="420114200">武汉市蔡甸区民政局（420114200）</option>`, "没有任务。")
	mustNotContain(t, body, `<option value="420114000">`)

	add := url.Values{"template": {"hubei-dept"}, "year": {"2022"}, "under": {"420114200"}, "due": {"2020-01-01"}}
	// Without the CSRF token, or as an agency: refused, nothing added.
	res, body = cz.postForm("/tasks", add, false)
	wantStatus(t, "add without csrf", res, body, http.StatusForbidden)
	res, body = jz.postForm("/tasks", url.Values{"template": {"hubei-dept"}, "year": {"2022"}, "under": {"420114200"}}, true)
	wantStatus(t, "add as an agency", res, body, http.StatusForbidden)
	res, body = jz.get("/tasks")
	wantStatus(t, "tasks page as an agency", res, body, http.StatusForbidden)
	if tasks, _ := e.db.Tasks(context.Background(), store.TaskFilter{}); len(tasks) != 0 {
		t.Fatalf("refused adds recorded %d tasks", len(tasks))
	}
	// An unknown unit is a bad request naming it.
	res, body = cz.postForm("/tasks", url.Values{"template": {"hubei-dept"}, "year": {"2022"}, "units": {"42011410001\n不存在的单位"}}, true)
	wantStatus(t, "unknown unit", res, body, http.StatusBadRequest)
	mustContain(t, body, "不存在的单位")

	res, body = cz.postForm("/tasks", add, true)
	wantStatus(t, "add under 民政局", res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.Contains(loc, "added=10") {
		t.Errorf("redirect to %q", loc)
	}
	res, body = cz.postForm("/tasks", url.Values{"template": {"hubei-dept"}, "year": {"2022"}, "units": {"42011410001，蔡甸区第2中学"}}, true)
	wantStatus(t, "add units", res, body, http.StatusSeeOther)
	tasks, _ := e.db.Tasks(context.Background(), store.TaskFilter{})
	if len(tasks) != 12 || tasks[0].CreatedBy != "cz" {
		t.Errorf("%d tasks, first by %q", len(tasks), tasks[0].CreatedBy)
	}

	// 第1救助管理站 submits a valid form: its task is 已提交, the others
	// 未提交 and overdue.
	e.importWorkbook("jz.xlsx", hubeiWorkbook(t, func(d *template.Data) { forUnit("武汉市蔡甸区第1救助管理站")(d); corrected(d) }))
	res, body = cz.get("/tasks?template=hubei-dept&year=2022")
	wantStatus(t, "tasks list", res, body, http.StatusOK)
	mustContain(t, body, "42011420001", "武汉市蔡甸区第1救助管理站", "2020-01-01", `<span class="state submitted">已提交</span>`, "未提交", "逾期")
	res, body = cz.get("/tasks?template=hubei-dept&year=2022&overdue=1")
	wantStatus(t, "overdue list", res, body, http.StatusOK)
	if n := strings.Count(string(body), `<strong class="overdue">`); n != 9 {
		t.Errorf("overdue list has %d rows, want 9 (民政局 and its units but the one that submitted)", n)
	}
	mustNotContain(t, body, "武汉市蔡甸区第1救助管理站", "武汉市蔡甸区第1中学")
}

// TestDashboardMissingFromTasks: once a template and year has tasks, only
// the units they name are 未提交; without tasks, today's rule (agency
// accounts, earlier submitters).
func TestDashboardMissingFromTasks(t *testing.T) {
	e := tasksEnv(t)
	e.addUser("jz", store.RoleAgency, "武汉市蔡甸区第1救助管理站")
	e.addUser("ws", store.RoleAgency, "武汉市蔡甸区第1卫生院")
	cz := e.login("cz")
	missing := func(q string) int {
		t.Helper()
		d := getDashboard(t, cz, q)
		for _, c := range d.Counts {
			if c.State == sync.StateMissing {
				return c.N
			}
		}
		return -1
	}
	if n := missing("template=hubei-dept&year=2022"); n != 2 {
		t.Errorf("without tasks: %d missing, want the 2 agency accounts' units", n)
	}
	if _, _, err := e.svc.AddTasks(context.Background(), taskReq("hubei-dept", 2022, "420114100")); err != nil {
		t.Fatal(err)
	}
	if n := missing("template=hubei-dept&year=2022"); n != 10 {
		t.Errorf("with tasks: %d missing, want the 10 tasked units", n)
	}
	if n := missing("template=hubei-dept&year=2023"); n != 2 {
		t.Errorf("another year without tasks: %d missing, want 2", n)
	}

	// The 汇总表 rolls up per department and takes the missing units from
	// the tasks; ?under= limits it.
	e.importWorkbook("x.xlsx", hubeiWorkbook(t, forUnit("武汉市蔡甸区第1中学")))
	res, body := cz.get("/bureau/report?template=hubei-dept&year=2022")
	wantStatus(t, "report", res, body, http.StatusOK)
	f, err := excelize.OpenReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("部门汇总", excelize.Options{RawCellValue: true})
	if len(rows) != 5 || rows[3][1] != "武汉市蔡甸区教育局" || rows[4][1] != "合计" || rows[4][14] != "9" {
		t.Errorf("部门汇总 = %q", rows)
	}
	res, body = cz.get("/bureau/report?template=hubei-dept&year=2022&under=999")
	wantStatus(t, "report under an unknown unit", res, body, http.StatusBadRequest)
}

func taskReq(template string, year int, under string) sync.TaskRequest {
	return sync.TaskRequest{Template: template, Year: year, Under: under, By: "cz"}
}
