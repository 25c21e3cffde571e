package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// withoutActuals empties the 实际完成值 of the indicator rows at the given
// indexes (0 is the first row, sheet row 9 of the Hubei layout), the reason
// for missed targets given.
func withoutActuals(idx ...int) func(d *template.Data) {
	return func(d *template.Data) {
		corrected(d)
		rows := d.Blocks["goals"][0].Tables["indicators"]
		for _, i := range idx {
			rows[i]["actual"] = ""
		}
	}
}

var tags = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`)

// pageText is a page's text as people read it: no tags, no attributes,
// entities decoded.
func pageText(body []byte) string {
	return html.UnescapeString(tags.ReplaceAllString(string(body), " "))
}

// ruleIDs returns the rule ids of findings, each once.
func ruleIDs(fs []mapping.Finding) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fs {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			out = append(out, f.Rule)
		}
	}
	return out
}

// mustNotShowRules fails when a page's text names a rule id as a word.
func mustNotShowRules(t *testing.T, what string, body []byte, rules []string) {
	t.Helper()
	text := pageText(body)
	for _, r := range rules {
		if regexp.MustCompile(`(^|[^A-Za-z0-9-])` + regexp.QuoteMeta(r) + `($|[^A-Za-z0-9-])`).MatchString(text) {
			t.Errorf("%s shows the rule id %q:\n%s", what, r, clip([]byte(text)))
		}
	}
}

// TestFindingsForPeople: pages show findings in plain Chinese, without rule
// ids, one line for the same finding on consecutive rows of a column, each
// linked to its cell; the JSON keeps one finding per cell with its rule.
func TestFindingsForPeople(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("cz", store.RoleBureau, "")
	jz := e.login("jz")

	// Six rows (10–15) without 实际完成值: one finding per cell in the JSON,
	// each with its rule id.
	gappy := hubeiWorkbook(t, withoutActuals(1, 2, 3, 4, 5, 6))
	res, body := jz.upload("/api/upload", "缺实际值.xlsx", gappy, false, true)
	wantStatus(t, "API upload", res, body, http.StatusOK)
	up := parseUpload(t, body)
	var cells []string
	for _, f := range up.Findings {
		if f.Rule == "required" {
			cells = append(cells, f.Cell)
		}
	}
	if strings.Join(cells, " ") != "F10 F11 F12 F13 F14 F15" {
		t.Errorf("required findings at %q, want one per cell F10…F15:\n%s", cells, clip(body))
	}
	if !strings.Contains(string(body), `"rule": "required"`) || !strings.Contains(string(body), "第12行 实际完成值") {
		t.Errorf("the JSON lost the rule ids or the messages:\n%s", clip(body))
	}
	rules := ruleIDs(up.Findings)

	// The page: one line for the six, in Chinese, no rule id.
	res, body = jz.upload("/upload", "缺实际值.xlsx", gappy, true, false)
	wantStatus(t, "upload page", res, body, http.StatusOK)
	text := pageText(body)
	for _, want := range []string{"第 10–15 行 实际完成值 为空，请填写", "F10–F15", "（共 6 处）"} {
		if !strings.Contains(text, want) {
			t.Errorf("upload page lacks %q:\n%s", want, clip([]byte(text)))
		}
	}
	if strings.Contains(text, "第12行 实际完成值") || strings.Contains(text, "required cell is empty") {
		t.Errorf("upload page shows the findings one by one or in English:\n%s", clip([]byte(text)))
	}
	mustNotShowRules(t, "upload page", body, rules)
	id := firstRevision(t, body)
	// The line links the first cell of the run on the revision page.
	mustContain(t, body, `href="/revisions/`+id+`#cell-F10"`)

	// Rows that are not consecutive are separate lines.
	res, body = jz.upload("/upload", "缺两行.xlsx", hubeiWorkbook(t, withoutActuals(1, 3)), true, false)
	wantStatus(t, "upload page, two rows", res, body, http.StatusOK)
	text = pageText(body)
	for _, want := range []string{"第10行 实际完成值 为空，请填写", "第12行 实际完成值 为空，请填写"} {
		if !strings.Contains(text, want) {
			t.Errorf("upload page lacks %q:\n%s", want, clip([]byte(text)))
		}
	}
	if strings.Contains(text, "–") || strings.Contains(text, "共 2 处") {
		t.Errorf("rows 10 and 12 were grouped:\n%s", clip([]byte(text)))
	}

	// The revision page marks the cell a finding points at and the cell it
	// names besides, and the findings link them.
	ir := e.importWorkbook("救助站.xlsx", hubeiWorkbook(t, nil)) // missed target, no reason
	res, body = jz.get("/api/revisions/" + itoa(ir.Revision))
	wantStatus(t, "API revision", res, body, http.StatusOK)
	var rev struct{ Findings []mapping.Finding }
	if err := json.Unmarshal(body, &rev); err != nil {
		t.Fatal(err)
	}
	// The missed target's finding points at the reason cell to fill in,
	// with the indicator's cell F9 related.
	var reason string
	for _, f := range rev.Findings {
		if f.Rule == "target-missed-reason" {
			reason = f.Cell
			if !strings.Contains(strings.Join(f.Related, " "), "!F9") {
				t.Errorf("F9 not related: %+v", f)
			}
		}
	}
	if reason == "" {
		t.Fatalf("no missed-target finding in %+v", rev.Findings)
	}
	for _, who := range []*client{jz, e.login("cz")} {
		res, body = who.get("/revisions/" + itoa(ir.Revision))
		wantStatus(t, "revision page", res, body, http.StatusOK)
		mustContain(t, body, `<td id="cell-`+reason+`" class="flag-error"`, `href="#cell-`+reason+`">`+reason+`</a>`,
			`<td id="cell-F9" class="flag-related"`, `<a href="#cell-F9">F9</a>`,
			`<td id="cell-F10"`)
		mustNotContain(t, body, `id="cell-F10" class`) // a cell without finding is not marked
		mustNotShowRules(t, "revision page", body, ruleIDs(rev.Findings))
	}
}

// TestTitlesNotIDs: pages name templates by their titles, also inside
// messages; the JSON keeps the ids.
func TestTitlesNotIDs(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("cz", store.RoleBureau, "")
	jz, cz := e.login("jz"), e.login("cz")
	ir := e.importWorkbook("救助站.xlsx", hubeiWorkbook(t, corrected))

	// A workbook no template matches: the message names the candidates.
	unknown := unknownWorkbook(t)
	res, body := jz.upload("/api/upload", "不认识.xlsx", unknown, false, true)
	wantStatus(t, "API unknown workbook", res, body, http.StatusUnprocessableEntity)
	var up struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &up); err != nil || !strings.Contains(up.Message, "hubei-dept@2022") {
		t.Errorf("the JSON message should keep the template id: %v %s", err, clip(body))
	}
	res, body = jz.upload("/upload", "不认识.xlsx", unknown, true, false)
	wantStatus(t, "unknown workbook page", res, body, http.StatusUnprocessableEntity)
	mustContain(t, body, "《部门整体绩效自评表》（2022 版）", "缺少标签")

	pages := map[string][]byte{"unknown workbook": body}
	for name, get := range map[string]func() (*http.Response, []byte){
		"agency":    func() (*http.Response, []byte) { return jz.get("/agency") },
		"revision":  func() (*http.Response, []byte) { return jz.get("/revisions/" + itoa(ir.Revision)) },
		"dashboard": func() (*http.Response, []byte) { return cz.get("/bureau?template=hubei-dept&year=2022") },
		"upload": func() (*http.Response, []byte) {
			return jz.upload("/upload", "救助站.xlsx", hubeiWorkbook(t, corrected), true, false)
		},
	} {
		res, body := get()
		wantStatus(t, name, res, body, http.StatusOK)
		pages[name] = body
		mustContain(t, body, "部门整体绩效自评表")
	}
	for name, body := range pages {
		text := pageText(body)
		for _, id := range []string{"hubei-dept", "national-dept", "national-project", "minsheng-score"} {
			if strings.Contains(text, id) {
				t.Errorf("%s page shows the template id %s:\n%s", name, id, clip([]byte(text)))
			}
		}
	}
}

// unknownWorkbook is a sheet with some labels of the Hubei form only, as a
// unit makes its own table from it.
func unknownWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for ref, v := range map[string]string{"A1": "部门整体支出总额", "B1": "预算数（A）", "C1": "执行数（B）", "A2": "合计", "B2": "110.36", "C2": "110.36"} {
		if err := f.SetCellStr("Sheet1", ref, v); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
