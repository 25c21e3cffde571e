package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// maxComment bounds a review comment, in characters.
const maxComment = 2000

// dashboard is the bureau's overview of one template and year: one row per
// submission, and one per expected unit without any.
type dashboard struct {
	Template string `json:"template"`
	Title    string `json:"title"`
	Year     int    `json:"year"`
	// Templates and Years are the choices offered.
	Templates []templateOption `json:"-"`
	Years     []int            `json:"-"`
	// State, Query and Under are the filters applied (empty: none): a
	// state (or "queue": what the signed-in account may review now), a part
	// of the unit name, a unit's code (it and the units below it).
	State string `json:"state,omitempty"`
	Query string `json:"q,omitempty"`
	Under string `json:"under,omitempty"`
	// Departments are the units offered as the Under filter: those with
	// units below them that the account sees, in tree order.
	Departments []unitOption `json:"-"`
	// Queue is the number of rows the account may review now (before the
	// state filter); Department says the account is a department's.
	Queue      int  `json:"queue"`
	Department bool `json:"-"`
	// Counts has the number of rows per state before filtering, in States
	// order; Total their sum.
	Counts []stateCount `json:"counts"`
	Total  int          `json:"total"`
	Rows   []dashRow    `json:"rows"`
	// Report says the consolidated report can be downloaded.
	Report bool `json:"-"`
	// Unidentified are the stored revisions of any template and year whose
	// unit or year could not be read (set by the dashboard's handlers).
	Unidentified []*unidentifiedView `json:"-"`
}

type stateCount struct {
	State string `json:"state"`
	Name  string `json:"name"`
	N     int    `json:"count"`
}

// unitOption is a unit offered in a choice, Depth levels below the top.
type unitOption struct {
	Code, Name string
	Depth      int
}

// dashRow is one unit's submission (or its absence).
type dashRow struct {
	Unit, Subject string
	// UnitCode is the unit's code ("" for a unit the registry does not
	// hold); Department the name of the department that reviews it first
	// ("" when the bureau alone does).
	UnitCode, Department string
	State                string
	// CanReview says the signed-in account may review it now.
	CanReview bool
	// Latest is the latest revision (nil when not submitted).
	Latest *store.Revision
	// Review is the last review of the submission.
	Review *store.Review
}

// dashboardPage shows the units × status overview and the revisions that
// could not be filed under any unit.
func (s *Server) dashboardPage(rq *request) error {
	d, err := s.dashboard(rq)
	if err != nil {
		return err
	}
	if d.Unidentified, err = s.unidentified(rq); err != nil {
		return err
	}
	title := fmt.Sprintf("%s %d年度 填报情况", d.Title, d.Year)
	if d.Department {
		title = fmt.Sprintf("%s %d年度 本部门审核", d.Title, d.Year)
	}
	s.render(rq.w, http.StatusOK, "dashboard", s.pageFor(rq, title, d))
	return nil
}

