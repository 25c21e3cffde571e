package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// tasksView is the bureau's page of 自评任务: the form adding them and the
// list of a template and year with their states.
type tasksView struct {
	Templates []templateOption
	Template  string
	Year      int
	Years     []int
	// Departments are the units with units below them (the choices of
	// "under"), Registered whether a roster was imported.
	Departments []*store.Unit
	Registered  bool
	// Overdue limits the list to overdue tasks (the reminder list).
	Overdue bool
	Rows    []taskView
	// Counts has the number of tasks per state, in sync.States order;
	// OverdueCount those overdue.
	Counts       []stateCount
	OverdueCount int
}

// taskView is one row of the list.
type taskView struct {
	sync.TaskRow
	StateWord string
	DueText   string
}

// tasksPage shows the tasks of a template and year (query template, year,
// overdue=1).
func (s *Server) tasksPage(rq *request) error {
	q := rq.r.URL.Query()
	v := &tasksView{Templates: s.templateOptions(), Template: q.Get("template"), Overdue: q.Get("overdue") == "1"}
	if len(v.Templates) == 0 {
		return badRequest("没有模板 (no templates)")
	}
	if v.Template == "" {
		v.Template = v.Templates[0].ID
	}
	if _, err := mapping.Find(s.svc.Templates, v.Template); err != nil || strings.Contains(v.Template, "@") {
		return badRequest("没有模板 %q (no such template)", v.Template)
	}
	now := s.opts.Now()
	v.Year = now.Year() - 1
	if y := q.Get("year"); y != "" {
		var err error
		if v.Year, err = strconv.Atoi(y); err != nil || v.Year < 1900 || v.Year > 3000 {
			return badRequest("年度无效：%q (bad year)", y)
		}
	}
	years := map[int]bool{v.Year: true, now.Year(): true, now.Year() - 1: true}
	for y := range years {
		v.Years = append(v.Years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(v.Years)))
	if s.svc.Units != nil {
		units, err := s.svc.Units.Units(rq.ctx())
		if err != nil {
			return err
		}
		tree, err := sync.NewUnitTree(units)
		if err != nil {
			return err
		}
		for _, u := range units {
			v.Registered = v.Registered || u.Registered
			if len(tree.Children(u.Code)) > 0 && !tree.IsBureau(u.Code) {
				v.Departments = append(v.Departments, u)
			}
		}
	}
	rows, err := s.svc.TaskRows(rq.ctx(), store.TaskFilter{Template: v.Template, Year: v.Year}, now)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.State]++
		if r.Overdue {
			v.OverdueCount++
		}
		if v.Overdue && !r.Overdue {
			continue
		}
		tv := taskView{TaskRow: r, StateWord: sync.StateWord(r.State), DueText: "—"}
		if !r.Due.IsZero() {
			tv.DueText = r.Due.Format(store.DueLayout)
		}
		v.Rows = append(v.Rows, tv)
	}
	for _, st := range sync.States {
		v.Counts = append(v.Counts, stateCount{State: st, Name: sync.StateWord(st), N: counts[st]})
	}
	p := s.pageFor(rq, fmt.Sprintf("%s %d年度 自评任务", s.titleOf(v.Template), v.Year), v)
	if n := q.Get("added"); n != "" {
		p.Notice = fmt.Sprintf("已下达 %s 项新任务。", n)
	}
	s.render(rq.w, http.StatusOK, "tasks", p)
	return nil
}

// tasksForm adds tasks: template, year, under (a department) or units
// (codes, names or aliases separated by commas or new lines), due.
func (s *Server) tasksForm(rq *request) error {
	f := rq.r.PostForm
	year, err := strconv.Atoi(strings.TrimSpace(f.Get("year")))
	if err != nil {
		return badRequest("年度无效：%q (bad year)", f.Get("year"))
	}
	req := sync.TaskRequest{Template: strings.TrimSpace(f.Get("template")), Year: year,
		Under: strings.TrimSpace(f.Get("under")), By: rq.user.Name, Actor: sync.UserActor(rq.ctx(), rq.user)}
	for _, u := range strings.FieldsFunc(f.Get("units"), func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == '\n' || r == '\r'
	}) {
		if u = strings.TrimSpace(u); u != "" {
			req.Units = append(req.Units, u)
		}
	}
	if d := strings.TrimSpace(f.Get("due")); d != "" {
		if req.Due, err = time.ParseInLocation(store.DueLayout, d, time.Local); err != nil {
			return badRequest("截止日期须为 YYYY-MM-DD (bad due date): %q", d)
		}
	}
	_, added, err := s.svc.AddTasks(rq.ctx(), req)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, mapping.ErrNoTemplate) || errors.Is(err, sync.ErrBadTask) {
		return badRequest("%s", strings.TrimPrefix(err.Error(), "add tasks: "))
	}
	if err != nil {
		return err
	}
	q := url.Values{"template": {req.Template}, "year": {strconv.Itoa(req.Year)}, "added": {strconv.Itoa(added)}}
	http.Redirect(rq.w, rq.r, "/tasks?"+q.Encode(), http.StatusSeeOther)
	return nil
}
