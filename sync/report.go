package sync

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// Reporter lays a Summary out as a workbook; the template package
// implements it.
type Reporter interface {
	Report(sum *Summary) ([]byte, error)
}

// Grade names, best first.
const (
	GradeExcellent = "优"
	GradeGood      = "良"
	GradePass      = "中"
	GradeFail      = "差"
)

// GradeNames are the grades, best first.
var GradeNames = []string{GradeExcellent, GradeGood, GradePass, GradeFail}

// GradeScale holds the 总分 cut-offs of the grades: 优 at or above
// Excellent, 良 at or above Good, 中 at or above Pass, 差 below Pass.
type GradeScale struct {
	Excellent, Good, Pass float64
}

// DefaultGrades are the usual cut-offs: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60.
// A template may set others with the rules settings grade_excellent,
// grade_good and grade_pass.
var DefaultGrades = GradeScale{Excellent: 90, Good: 80, Pass: 60}

// Validate reports cut-offs that are not in descending order.
func (g GradeScale) Validate() error {
	if !(g.Excellent >= g.Good && g.Good >= g.Pass) || math.IsNaN(g.Excellent+g.Good+g.Pass) {
		return fmt.Errorf("grade cut-offs must descend (优 ≥ 良 ≥ 中), got %s/%s/%s",
			mapping.FormatNumber(g.Excellent), mapping.FormatNumber(g.Good), mapping.FormatNumber(g.Pass))
	}
	return nil
}

// Grade returns the grade of a 总分, or "" when there is none.
func (g GradeScale) Grade(score *float64) string {
	switch {
	case score == nil || math.IsNaN(*score):
		return ""
	case *score >= g.Excellent:
		return GradeExcellent
	case *score >= g.Good:
		return GradeGood
	case *score >= g.Pass:
		return GradePass
	default:
		return GradeFail
	}
}

// gradesOf returns the cut-offs a template sets in its rules settings, over
// DefaultGrades.
func gradesOf(t *mapping.Template) GradeScale {
	g := DefaultGrades
	for name, p := range map[string]*float64{"grade_excellent": &g.Excellent, "grade_good": &g.Good, "grade_pass": &g.Pass} {
		if v, ok := t.Rules.Settings[name]; ok {
			*p = v
		}
	}
	return g
}

// Summary is the overview of one template's submissions for one year: the
// latest revision of every submission, their indicators, and the units
// expected that submitted nothing.
type Summary struct {
	// Template is the template id; TemplateTitle its (newest) title.
	Template      string
	TemplateTitle string
	Year          int
	// Grades are the cut-offs the units were graded with.
	Grades GradeScale
	// Units has one row per submission, by unit and subject.
	Units []UnitRow
	// Indicators has every indicator row of those revisions, in form order.
	Indicators []IndicatorRow
	// Missing are the expected units without a submission this year, in
	// the order they were expected.
	Missing []string
	// MissingCodes are the codes of Missing's units, in the same order (""
	// for a name that is no registered unit's).
	MissingCodes []string
	// ExpectedFrom says where the expected units came from: a units list,
	// the tasks (自评任务) of the template and year, or the units that
	// submitted the year before.
	ExpectedFrom string
	// Under is the code of the department the summary is limited to (""
	// for all units), UnderName its name.
	Under, UnderName string
	// Departments are the totals per department (主管部门), in code order,
	// units of no department last; empty without a registry. Total is the
	// whole.
	Departments []Rollup
	Total       Rollup
}

// UnitRow is one submission's latest revision. Amounts are in 万元, rates in
// percent; nil when the form has no such value or it is blank.
type UnitRow struct {
	Unit, Subject string
	// UnitCode is the unit's code; Department and DepartmentName the
	// department it is totalled under (see Rollup; empty without one).
	UnitCode, Department, DepartmentName string
	// State is the submission's state (StateSubmitted, StateAccepted …).
	State string
	// Revision is the latest revision's id, Seq its number within the
	// submission, Version the template version it was read with.
	Revision int64
	Seq      int
	Version  string
	// Status is store.StatusValid, StatusWarnings or StatusRejected.
	Status           string
	Errors, Warnings int
	// Budget is the (adjusted) budget: 全年预算数, or 预算数（A）, or 年初预算数.
	Budget *float64
	// Spent is the amount spent (执行数).
	Spent *float64
	// Rate is the execution rate (执行率) as written, or Spent / Budget.
	Rate *float64
	// Score is the form's 总分, and Grade its grade ("" without 总分).
	Score *float64
	Grade string
}

// IndicatorRow is one row of a form's indicator (or scoring) table.
type IndicatorRow struct {
	Unit, Subject string
	Revision      int64
	// Goal is the 年度目标 the row belongs to, on forms with several.
	Goal                   string
	Level1, Level2, Level3 string
	// Target and Actual are as written.
	Target, Actual string
	// Met tells whether the target was met; nil when the row has no
	// target and actual.
	Met *bool
	// Weight is the row's 分值, Score its 得分.
	Weight, Score *float64
}

