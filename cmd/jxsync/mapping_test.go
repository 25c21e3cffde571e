package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
)

// jxData runs the CLI on the data folder dataDir (kept between calls).
func jxData(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--data-dir", dataDir}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// editWorkbook returns data with edit applied to its sheet sheet.
func editWorkbook(t *testing.T, data []byte, edit func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(f)
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scaffoldProvince writes the province form and scaffolds it into
// dir/hunan-dept/2025 (a folder made with its parents); it returns the
// form's path and the template folder.
func scaffoldProvince(t *testing.T, dir string) (string, string) {
	t.Helper()
	form := writeFile(t, dir, "湘潭-自评表.xlsx", testkit.ProvinceForm(t, true, ""))
	out := filepath.Join(dir, "new", "hunan-dept", "2025")
	code, stdout, errs := jx(t, "mapping", "scaffold", form, "--id", "hunan-dept", "--version", "2025", "-o", out)
	if code != 0 {
		t.Fatalf("scaffold: exit %d: %s", code, errs)
	}
	for _, want := range []string{"mapping.yaml", "template.xlsx", "1 张指标表", "jxsync mapping check"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("scaffold output lacks %q:\n%s", want, stdout)
		}
	}
	return form, out
}

func TestMappingScaffoldWrites(t *testing.T) {
	dir := t.TempDir()
	form, out := scaffoldProvince(t, dir)
	y, err := os.ReadFile(filepath.Join(out, "mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mapping.Load("mapping.yaml", y); err != nil {
		t.Fatal(err)
	}
	// Every field carries the reason it was proposed.
	for _, want := range []string{"# 标签“联系人”在 A3，值在其右侧 C3", "# 交叉表：行“部门整体支出”", "# 类型 percent：标签含“率”", "# 合计行“合计”"} {
		if !strings.Contains(string(y), want) {
			t.Errorf("mapping.yaml lacks %q", want)
		}
	}
	// Scaffolding again over it is refused, unless forced.
	code, _, errs := jx(t, "mapping", "scaffold", form, "--id", "hunan-dept", "--version", "2025", "-o", out)
	if code != exitFailure || !strings.Contains(errs, "--force") {
		t.Errorf("over existing files: exit %d: %s", code, errs)
	}
	if code, _, errs := jx(t, "mapping", "scaffold", form, "--id", "hunan-dept", "--version", "2025", "-o", out, "--force"); code != 0 {
		t.Errorf("--force: exit %d: %s", code, errs)
	}
	if code, _, errs := jx(t, "mapping", "scaffold", form, "--id", "Hunan Dept", "--version", "2025", "-o", t.TempDir()); code != exitFailure || !strings.Contains(errs, "--id") {
		t.Errorf("bad id: exit %d: %s", code, errs)
	}
	if code, _, errs := jx(t, "mapping", "scaffold", form, "--sheet", "nope", "--id", "x", "--version", "1", "-o", t.TempDir()); code != exitFailure || !strings.Contains(errs, "自评表") {
		t.Errorf("missing sheet: exit %d: %s", code, errs)
	}
}

func TestMappingCheck(t *testing.T) {
	dir := t.TempDir()
	form, out := scaffoldProvince(t, dir)
	other := writeFile(t, dir, "长沙.xlsx", testkit.ProvinceForm(t, true, "长沙市救助管理站"))

	// Passing: the table has every binding with its cell and value in each
	// sample.
	code, stdout, errs := jx(t, "mapping", "check", out, form, other)
	if code != 0 {
		t.Fatalf("check: exit %d: %s\n%s", code, errs, stdout)
	}
	for _, want := range []string{"✓ template.xlsx", "[1] " + form, "识别为 (detected as) hunan-dept@2025", "绑定 (binding)",
		"fields.unit_name", "A2", "湘潭市民政局救助站", "长沙市救助管理站", "fields.budget_full", "E5", "520.5",
		"tables.indicators ", "第 8–14 行", "7 行", "tables.indicators.target", "F 列", "7/7 行有值", "全部通过"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "✗") || strings.Contains(stdout, "样本触发的规则") {
		t.Errorf("a consistent sample fails or fires rules:\n%s", stdout)
	}

	// Rules that fire are printed but do not fail the check: a score above
	// its weight.
	wrong := writeFile(t, dir, "错.xlsx", editWorkbook(t, testkit.ProvinceForm(t, true, ""), func(f *excelize.File) {
		f.SetCellFloat(testkit.ProvinceSheet, "H8", 12, -1, 64)
	}))
	code, stdout, _ = jx(t, "mapping", "check", out, wrong)
	if code != 0 || !strings.Contains(stdout, "样本触发的规则") || !strings.Contains(stdout, "自评表!H8  [error] score-range") {
		t.Errorf("rule firing: exit %d:\n%s", code, stdout)
	}

	// Failing: a sample whose header was renamed (table not found), one
	// with text in an amount cell (type mismatch), another form (not
	// detected as this template).
	renamed := writeFile(t, dir, "改表头.xlsx", editWorkbook(t, testkit.ProvinceForm(t, true, ""), func(f *excelize.File) {
		f.SetCellStr(testkit.ProvinceSheet, "C7", "指标名称")
	}))
	typed := writeFile(t, dir, "文字.xlsx", editWorkbook(t, testkit.ProvinceForm(t, true, ""), func(f *excelize.File) {
		f.SetCellStr(testkit.ProvinceSheet, "E5", "约五百万")
	}))
	code, stdout, errs = jx(t, "mapping", "check", out, renamed, typed, hubeiExample)
	if code != exitFindings {
		t.Errorf("failing samples: exit %d, want %d: %s", code, exitFindings, errs)
	}
	for _, want := range []string{"✗ 未找到表头", "✗ 类型不符 (type mismatch)", "约五百万", "识别为 (detected as) hubei-dept@2022",
		"✗ 被识别为另一模板", "项未通过"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("failing check lacks %q:\n%s", want, stdout)
		}
	}

	// Without samples only the blank is checked; a broken mapping is exit 2.
	if code, stdout, _ := jx(t, "mapping", "check", out); code != 0 || !strings.Contains(stdout, "未给样本") {
		t.Errorf("no sample: exit %d:\n%s", code, stdout)
	}
	broken := filepath.Join(dir, "broken")
	os.MkdirAll(broken, 0o755)
	b, _ := os.ReadFile(filepath.Join(out, "template.xlsx"))
	writeFile(t, broken, "template.xlsx", b)
	writeFile(t, broken, "mapping.yaml", []byte("id: x\nversion: \"1\"\ndetect: [三级指标]\nfields:\n  - {name: a, label: 不存在的标签}\n"))
	if code, stdout, _ := jx(t, "mapping", "check", broken, form); code != exitFindings || !strings.Contains(stdout, "✗ template.xlsx") {
		t.Errorf("unresolved label: exit %d:\n%s", code, stdout)
	}
	writeFile(t, broken, "mapping.yaml", []byte("id: x\nbogus: 1\n"))
	if code, _, errs := jx(t, "mapping", "check", broken); code != exitFailure || !strings.Contains(errs, "bogus") {
		t.Errorf("bad mapping: exit %d: %s", code, errs)
	}
	if code, _, _ := jx(t, "mapping", "check", filepath.Join(dir, "missing")); code != exitFailure {
		t.Errorf("missing folder: exit %d", code)
	}
}

// TestTemplatesAddExtractList adds a scaffolded template to the store; then
// extract and import know it beside the embedded ones, and templates list
// shows where each comes from.
func TestTemplatesAddExtractList(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	_, out := scaffoldProvince(t, dir)
	sample := writeFile(t, dir, "长沙.xlsx", testkit.ProvinceForm(t, true, "长沙市救助管理站"))

	// Before: no template knows the form.
	if code, _, errs := jxData(t, data, "extract", sample); code != exitFailure || !strings.Contains(errs, "无法识别模板") {
		t.Fatalf("before add: exit %d: %s", code, errs)
	}
	code, stdout, errs := jxData(t, data, "templates", "add", out)
	if code != 0 || !strings.Contains(stdout, "已加入 (added) hunan-dept@2025") {
		t.Fatalf("add: exit %d: %s\n%s", code, errs, stdout)
	}
	if code, stdout, _ := jxData(t, data, "templates", "add", out); code != 0 || !strings.Contains(stdout, "未变 (unchanged)") {
		t.Errorf("add again: exit %d:\n%s", code, stdout)
	}

	code, stdout, errs = jxData(t, data, "extract", "--json", sample)
	if code != 0 {
		t.Fatalf("extract: exit %d: %s", code, errs)
	}
	var res mapping.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Template != "hunan-dept" || res.Version != "2025" || res.Fields["unit_name"].Text != "长沙市救助管理站" ||
		len(res.Tables["indicators"]) != len(testkit.ProvinceRows) {
		t.Errorf("extract with the stored template: %s@%s %+v, %d rows", res.Template, res.Version, res.Fields["unit_name"], len(res.Tables["indicators"]))
	}
	if code, stdout, errs := jxData(t, data, "import", sample); code != 0 || !strings.Contains(stdout, "hunan-dept@2025") {
		t.Errorf("import: exit %d: %s\n%s", code, errs, stdout)
	}

	code, stdout, _ = jxData(t, data, "templates", "list")
	if code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		f := strings.Split(l, "\t")
		lines[f[0]] = f[len(f)-1]
	}
	if lines["hunan-dept@2025"] != "store" || lines["hubei-dept@2022"] != "embedded" || lines["national-project@2020"] != "embedded" {
		t.Errorf("origins: %v\n%s", lines, stdout)
	}
	// Another data folder does not have it.
	if code, stdout, _ := jx(t, "templates", "list"); code != 0 || strings.Contains(stdout, "hunan-dept") {
		t.Errorf("a fresh store lists the stored template:\n%s", stdout)
	}
}

