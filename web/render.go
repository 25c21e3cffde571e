package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// pageData is what every page template receives.
type pageData struct {
	// Title is the page's title.
	Title string
	// User is the signed-in user (nil on the sign-in page); UnitName its
	// unit's name.
	User     *store.User
	UnitName string
	// CSRF is the token forms carry.
	CSRF string
	// Error and Notice are messages shown at the top.
	Error, Notice string
	// Data is the page's own content.
	Data any
	// MaxUpload is the upload limit, for the upload form's hint.
	MaxUpload int64
}

// httpError is an error with the status and the message to answer with.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// Errors answered as they are.
var (
	errForbidden = &httpError{http.StatusForbidden, "无权访问 (forbidden)"}
	errCSRF      = &httpError{http.StatusForbidden, "安全校验失败，请刷新页面后重试 (CSRF token missing or wrong)"}
)

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// statusOf maps an error to the status and the message shown; internal
// errors are not described to the client.
func statusOf(err error) (int, string) {
	var he *httpError
	var re *retryError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.status, he.msg
	case errors.As(err, &re):
		return re.status, re.msg
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("文件过大：上限 %s (upload larger than the limit)", sizeText(mbe.Limit))
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "未找到 (not found)"
	case errors.Is(err, sync.ErrForbidden):
		return http.StatusForbidden, withoutOps(err.Error())
	case errors.Is(err, sync.ErrNeedsConfirm):
		return http.StatusConflict, sync.ErrNeedsConfirm.Error() + " 请勾选“确认通过”后再提交。"
	case errors.Is(err, sync.ErrNeedsComment):
		return http.StatusBadRequest, sync.ErrNeedsComment.Error()
	case errors.Is(err, sync.ErrNotReviewable):
		msg, _, _ := strings.Cut(err.Error(), ": "+sync.ErrNotReviewable.Error())
		return http.StatusConflict, withoutOps(msg)
	case errors.Is(err, mapping.ErrNoTemplate):
		return http.StatusNotFound, "没有该模板 (no such template)"
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "请求已取消 (cancelled)"
	}
	return http.StatusInternalServerError, "服务器内部错误，请稍后再试 (internal error)"
}

// fail answers a handler's error as a page or as JSON, with Retry-After
// when the error says when to try again.
func (s *Server) fail(rq *request, err error) {
	status, msg := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("web: request failed", "method", rq.r.Method, "path", rq.r.URL.Path, "err", err)
	}
	var re *retryError
	if errors.As(err, &re) {
		rq.w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(re.after)))
	}
	if rq.api {
		writeJSON(rq.w, status, apiError{Error: msg})
		return
	}
	s.render(rq.w, status, "error", &pageData{Title: http.StatusText(status), User: rq.user, CSRF: csrfOf(rq), Error: s.plain(msg)})
}

func csrfOf(rq *request) string {
	if rq.sess == nil {
		return ""
	}
	return rq.sess.CSRF
}

// pageFor starts a page's data for the signed-in user.
func (s *Server) pageFor(rq *request, title string, data any) *pageData {
	return &pageData{Title: title, User: rq.user, UnitName: s.ownUnitName(rq.ctx(), rq.user), CSRF: rq.sess.CSRF, Data: data, MaxUpload: s.opts.MaxUploadBytes}
}

// render executes a page template into a buffer first, so that a template
// error never sends half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, d *pageData) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("web: no such page template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", d); err != nil {
		s.log.Error("web: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// parsePages parses every page template with the shared ones (files whose
// name starts with _).
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	base := template.New("").Funcs(funcs)
	var pages []string
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			if base, err = base.ParseFS(templateFS, n); err != nil {
				return nil, fmt.Errorf("parse %s: %w", n, err)
			}
		} else {
			pages = append(pages, n)
		}
	}
	out := map[string]*template.Template{}
	for _, n := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		out[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return out, nil
}

// funcs are the helpers templates use.
var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format("2006-01-02 15:04")
	},
	"seconds":    func(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") },
	"actionName": actionName,
	"roleName":   roleName,
	"revStatus":  revisionStatusName,
	"reviewName": reviewName,
	"reviewWord": reviewWord,
	"sevName":    severityName,
	"stateName":  stateName,
	"indent":     func(n int) string { return strings.Repeat("　", n) },
	"outcome":    outcomeName,
	"size":       sizeText,
	"base":       func(name string) string { return safeFileName(name, "") },
	"num": func(x *float64) string {
		if x == nil {
			return ""
		}
		return mapping.FormatNumber(*x)
	},
}

// revisionStatusName names a revision's validation status. Validation
// says 校验通过, 有警告 or 有错误; 审核通过 and 已退回 are the bureau's
// review only (reviewName, stateName).
func revisionStatusName(s string) string {
	switch s {
	case store.StatusValid:
		return "校验通过"
	case store.StatusWarnings:
		return "有警告"
	case store.StatusRejected:
		return "有错误"
	}
	return s
}

func reviewName(s string) string {
	switch s {
	case store.ReviewAccepted:
		return "审核通过"
	case store.ReviewReturned:
		return "已退回"
	}
	return s
}

// reviewWord names a decision with its level: 部门审核通过, 部门退回,
// 财政审核通过 or 财政退回 (the state it leads to).
func reviewWord(r *store.Review) string {
	st, _ := sync.SubmissionState(&store.Revision{ID: r.Revision}, []*store.Review{r})
	return sync.StateWord(st)
}

func severityName(s string) string {
	if s == mapping.SeverityError {
		return "错误"
	}
	return "警告"
}

func outcomeName(s string) string {
	switch s {
	case store.OutcomeImported:
		return "已保存（新填报）"
	case store.OutcomeUpdated:
		return "已保存（新修订）"
	case store.OutcomeUnchanged:
		return "内容未变，未新增修订"
	case sync.OutcomeRejected:
		return "已保存，但有错误需修改"
	case sync.OutcomeUnreadable:
		return "无法读取"
	case sync.OutcomeConflict:
		return "版本冲突，未保存"
	case sync.OutcomeFailed:
		return "保存失败"
	case sync.OutcomeDuplicate:
		return "与前面的工作表重复，未保存"
	case sync.OutcomePending:
		return "已保存，待确认单位：单位名称与名单中的单位对不上，等待财政确认归入哪个单位"
	}
	return s
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%s MB", mapping.FormatNumber(float64(n*10/(1<<20))/10))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// withoutOps drops the lower-case operation prefixes ("review revision 2:
// ", "upload x.xlsx: ") errors are wrapped in, leaving what people read.
func withoutOps(msg string) string {
	for {
		op, rest, ok := strings.Cut(msg, ": ")
		if !ok || op == "" || !isOp(op) {
			return msg
		}
		msg = rest
	}
}

// isOp reports whether s looks like an operation prefix: lower-case ASCII
// words, digits and spaces only (no Chinese, no file name with a dot).
func isOp(s string) bool {
	if s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == ' ') {
			return false
		}
	}
	return true
}
