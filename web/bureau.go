package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
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
	// State and Query are the filters applied (empty: none).
	State string `json:"state,omitempty"`
	Query string `json:"q,omitempty"`
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

// dashRow is one unit's submission (or its absence).
type dashRow struct {
	Unit, Subject string
	State         string
	// Latest is the latest revision (nil when not submitted).
	Latest *store.Revision
	// Review is the last review of the submission.
	Review *store.Review
}

// dashboardPage shows the units × status overview and the revisions that
// could not be filed under any unit.
func (s *Server) dashboardPage(rq *request) error {
	d, err := s.dashboard(rq.ctx(), rq.r.URL.Query())
	if err != nil {
		return err
	}
	if d.Unidentified, err = s.unidentified(rq); err != nil {
		return err
	}
	s.render(rq.w, http.StatusOK, "dashboard", s.pageFor(rq, fmt.Sprintf("%s %d年度 填报情况", d.Title, d.Year), d))
	return nil
}

// dashboard builds the overview asked for by the query: template, year,
// state and q (a part of the unit name). Without template the first with
// submissions is shown, without year its latest year.
func (s *Server) dashboard(ctx context.Context, q url.Values) (*dashboard, error) {
	d := &dashboard{Templates: s.templateOptions(), Report: s.svc.Reporter != nil,
		State: q.Get("state"), Query: strings.TrimSpace(q.Get("q"))}
	if len(d.Templates) == 0 {
		return nil, badRequest("没有模板 (no templates)")
	}
	all, err := s.svc.Records.Latest(ctx, "")
	if err != nil {
		return nil, err
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

	rows, err := s.dashRows(ctx, d.Template, d.Year, latest)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.State]++
		d.Total++
		if (d.State == "" || r.State == d.State) && (d.Query == "" || strings.Contains(fold(r.Unit+" "+r.Subject), fold(d.Query))) {
			d.Rows = append(d.Rows, r)
		}
	}
	for _, st := range States {
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

// dashRows returns the rows of a year: its submissions (latest revisions of
// the template) and the units expected without one (expectedUnits).
func (s *Server) dashRows(ctx context.Context, template string, year int, latest []*store.Revision) ([]dashRow, error) {
	var rows []dashRow
	present := map[string]bool{}
	for _, r := range latest {
		if r.Year != year {
			continue
		}
		reviews, err := s.svc.Users.Reviews(ctx, r.SubmissionID)
		if err != nil {
			return nil, err
		}
		row := dashRow{Unit: r.Unit, Subject: r.Subject, Latest: r}
		row.State, row.Review = stateOf(r, reviews)
		rows = append(rows, row)
		present[fold(r.Unit)] = true
	}
	expected, err := s.expectedUnits(ctx, template, year, latest)
	if err != nil {
		return nil, err
	}
	for _, u := range expected {
		if !present[fold(u)] {
			present[fold(u)] = true
			rows = append(rows, dashRow{Unit: u, State: StateMissing})
		}
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
// name, once there is any; without tasks, the units of enabled agency
// accounts and the units that submitted before year (latest holds the
// template's submissions).
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
		if u.Role == roleAgency && !u.Disabled {
			add(u.Unit)
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

// reviewForm records the bureau's decision on a submission.
func (s *Server) reviewForm(rq *request) error {
	latest, err := s.submissionFor(rq, rq.r.PathValue("id"))
	if err != nil {
		return err
	}
	status, comment, err := reviewInput(rq.r.PostFormValue("status"), rq.r.PostFormValue("comment"))
	if err != nil {
		return err
	}
	if _, err := s.svc.Review(rq.ctx(), rq.user, latest.SubmissionID, status, comment); err != nil {
		return err
	}
	http.Redirect(rq.w, rq.r, fmt.Sprintf("/revisions/%d?reviewed=1", latest.ID), http.StatusSeeOther)
	return nil
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
		return "", "", badRequest("退回时请填写审核意见 (a return needs a comment)")
	}
	return status, comment, nil
}