func TestTemplatesAddRefuses(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	_, out := scaffoldProvince(t, dir)
	if code, _, errs := jxData(t, data, "templates", "add", out); code != 0 {
		t.Fatalf("add: exit %d: %s", code, errs)
	}
	y, _ := os.ReadFile(filepath.Join(out, "mapping.yaml"))
	// The same version with another mapping.
	writeFile(t, out, "mapping.yaml", []byte(strings.Replace(string(y), "title: 部门整体支出绩效自评表", "title: 另一个名字", 1)))
	if code, _, errs := jxData(t, data, "templates", "add", out); code != exitFailure || !strings.Contains(errs, "请用新的版本号") {
		t.Errorf("other content, same version: exit %d: %s", code, errs)
	}
	// An embedded id and version.
	writeFile(t, out, "mapping.yaml", []byte(strings.Replace(strings.Replace(string(y), "id: hunan-dept", "id: national-dept", 1), `version: "2025"`, `version: "2024"`, 1)))
	if code, _, errs := jxData(t, data, "templates", "add", out); code != exitFailure || !strings.Contains(errs, "同名同版本") {
		t.Errorf("embedded id: exit %d: %s", code, errs)
	}
	// A label its template.xlsx lacks.
	writeFile(t, out, "mapping.yaml", []byte(strings.Replace(strings.Replace(string(y), `version: "2025"`, `version: "2026"`, 1), "label: 联系人", "label: 联络人", 1)))
	if code, _, errs := jxData(t, data, "templates", "add", out); code != exitFailure || !strings.Contains(errs, "联络人") {
		t.Errorf("unresolved label: exit %d: %s", code, errs)
	}
	if code, _, errs := jxData(t, data, "templates", "add", filepath.Join(dir, "missing")); code != exitFailure {
		t.Errorf("missing folder: exit %d: %s", code, errs)
	}
}

