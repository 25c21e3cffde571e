package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/storetest"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/web"
)

func TestMemLimits(t *testing.T) {
	storetest.Limits(t, func(t *testing.T) store.Limits { return web.NewMemLimits() })
}

// TestHSTS: Strict-Transport-Security is sent over TLS, directly or through
// a trusted proxy that says so, and never over plain HTTP.
func TestHSTS(t *testing.T) {
	hsts := func(e *env, proto string) string {
		c := e.client()
		if proto != "" {
			c.header.Set("X-Forwarded-Proto", proto)
		}
		res, body := c.get("/login")
		wantStatus(t, "GET /login", res, body, http.StatusOK)
		return res.Header.Get("Strict-Transport-Security")
	}
	if got := hsts(newEnvWith(t, web.Options{}, httptest.NewTLSServer), ""); got != "max-age=31536000" {
		t.Errorf("over TLS: %q", got)
	}
	if got := hsts(newEnv(t, web.Options{}), ""); got != "" {
		t.Errorf("over plain HTTP: %q", got)
	}
	if got := hsts(newEnv(t, web.Options{}), "https"); got != "" {
		t.Errorf("an untrusted X-Forwarded-Proto: %q", got)
	}
	if got := hsts(newEnv(t, web.Options{TrustProxy: true}), "https"); got != "max-age=31536000" {
		t.Errorf("behind a trusted proxy over TLS: %q", got)
	}
	if got := hsts(newEnv(t, web.Options{TrustProxy: true}), "http"); got != "" {
		t.Errorf("behind a trusted proxy over HTTP: %q", got)
	}
}

// TestUploadRateLimit: an account sends at most UploadLimit uploads a
// window (429 with Retry-After); other accounts are not held up, and the
// account may upload again once the window has passed.
func TestUploadRateLimit(t *testing.T) {
	var mu gosync.Mutex
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, web.Options{UploadLimit: 2, Now: clock})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	jz, mz := e.login("jz"), e.login("mz")
	wb := hubeiWorkbookYear(t, unitJiuzhu, 2022)

	for i := range 2 {
		res, body := jz.upload("/api/upload", "自评表.xlsx", wb, false, true)
		wantStatus(t, "upload within the limit", res, body, http.StatusOK)
		if i == 0 {
			mu.Lock()
			now = now.Add(20 * time.Second)
			mu.Unlock()
		}
	}
	res, body := jz.upload("/api/upload", "自评表.xlsx", wb, false, true)
	wantStatus(t, "third upload in a minute", res, body, http.StatusTooManyRequests)
	mustContain(t, body, "上传过于频繁", "请 40 秒后再试")
	if got := res.Header.Get("Retry-After"); got != "40" {
		t.Errorf("Retry-After %q, want 40", got)
	}
	res, body = jz.upload("/upload", "自评表.xlsx", wb, true, false)
	wantStatus(t, "third upload in a minute, by the form", res, body, http.StatusTooManyRequests)
	mustContain(t, body, "上传过于频繁")

	res, body = mz.upload("/api/upload", "自评表.xlsx", hubeiWorkbookYear(t, unitMinzh, 2022), false, true)
	wantStatus(t, "another account", res, body, http.StatusOK)

	mu.Lock()
	now = now.Add(41 * time.Second)
	mu.Unlock()
	res, body = jz.upload("/api/upload", "自评表.xlsx", wb, false, true)
	wantStatus(t, "after the window", res, body, http.StatusOK)
}

// heldReader holds the reads of files whose name starts with "held" until
// release is closed, telling entered when one starts. It does not convert
// legacy .xls files (LibreOffice takes seconds): they are unreadable.
type heldReader struct {
	inner   sync.WorkbookReader
	entered chan struct{}
	release chan struct{}
}

func holdReads(e *env) *heldReader {
	h := &heldReader{inner: e.svc.Reader, entered: make(chan struct{}, 1), release: make(chan struct{})}
	e.svc.Reader = h
	return h
}

func (h *heldReader) Read(name string, data []byte) (*mapping.Workbook, error) {
	if strings.HasPrefix(name, "held") {
		h.entered <- struct{}{}
		<-h.release
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, fmt.Errorf("read %s: legacy .xls not converted in this test", name)
	}
	return h.inner.Read(name, data)
}

// uploadHeld starts an upload that the reader holds and returns once it
// is being read, with the channel its status comes on.
func uploadHeld(t *testing.T, h *heldReader, c *client, name string, data []byte) <-chan int {
	t.Helper()
	done := make(chan int, 1)
	go func() {
		res, _, err := c.tryUpload("/api/upload", name, data, false, true)
		if err != nil {
			done <- 0
			return
		}
		done <- res.StatusCode
	}()
	<-h.entered
	return done
}

