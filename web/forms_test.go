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
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// formJSON is one form of an upload's JSON answer.
type formJSON struct {
	Sheet  string `json:"sheet"`
	Title  string `json:"title"`
	Result *struct {
		Sheet    string `json:"sheet"`
		Unit     string `json:"unit"`
		Template string `json:"template"`
		Year     int    `json:"year"`
		Status   string `json:"status"`
		Revision int64  `json:"revision"`
	} `json:"result"`
	Findings     []mapping.Finding `json:"findings"`
	Errors       int               `json:"errors"`
	Warnings     int               `json:"warnings"`
	Message      string            `json:"message"`
	RevisionURL  string            `json:"revision_url"`
	AnnotatedURL string            `json:"annotated_url"`
}

// uploadJSON is an upload's JSON answer: the first form at the top, and
// every form.
type uploadJSON struct {
	File string `json:"file"`
	formJSON
	Forms []formJSON `json:"forms"`
}

func parseUpload(t *testing.T, body []byte) *uploadJSON {
	t.Helper()
	var up uploadJSON
	if err := json.Unmarshal(body, &up); err != nil {
		t.Fatalf("%v\n%s", err, clip(body))
	}
	return &up
}

// projectSheet and deptSheet name the sheets of the two-form workbook.
const (
	deptSheet    = "部门整体"
	projectSheet = "项目支出"
)

// jiuzhuForms is a workbook of 救助管理站 with its 部门整体绩效自评表 (dept,
// as laid out) and a 项目支出绩效自评表 of its own.
func jiuzhuForms(t *testing.T, dept []byte) []byte {
	t.Helper()
	return multiFormWorkbook(t, sheetForm{deptSheet, dept},
		sheetForm{projectSheet, testkit.ProjectWorkbook(t, unitJiuzhu, "2021", nil)})
}

