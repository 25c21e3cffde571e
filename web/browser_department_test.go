package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jxsync/jxsync/internal/testkit"
)

// TestBrowserDepartmentQueue drives a department's review queue in
// headless Chromium: the 教育局 opens its queue, accepts one unit's form
// (confirming its warnings), returns another's with a comment, and the
// state words change on its dashboard.
func TestBrowserDepartmentQueue(t *testing.T) {
	exe := chromium(t)
	d := newDeptEnv(t)
	school2 := d.importWorkbook("school2.xlsx", testkit.HubeiWorkbook(t, "武汉市蔡甸区第2中学", nil)).Revision

	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil {
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
	queue := d.ts.URL + "/bureau?template=hubei-dept&year=2022&state=queue"
	all := d.ts.URL + "/bureau?template=hubei-dept&year=2022"

	step("sign in as the 教育局",
		chromedp.Navigate(d.ts.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "jyj"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#units")))
	step("open the queue", chromedp.Navigate(queue), chromedp.WaitVisible(chromedp.CSS("#units")))
	rows := text("#units")
	if !containsRow(rows, eduSchool1, "已提交") || !containsRow(rows, "武汉市蔡甸区第2中学", "已提交") || strings.Contains(rows, "救助管理站") {
		t.Fatalf("queue:\n%s", rows)
	}
	if n := text("#queue-count .n"); n != "2" {
		t.Errorf("queue count %s, want 2", n)
	}

	step("accept 第1中学",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a.review-link[href^="/revisions/%d"]`, d.school))),
		chromedp.WaitVisible(chromedp.CSS("#review-form")),
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS("#accept")),
		chromedp.WaitVisible(chromedp.CSS(".msg.notice")))
	step("open the queue again", chromedp.Navigate(queue), chromedp.WaitVisible(chromedp.CSS("#units")))
	if rows := text("#units"); strings.Contains(rows, eduSchool1) || !containsRow(rows, "武汉市蔡甸区第2中学", "已提交") {
		t.Errorf("queue after accepting:\n%s", rows)
	}

	step("return 第2中学 with a comment",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a.review-link[href^="/revisions/%d"]`, school2))),
		chromedp.WaitVisible(chromedp.CSS("#review-form")),
		chromedp.SendKeys(chromedp.CSS(`#review-form textarea`), "请补充偏差原因。"),
		chromedp.Click(chromedp.CSS("#return")),
		chromedp.WaitVisible(chromedp.CSS(".msg.notice")))
	step("open every unit", chromedp.Navigate(all), chromedp.WaitVisible(chromedp.CSS("#units")))
	rows = text("#units")
	if !containsRow(rows, eduSchool1, "部门审核通过") || !containsRow(rows, "武汉市蔡甸区第2中学", "部门退回") ||
		!strings.Contains(rows, "部门退回 请补充偏差原因。") || strings.Contains(rows, "救助管理站") {
		t.Errorf("after the reviews:\n%s", rows)
	}
	if n := text("#queue-count .n"); n != "0" {
		t.Errorf("queue count %s, want 0", n)
	}
}
