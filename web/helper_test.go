package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// Units of the example workbooks.
const (
	unitJiuzhu  = "武汉市蔡甸区救助管理站"
	unitMinzh   = "蔡甸区民政局"
	unitLechang = "乐昌市民政局"
	password    = "correct-horse-1"
)

// passwordHash is one bcrypt hash of password, shared by test accounts.
var passwordHash = gosync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
})

// env is a portal over a real SQLite file and blob folder, wired as
// cmd/jxsync does.
type env struct {
	t   *testing.T
	svc *sync.Service
	db  *sqlite.DB
	srv *web.Server
	ts  *httptest.Server
	reg *template.Registry
}

func newEnv(t *testing.T, opts web.Options) *env {
	t.Helper()
	return newEnvWith(t, opts, httptest.NewServer)
}

func newEnvWith(t *testing.T, opts web.Options, start func(http.Handler) *httptest.Server) *env {
	t.Helper()
	reg := testkit.Registry(t)
	svc := testkit.Service(t)
	db := svc.Records.(*sqlite.DB)
	if opts.Blank == nil {
		opts.Blank = func(id, version string) ([]byte, error) {
			tm, err := mapping.Find(reg.Templates, id+"@"+version)
			if err != nil {
				return nil, err
			}
			return reg.Blank(tm)
		}
	}
	srv, err := web.New(svc, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := start(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, svc: svc, db: db, srv: srv, ts: ts, reg: reg}
}

// addUser creates an account with password (hashed once, at low cost).
func (e *env) addUser(name, role, unit string) {
	e.t.Helper()
	if err := e.db.AddUser(context.Background(), &store.User{Name: name, Role: role, Unit: unit, PasswordHash: passwordHash()}); err != nil {
		e.t.Fatal(err)
	}
}

// importFile stores an example workbook as the CLI import does.
func (e *env) importFile(rel string) *sync.ImportResult {
	e.t.Helper()
	ir, err := e.svc.Import(context.Background(), filepath.Base(rel), testkit.Example(e.t, rel), "import")
	if err != nil {
		e.t.Fatal(err)
	}
	return ir
}

// client is a browser-like client with its own cookies.
type client struct {
	t    *testing.T
	e    *env
	hc   *http.Client
	csrf string
	// header is added to every request.
	header http.Header
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, header: http.Header{}, hc: &http.Client{Jar: jar, Transport: e.ts.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs in through the API and keeps the CSRF token.
func (e *env) login(name string) *client {
	e.t.Helper()
	c := e.client()
	res, body := c.do("POST", "/api/login", "application/json", strings.NewReader(`{"name":"`+name+`","password":"`+password+`"}`))
	if res.StatusCode != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", name, res.StatusCode, body)
	}
	var s struct{ CSRF string }
	if err := json.Unmarshal(body, &s); err != nil || s.CSRF == "" {
		e.t.Fatalf("login %s: %v %s", name, err, body)
	}
	c.csrf = s.CSRF
	return c
}

func (c *client) do(method, path, ctype string, body io.Reader) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.e.ts.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res, b
}

func (c *client) get(path string) (*http.Response, []byte) { return c.do("GET", path, "", nil) }

// postForm posts a form; with token the session's CSRF token is added.
func (c *client) postForm(path string, v url.Values, token bool) (*http.Response, []byte) {
	if token {
		v.Set("csrf", c.csrf)
	}
	return c.do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// postJSON posts JSON with the CSRF header.
func (c *client) postJSON(path, body string) (*http.Response, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// upload posts a file as the upload form does (token: the csrf field) or
// as an API client (header: X-CSRF-Token).
func (c *client) upload(path, name string, data []byte, token, header bool) (*http.Response, []byte) {
	c.t.Helper()
	res, body, err := c.tryUpload(path, name, data, token, header)
	if err != nil {
		c.t.Fatal(err)
	}
	return res, body
}

// tryUpload is upload returning the error, for goroutines.
func (c *client) tryUpload(path, name string, data []byte, token, header bool) (*http.Response, []byte, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if token {
		mw.WriteField("csrf", c.csrf)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if header {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, body, err
}

const (
	jiuzhuXLSX = "hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx"
	jiuzhuYAML = "hubei-dept/2022/examples/caidian-jiuzhu-2022.yaml"
)

// hubeiWorkbook builds a Hubei 2022 form from the 救助管理站 example's data
// changed by edit.
func hubeiWorkbook(t testing.TB, edit func(d *template.Data)) []byte {
	t.Helper()
	return testkit.BuildExample(t, jiuzhuYAML, edit)
}

// forUnit sets a Hubei form's unit.
func forUnit(unit string) func(d *template.Data) {
	return func(d *template.Data) {
		d.Fields["unit_name"] = unit
		d.Fields["header_unit"] = unit
	}
}

// corrected gives the reason the target was missed.
func corrected(d *template.Data) {
	d.Fields["deviation_reason"] = "街面流浪乞讨人员减少，实际救助人次低于预期。"
}

var revLink = regexp.MustCompile(`/revisions/(\d+)`)

// firstRevision returns the first /revisions/N link of a page.
func firstRevision(t testing.TB, body []byte) string {
	t.Helper()
	m := revLink.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no revision link in\n%s", body)
	}
	return string(m[1])
}

func mustContain(t testing.TB, body []byte, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !bytes.Contains(body, []byte(s)) {
			t.Errorf("response lacks %q:\n%s", s, clip(body))
		}
	}
}

func mustNotContain(t testing.TB, body []byte, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("response contains %q:\n%s", s, clip(body))
		}
	}
}

func clip(b []byte) string {
	if len(b) > 3000 {
		return string(b[:3000]) + "…"
	}
	return string(b)
}

func wantStatus(t testing.TB, what string, res *http.Response, body []byte, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Errorf("%s: status %d, want %d\n%s", what, res.StatusCode, want, clip(body))
	}
}