func TestUploadSeveralForms(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("cz", store.RoleBureau, "")
	jz := e.login("jz")

	// The upload page shows each form: its sheet, template title, outcome,
	// findings and links.
	res, body := jz.upload("/upload", "两张表.xlsx", jiuzhuForms(t, hubeiWorkbook(t, corrected)), true, false)
	wantStatus(t, "two forms", res, body, http.StatusOK)
	mustContain(t, body, "该工作簿有 2 张自评表", "工作表："+deptSheet+" · 部门整体绩效自评表", "工作表："+projectSheet+" · 项目支出绩效自评表",
		"2022 年度", "2021 年度", "已保存（新填报）", `id="form-0"`, `id="form-1"`, `id="annotated"`, "校验结果（工作表："+projectSheet)
	mustNotContain(t, body, "hubei-dept@", "national-project@")
	links := revLink.FindAllSubmatch(body, -1)
	seen := map[string]bool{}
	for _, l := range links {
		seen[string(l[1])] = true
	}
	if len(seen) != 2 {
		t.Errorf("revision links %q, want two revisions", links)
	}
	if n := testkit.QueryInt(t, e.db, "SELECT count(*) FROM revisions WHERE submission_id IS NOT NULL"); n != 2 {
		t.Errorf("%d revisions stored, want 2", n)
	}

	// Through the API: the department form, now with its error, is a new
	// revision; the project form is unchanged. The top level is the first
	// form's.
	res, body = jz.upload("/api/upload", "两张表-2.xlsx", jiuzhuForms(t, testkit.Example(t, "hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx")), false, true)
	wantStatus(t, "API two forms", res, body, http.StatusOK)
	up := parseUpload(t, body)
	if len(up.Forms) != 2 {
		t.Fatalf("forms: %s", clip(body))
	}
	dept, proj := up.Forms[0], up.Forms[1]
	if dept.Sheet != deptSheet || dept.Title != "部门整体绩效自评表" || dept.Result == nil || dept.Result.Sheet != deptSheet ||
		dept.Result.Template != "hubei-dept" || dept.Result.Unit != unitJiuzhu || dept.Result.Year != 2022 ||
		dept.Result.Status != sync.OutcomeRejected || dept.Errors != 1 || dept.Result.Revision == 0 {
		t.Errorf("forms[0] = %+v %+v", dept, dept.Result)
	}
	if proj.Sheet != projectSheet || proj.Title != "项目支出绩效自评表" || proj.Result == nil || proj.Result.Sheet != projectSheet ||
		proj.Result.Template != "national-project" || proj.Result.Unit != unitJiuzhu || proj.Result.Year != 2021 ||
		proj.Result.Status != store.OutcomeUnchanged || proj.Result.Revision == 0 {
		t.Errorf("forms[1] = %+v %+v", proj, proj.Result)
	}
	for _, f := range up.Forms {
		if f.Result == nil {
			continue
		}
		want := "/api/revisions/" + itoa(f.Result.Revision)
		if f.RevisionURL != want || f.AnnotatedURL != want+"/annotated" {
			t.Errorf("%s: urls %q %q, want %s", f.Sheet, f.RevisionURL, f.AnnotatedURL, want)
		}
		for _, fd := range f.Findings {
			if fd.Sheet != f.Sheet {
				t.Errorf("%s: finding on sheet %q: %+v", f.Sheet, fd.Sheet, fd)
			}
		}
	}
	var f9 bool
	for _, fd := range dept.Findings {
		f9 = f9 || fd.Cell == "B19" && fd.Severity == mapping.SeverityError
	}
	if !f9 {
		t.Errorf("no B19 error in forms[0]: %+v", dept.Findings)
	}
	if up.File != "两张表-2.xlsx" || up.Sheet != dept.Sheet || up.Result == nil || up.Result.Revision != dept.Result.Revision ||
		up.RevisionURL != dept.RevisionURL || up.Errors != dept.Errors || len(up.Findings) != len(dept.Findings) {
		t.Errorf("top level is not the first form: %s", clip(body))
	}
	res, body = jz.get(proj.RevisionURL)
	wantStatus(t, "the project form's revision", res, body, http.StatusOK)
	mustContain(t, body, `"template": "national-project"`)
	res, body = jz.get(dept.AnnotatedURL)
	wantStatus(t, "the department form's annotated workbook", res, body, http.StatusOK)

	// A sheet repeating another sheet's submission is not stored; it says so.
	cz := e.login("cz")
	twice := multiFormWorkbook(t, sheetForm{"表一", testkit.HubeiWorkbook(t, "重复单位", nil)},
		sheetForm{"表二", testkit.HubeiWorkbook(t, "重复单位", nil)})
	res, body = cz.upload("/api/upload", "重复.xlsx", twice, false, true)
	wantStatus(t, "the same form twice", res, body, http.StatusOK)
	up = parseUpload(t, body)
	if len(up.Forms) != 2 || up.Forms[0].Result.Status != store.OutcomeImported || up.Forms[1].Result.Status != sync.OutcomeDuplicate ||
		!strings.Contains(up.Forms[1].Message, "表一") || up.Forms[1].RevisionURL != "" {
		t.Errorf("the same form twice: %s", clip(body))
	}
	res, body = cz.upload("/upload", "重复.xlsx", twice, true, false)
	wantStatus(t, "the same form twice, page", res, body, http.StatusOK)
	mustContain(t, body, "与前面的工作表重复，未保存", "内容未变，未新增修订")

	// A one-form workbook has one form, the same as the top level, and its
	// page has no per-form headings.
	res, body = jz.upload("/api/upload", "一张表.xlsx", hubeiWorkbook(t, corrected), false, true)
	wantStatus(t, "one form", res, body, http.StatusOK)
	if up := parseUpload(t, body); len(up.Forms) != 1 || up.Forms[0].Result == nil || up.Result == nil ||
		up.Forms[0].Result.Revision != up.Result.Revision || up.Forms[0].Sheet != "部门整体绩效自评表" {
		t.Errorf("one form: %s", clip(body))
	}
	res, body = jz.upload("/upload", "一张表.xlsx", hubeiWorkbook(t, corrected), true, false)
	wantStatus(t, "one form, page", res, body, http.StatusOK)
	mustContain(t, body, "内容未变，未新增修订", "部门整体绩效自评表（2022 版）")
	mustNotContain(t, body, "该工作簿有", "工作表：部门整体绩效自评表 ·")
}

