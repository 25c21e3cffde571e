package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// Roles, cookies and form limits.
const (
	roleAgency     = store.RoleAgency
	roleBureau     = store.RoleBureau
	roleDepartment = store.RoleDepartment
	// roleReviewer is bureau staff or a department (the review queue);
	// roleFiler an agency or a department (its own unit's forms).
	roleReviewer = "reviewer"
	roleFiler    = "filer"

	// sessionCookie holds the session token (its hash is what is stored).
	sessionCookie = "jxsync_session"
	// loginCookie holds the anti-forgery token of the sign-in form, which
	// has no session yet (double-submit).
	loginCookie = "jxsync_login"
	// csrfHeader carries the session's CSRF token on API calls.
	csrfHeader = "X-CSRF-Token"
	// maxFormBytes bounds the body of every form or JSON request but uploads.
	maxFormBytes = 64 << 10
)

// request is one authenticated request.
type request struct {
	w    http.ResponseWriter
	r    *http.Request
	user *store.User
	sess *store.Session
	// api selects JSON errors instead of error pages.
	api bool
	// csrfInBody means the CSRF token is in a multipart body that the
	// handler must check with checkCSRF before using anything it sent.
	csrfInBody bool
}

func (rq *request) ctx() context.Context { return rq.r.Context() }

// checkCSRF checks a token taken from a multipart body.
func (rq *request) checkCSRF(token string) error {
	if !rq.csrfInBody {
		return nil
	}
	if !sameToken(token, rq.sess.CSRF) {
		return errCSRF
	}
	rq.csrfInBody = false
	return nil
}

// handlerFunc is a route's handler; a returned error is rendered (as a
// page or as JSON) with the status it maps to.
type handlerFunc func(rq *request) error

// page wraps a page handler: it needs a session (else a redirect to the
// sign-in page), the role when one is given, and a CSRF token on any
// method but GET.
func (s *Server) page(role string, h handlerFunc) http.Handler { return s.wrap(role, false, false, h) }

// uploadPage is page for a multipart form whose CSRF token is in the body.
func (s *Server) uploadPage(h handlerFunc) http.Handler { return s.wrap("", false, true, h) }

// api wraps an API handler: like page, but answering 401 without a
// session and requiring the X-CSRF-Token header on any method but GET.
func (s *Server) api(role string, h handlerFunc) http.Handler { return s.wrap(role, true, true, h) }

func (s *Server) wrap(role string, api, multipartCSRF bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(sync.WithAddress(r.Context(), s.clientIP(r))) // for the audit log
		rq := &request{w: w, r: r, api: api}
		u, sess, err := s.sessionOf(r)
		if err != nil {
			if api {
				writeJSON(w, http.StatusUnauthorized, apiError{Error: "未登录或登录已过期 (not signed in)"})
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		rq.user, rq.sess = u, sess
		if !hasRole(u, role) {
			s.fail(rq, errForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
				r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			}
			ok, inBody := s.csrfOK(rq, multipartCSRF)
			if !ok {
				s.fail(rq, errCSRF)
				return
			}
			rq.csrfInBody = inBody
		}
		if err := h(rq); err != nil {
			s.fail(rq, err)
		}
	})
}

// hasRole reports whether u may use a route of role ("" any signed-in
// user; roleReviewer and roleFiler two roles each).
func hasRole(u *store.User, role string) bool {
	switch role {
	case "":
		return true
	case roleReviewer:
		return u.Role == roleBureau || u.Role == roleDepartment
	case roleFiler:
		return u.Role == roleAgency || u.Role == roleDepartment
	}
	return u.Role == role
}