// Status names as they appear in a summary.
var statusNames = map[string]string{
	store.StatusValid:    "通过",
	store.StatusWarnings: "有警告",
	store.StatusRejected: "有错误",
}

// StatusName returns the Chinese name of a revision status.
func StatusName(status string) string {
	if n, ok := statusNames[status]; ok {
		return n
	}
	return status
}

// GradeCounts returns the number of unit rows per grade, in GradeNames order,
// and the number without 总分.
func (s *Summary) GradeCounts() (counts []int, ungraded int) {
	counts = make([]int, len(GradeNames))
	for _, u := range s.Units {
		if i := slices.Index(GradeNames, u.Grade); i >= 0 {
			counts[i]++
		} else {
			ungraded++
		}
	}
	return counts, ungraded
}

// Regrade grades every unit row again with other cut-offs.
func (s *Summary) Regrade(g GradeScale) error {
	if err := g.Validate(); err != nil {
		return err
	}
	s.Grades = g
	for i := range s.Units {
		s.Units[i].Grade = g.Grade(s.Units[i].Score)
	}
	return nil
}

// Field names the key amounts are read from, in order of preference.
var (
	budgetFields = []string{"budget_full", "budget", "budget_initial"}
	spentFields  = []string{"spent"}
	rateFields   = []string{"rate"}
	scoreFields  = []string{"total_score"}
)

// Summary builds the summary of a template's submissions for a year from
// the latest revision of each, rolled up per department. expected lists
// the units that should have submitted; nil means the units the tasks
// (自评任务) of the template and year name, or without any task the units
// that submitted a form of the template the year before. Errors wrap
// mapping.ErrNoTemplate when templateID is not a known template id.
func (s *Service) Summary(ctx context.Context, templateID string, year int, expected []string) (*Summary, error) {
	return s.SummaryUnder(ctx, templateID, year, expected, "")
}

// SummaryUnder is Summary limited to a department and the units below it
// when under (a unit code, registered name or alias) is not empty. Errors:
// under names no registered unit (wrapping store.ErrNotFound).
func (s *Service) SummaryUnder(ctx context.Context, templateID string, year int, expected []string, under string) (*Summary, error) {
	sum, err := s.summary(ctx, templateID, year, expected)
	if err != nil {
		return nil, err
	}
	if err := s.rollup(ctx, sum, under); err != nil {
		return nil, fmt.Errorf("summary %s %d: %w", templateID, year, err)
	}
	return sum, nil
}

// summary is Summary without the roll-up.
func (s *Service) summary(ctx context.Context, templateID string, year int, expected []string) (*Summary, error) {
	if strings.Contains(templateID, "@") {
		return nil, fmt.Errorf("summary: give a template id without @VERSION (the summary covers every version), got %q", templateID)
	}
	if year <= 0 {
		return nil, fmt.Errorf("summary: year must be positive, got %d", year)
	}
	t, err := mapping.Find(s.Templates, templateID)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	latest, err := s.Records.Latest(ctx, templateID)
	if err != nil {
		return nil, fmt.Errorf("summary %s %d: %w", templateID, year, err)
	}
	sum := &Summary{Template: templateID, TemplateTitle: t.Title, Year: year, Grades: gradesOf(t)}
	if err := sum.Grades.Validate(); err != nil {
		return nil, fmt.Errorf("summary %s: template settings: %w", templateID, err)
	}
	present, presentCode := map[string]bool{}, map[string]bool{}
	var before []string
	var revs []*store.Revision
	for _, r := range latest {
		switch r.Year {
		case year:
			revs = append(revs, r)
			present[unitKey(r.Unit)] = true
			presentCode[r.UnitCode] = true
		case year - 1:
			before = append(before, r.Unit)
		}
	}
	sort.SliceStable(revs, func(i, j int) bool {
		if revs[i].Unit != revs[j].Unit {
			return revs[i].Unit < revs[j].Unit
		}
		return revs[i].Subject < revs[j].Subject
	})
	for _, r := range revs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := s.Records.Data(ctx, r.ID)
		if errors.Is(err, store.ErrNotFound) {
			res = nil // a revision kept without data: its row has no values
		} else if err != nil {
			return nil, fmt.Errorf("summary %s %d: %w", templateID, year, err)
		}
		row := unitRow(r, res, sum.Grades)
		if row.State, err = s.stateOf(ctx, r); err != nil {
			return nil, fmt.Errorf("summary %s %d: %w", templateID, year, err)
		}
		sum.Units = append(sum.Units, row)
		if res != nil {
			sum.Indicators = append(sum.Indicators, indicatorRows(r, res)...)
		}
	}
	if expected == nil {
		tasks, err := s.TaskUnits(ctx, templateID, year)
		if err != nil {
			return nil, fmt.Errorf("summary %s %d: %w", templateID, year, err)
		}
		if len(tasks) > 0 {
			sum.ExpectedFrom = "自评任务"
			for _, t := range tasks {
				if !presentCode[t.UnitCode] {
					sum.Missing = append(sum.Missing, t.Unit)
					sum.MissingCodes = append(sum.MissingCodes, t.UnitCode)
				}
			}
			return sum, nil
		}
	}
	if expected == nil {
		slices.Sort(before)
		expected = before
		sum.ExpectedFrom = fmt.Sprintf("%d年度提交过该表的单位", year-1)
	} else {
		sum.ExpectedFrom = "单位名单"
	}
	seen := map[string]bool{}
	for _, u := range expected {
		u = strings.TrimSpace(u)
		k := unitKey(u)
		if k == "" || seen[k] || present[k] {
			continue
		}
		seen[k] = true
		sum.Missing = append(sum.Missing, u)
		sum.MissingCodes = append(sum.MissingCodes, "")
	}
	return sum, nil
}

