package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/jxsync/jxsync/store"
)

// unidentifiedView is a stored revision whose unit or year could not be
// read (it belongs to no submission), listed so that it can be fixed.
type unidentifiedView struct {
	Rev *store.Revision
	// Title is its template's title.
	Title string
	// Unit and Year are as typed in the form, or "（空）".
	Unit, Year string
}

// unidentified lists the unidentified revisions the user may see, newest
// first: all of them for bureau staff, an agency's own uploads.
func (s *Server) unidentified(rq *request) ([]*unidentifiedView, error) {
	revs, err := s.svc.Unidentified(rq.ctx(), rq.user)
	if err != nil {
		return nil, err
	}
	out := make([]*unidentifiedView, 0, len(revs))
	for _, r := range revs {
		unit, year, err := s.svc.TypedIdentity(rq.ctx(), r)
		if err != nil {
			return nil, fmt.Errorf("unidentified revision %d: %w", r.ID, err)
		}
		out = append(out, &unidentifiedView{Rev: r, Title: s.titleOfVersion(r.TemplateID, r.TemplateVersion), Unit: unit, Year: year})
	}
	return out, nil
}

// apiUnidentifiedRevision is an unidentified revision as the API shows it.
type apiUnidentifiedRevision struct {
	// Revision is its id; File and Sheet where it was read from.
	Revision int64  `json:"revision"`
	File     string `json:"file"`
	Sheet    string `json:"sheet"`
	// Template and Version identify the template it was read with, Title
	// is that template's title.
	Template string `json:"template"`
	Version  string `json:"version"`
	Title    string `json:"title"`
	// Unit and Year are as typed in the form, or "（空）".
	Unit       string    `json:"unit"`
	Year       string    `json:"year"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
	Errors     int       `json:"errors"`
	Warnings   int       `json:"warnings"`
	// Links to its findings and its annotated workbook.
	RevisionURL  string `json:"revision_url"`
	AnnotatedURL string `json:"annotated_url"`
}

func unidentifiedOf(vs []*unidentifiedView) []apiUnidentifiedRevision {
	out := make([]apiUnidentifiedRevision, 0, len(vs))
	for _, v := range vs {
		r := v.Rev
		u := fmt.Sprintf("/api/revisions/%d", r.ID)
		out = append(out, apiUnidentifiedRevision{Revision: r.ID, File: originalName(r), Sheet: r.Sheet,
			Template: r.TemplateID, Version: r.TemplateVersion, Title: v.Title, Unit: v.Unit, Year: v.Year,
			UploadedBy: r.UploadedBy, UploadedAt: r.UploadedAt, Errors: r.Errors, Warnings: r.Warnings,
			RevisionURL: u, AnnotatedURL: u + "/annotated"})
	}
	return out
}

// apiUnidentified lists the unidentified revisions of the signed-in user:
// all of them for bureau staff, an agency's own uploads.
func (s *Server) apiUnidentified(rq *request) error {
	vs, err := s.unidentified(rq)
	if err != nil {
		return err
	}
	writeJSON(rq.w, http.StatusOK, unidentifiedOf(vs))
	return nil
}