// csrfOK checks the CSRF token of a state-changing request: the
// X-CSRF-Token header (required on the API), or a form's csrf field. A
// multipart form's token is left to the handler (inBody).
func (s *Server) csrfOK(rq *request, multipartCSRF bool) (ok, inBody bool) {
	if h := rq.r.Header.Get(csrfHeader); h != "" {
		return sameToken(h, rq.sess.CSRF), false
	}
	if rq.api {
		return false, false
	}
	ct, _, _ := mime.ParseMediaType(rq.r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		if err := rq.r.ParseForm(); err != nil {
			return false, false
		}
		return sameToken(rq.r.PostFormValue("csrf"), rq.sess.CSRF), false
	case "multipart/form-data":
		return multipartCSRF, multipartCSRF
	}
	return false, false
}

// sameToken compares two tokens in constant time; empty never matches.
func sameToken(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// sessionOf returns the signed-in user of a request.
func (s *Server) sessionOf(r *http.Request) (*store.User, *store.Session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return nil, nil, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	return s.svc.SessionUser(r.Context(), c.Value)
}

// secure reports whether the request came over TLS (directly, or through a
// trusted proxy that says so).
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || s.opts.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// clientIP is the address rate limits count against: the peer's, or with
// TrustProxy the one the proxy reports.
func (s *Server) clientIP(r *http.Request) string {
	if s.opts.TrustProxy {
		if ip := strings.TrimSpace(r.Header.Get("X-Real-IP")); ip != "" {
			return ip
		}
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge int, site http.SameSite) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(r), SameSite: site})
}

// loginPage shows the sign-in form with a fresh anti-forgery token.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.sessionOf(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, "", "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, name, msg string) {
	token := randomToken()
	s.setCookie(w, r, loginCookie, token, "/login", 3600, http.SameSiteStrictMode)
	s.render(w, status, "login", &pageData{Title: "登录", CSRF: token, Error: msg, Data: name})
}

// loginForm signs a user in from the form.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.renderLogin(w, r, http.StatusBadRequest, "", "表单无效 (bad form)")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(c.Value, r.PostFormValue("csrf")) {
		s.renderLogin(w, r, http.StatusForbidden, name, "页面已过期，请重新登录 (form expired, try again)")
		return
	}
	u, no := s.signIn(r, name, r.PostFormValue("password"))
	if u == nil {
		no.answer(w)
		s.renderLogin(w, r, no.status, name, no.msg)
		return
	}
	token, _, err := s.svc.NewSession(r.Context(), u)
	if err != nil {
		s.log.Error("web: new session", "user", u.Name, "err", err)
		s.renderLogin(w, r, http.StatusInternalServerError, name, "服务器内部错误，请稍后再试 (internal error)")
		return
	}
	s.setCookie(w, r, loginCookie, "", "/login", -1, http.SameSiteStrictMode)
	s.setCookie(w, r, sessionCookie, token, "/", int(sync.SessionTTL.Seconds()), http.SameSiteLaxMode)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// refusal is why a sign-in was refused: the status and message to answer
// with, and how long until a blocked client may try again.
type refusal struct {
	status int
	msg    string
	retry  time.Duration
}

// answer sets a refusal's Retry-After header.
func (f *refusal) answer(w http.ResponseWriter) {
	if f.retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(f.retry)))
	}
}

var errInternalLogin = &refusal{status: http.StatusInternalServerError, msg: "服务器内部错误，请稍后再试 (internal error)"}

