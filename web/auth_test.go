package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/web"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// formLogin signs in through the sign-in page.
func formLogin(t *testing.T, c *client, name, pw string) (*http.Response, []byte) {
	t.Helper()
	res, body := c.get("/login")
	wantStatus(t, "GET /login", res, body, http.StatusOK)
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field on the sign-in page:\n%s", body)
	}
	return c.postForm("/login", url.Values{"csrf": {string(m[1])}, "name": {name}, "password": {pw}}, false)
}

func TestLoginLogout(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	c := e.client()

	// Not signed in: pages go to the sign-in page, the API answers 401.
	res, _ := c.get("/")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("GET / anonymous: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := c.get("/api/me")
	wantStatus(t, "GET /api/me anonymous", res, body, http.StatusUnauthorized)

	// The sign-in form needs its own anti-forgery token.
	res, body = c.postForm("/login", url.Values{"name": {"jz"}, "password": {password}}, false)
	wantStatus(t, "POST /login without token", res, body, http.StatusForbidden)

	res, body = formLogin(t, c, "jz", "wrong-password")
	wantStatus(t, "wrong password", res, body, http.StatusUnauthorized)
	mustContain(t, body, "用户名或密码错误")

	res, body = formLogin(t, c, "jz", password)
	wantStatus(t, "sign in", res, body, http.StatusSeeOther)
	var sess *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "jxsync_session" {
			sess = ck
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Secure || sess.Path != "/" {
		t.Errorf("session cookie: %+v", sess)
	}
	if raw := res.Header.Values("Set-Cookie"); !strings.Contains(strings.Join(raw, "\n"), "HttpOnly; SameSite=Lax") {
		t.Errorf("Set-Cookie: %q", raw)
	}
	res, _ = c.get("/")
	if res.Header.Get("Location") != "/agency" {
		t.Errorf("GET / as agency: %s", res.Header.Get("Location"))
	}
	res, body = c.get("/agency")
	wantStatus(t, "GET /agency", res, body, http.StatusOK)
	mustContain(t, body, unitJiuzhu)
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q", k, got)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}

	// Logout is a state change: it needs the token.
	m := csrfField.FindSubmatch(body)
	res, body = c.postForm("/logout", url.Values{}, false)
	wantStatus(t, "logout without token", res, body, http.StatusForbidden)
	res, body = c.postForm("/logout", url.Values{"csrf": {string(m[1])}}, false)
	wantStatus(t, "logout", res, body, http.StatusSeeOther)
	res, _ = c.get("/agency")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("after logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// A disabled account cannot sign in, and its sessions end.
	c2 := e.login("jz")
	if err := e.db.SetDisabled(t.Context(), "jz", true); err != nil {
		t.Fatal(err)
	}
	res, body = c2.get("/api/me")
	wantStatus(t, "session of a disabled account", res, body, http.StatusUnauthorized)
	res, body = formLogin(t, e.client(), "jz", password)
	wantStatus(t, "disabled sign-in", res, body, http.StatusForbidden)
	mustContain(t, body, "账号已停用")
}

func TestSecureCookieOverTLS(t *testing.T) {
	e := newEnvWith(t, web.Options{}, httptest.NewTLSServer)
	e.addUser("cz", store.RoleBureau, "")
	c := e.client()
	res, body := c.do("POST", "/api/login", "application/json", strings.NewReader(`{"name":"cz","password":"`+password+`"}`))
	wantStatus(t, "login", res, body, http.StatusOK)
	if raw := strings.Join(res.Header.Values("Set-Cookie"), "\n"); !strings.Contains(raw, "; Secure") || !strings.Contains(raw, "HttpOnly") {
		t.Errorf("session cookie over TLS: %s", raw)
	}
}

// TestLoginRateLimit: failures lock an (address, name) pair and an address
// that fails on many names, while failures on a name from anywhere only
// slow it down, so that nobody can lock the bureau out. The counts are
// kept in the SQLite file, where several servers could share them.
func TestLoginRateLimit(t *testing.T) {
	var mu gosync.Mutex
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var delays []time.Duration
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	waited := func() []time.Duration { mu.Lock(); defer mu.Unlock(); d := delays; delays = nil; return d }
	e := newEnv(t, web.Options{TrustProxy: true, Now: clock, Sleep: func(_ context.Context, d time.Duration) error {
		mu.Lock()
		delays = append(delays, d)
		mu.Unlock()
		return nil
	}})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	e.addUser("cz", store.RoleBureau, "")
	from := func(ip string) *client {
		c := e.client()
		c.header.Set("X-Forwarded-For", ip)
		return c
	}
	try := func(c *client, name, pw string) *http.Response {
		res, _ := c.do("POST", "/api/login", "application/json", strings.NewReader(`{"name":"`+name+`","password":"`+pw+`"}`))
		return res
	}

	// Per address and name: five failures from one address lock that pair,
	// even with the right password.
	for i := range 5 {
		if got := try(from("10.0.0.1"), "jz", "wrong-password").StatusCode; got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, got)
		}
	}
	if res := try(from("10.0.0.1"), "jz", password); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "900" {
		t.Errorf("pair locked: %d Retry-After %q, want 429 900", res.StatusCode, res.Header.Get("Retry-After"))
	}
	res, body := formLogin(t, from("10.0.0.1"), "jz", password)
	wantStatus(t, "pair locked on the form", res, body, http.StatusTooManyRequests)
	mustContain(t, body, "登录失败次数过多")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on the form")
	}
	if d := waited(); len(d) != 0 {
		t.Errorf("a locked pair waited %v before its answer", d)
	}
	// The address signs in to another name, and another address to this
	// one, after a short delay: the name is slowed, not locked.
	if got := try(from("10.0.0.1"), "mz", password).StatusCode; got != http.StatusOK {
		t.Errorf("same address, another name: %d", got)
	}
	if d := waited(); len(d) != 0 {
		t.Errorf("another name waited %v", d)
	}
	if got := try(from("10.0.0.2"), "jz", password).StatusCode; got != http.StatusOK {
		t.Errorf("another address, same name: %d", got)
	}
	if d := waited(); len(d) != 1 || d[0] != 500*time.Millisecond {
		t.Errorf("another address waited %v, want [500ms]", d)
	}
	// Signing in clears the name's count: no delay the next time.
	if got := try(from("10.0.0.3"), "jz", password).StatusCode; got != http.StatusOK {
		t.Errorf("after a sign-in: %d", got)
	}
	if d := waited(); len(d) != 0 {
		t.Errorf("after a sign-in waited %v", d)
	}

	// Per name: failures on the bureau's account from many addresses slow
	// every attempt, the delay doubling up to 5 s, but never lock it.
	for i := range 10 {
		if got := try(from(fmt.Sprintf("10.0.2.%d", i)), "cz", "wrong-password").StatusCode; got != http.StatusUnauthorized {
			t.Fatalf("failure %d on cz: %d", i+1, got)
		}
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}
	if d := waited(); !slices.Equal(d, want) {
		t.Errorf("delays on cz: %v, want %v", d, want)
	}
	if got := try(from("10.0.3.1"), "cz", password).StatusCode; got != http.StatusOK {
		t.Errorf("bureau locked out: %d", got)
	}
	if d := waited(); !slices.Equal(d, []time.Duration{5 * time.Second}) {
		t.Errorf("bureau waited %v, want [5s]", d)
	}

	// Per address: twenty failures on any names block the address.
	for i := range 20 {
		try(from("10.0.1.1"), fmt.Sprintf("nobody%02d", i), "wrong-password")
	}
	if got := try(from("10.0.1.1"), "mz", password).StatusCode; got != http.StatusTooManyRequests {
		t.Errorf("address blocked: %d, want 429", got)
	}
	if got := try(from("10.0.1.2"), "mz", password).StatusCode; got != http.StatusOK {
		t.Errorf("another address: %d", got)
	}
	_, rows, err := e.db.Query(t.Context(), `SELECT count(*) FROM limit_events WHERE key LIKE 'login:%'`)
	if err != nil || fmt.Sprint(rows[0][0]) == "0" {
		t.Errorf("failures in the SQLite file: %v %v", rows, err)
	}

	// After the window both are free again.
	advance(15*time.Minute + time.Second)
	if got := try(from("10.0.1.1"), "jz", password).StatusCode; got != http.StatusOK {
		t.Errorf("address after the window: %d", got)
	}
	if got := try(from("10.0.0.1"), "jz", password).StatusCode; got != http.StatusOK {
		t.Errorf("pair after the window: %d", got)
	}
}