// dashboard builds the overview asked for by the query: template, year,
// state (a state, or "queue"), q (a part of the unit name) and under (a
// unit's code). Without template the first with submissions is shown,
// without year its latest year. A department's account sees the units of
// its subtree only.
func (s *Server) dashboard(rq *request) (*dashboard, error) {
	ctx, q := rq.ctx(), rq.r.URL.Query()
	a, err := s.svc.AccessOf(ctx, rq.user)
	if err != nil {
		return nil, err
	}
	d := &dashboard{Templates: s.templateOptions(), Report: s.svc.Reporter != nil && rq.user.Role == roleBureau,
		State: q.Get("state"), Query: strings.TrimSpace(q.Get("q")), Under: q.Get("under"), Department: rq.user.Role == roleDepartment}
	if len(d.Templates) == 0 {
		return nil, badRequest("没有模板 (no templates)")
	}
	all, err := s.svc.Records.Latest(ctx, "")
	if err != nil {
		return nil, err
	}
	d.Departments = departmentOptions(a)
	if d.Under != "" && (a.Tree.Unit(d.Under) == nil || !a.SeesUnit(d.Under)) {
		return nil, badRequest("没有编码为 %q 的单位 (no such unit)", d.Under)
	}
	d.Template = q.Get("template")
	if d.Template == "" {
		d.Template = d.Templates[0].ID
		if len(all) > 0 {
			d.Template = newest(all).TemplateID
		}
	}
	if _, err := mapping.Find(s.svc.Templates, d.Template); err != nil || strings.Contains(d.Template, "@") {
		return nil, badRequest("没有模板 %q (no such template)", d.Template)
	}
	d.Title = s.titleOf(d.Template)
	years := map[int]bool{}
	var latest []*store.Revision
	for _, r := range all {
		if r.TemplateID == d.Template {
			latest = append(latest, r)
			years[r.Year] = true
		}
	}
	if y := q.Get("year"); y != "" {
		if d.Year, err = strconv.Atoi(y); err != nil || d.Year < 1900 || d.Year > 3000 {
			return nil, badRequest("年度无效：%q (bad year)", y)
		}
	} else {
		d.Year = s.opts.Now().Year() - 1
		if len(years) > 0 {
			d.Year = 0
			for y := range years {
				d.Year = max(d.Year, y)
			}
		}
	}
	now := s.opts.Now().Year()
	years[d.Year], years[now], years[now-1] = true, true, true
	for y := range years {
		d.Years = append(d.Years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(d.Years)))

	rows, err := s.dashRows(ctx, a, d.Template, d.Year, latest)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, r := range rows {
		if d.Under != "" && !a.Tree.Contains(d.Under, r.UnitCode) {
			continue
		}
		counts[r.State]++
		d.Total++
		if r.CanReview {
			d.Queue++
		}
		if (d.State == "" || r.State == d.State || d.State == "queue" && r.CanReview) &&
			(d.Query == "" || strings.Contains(fold(r.Unit+" "+r.Subject), fold(d.Query))) {
			d.Rows = append(d.Rows, r)
		}
	}
	for _, st := range sync.States {
		d.Counts = append(d.Counts, stateCount{State: st, Name: stateName(st), N: counts[st]})
	}
	if d.Rows == nil {
		d.Rows = []dashRow{}
	}
	return d, nil
}

// newest returns the most recently uploaded revision.
func newest(revs []*store.Revision) *store.Revision {
	n := revs[0]
	for _, r := range revs[1:] {
		if r.UploadedAt.After(n.UploadedAt) {
			n = r
		}
	}
	return n
}

// departmentOptions are the units with units below them that a sees, in
// tree order (the bureau level left out).
func departmentOptions(a *sync.Access) []unitOption {
	var out []unitOption
	var walk func(code string, depth int)
	walk = func(code string, depth int) {
		if len(a.Tree.Children(code)) == 0 {
			return
		}
		if a.SeesUnit(code) && !a.Tree.IsBureau(code) {
			out = append(out, unitOption{Code: code, Name: a.Tree.Unit(code).Name, Depth: depth})
			depth++
		}
		for _, c := range a.Tree.Children(code) {
			walk(c, depth)
		}
	}
	for _, r := range a.Tree.Roots {
		walk(r, 0)
	}
	return out
}

// dashRows returns the rows of a year that a sees: its submissions (latest
// revisions of the template) and the units expected without one
// (expectedUnits).
func (s *Server) dashRows(ctx context.Context, a *sync.Access, template string, year int, latest []*store.Revision) ([]dashRow, error) {
	var rows []dashRow
	present := map[string]bool{}
	department := func(code string) string {
		if d := a.Tree.Unit(a.Tree.Department(code)); d != nil {
			return d.Name
		}
		return ""
	}
	for _, r := range latest {
		if r.Year != year {
			continue
		}
		present[fold(r.Unit)] = true
		if !a.CanSee(r) {
			continue
		}
		reviews, err := s.svc.Users.Reviews(ctx, r.SubmissionID)
		if err != nil {
			return nil, err
		}
		row := dashRow{Unit: r.Unit, UnitCode: r.UnitCode, Department: department(r.UnitCode), Subject: r.Subject, Latest: r}
		row.State, row.Review = sync.SubmissionState(r, reviews)
		row.CanReview = a.CanReview(r, row.State)
		rows = append(rows, row)
	}
	expected, err := s.expectedUnits(ctx, template, year, latest)
	if err != nil {
		return nil, err
	}
	for _, u := range expected {
		if present[fold(u)] {
			continue
		}
		present[fold(u)] = true
		code := a.Tree.Find(u)
		if !a.SeesUnit(code) {
			continue
		}
		rows = append(rows, dashRow{Unit: u, UnitCode: code, Department: department(code), State: sync.StateMissing})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Unit != rows[j].Unit {
			return rows[i].Unit < rows[j].Unit
		}
		return rows[i].Subject < rows[j].Subject
	})
	return rows, nil
}