// unitKey is how unit names are compared: width, spacing and case folded.
func unitKey(u string) string { return strings.ToLower(mapping.Fold(strings.TrimSpace(u))) }

// unitRow is the summary row of one revision; res may be nil.
func unitRow(r *store.Revision, res *mapping.Result, g GradeScale) UnitRow {
	u := UnitRow{Unit: r.Unit, Subject: r.Subject, UnitCode: r.UnitCode, Revision: r.ID, Seq: r.Seq, Version: r.TemplateVersion,
		Status: r.Status, Errors: r.Errors, Warnings: r.Warnings}
	if r.TotalScore != nil {
		x := *r.TotalScore
		u.Score = &x
	}
	if res != nil {
		u.Budget = amountOf(res, budgetFields)
		u.Spent = amountOf(res, spentFields)
		u.Rate = numberOf(res, rateFields)
		if u.Score == nil {
			u.Score = numberOf(res, scoreFields)
		}
	}
	if u.Rate == nil && u.Budget != nil && u.Spent != nil && *u.Budget > 0 {
		x := math.Round(*u.Spent / *u.Budget * 1e4) / 100
		u.Rate = &x
	}
	u.Grade = g.Grade(u.Score)
	return u
}

// numberOf returns the number of the first readable, non-blank field of
// names.
func numberOf(res *mapping.Result, names []string) *float64 {
	for _, n := range names {
		if v, ok := res.Fields[n]; ok && v.Error == "" && v.Number != nil && !v.Empty() {
			x := *v.Number
			return &x
		}
	}
	return nil
}

// amountOf is numberOf for amounts, converted to 万元.
func amountOf(res *mapping.Result, names []string) *float64 {
	for _, n := range names {
		if v, ok := res.Fields[n]; ok && v.Error == "" && v.Number != nil && !v.Empty() {
			x := *v.Number
			if v.Unit == "元" {
				x /= 10000
			}
			return &x
		}
	}
	return nil
}

// indicatorRows returns the rows of every indicator (or scoring) table of
// res: tables outside blocks first, then each block's, by name.
func indicatorRows(r *store.Revision, res *mapping.Result) []IndicatorRow {
	var out []IndicatorRow
	add := func(goal string, tables map[string][]mapping.Row) {
		for _, name := range slices.Sorted(maps.Keys(tables)) {
			for _, row := range tables[name] {
				if !isIndicator(row) {
					continue
				}
				ir := IndicatorRow{Unit: r.Unit, Subject: r.Subject, Revision: r.ID, Goal: goal,
					Level1: textOf(row.Value("level1")), Level2: textOf(row.Value("level2")),
					Level3: textOf(row.Value("level3")),
					Target: strings.TrimSpace(row.Value("target").Raw), Actual: strings.TrimSpace(row.Value("actual").Raw),
					Weight: scoreOf(row.Value("weight")), Score: scoreOf(row.Value("score"))}
				if met, ok := mapping.RowMet(row); ok {
					ir.Met = &met
				}
				out = append(out, ir)
			}
		}
	}
	add("", res.Tables)
	for _, name := range slices.Sorted(maps.Keys(res.Blocks)) {
		for _, b := range res.Blocks[name] {
			goal := ""
			if v, ok := b.Fields["goal"]; ok {
				goal = textOf(v)
			}
			add(goal, b.Tables)
		}
	}
	return out
}

// isIndicator tells an indicator row: one with a 三级指标 or a target.
func isIndicator(row mapping.Row) bool {
	l3 := row.Has("level3")
	tg := row.Has("target")
	return l3 || tg
}

// textOf is a value's normalised text (a heading without its weight), or
// its raw text.
func textOf(v mapping.Value) string {
	if v.Text != "" {
		return v.Text
	}
	return strings.TrimSpace(v.Raw)
}

// scoreOf is a value's number, nil when blank or unreadable.
func scoreOf(v mapping.Value) *float64 {
	if v.Error != "" || v.Number == nil || v.Empty() {
		return nil
	}
	x := *v.Number
	return &x
}

// Report lays a summary out as a workbook with the Reporter.
func (s *Service) Report(sum *Summary) ([]byte, error) {
	if s.Reporter == nil {
		return nil, errors.New("report: no reporter configured")
	}
	out, err := s.Reporter.Report(sum)
	if err != nil {
		return nil, fmt.Errorf("report %s %d: %w", sum.Template, sum.Year, err)
	}
	return out, nil
}