func TestCSRFRequired(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("cz", store.RoleBureau, "")
	ir := e.importFile(jiuzhuXLSX)
	sub := subOf(t, e, ir.Revision)
	wb := testkit.Example(t, jiuzhuXLSX)

	jz := e.login("jz")
	for _, tc := range []struct {
		name string
		res  func() (*http.Response, []byte)
	}{
		{"upload form without token", func() (*http.Response, []byte) { return jz.upload("/upload", "a.xlsx", wb, false, false) }},
		{"API upload without header", func() (*http.Response, []byte) { return jz.upload("/api/upload", "a.xlsx", wb, true, false) }},
		{"API logout without header", func() (*http.Response, []byte) { return jz.do("POST", "/api/logout", "", nil) }},
		{"logout with a wrong token", func() (*http.Response, []byte) {
			return jz.postForm("/logout", url.Values{"csrf": {strings.Repeat("0", 64)}}, false)
		}},
	} {
		res, body := tc.res()
		wantStatus(t, tc.name, res, body, http.StatusForbidden)
	}
	jz.csrf = strings.Repeat("ab", 32)
	res, body := jz.upload("/api/upload", "a.xlsx", wb, false, true)
	wantStatus(t, "API upload with a wrong header", res, body, http.StatusForbidden)

	cz := e.login("cz")
	res, body = cz.postForm("/submissions/"+sub+"/review", url.Values{"status": {"accepted"}}, false)
	wantStatus(t, "review form without token", res, body, http.StatusForbidden)
	res, body = cz.do("POST", "/api/submissions/"+sub+"/review", "application/json", strings.NewReader(`{"status":"accepted"}`))
	wantStatus(t, "API review without header", res, body, http.StatusForbidden)
	subID, _ := strconv.ParseInt(sub, 10, 64)
	if revs, _ := e.svc.Users.Reviews(t.Context(), subID); len(revs) != 0 {
		t.Errorf("a review was stored without a token: %+v", revs)
	}
	if h, _ := e.db.History(t.Context(), unitJiuzhu); len(h) != 1 {
		t.Errorf("an upload was stored without a token: %d revisions", len(h))
	}
}
