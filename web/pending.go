package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/jxsync/jxsync/store"
)

// pendingPage is the bureau's 待确认单位 page: the revisions whose typed
// unit matched no registered unit (or several), each with a unit chooser.
type pendingPage struct {
	Rows  []pendingRow
	Units []*store.Unit
}

// pendingRow is one waiting revision.
type pendingRow struct {
	*store.PendingRevision
	// Title is its template's title.
	Title string
}

// pendingUnitsPage lists the 待确认单位 queue (bureau only).
func (s *Server) pendingUnitsPage(rq *request) error {
	ps, err := s.svc.PendingFor(rq.ctx(), rq.user)
	if err != nil {
		return err
	}
	units, err := s.svc.RegisteredUnits(rq.ctx())
	if err != nil {
		return err
	}
	d := &pendingPage{Units: units}
	for _, p := range ps {
		d.Rows = append(d.Rows, pendingRow{PendingRevision: p, Title: s.titleOfVersion(p.Revision.TemplateID, p.Revision.TemplateVersion)})
	}
	pd := s.pageFor(rq, "待确认单位", d)
	q := rq.r.URL.Query()
	if rev, filed := q.Get("assigned"), q.Get("filed"); rev != "" {
		a, err1 := strconv.ParseInt(rev, 10, 64)
		f, err2 := strconv.ParseInt(filed, 10, 64)
		if err1 == nil && err2 == nil {
			pd.Notice = fmt.Sprintf("修订 %d 已归入单位（新修订 %d）", a, f)
		}
	}
	s.render(rq.w, http.StatusOK, "pending", pd)
	return nil
}

// assignUnitForm files a waiting revision under the chosen unit (bureau
// only).
func (s *Server) assignUnitForm(rq *request) error {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return badRequest("修订号无效 (bad revision)")
	}
	unit := strings.TrimSpace(rq.r.PostFormValue("unit"))
	if unit == "" {
		return badRequest("请选择单位 (choose a unit)")
	}
	filed, err := s.svc.AssignFor(rq.ctx(), rq.user, id, unit)
	switch {
	case errors.Is(err, store.ErrExists):
		return &httpError{http.StatusConflict, err.Error()}
	case errors.Is(err, store.ErrNotFound):
		return &httpError{http.StatusNotFound, err.Error()}
	case err != nil:
		return err
	}
	http.Redirect(rq.w, rq.r, fmt.Sprintf("/units/pending?assigned=%d&filed=%d", id, filed.ID), http.StatusSeeOther)
	return nil
}