// TestUploadAnotherUnitsSheet: an agency's workbook with one sheet of
// another unit is refused whole, naming the sheet; nothing is stored.
func TestUploadAnotherUnitsSheet(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	jz := e.login("jz")
	const other = "民政局的表"
	wb := multiFormWorkbook(t, sheetForm{deptSheet, hubeiWorkbook(t, corrected)},
		sheetForm{other, testkit.HubeiWorkbook(t, unitMinzh, nil)})
	res, body := jz.upload("/api/upload", "混合.xlsx", wb, false, true)
	wantStatus(t, "API", res, body, http.StatusForbidden)
	var apiErr struct{ Error string }
	if err := json.Unmarshal(body, &apiErr); err != nil || !strings.Contains(apiErr.Error, "工作表“"+other+"”") || !strings.Contains(apiErr.Error, "整个文件未保存") {
		t.Errorf("API error: %v %s", err, body)
	}
	res, body = jz.upload("/upload", "混合.xlsx", wb, true, false)
	wantStatus(t, "page", res, body, http.StatusForbidden)
	mustContain(t, body, "工作表“"+other+"”")
	if n := testkit.QueryInt(t, e.db, "SELECT count(*) FROM revisions"); n != 0 {
		t.Errorf("%d revisions stored, want none", n)
	}

	// The same workbook without the other unit's sheet is stored.
	own := multiFormWorkbook(t, sheetForm{deptSheet, hubeiWorkbook(t, corrected)},
		sheetForm{projectSheet, testkit.ProjectWorkbook(t, unitJiuzhu, "2021", nil)})
	res, body = jz.upload("/api/upload", "本单位.xlsx", own, false, true)
	wantStatus(t, "own forms", res, body, http.StatusOK)
	if n := testkit.QueryInt(t, e.db, "SELECT count(*) FROM revisions"); n != 2 {
		t.Errorf("%d revisions stored, want 2", n)
	}
}

// unidentifiedJSON is an entry of /api/unidentified.
type unidentifiedJSON struct {
	Revision     int64  `json:"revision"`
	File         string `json:"file"`
	Sheet        string `json:"sheet"`
	Template     string `json:"template"`
	Title        string `json:"title"`
	Unit         string `json:"unit"`
	Year         string `json:"year"`
	UploadedBy   string `json:"uploaded_by"`
	UploadedAt   string `json:"uploaded_at"`
	Errors       int    `json:"errors"`
	RevisionURL  string `json:"revision_url"`
	AnnotatedURL string `json:"annotated_url"`
}

func getUnidentified(t *testing.T, c *client) []unidentifiedJSON {
	t.Helper()
	res, body := c.get("/api/unidentified")
	wantStatus(t, "unidentified", res, body, http.StatusOK)
	var out []unidentifiedJSON
	if err := json.Unmarshal(body, &out); err != nil || out == nil {
		t.Fatalf("unidentified: %v %s", err, body)
	}
	return out
}