// TestReadQueueFull: with every turn to read a workbook taken, an upload
// waits up to the queue timeout and is refused (503, Retry-After); once a
// turn is free, uploads are read again.
func TestReadQueueFull(t *testing.T) {
	e := newEnv(t, web.Options{ReadLimit: 1, QueueTimeout: time.Millisecond})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	jz, mz := e.login("jz"), e.login("mz")
	h := holdReads(e)
	mzWB := hubeiWorkbookYear(t, unitMinzh, 2022)

	held := uploadHeld(t, h, jz, "held.xlsx", hubeiWorkbookYear(t, unitJiuzhu, 2022))
	res, body := mz.upload("/api/upload", "自评表.xlsx", mzWB, false, true)
	wantStatus(t, "upload while the reads are full", res, body, http.StatusServiceUnavailable)
	mustContain(t, body, "服务器繁忙")
	if got := res.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
	res, body = mz.upload("/upload", "自评表.xlsx", mzWB, true, false)
	wantStatus(t, "form upload while the reads are full", res, body, http.StatusServiceUnavailable)
	mustContain(t, body, "服务器繁忙")

	close(h.release)
	if got := <-held; got != http.StatusOK {
		t.Errorf("held upload: %d", got)
	}
	res, body = mz.upload("/api/upload", "自评表.xlsx", mzWB, false, true)
	wantStatus(t, "upload after the turn is back", res, body, http.StatusOK)
}

// TestLegacyQueueFull: legacy .xls uploads (converted before they are read)
// take turns of their own, fewer than reads: while one is being read
// another .xls is refused (503) but an .xlsx is read.
func TestLegacyQueueFull(t *testing.T) {
	e := newEnv(t, web.Options{ReadLimit: 4, LegacyReadLimit: 1, QueueTimeout: time.Millisecond})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	jz, mz := e.login("jz"), e.login("mz")
	h := holdReads(e)
	xls, err := os.ReadFile("../template/testdata/bad/caidian-jiuzhu-2022.xls")
	if err != nil {
		t.Fatal(err)
	}

	held := uploadHeld(t, h, jz, "held.xls", xls)
	res, body := mz.upload("/api/upload", "自评表.xls", xls, false, true)
	wantStatus(t, "an .xls while another is read", res, body, http.StatusServiceUnavailable)
	mustContain(t, body, "服务器繁忙")
	res, body = mz.upload("/api/upload", "自评表.xlsx", hubeiWorkbookYear(t, unitMinzh, 2022), false, true)
	wantStatus(t, "an .xlsx while an .xls is read", res, body, http.StatusOK)

	close(h.release)
	if got := <-held; got == http.StatusServiceUnavailable || got == 0 {
		t.Errorf("held .xls: %d", got)
	}
	res, body = mz.upload("/api/upload", "自评表.xls", xls, false, true)
	if res.StatusCode == http.StatusServiceUnavailable {
		t.Errorf("an .xls after the turn is back: %d\n%s", res.StatusCode, clip(body))
	}
}

// TestEmptyUpload: an empty file is told apart from no file at all.
func TestEmptyUpload(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	jz := e.login("jz")

	res, body := jz.upload("/api/upload", "自评表.xlsx", nil, false, true)
	wantStatus(t, "empty file", res, body, http.StatusBadRequest)
	mustContain(t, body, "文件为空", "自评表.xlsx")
	res, body = jz.upload("/upload", "自评表.xlsx", nil, true, false)
	wantStatus(t, "empty file by the form", res, body, http.StatusBadRequest)
	mustContain(t, body, "文件为空")

	// The form sent with no file chosen: a file part without a name.
	res, body = jz.upload("/upload", "", nil, true, false)
	wantStatus(t, "no file chosen", res, body, http.StatusBadRequest)
	mustContain(t, body, "请选择要上传的工作簿文件")
	mustNotContain(t, body, "文件为空")

	// No file part at all.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("note", "x")
	mw.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/upload", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", jz.csrf)
	res, err := jz.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Error string }
	json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(out.Error, "请选择要上传的工作簿文件") {
		t.Errorf("no file part: %d %q", res.StatusCode, out.Error)
	}
}

// TestFormulaUnitUpload: a workbook whose unit cells hold a formula saved
// without its value is stored with a finding that says so (200), not
// refused as another unit's (403).
func TestFormulaUnitUpload(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("mz", store.RoleAgency, unitMinzh)
	mz := e.login("mz")
	data := formulaCells(t, testkit.HubeiWorkbook(t, unitMinzh, nil), unitMinzh, "FOOBAR()")

	res, body := mz.upload("/api/upload", "公式.xlsx", data, false, true)
	wantStatus(t, "formula unit", res, body, http.StatusOK)
	var v struct {
		Result   struct{ Revision int64 }
		Findings []mapping.Finding
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	var formula bool
	for _, f := range v.Findings {
		if (f.Rule == mapping.RuleIdentity || f.Rule == "formula-no-value") && strings.Contains(f.Message, "公式") {
			formula = true
		}
	}
	if !formula || v.Result.Revision == 0 {
		t.Errorf("formula unit: revision %d, findings %+v", v.Result.Revision, v.Findings)
	}

	// The same workbook with another unit typed in is refused.
	res, body = mz.upload("/api/upload", "他单位.xlsx", testkit.HubeiWorkbook(t, unitJiuzhu, nil), false, true)
	wantStatus(t, "another unit", res, body, http.StatusForbidden)
}

// formulaCells replaces the cells of the first sheet that hold text (the
// unit cells) by formula saved without a value, as programs other than
// Excel write them.
func formulaCells(t *testing.T, data []byte, text, formula string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	cells, err := f.SearchSheet(sheet, text)
	if err != nil || len(cells) == 0 {
		t.Fatalf("no cell holds %q: %v", text, err)
	}
	for _, c := range cells {
		if err := f.SetCellValue(sheet, c, nil); err != nil { // no stale value kept as its cached one
			t.Fatal(err)
		}
		if err := f.SetCellFormula(sheet, c, formula); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
