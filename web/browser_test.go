package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/web"
)

// chromium returns the path of a Chromium or Chrome binary. Without one the
// test skips, or fails when CI=true.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found (apt-get install chromium); CI=true forbids skipping")
	}
	t.Skip("chromium not found (apt-get install chromium)")
	return ""
}

// artifacts is where screenshots go: $JXSYNC_ARTIFACTS, else a temporary
// folder.
func artifacts(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("JXSYNC_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestBrowserEndToEnd drives the portal in headless Chromium: an agency
// signs in, uploads a workbook with an error, sees the finding, downloads
// the annotated workbook, drops a corrected workbook on the page, uploads a
// workbook of two forms; a bureau user sees the unit as submitted and
// accepts it.
func TestBrowserEndToEnd(t *testing.T) {
	exe := chromium(t)
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	e.addUser("cz", store.RoleBureau, "")
	files, downloads, art := t.TempDir(), t.TempDir(), artifacts(t)
	withError := filepath.Join(files, "蔡甸救助站2022.xlsx")
	fixed := filepath.Join(files, "蔡甸救助站2022-修改.xlsx")
	os.WriteFile(withError, testkit.Example(t, jiuzhuXLSX), 0o644)
	os.WriteFile(fixed, hubeiWorkbook(t, corrected), 0o644)
	gappy := filepath.Join(files, "蔡甸救助站2022-缺实际值.xlsx")
	os.WriteFile(gappy, hubeiWorkbook(t, withoutActuals(1, 2, 3, 4, 5, 6)), 0o644)
	twoForms := filepath.Join(files, "蔡甸救助站-两张表.xlsx")
	os.WriteFile(twoForms, jiuzhuForms(t, hubeiWorkbook(t, corrected)), 0o644)

	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil { // start the browser without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		p := filepath.Join(art, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", p)
	}
	signIn := func(name string, next string) {
		t.Helper()
		step("sign in as "+name,
			chromedp.Navigate(e.ts.URL+"/login"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
			chromedp.WaitVisible(chromedp.CSS(next)))
	}

	// The agency uploads a workbook with an error with the file button; the
	// page submits it at once and shows the finding with its cell.
	signIn("jz", "#upload-form")
	step("upload", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{withError}),
		chromedp.WaitVisible(chromedp.CSS("#upload-result")))
	result := text("main")
	for _, want := range []string{"已保存，但有错误需修改", "工作表：部门整体绩效自评表", "B19", "偏差大或目标未完成原因分析", "38人次"} {
		if !strings.Contains(result, want) {
			t.Errorf("upload result lacks %q:\n%s", want, result)
		}
	}
	shot("upload-result.png")

	// The annotated workbook downloads.
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	step("download annotated",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: ptr(true)})
			return err
		}),
		chromedp.Click(chromedp.CSS("#annotated")))
	var got string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			got = filepath.Join(downloads, ev.GUID)
			break
		}
	}
	ann, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if wb, err := e.svc.Reader.Read("annotated.xlsx", ann); err != nil || wb.Sheets[0].Name != "校验结果" {
		t.Errorf("annotated workbook: %v", err)
	}

	// From the result page, a workbook with six empty 实际完成值 is uploaded
	// at once: one line for the six, linked to the revision page, where the
	// cell is marked.
	step("upload from the result page", chromedp.Navigate(e.ts.URL+"/agency"), chromedp.WaitVisible(chromedp.CSS("#upload-form")),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{withError}), chromedp.WaitVisible(chromedp.CSS("#upload-again")),
		chromedp.SetUploadFiles(chromedp.CSS("#upload-again #file"), []string{gappy}),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="#cell-F10"]`)))
	if result := text("main"); !strings.Contains(result, "第 10–15 行 实际完成值 为空，请填写") || !strings.Contains(result, "F10–F15") {
		t.Errorf("grouped findings:\n%s", result)
	}
	shot("upload-grouped.png")
	step("open the marked cell", chromedp.Click(chromedp.CSS(`a[href$="#cell-F10"]`)),
		chromedp.WaitVisible(chromedp.CSS("td#cell-F10.flag-error")), chromedp.WaitVisible(chromedp.CSS("#upload-again")))
	if got := text("td#cell-F10.flag-error:target"); got != "" {
		t.Errorf("the linked cell shows %q, want it empty", got)
	}
	shot("revision-marked.png")

	// The corrected workbook is dropped on the upload area.
	step("open the agency page", chromedp.Navigate(e.ts.URL+"/agency"), chromedp.WaitVisible(chromedp.CSS("#dropzone")))
	shot("agency.png")
	center, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](
		`(() => { const r = document.getElementById("dropzone").getBoundingClientRect(); return [r.x + r.width/2, r.y + r.height/2]; })()`))
	if err != nil || len(center) != 2 {
		t.Fatalf("drop zone: %v %v", center, err)
	}
	step("drop the corrected workbook", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{fixed}, DragOperationsMask: 1}
		for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
			if _, err := chromedp.Call(ctx, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: center[0], Y: center[1], Data: data}); err != nil {
				return err
			}
		}
		return nil
	}), chromedp.WaitVisible(chromedp.CSS("#upload-result")))
	result = text("#upload-result")
	if !strings.Contains(result, "已保存（新修订）") || text("#upload-result .n-errors") != "0" {
		t.Errorf("corrected upload:\n%s", result)
	}

	// A workbook of two forms: each has its result.
	step("upload two forms", chromedp.Navigate(e.ts.URL+"/agency"),
		chromedp.WaitVisible(chromedp.CSS("#dropzone")),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{twoForms}),
		chromedp.WaitVisible(chromedp.CSS("#form-1")))
	if first := text("#form-0"); !strings.Contains(first, deptSheet) || !strings.Contains(first, "内容未变") {
		t.Errorf("first form:\n%s", first)
	}
	if second := text("#form-1"); !strings.Contains(second, projectSheet) || !strings.Contains(second, "项目支出绩效自评表") || !strings.Contains(second, "已保存（新填报）") {
		t.Errorf("second form:\n%s", second)
	}
	shot("upload-two-forms.png")

	// On a narrow screen the project form's eight-column table scrolls:
	// its headers keep each on one line, not one character per line.
	step("open the project form narrow", chromedp.EmulateViewport(720, 1000),
		chromedp.Click(chromedp.CSS(`#form-1 .actions a:not(.annotated)`)), chromedp.WaitVisible(chromedp.CSS("table.grid")))
	wrapped, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("thead th")).filter(th => {
		const r = document.createRange(); r.selectNodeContents(th);
		return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size > 1;
	}).map(th => th.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(wrapped) > 0 {
		t.Errorf("headers broken over lines: %q", wrapped)
	}
	shot("revision-narrow.png")
	step("widen again", chromedp.EmulateViewport(1280, 1000))

	// The bureau sees the unit as submitted and accepts it.
	step("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)))
	signIn("cz", "#units")
	step("open the Hubei 2022 dashboard", chromedp.Navigate(e.ts.URL+"/bureau?template=hubei-dept&year=2022"), chromedp.WaitVisible(chromedp.CSS("#units")))
	rows := text("#units")
	if !containsRow(rows, unitJiuzhu, "已提交") {
		t.Errorf("dashboard rows:\n%s", rows)
	}
	if !containsRow(rows, unitMinzh, "未提交") {
		t.Errorf("the unit without submission is not shown as 未提交:\n%s", rows)
	}
	shot("dashboard.png")
	step("open the submission",
		chromedp.Click(chromedp.CSS(`#units a[href^="/revisions/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#review-form")))
	shot("revision.png")
	step("accept",
		chromedp.SendKeys(chromedp.CSS(`#review-form textarea`), "材料齐全，审核通过。"),
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS("#accept")),
		chromedp.WaitVisible(chromedp.CSS(".msg.notice")),
		chromedp.Navigate(e.ts.URL+"/bureau?template=hubei-dept&year=2022"),
		chromedp.WaitVisible(chromedp.CSS("#units")))
	if rows := text("#units"); !containsRow(rows, unitJiuzhu, "审核通过") {
		t.Errorf("after accepting:\n%s", rows)
	}
	shot("dashboard-accepted.png")
}

// containsRow reports whether a line of a table's text has both strings.
func containsRow(text, a, b string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, a) && strings.Contains(line, b) {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