// subOf returns the submission id of a revision, as text.
func subOf(t testing.TB, e *env, rev int64) string {
	t.Helper()
	r, err := e.db.Revision(context.Background(), rev)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(r.SubmissionID, 10)
}

// importWorkbook stores a workbook as the CLI import does.
func (e *env) importWorkbook(name string, data []byte) *sync.ImportResult {
	e.t.Helper()
	ir, err := e.svc.Import(context.Background(), name, data, "import")
	if err != nil || ir.Revision == 0 {
		e.t.Fatalf("import %s: %+v %v", name, ir, err)
	}
	return ir
}

// hubeiWorkbookYear is the corrected Hubei form of a unit for a year.
func hubeiWorkbookYear(t testing.TB, unit string, year int) []byte {
	return hubeiWorkbook(t, func(d *template.Data) {
		forUnit(unit)(d)
		corrected(d)
		y := strconv.Itoa(year)
		d.Fields["title"] = y + "年度" + unit + "部门整体绩效自评表"
		d.Fields["fill_date"] = y + ".3.20"
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sheetForm is one sheet of multiFormWorkbook: the first sheet of a
// single-form workbook, named sheet.
type sheetForm struct {
	sheet string
	data  []byte
}

// multiFormWorkbook combines the forms into one workbook, one sheet each in
// order, as an agency pastes several forms into one file: cell values,
// formulas, styles, merged ranges, column widths and row heights are
// copied.
func multiFormWorkbook(t testing.TB, forms ...sheetForm) []byte {
	t.Helper()
	dst := excelize.NewFile()
	defer dst.Close()
	for i, fm := range forms {
		var err error
		if i == 0 {
			err = dst.SetSheetName("Sheet1", fm.sheet)
		} else {
			_, err = dst.NewSheet(fm.sheet)
		}
		if err != nil {
			t.Fatalf("sheet %s: %v", fm.sheet, err)
		}
		src, err := excelize.OpenReader(bytes.NewReader(fm.data))
		if err != nil {
			t.Fatal(err)
		}
		if err := copySheet(src, src.GetSheetName(0), dst, fm.sheet); err != nil {
			t.Fatalf("copy to sheet %s: %v", fm.sheet, err)
		}
		src.Close()
	}
	var b bytes.Buffer
	if _, err := dst.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// copySheet copies sheet from of src into sheet to of dst.
func copySheet(src *excelize.File, from string, dst *excelize.File, to string) error {
	rows, err := src.GetRows(from, excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	styles := map[int]int{} // src style → dst style
	width := 0
	for r, row := range rows {
		width = max(width, len(row))
		for c, val := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := copyCell(src, from, dst, to, ref, val, styles); err != nil {
				return fmt.Errorf("%s: %w", ref, err)
			}
		}
		if h, err := src.GetRowHeight(from, r+1); err == nil {
			if err := dst.SetRowHeight(to, r+1, h); err != nil {
				return err
			}
		}
	}
	for c := 1; c <= width; c++ {
		col, _ := excelize.ColumnNumberToName(c)
		w, err := src.GetColWidth(from, col)
		if err != nil {
			return err
		}
		if err := dst.SetColWidth(to, col, col, w); err != nil {
			return err
		}
	}
	merges, err := src.GetMergeCells(from, true)
	if err != nil {
		return err
	}
	for _, m := range merges {
		if err := dst.MergeCell(to, m.GetStartAxis(), m.GetEndAxis()); err != nil {
			return err
		}
	}
	return nil
}

// copyCell copies one cell's formula or typed value and its style.
func copyCell(src *excelize.File, from string, dst *excelize.File, to, ref, val string, styles map[int]int) error {
	if idx, err := src.GetCellStyle(from, ref); err != nil {
		return err
	} else if idx != 0 {
		id, ok := styles[idx]
		if !ok {
			st, err := src.GetStyle(idx)
			if err != nil {
				return err
			}
			if id, err = dst.NewStyle(st); err != nil {
				return err
			}
			styles[idx] = id
		}
		if err := dst.SetCellStyle(to, ref, ref, id); err != nil {
			return err
		}
	}
	if f, err := src.GetCellFormula(from, ref); err != nil {
		return err
	} else if f != "" {
		return dst.SetCellFormula(to, ref, f)
	}
	if val == "" {
		return nil
	}
	typ, err := src.GetCellType(from, ref)
	if err != nil {
		return err
	}
	switch typ {
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
		if n, err := strconv.ParseFloat(val, 64); err == nil {
			return dst.SetCellValue(to, ref, n)
		}
	case excelize.CellTypeBool:
		return dst.SetCellBool(to, ref, val == "1" || val == "TRUE")
	}
	return dst.SetCellStr(to, ref, val)
}
