package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// revisionDetail is one revision with its values, findings, the other
// revisions of its submission and the bureau's reviews.
type revisionDetail struct {
	Rev *store.Revision
	// Title is the template's title.
	Title string
	// Data is the stored extraction (nil when none was kept); Values lays
	// it out by the template.
	Data   *mapping.Result
	Values *valuesView
	// Findings are the validation's findings; Groups are the lines people
	// read, by sheet, linked to the cells in Values.
	Findings         []mapping.Finding
	Groups           []sheetFindings
	Errors, Warnings int
	// History holds the submission's revisions, newest first; Latest is
	// the newest.
	History []*store.Revision
	Latest  *store.Revision
	// Reviews are the bureau's decisions, oldest first; State is the
	// submission's state.
	Reviews []*store.Review
	State   string
	// CanReview shows the review form (the account may review the
	// submission now: sync.Access.ReviewLevel); CanUpload the upload form
	// (the unit's own account), for the corrected workbook.
	CanReview, CanUpload bool
	// TypedUnit and TypedYear are, for a revision of no submission, the
	// unit and year as typed in the form (or "（空）").
	TypedUnit, TypedYear string
}

// revisionPage shows a revision.
func (s *Server) revisionPage(rq *request) error {
	d, err := s.revisionDetail(rq, rq.r.PathValue("id"))
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s %d年度 修订 %d", d.Rev.Unit, d.Rev.Year, d.Rev.Seq)
	if d.Rev.SubmissionID == 0 {
		title = fmt.Sprintf("无法确定单位或年度 修订 %d", d.Rev.ID)
	}
	p := s.pageFor(rq, title, d)
	if rq.r.URL.Query().Get("reviewed") != "" {
		p.Notice = "审核意见已保存，填报单位可以看到。"
	}
	s.render(rq.w, http.StatusOK, "revision", p)
	return nil
}

// revisionDetail gathers what is shown of a revision the user may see.
func (s *Server) revisionDetail(rq *request, idText string) (*revisionDetail, error) {
	rev, err := s.revisionFor(rq, idText)
	if err != nil {
		return nil, err
	}
	ctx := rq.ctx()
	a, err := s.svc.AccessOf(ctx, rq.user)
	if err != nil {
		return nil, err
	}
	// Only the unit itself uploads its corrected workbook (a department its
	// own unit's, not its units').
	d := &revisionDetail{Rev: rev, Title: s.titleOfVersion(rev.TemplateID, rev.TemplateVersion), Latest: rev,
		CanUpload: (rq.user.Role == roleAgency || rq.user.Role == roleDepartment) && (a.Owns(rev) || rev.SubmissionID == 0)}
	var t *mapping.Template
	d.Data, d.Findings, t, err = s.findings(ctx, rev)
	if err != nil {
		return nil, err
	}
	link := func(sheet, cell string) string { return "" }
	if d.Data != nil && t != nil {
		d.Values = valuesOf(t, d.Data)
		link = d.Values.mark(d.Data.Sheet, d.Findings)
	}
	d.Groups = s.lines(d.Findings, link)
	d.Errors, d.Warnings = countFindings(d.Findings)
	if rev.SubmissionID == 0 {
		d.History = []*store.Revision{rev}
		if d.TypedUnit, d.TypedYear, err = s.svc.TypedIdentity(ctx, rev); err != nil {
			return nil, err
		}
		return d, nil
	}
	revs, err := s.svc.Records.History(ctx, rev.Unit)
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		if r.SubmissionID == rev.SubmissionID {
			d.History = append([]*store.Revision{r}, d.History...)
			if r.Seq > d.Latest.Seq {
				d.Latest = r
			}
		}
	}
	if d.Reviews, err = s.svc.Users.Reviews(ctx, rev.SubmissionID); err != nil {
		return nil, err
	}
	d.State, _ = sync.SubmissionState(d.Latest, d.Reviews)
	d.CanReview = a.CanReview(d.Latest, d.State)
	return d, nil
}

// findings returns a revision's stored data and its findings, checked again
// from the data (or, for a revision kept without data, from the original);
// a revision of no submission has the identity error besides.
func (s *Server) findings(ctx context.Context, rev *store.Revision) (*mapping.Result, []mapping.Finding, *mapping.Template, error) {
	res, fs, t, err := s.checked(ctx, rev)
	if err == nil && rev.SubmissionID == 0 && !mapping.HasRule(fs, mapping.RuleIdentity) {
		fs = append(fs, sync.IdentityFinding(rev.Sheet))
	}
	return res, fs, t, err
}

// checked returns a revision's stored data and its findings, checked again.
func (s *Server) checked(ctx context.Context, rev *store.Revision) (*mapping.Result, []mapping.Finding, *mapping.Template, error) {
	ref := rev.TemplateID + "@" + rev.TemplateVersion
	t, err := mapping.Find(s.svc.Templates, ref)
	if err != nil {
		t = nil // a template no longer shipped: values cannot be laid out
	}
	res, err := s.svc.Records.Data(ctx, rev.ID)
	switch {
	case err == nil && t != nil:
		fs := t.Check(res)
		if fs == nil {
			fs = []mapping.Finding{}
		}
		return res, fs, t, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, nil, nil, err
	}
	_, data, err := s.svc.Original(ctx, rev.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	release, err := s.reading(ctx, data)
	if err != nil {
		return nil, nil, nil, err
	}
	reps, err := s.svc.ValidateForms(rev.FileName, data, sync.ReadOptions{Sheet: rev.Sheet})
	release()
	if err != nil {
		return res, []mapping.Finding{{Severity: mapping.SeverityError, Rule: "unreadable", Message: err.Error()}}, t, nil
	}
	return res, reps[0].Findings, t, nil
}
