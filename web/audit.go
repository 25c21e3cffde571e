package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/jxsync/jxsync/store"
)

// auditLimit is how many entries the audit page shows at most (the newest).
const auditLimit = 500

// auditView is the bureau's audit log page: the newest entries first.
type auditView struct {
	Unit, Since string
	Entries     []*store.AuditEntry
	// Limited says that older entries matching were left out.
	Limited bool
	Limit   int
}

// auditPage lists the audit log, newest first, filtered by ?unit= (a unit
// code, as stored) and ?since=YYYY-MM-DD.
func (s *Server) auditPage(rq *request) error {
	if s.svc.Audit == nil {
		return &httpError{http.StatusNotImplemented, "未配置审计日志 (no audit log)"}
	}
	q := rq.r.URL.Query()
	v := &auditView{Unit: strings.TrimSpace(q.Get("unit")), Since: strings.TrimSpace(q.Get("since")), Limit: auditLimit}
	f := store.AuditFilter{Unit: v.Unit, Limit: auditLimit + 1}
	if v.Since != "" {
		d, err := time.ParseInLocation("2006-01-02", v.Since, time.Local)
		if err != nil {
			return badRequest("起始日期应为 YYYY-MM-DD (since must be a date)")
		}
		f.Since = d
	}
	es, err := s.svc.Audit.List(rq.ctx(), f)
	if err != nil {
		return err
	}
	if len(es) > auditLimit {
		es, v.Limited = es[1:], true
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	v.Entries = es
	s.render(rq.w, http.StatusOK, "audit", s.pageFor(rq, "审计日志", v))
	return nil
}

// actionName names an audit action in Chinese.
func actionName(a string) string {
	switch a {
	case store.ActionUpload:
		return "上传"
	case store.ActionImport:
		return "导入"
	case store.ActionReview:
		return "审核"
	case store.ActionTask:
		return "任务"
	case store.ActionAssign:
		return "指派单位"
	case store.ActionAccount:
		return "账号"
	case store.ActionDownload:
		return "下载原件"
	}
	return a
}

// roleName names a role in Chinese.
func roleName(r string) string {
	switch r {
	case store.RoleAgency:
		return "预算单位"
	case store.RoleBureau:
		return "财政局"
	case store.RoleDepartment:
		return "主管部门"
	case store.RoleCLI:
		return "命令行"
	}
	return r
}