// expectedUnits are the units the tasks (自评任务) of the template and year
// name, once there is any; without tasks, the units of enabled agency and
// department accounts (by their registered name when their unit is a code)
// and the units that submitted before year (latest holds the template's
// submissions).
func (s *Server) expectedUnits(ctx context.Context, template string, year int, latest []*store.Revision) ([]string, error) {
	tasks, err := s.svc.TaskUnits(ctx, template, year)
	if err != nil {
		return nil, err
	}
	if len(tasks) > 0 {
		out := make([]string, len(tasks))
		for i, t := range tasks {
			out[i] = t.Unit
		}
		return out, nil
	}
	users, err := s.svc.Users.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	add := func(u string) {
		u = strings.TrimSpace(u)
		if k := fold(u); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, u)
		}
	}
	for _, u := range users {
		if (u.Role == roleAgency || u.Role == roleDepartment) && !u.Disabled {
			add(s.ownUnitName(ctx, u))
		}
	}
	for _, r := range latest {
		if r.Year < year {
			add(r.Unit)
		}
	}
	return out, nil
}

// fold is how unit names are compared: width, spacing and case folded.
func fold(s string) string { return strings.ToLower(mapping.Fold(strings.TrimSpace(s))) }

// reviewForm records a department's or the bureau's decision on a
// submission: on the revision the form was shown for (revision=), which
// must still be the latest, else on the latest; confirm=1 accepts a form
// with warnings. back=queue returns to the review queue.
func (s *Server) reviewForm(rq *request) error {
	latest, err := s.submissionFor(rq, rq.r.PathValue("id"))
	if err != nil {
		return err
	}
	status, comment, err := reviewInput(rq.r.PostFormValue("status"), rq.r.PostFormValue("comment"))
	if err != nil {
		return err
	}
	rev, err := s.reviewedRevision(rq, latest, rq.r.PostFormValue("revision"))
	if err != nil {
		return err
	}
	if _, err := s.svc.Review(rq.ctx(), rq.user, rev, status, comment, rq.r.PostFormValue("confirm") == "1"); err != nil {
		return err
	}
	if back := rq.r.PostFormValue("back"); strings.HasPrefix(back, "/bureau?") || back == "/bureau" {
		http.Redirect(rq.w, rq.r, back, http.StatusSeeOther)
		return nil
	}
	http.Redirect(rq.w, rq.r, fmt.Sprintf("/revisions/%d?reviewed=1", latest.ID), http.StatusSeeOther)
	return nil
}

// reviewedRevision is the revision a review is about: the one named (a
// revision of the submission of latest) or latest.
func (s *Server) reviewedRevision(rq *request, latest *store.Revision, text string) (int64, error) {
	if text == "" {
		return latest.ID, nil
	}
	rev, err := s.revisionFor(rq, text)
	if err != nil || rev.SubmissionID != latest.SubmissionID {
		return 0, badRequest("修订号无效：%q (bad revision)", text)
	}
	return rev.ID, nil
}

// reviewInput checks a review's status and comment.
func reviewInput(status, comment string) (string, string, error) {
	comment = strings.TrimSpace(comment)
	if status != store.ReviewAccepted && status != store.ReviewReturned {
		return "", "", badRequest("审核结论须为 accepted 或 returned (status must be accepted or returned)")
	}
	if !utf8.ValidString(comment) || utf8.RuneCountInString(comment) > maxComment {
		return "", "", badRequest("审核意见过长：至多 %d 字 (comment too long)", maxComment)
	}
	if status == store.ReviewReturned && comment == "" {
		return "", "", badRequest("%s", sync.ErrNeedsComment.Error())
	}
	return status, comment, nil
}