func TestUnidentified(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	e.addUser("cz", store.RoleBureau, "")
	jz, mz, cz := e.login("jz"), e.login("mz"), e.login("cz")
	if got := getUnidentified(t, cz); len(got) != 0 {
		t.Errorf("before any upload: %+v", got)
	}

	// 救助管理站 leaves its unit name out; 民政局 its year.
	res, body := jz.upload("/api/upload", "无单位.xlsx", hubeiWorkbook(t, func(d *template.Data) { forUnit("")(d); corrected(d) }), false, true)
	wantStatus(t, "no unit", res, body, http.StatusOK)
	up := parseUpload(t, body)
	if up.Result == nil || up.Result.Unit != "" || up.Result.Revision == 0 || up.AnnotatedURL == "" || up.Errors == 0 {
		t.Fatalf("no unit: %s", clip(body))
	}
	jzRev := itoa(up.Result.Revision)
	res, body = mz.upload("/api/upload", "无年度.xlsx", testkit.HubeiWorkbook(t, unitMinzh, func(d *template.Data) {
		d.Fields["title"] = unitMinzh + "部门整体绩效自评表"
		d.Fields["fill_date"] = ""
	}), false, true)
	wantStatus(t, "no year", res, body, http.StatusOK)
	up = parseUpload(t, body)
	if up.Result == nil || up.Result.Unit != "" || up.Result.Revision == 0 {
		t.Fatalf("no year: %s", clip(body))
	}
	mzRev := itoa(up.Result.Revision)

	// Each agency lists its own, with the unit and year as typed.
	got := getUnidentified(t, jz)
	if len(got) != 1 || itoa(got[0].Revision) != jzRev || got[0].File != "无单位.xlsx" || got[0].Sheet != "部门整体绩效自评表" ||
		got[0].Template != "hubei-dept" || got[0].Title != "部门整体绩效自评表" || got[0].Unit != "（空）" || got[0].Year != "2022" ||
		got[0].UploadedBy != "jz" || got[0].UploadedAt == "" || got[0].Errors == 0 ||
		got[0].RevisionURL != "/api/revisions/"+jzRev || got[0].AnnotatedURL != "/api/revisions/"+jzRev+"/annotated" {
		t.Errorf("jz's unidentified: %+v", got)
	}
	got = getUnidentified(t, mz)
	if len(got) != 1 || itoa(got[0].Revision) != mzRev || got[0].Unit != unitMinzh || got[0].Year != "（空）" {
		t.Errorf("mz's unidentified: %+v", got)
	}
	res, body = jz.get("/agency")
	wantStatus(t, "jz's page", res, body, http.StatusOK)
	mustContain(t, body, `id="unidentified"`, "无法确定单位或年度", `href="/revisions/`+jzRev+`"`, `href="/revisions/`+jzRev+`/annotated"`, "无单位.xlsx", "年度：2022")
	mustNotContain(t, body, `/revisions/`+mzRev+`"`, "无年度.xlsx")

	// The owner opens its findings and annotated workbook; another agency
	// cannot, whoever asks about it.
	res, body = jz.get("/revisions/" + jzRev)
	wantStatus(t, "owner's revision", res, body, http.StatusOK)
	mustContain(t, body, "无法确定单位或年度", "所填单位：（空）", "无法确定填报单位")
	res, body = jz.get("/revisions/" + jzRev + "/annotated")
	wantStatus(t, "owner's annotated", res, body, http.StatusOK)
	for _, p := range []string{"/revisions/" + jzRev, "/revisions/" + jzRev + "/annotated", "/revisions/" + jzRev + "/original",
		"/api/revisions/" + jzRev, "/api/revisions/" + jzRev + "/annotated"} {
		res, body := mz.get(p)
		wantStatus(t, "another agency's "+p, res, body, http.StatusNotFound)
	}
	res, body = jz.get("/revisions/" + mzRev)
	wantStatus(t, "mz's revision as jz", res, body, http.StatusNotFound)

	// /api/submissions keeps its shape: a list, without them.
	res, body = jz.get("/api/submissions")
	wantStatus(t, "submissions", res, body, http.StatusOK)
	var subs []json.RawMessage
	if err := json.Unmarshal(body, &subs); err != nil || len(subs) != 0 {
		t.Errorf("submissions: %v %s", err, body)
	}

	// The bureau sees both in the dashboard's queue, newest first.
	got = getUnidentified(t, cz)
	if len(got) != 2 || itoa(got[0].Revision) != mzRev || itoa(got[1].Revision) != jzRev {
		t.Errorf("bureau's unidentified: %+v", got)
	}
	res, body = cz.get("/api/dashboard?template=national-project&year=2021")
	wantStatus(t, "dashboard", res, body, http.StatusOK)
	var d struct {
		Unidentified []unidentifiedJSON `json:"unidentified"`
	}
	if err := json.Unmarshal(body, &d); err != nil || len(d.Unidentified) != 2 || d.Unidentified[1].UploadedBy != "jz" ||
		d.Unidentified[0].Unit != unitMinzh || d.Unidentified[0].Title != "部门整体绩效自评表" {
		t.Errorf("dashboard: %v %s", err, clip(body))
	}
	res, body = cz.get("/bureau")
	wantStatus(t, "dashboard page", res, body, http.StatusOK)
	mustContain(t, body, `id="unidentified"`, "无法确定单位或年度", `href="/revisions/`+jzRev+`"`, `href="/revisions/`+mzRev+`"`,
		"无单位.xlsx", "无年度.xlsx", "工作表：部门整体绩效自评表", "单位："+unitMinzh, "年度：（空）")
	res, body = cz.get("/revisions/" + mzRev)
	wantStatus(t, "bureau opens one", res, body, http.StatusOK)
	mustNotContain(t, body, `id="review-form"`)
}
