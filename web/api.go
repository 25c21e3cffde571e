package web

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// apiError is the body of every API error.
type apiError struct {
	Error string `json:"error"`
}

// apiUser is an account as the API shows it.
type apiUser struct {
	Name string `json:"name"`
	Role string `json:"role"`
	Unit string `json:"unit,omitempty"`
}

func userOf(u *store.User) apiUser { return apiUser{Name: u.Name, Role: u.Role, Unit: u.Unit} }

// apiSession answers sign-in and /api/me: the user and the CSRF token
// state-changing calls must send as X-CSRF-Token.
type apiSession struct {
	User apiUser `json:"user"`
	CSRF string  `json:"csrf"`
}

// apiRevision is a stored revision.
type apiRevision struct {
	ID         int64     `json:"id"`
	Submission int64     `json:"submission"`
	Seq        int       `json:"seq"`
	Unit       string    `json:"unit"`
	Template   string    `json:"template"`
	Version    string    `json:"version"`
	Year       int       `json:"year"`
	Subject    string    `json:"subject,omitempty"`
	File       string    `json:"file"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedAt time.Time `json:"uploaded_at"`
	UploadedBy string    `json:"uploaded_by"`
	Status     string    `json:"status"`
	Errors     int       `json:"errors"`
	Warnings   int       `json:"warnings"`
	Score      *float64  `json:"score,omitempty"`
}

func revisionOf(r *store.Revision) *apiRevision {
	if r == nil {
		return nil
	}
	return &apiRevision{ID: r.ID, Submission: r.SubmissionID, Seq: r.Seq, Unit: r.Unit, Template: r.TemplateID,
		Version: r.TemplateVersion, Year: r.Year, Subject: r.Subject, File: originalName(r), Size: r.Size,
		SHA256: r.BlobHash, UploadedAt: r.UploadedAt, UploadedBy: r.UploadedBy, Status: r.Status,
		Errors: r.Errors, Warnings: r.Warnings, Score: r.TotalScore}
}

func revisionsOf(rs []*store.Revision) []*apiRevision {
	out := make([]*apiRevision, 0, len(rs))
	for _, r := range rs {
		out = append(out, revisionOf(r))
	}
	return out
}

// apiReview is a department's or the bureau's decision.
type apiReview struct {
	ID         int64     `json:"id"`
	Submission int64     `json:"submission"`
	Revision   int64     `json:"revision"`
	Status     string    `json:"status"`
	Level      string    `json:"level"`
	Comment    string    `json:"comment"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

func reviewOf(r *store.Review) *apiReview {
	if r == nil {
		return nil
	}
	return &apiReview{ID: r.ID, Submission: r.Submission, Revision: r.Revision, Status: r.Status, Level: r.Level, Comment: r.Comment, By: r.By, At: r.At}
}

// apiSubmission is a submission with its state.
type apiSubmission struct {
	Submission int64          `json:"submission"`
	Unit       string         `json:"unit"`
	Template   string         `json:"template"`
	Year       int            `json:"year"`
	Subject    string         `json:"subject,omitempty"`
	State      string         `json:"state"`
	Latest     *apiRevision   `json:"latest,omitempty"`
	Review     *apiReview     `json:"review,omitempty"`
	Revisions  []*apiRevision `json:"revisions,omitempty"`
}

// apiMe answers the signed-in user and the CSRF token.
func (s *Server) apiMe(rq *request) error {
	writeJSON(rq.w, http.StatusOK, apiSession{User: userOf(rq.user), CSRF: rq.sess.CSRF})
	return nil
}

// apiTemplates lists the template ids with their versions.
func (s *Server) apiTemplates(rq *request) error {
	writeJSON(rq.w, http.StatusOK, s.templateOptions())
	return nil
}

// apiUpload stores a workbook sent as the multipart field "file".
func (s *Server) apiUpload(rq *request) error {
	name, data, err := s.receive(rq)
	if err != nil {
		return err
	}
	v, status, err := s.upload(rq, name, data)
	if err != nil {
		return err
	}
	writeJSON(rq.w, status, v)
	return nil
}

// apiSubmissions lists submissions: an agency's own, with every revision;
// for bureau staff the latest of every submission, for a department those
// of its subtree, optionally filtered by template, year and unit (a name or
// code).
func (s *Server) apiSubmissions(rq *request) error {
	out := []apiSubmission{}
	if rq.user.Role == roleAgency {
		subs, err := s.submissionsOf(rq.ctx(), s.ownUnitName(rq.ctx(), rq.user))
		if err != nil {
			return err
		}
		for _, sv := range subs {
			l := sv.Latest
			out = append(out, apiSubmission{Submission: l.SubmissionID, Unit: l.Unit, Template: l.TemplateID, Year: l.Year,
				Subject: l.Subject, State: sv.State, Latest: revisionOf(l), Review: reviewOf(sv.Review), Revisions: revisionsOf(sv.Revisions)})
		}
		writeJSON(rq.w, http.StatusOK, out)
		return nil
	}
	q := rq.r.URL.Query()
	year := 0
	if y := q.Get("year"); y != "" {
		var err error
		if year, err = strconv.Atoi(y); err != nil {
			return badRequest("年度无效：%q (bad year)", y)
		}
	}
	latest, err := s.svc.Records.Latest(rq.ctx(), q.Get("template"))
	if err != nil {
		return err
	}
	a, err := s.svc.AccessOf(rq.ctx(), rq.user)
	if err != nil {
		return err
	}
	for _, l := range latest {
		if !a.CanSee(l) || year != 0 && l.Year != year || q.Get("unit") != "" && fold(l.Unit) != fold(q.Get("unit")) && l.UnitCode != q.Get("unit") {
			continue
		}
		reviews, err := s.svc.Users.Reviews(rq.ctx(), l.SubmissionID)
		if err != nil {
			return err
		}
		state, last := sync.SubmissionState(l, reviews)
		out = append(out, apiSubmission{Submission: l.SubmissionID, Unit: l.Unit, Template: l.TemplateID, Year: l.Year,
			Subject: l.Subject, State: state, Latest: revisionOf(l), Review: reviewOf(last)})
	}
	writeJSON(rq.w, http.StatusOK, out)
	return nil
}

// apiRevisionDetail is a revision with its data, findings, history and
// reviews.
type apiRevisionDetail struct {
	Revision *apiRevision      `json:"revision"`
	Title    string            `json:"title"`
	State    string            `json:"state,omitempty"`
	Data     *mapping.Result   `json:"data"`
	Findings []mapping.Finding `json:"findings"`
	Errors   int               `json:"errors"`
	Warnings int               `json:"warnings"`
	History  []*apiRevision    `json:"history"`
	Latest   int64             `json:"latest"`
	Reviews  []*apiReview      `json:"reviews"`
}

// apiRevision answers one revision.
func (s *Server) apiRevision(rq *request) error {
	d, err := s.revisionDetail(rq, rq.r.PathValue("id"))
	if err != nil {
		return err
	}
	out := apiRevisionDetail{Revision: revisionOf(d.Rev), Title: d.Title, State: d.State, Data: d.Data, Findings: d.Findings,
		Errors: d.Errors, Warnings: d.Warnings, History: revisionsOf(d.History), Latest: d.Latest.ID, Reviews: []*apiReview{}}
	for _, r := range d.Reviews {
		out.Reviews = append(out.Reviews, reviewOf(r))
	}
	writeJSON(rq.w, http.StatusOK, out)
	return nil
}

// apiDashboardRow is one row of the dashboard.
type apiDashboardRow struct {
	Unit    string       `json:"unit"`
	Subject string       `json:"subject,omitempty"`
	State   string       `json:"state"`
	Latest  *apiRevision `json:"latest,omitempty"`
	Review  *apiReview   `json:"review,omitempty"`
}

// apiDashboard answers the dashboard of ?template=&year=&state=&q=, with
// the revisions of any template and year that could not be filed under
// any unit.
func (s *Server) apiDashboard(rq *request) error {
	d, err := s.dashboard(rq)
	if err != nil {
		return err
	}
	unident, err := s.unidentified(rq)
	if err != nil {
		return err
	}
	out := struct {
		*dashboard
		Rows         []apiDashboardRow         `json:"rows"`
		Unidentified []apiUnidentifiedRevision `json:"unidentified"`
	}{dashboard: d, Rows: []apiDashboardRow{}, Unidentified: unidentifiedOf(unident)}
	for _, r := range d.Rows {
		out.Rows = append(out.Rows, apiDashboardRow{Unit: r.Unit, Subject: r.Subject, State: r.State,
			Latest: revisionOf(r.Latest), Review: reviewOf(r.Review)})
	}
	writeJSON(rq.w, http.StatusOK, out)
	return nil
}

// apiReview records a decision from {"status": "accepted"|"returned",
// "comment": "...", "revision": N, "confirm": true}: revision (the one
// reviewed; default the latest) must still be the latest, confirm accepts a
// form with warnings.
func (s *Server) apiReview(rq *request) error {
	latest, err := s.submissionFor(rq, rq.r.PathValue("id"))
	if err != nil {
		return err
	}
	if ct, _, _ := mime.ParseMediaType(rq.r.Header.Get("Content-Type")); ct != "application/json" {
		return &httpError{http.StatusUnsupportedMediaType, "请以 application/json 提交 (send application/json)"}
	}
	var body struct {
		Status   string `json:"status"`
		Comment  string `json:"comment"`
		Revision int64  `json:"revision"`
		Confirm  bool   `json:"confirm"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(rq.w, rq.r.Body, maxFormBytes)).Decode(&body); err != nil {
		return badRequest("请求体不是有效的 JSON (bad JSON body)")
	}
	status, comment, err := reviewInput(body.Status, body.Comment)
	if err != nil {
		return err
	}
	rev := latest.ID
	if body.Revision != 0 {
		if rev, err = s.reviewedRevision(rq, latest, strconv.FormatInt(body.Revision, 10)); err != nil {
			return err
		}
	}
	r, err := s.svc.Review(rq.ctx(), rq.user, rev, status, comment, body.Confirm)
	if err != nil {
		return err // statusOf words it for people
	}
	writeJSON(rq.w, http.StatusOK, reviewOf(r))
	return nil
}