// signIn checks a name and password under the limits and returns the user,
// or why not. Failures count per address and name, per address and per
// name: the first two block their key when over their limit, the last
// only slows every attempt on the name (the right password too, so that
// the delay says nothing), so that nobody can lock an account out — least
// of all the bureau's — by failing on purpose.
func (s *Server) signIn(r *http.Request, name, password string) (*store.User, *refusal) {
	ctx := r.Context()
	ip, lower := s.clientIP(r), strings.ToLower(name)
	pair, addr, byName := pairKey(ip, lower), addrKey(ip), nameKey(lower)
	var wait time.Duration
	for _, l := range []struct {
		key string
		max int
	}{{pair, s.opts.LoginFailures}, {addr, s.opts.LoginAddressFailures}} {
		w, _, err := s.over(ctx, l.key, l.max, s.opts.LoginWindow)
		if err != nil {
			s.log.Error("web: sign in: count failures", "user", name, "err", err)
			return nil, errInternalLogin
		}
		wait = max(wait, w)
	}
	if wait > 0 {
		return nil, &refusal{http.StatusTooManyRequests,
			fmt.Sprintf("登录失败次数过多，请 %d 分钟后再试 (too many failed sign-ins)", int(wait.Minutes())+1), wait}
	}
	if name == "" || password == "" {
		return nil, &refusal{status: http.StatusUnauthorized, msg: "请输入用户名和密码 (name and password required)"}
	}
	_, n, err := s.over(ctx, byName, s.opts.LoginFailures, s.opts.LoginWindow)
	if err != nil {
		s.log.Error("web: sign in: count failures", "user", name, "err", err)
		return nil, errInternalLogin
	}
	if d := s.loginDelay(n); d > 0 {
		if err := s.opts.Sleep(ctx, d); err != nil {
			return nil, &refusal{status: http.StatusServiceUnavailable, msg: "请求已取消 (cancelled)"}
		}
	}
	u, err := s.svc.Authenticate(ctx, name, password)
	switch {
	case errors.Is(err, sync.ErrBadLogin):
		s.record(ctx, pair, addr, byName)
		return nil, &refusal{status: http.StatusUnauthorized, msg: sync.ErrBadLogin.Error()}
	case errors.Is(err, sync.ErrDisabled):
		return nil, &refusal{status: http.StatusForbidden, msg: sync.ErrDisabled.Error()}
	case err != nil:
		s.log.Error("web: sign in", "user", name, "err", err)
		return nil, errInternalLogin
	}
	// The address's count stays: signing in to one's own account must not
	// clear the failures on others'.
	if err := s.limits.Reset(ctx, pair, byName); err != nil {
		s.log.Error("web: sign in: reset failures", "user", name, "err", err)
	}
	return u, nil
}

// loginDelay is the wait before answering a sign-in on a name that failed
// n times within the window: none below LoginFailures, then half a second
// doubling with each failure, at most LoginDelayMax.
func (s *Server) loginDelay(n int) time.Duration {
	over := n - s.opts.LoginFailures
	if over < 0 {
		return 0
	}
	return min(time.Second/2<<min(over, 16), s.opts.LoginDelayMax)
}

// logoutForm ends the session.
func (s *Server) logoutForm(rq *request) error {
	s.endSession(rq)
	http.Redirect(rq.w, rq.r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) endSession(rq *request) {
	if c, err := rq.r.Cookie(sessionCookie); err == nil {
		if err := s.svc.EndSession(rq.ctx(), c.Value); err != nil {
			s.log.Error("web: end session", "user", rq.user.Name, "err", err)
		}
	}
	s.setCookie(rq.w, rq.r, sessionCookie, "", "/", -1, http.SameSiteLaxMode)
}

// apiLogin signs in from a JSON body {"name", "password"}. Only JSON is
// accepted, which a cross-site form cannot send.
func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, apiError{Error: "请以 application/json 提交 (send application/json)"})
		return
	}
	var body struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxFormBytes)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "请求体不是有效的 JSON (bad JSON body)"})
		return
	}
	u, no := s.signIn(r, strings.TrimSpace(body.Name), body.Password)
	if u == nil {
		no.answer(w)
		writeJSON(w, no.status, apiError{Error: no.msg})
		return
	}
	token, sess, err := s.svc.NewSession(r.Context(), u)
	if err != nil {
		s.log.Error("web: new session", "user", u.Name, "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "服务器内部错误 (internal error)"})
		return
	}
	s.setCookie(w, r, sessionCookie, token, "/", int(sync.SessionTTL.Seconds()), http.SameSiteLaxMode)
	writeJSON(w, http.StatusOK, apiSession{User: userOf(u), CSRF: sess.CSRF})
}

// apiLogout ends the session.
func (s *Server) apiLogout(rq *request) error {
	s.endSession(rq)
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}