// TestStoredTemplateMissingBlank: a stored template whose blank is gone is
// reported and left out; the commands on the embedded templates go on.
func TestStoredTemplateMissingBlank(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	_, out := scaffoldProvince(t, dir)
	if code, _, errs := jxData(t, data, "templates", "add", out); code != 0 {
		t.Fatalf("add: exit %d: %s", code, errs)
	}
	if err := os.RemoveAll(filepath.Join(data, "blobs")); err != nil {
		t.Fatal(err)
	}
	code, stdout, errs := jxData(t, data, "templates", "list")
	if code != 0 || strings.Contains(stdout, "hunan-dept") || !strings.Contains(errs, "hunan-dept@2025") || !strings.Contains(errs, "警告") {
		t.Errorf("list without the blank: exit %d:\n%s\n%s", code, stdout, errs)
	}
	if code, stdout, errs := jxData(t, data, "extract", hubeiExample); code != 0 || !strings.Contains(stdout, "hubei-dept@2022") {
		t.Errorf("extract of an embedded form: exit %d: %s", code, errs)
	}
}

// TestServeStoredTemplate: the portal knows a stored template beside the
// embedded ones: it lists it, hands out its blank and reads uploads of it.
func TestServeStoredTemplate(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	_, out := scaffoldProvince(t, dir)
	if code, _, errs := jxData(t, data, "templates", "add", out); code != 0 {
		t.Fatalf("add: exit %d: %s", code, errs)
	}
	if code, _, errs := jxStdin(t, data, "secret-pass-2\n", "user", "add", "cz", "--role", "bureau"); code != 0 {
		t.Fatal(errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var errb lockedBuffer
	exited := make(chan int, 1)
	go func() {
		code := runStdin(ctx, strings.NewReader(""), pw, &errb, []string{"--data-dir", data, "serve", "--addr", "127.0.0.1:0"})
		pw.Close()
		exited <- code
	}()
	lines := bufio.NewReader(pr)
	first, err := lines.ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v %s", err, errb.String())
	}
	go io.Copy(io.Discard, lines)
	base := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(first)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := hc.Post(base+"/api/login", "application/json", strings.NewReader(`{"name":"cz","password":"secret-pass-2"}`))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %v %v", res, err)
	}
	var login struct{ CSRF string }
	json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()

	get := func(path string) (int, []byte) {
		t.Helper()
		res, err := hc.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	if code, body := get("/api/templates"); code != http.StatusOK || !strings.Contains(string(body), "hunan-dept") || !strings.Contains(string(body), "hubei-dept") {
		t.Errorf("templates: %d %s", code, body)
	}
	blank, _ := os.ReadFile(filepath.Join(out, "template.xlsx"))
	if code, body := get("/api/blank?template=hunan-dept&year=2025"); code != http.StatusOK || !bytes.Equal(body, blank) {
		t.Errorf("blank of the stored template: %d, %d bytes", code, len(body))
	}

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "长沙.xlsx")
	fw.Write(testkit.ProvinceForm(t, true, "长沙市救助管理站"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/upload", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", login.CSRF)
	res, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "长沙市救助管理站") || !strings.Contains(string(body), "部门整体支出绩效自评表") {
		t.Errorf("upload of the stored template's form: %d %s", res.StatusCode, body)
	}
	cancel()
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
