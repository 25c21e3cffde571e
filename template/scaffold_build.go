package template

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/jxsync/jxsync/mapping"
)

// proposal is the mapping the scaffold proposes, with the reasons for each
// guess: what scaffold_yaml.go writes.
type proposal struct {
	id, version, title, sheet string
	file                      string
	detect                    []string
	detectWhy                 []string
	detectAbsent              []string
	detectTitle               string
	titleActive               bool
	titleWhy                  string
	identity                  mapping.Identity
	identityWhy               []string
	fields                    []*sField
	tables                    []*sTable
	blocks                    []*sBlock
	rules                     mapping.RuleSet
}

// lookalikes are the titles of forms that carry a 自评表's labels.
var lookalikes = []string{"执行监控表", "运行监控表", "绩效监控表", "目标申报表"}

// finishTitle derives the form's name from the title (without year and
// unit), adds the title and year fields and blanks them in the template.
func (sc *scaffolder) finishTitle() {
	t := sc.title
	if t == nil {
		sc.note("未找到标题（含“表”字的首行单元格）：未加 title 字段 (no title found)")
		return
	}
	core, blank := t.text, t.text
	yearSample := ""
	if m := yearInTitleRE.FindStringSubmatch(t.text); m != nil {
		yearSample = m[1]
		blank = yearInTitleRE.ReplaceAllString(blank, "    $2")
	}
	// "2024年度…表", or "    年度…表" in a blank: the year is no part of the name.
	core = regexp.MustCompile(`^\s*(?:\d{4})?\s*年度?`).ReplaceAllString(core, "")
	if unit := sc.unitSample(); unit != "" {
		if common := longestCommon(flat(core), flat(unit)); len([]rune(common)) >= 3 {
			core = strings.Replace(flat(core), common, "", 1)
			blank = strings.Replace(blank, common, "", 1)
		}
	}
	t.core = strings.Trim(flat(core), "()（）-—")
	if blank != t.text {
		sc.clear[t.at] = blank
	}
	if t.core == "" {
		return
	}
	sc.fields = append(sc.fields, &sField{
		f:    mapping.Field{Title: "表名", Label: mapping.Strings{t.core}, Match: mapping.MatchContains, Dir: mapping.DirSelf},
		base: "title", label: t.at, at: t.at, sample: t.text, kind: "title",
		why: []string{fmt.Sprintf("标题在 %s；按表名“%s”（去掉年度和单位名称）查找", t.at, t.core)},
	})
	if yearSample != "" || strings.Contains(t.text, "年") {
		sc.fields = append(sc.fields, &sField{
			f: mapping.Field{Title: "年度", Type: mapping.TypeNumber, Label: mapping.Strings{t.core}, Match: mapping.MatchContains,
				Dir: mapping.DirSelf, Pattern: `(\d{4})\s*年`},
			base: "year", label: t.at, at: t.at, sample: yearSample, kind: "year",
			why: []string{fmt.Sprintf("标题“%s”写有年度：取“年”前的四位数字", flat(t.text))},
		})
	}
}

// unitSample returns the sample's unit name, from the first unit field.
func (sc *scaffolder) unitSample() string {
	for _, want := range []string{"unit_name", "unit", "implementer", "department"} {
		for _, f := range sc.fields {
			if f.base == want && strings.TrimSpace(f.sample) != "" && f.block == nil {
				return strings.TrimSpace(f.sample)
			}
		}
	}
	return ""
}

// longestCommon returns the longest run of runes a and b share.
func longestCommon(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	bi, bn := 0, 0
	for i := range ra {
		for j := range rb {
			k := 0
			for i+k < len(ra) && j+k < len(rb) && ra[i+k] == rb[j+k] {
				k++
			}
			if k > bn {
				bi, bn = i, k
			}
		}
	}
	return string(ra[bi : bi+bn])
}

// name gives every field, table and block a unique name: plain labels
// first, so that they get the plain names (unit_name before unit_name_2).
func (sc *scaffolder) name() {
	used := map[string]bool{}
	for _, t := range sc.tables {
		if t.block == nil {
			used[t.name] = true
		}
	}
	for _, b := range sc.blocks {
		used[b.name] = true
	}
	order := append([]*sField(nil), sc.fields...)
	rank := func(f *sField) int {
		switch {
		case f.kind == "title" || f.kind == "year":
			return 0
		case f.kind == "total":
			return 3
		case f.plain:
			return 1
		}
		return 2
	}
	sort.SliceStable(order, func(i, j int) bool { return rank(order[i]) < rank(order[j]) })
	for _, f := range order {
		name := f.base
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s_%d", f.base, n)
		}
		used[name] = true
		f.f.Name = name
	}
	sort.SliceStable(sc.fields, func(i, j int) bool {
		a, b := sc.fields[i], sc.fields[j]
		if a.label.r != b.label.r {
			return a.label.r < b.label.r
		}
		if a.label.c != b.label.c {
			return a.label.c < b.label.c
		}
		return a.at.c < b.at.c
	})
}

// goals adds each block's goal field (the text after 年度目标：).
func (sc *scaffolder) goals() {
	for _, b := range sc.blocks {
		g := b.starts[0]
		p := sc.ownTexts(g)[0]
		sample := ""
		if segs := segments(sc.text(p)); len(segs) > 0 {
			sample = segs[0].value
		}
		b.goal = &sField{
			f: mapping.Field{Name: "goal", Title: b.start, Label: mapping.Strings{b.start}, Match: mapping.MatchPrefix,
				Dir: mapping.DirSelf, Pattern: `^\s*` + labelPattern(b.start) + `\s*\d*\s*:?\s*(.*)$`, Required: true},
			base: "goal", label: p, at: p, sample: sample, kind: "goal", block: b,
			why: []string{fmt.Sprintf("每个“%s”行（%s 等 %d 处）开始一个块：取冒号后的目标文字", b.start, p, len(b.starts))},
		}
	}
}

// identify chooses the identity fields and marks them required.
func (sc *scaffolder) identify(p *proposal) {
	byBase := func(bases ...string) []*sField {
		var out []*sField
		for _, base := range bases {
			for _, plain := range []bool{true, false} {
				for _, f := range sc.fields {
					if f.base == base && f.plain == plain && f.kind != "total" {
						out = append(out, f)
					}
				}
			}
		}
		return out
	}
	units := byBase("unit_name", "unit", "implementer", "department")
	for i, f := range units {
		p.identity.Unit = append(p.identity.Unit, f.f.Name)
		if i == 0 {
			f.f.Required = true
			f.why = append(f.why, "单位名称：作为身份 identity.unit，必填")
		}
	}
	var years []*sField
	for _, f := range sc.fields {
		if f.kind == "year" {
			years = append(years, f)
		}
	}
	years = append(years, byBase("year")...)
	seen := map[*sField]bool{}
	for _, f := range years {
		if !seen[f] && f.kind != "title" {
			seen[f] = true
			p.identity.Year = append(p.identity.Year, f.f.Name)
		}
	}
	for _, f := range byBase("fill_date", "date") {
		if f.f.Type == mapping.TypeDate {
			p.identity.Year = append(p.identity.Year, f.f.Name)
		}
	}
	if len(p.identity.Year) > 0 {
		for _, f := range sc.fields {
			if f.f.Name == p.identity.Year[0] && f.f.Type != mapping.TypeDate {
				f.f.Required = true
				f.why = append(f.why, "年度：作为身份 identity.year，必填")
			}
		}
	}
	if ps := byBase("project_name"); len(ps) > 0 {
		p.identity.Subject = ps[0].f.Name
	}
	for _, f := range sc.fields {
		if f.base == "total_score" && f.kind != "total" {
			p.identity.Score = f.f.Name
		}
	}
	if p.identity.Score == "" {
		for _, f := range sc.fields {
			if f.kind == "total" && strings.Contains(mapping.NormLabel(f.colHeader), "得分") {
				p.identity.Score = f.f.Name
				break
			}
		}
	}
	if len(p.identity.Unit) == 0 {
		sc.note("未找到单位名称（单位名称、部门名称、评价单位…）：identity.unit 须手工指定 (no unit field found)")
	} else {
		p.identityWhy = append(p.identityWhy, "unit: 标签为单位/部门名称的字段，按顺序取第一个不为空的")
	}
	if len(p.identity.Year) == 0 {
		sc.note("未找到年度（标题中的“2024年度”、年度、填报日期）：identity.year 须手工指定 (no year field found)")
	} else {
		p.identityWhy = append(p.identityWhy, "year: 标题或年度栏的年份，其次填报日期的年份")
	}
	if p.identity.Subject != "" {
		p.identityWhy = append(p.identityWhy, "subject: 有“项目名称”：同一单位同一年度可有多个项目，按项目区分")
	}
	if p.identity.Score != "" {
		p.identityWhy = append(p.identityWhy, "score: 总分，用于汇总报表")
	}
}

// ruleRoles maps the proposal onto the rule library's parts, deciding from
// the sample what the form leaves open (whether the totals count the budget
// block, which 指标 vocabulary it uses).
func (sc *scaffolder) ruleRoles() mapping.RuleRoles {
	r := mapping.RuleRoles{Titles: map[string]string{}}
	var t *sTable
	if len(sc.tables) > 0 {
		t = sc.tables[0]
	}
	col := map[string]*sColumn{}
	if t != nil {
		r.Table = t.name
		for i := range t.cols {
			c := &t.cols[i]
			r.Titles[c.name] = c.header
			if c.known && col[c.role.name] == nil {
				col[c.role.name] = c
			}
		}
		get := func(role string) string {
			if c := col[role]; c != nil {
				return c.name
			}
			return ""
		}
		r.Level1, r.Level2, r.Level3 = get("level1"), get("level2"), get("level3")
		r.Target, r.Actual, r.Weight, r.Score, r.Deviation = get("target"), get("actual"), get("weight"), get("score"), get("deviation")
		r.Note = get("note")
	}
	byBase := map[string]*sField{}
	for _, f := range sc.fields {
		r.Titles[f.f.Name] = f.f.Title
		if f.kind == "grid" {
			r.Titles[f.f.Name] = f.colHeader
		}
		if _, ok := byBase[f.base]; !ok && f.block == nil {
			byBase[f.base] = f
		}
	}
	if r.Deviation == "" {
		if f := byBase["deviation_reason"]; f != nil {
			r.Reason = f.f.Name
		}
	}
	// Budget rows: the grid fields by row.
	type rowFields struct {
		title string
		id    string
		by    map[string]string
	}
	var rows []*rowFields
	idx := map[string]*rowFields{}
	for _, f := range sc.fields {
		if f.kind != "grid" {
			continue
		}
		key := f.rowLabel
		rf := idx[key]
		if rf == nil {
			rowName, _ := nameBy(mapping.NormLabel(f.rowLabel), rowNames)
			rf = &rowFields{title: strings.TrimRight(f.rowLabel, ":："), id: rowName, by: map[string]string{}}
			idx[key] = rf
			rows = append(rows, rf)
		}
		colName, _ := nameBy(mapping.NormLabel(f.colHeader), columnNames)
		if _, ok := rf.by[colName]; !ok {
			rf.by[colName] = f.f.Name
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].id == "" && rows[j].id != "" })
	for _, rf := range rows {
		budget := rf.by["budget_full"]
		if budget == "" {
			budget = rf.by["budget"]
		}
		if budget == "" {
			budget = rf.by["budget_initial"]
		}
		if rf.by["rate"] == "" || budget == "" || rf.by["spent"] == "" {
			continue
		}
		id := rf.id
		if len(r.Rates) == 0 {
			id = ""
		} else if id == "" {
			id = fmt.Sprintf("row%d", len(r.Rates)+1)
		}
		r.Rates = append(r.Rates, mapping.RateRoles{ID: id, Title: rf.title, Budget: budget, Spent: rf.by["spent"], Rate: rf.by["rate"]})
		if len(r.Rates) == 1 {
			r.BudgetWeight, r.BudgetScore = rf.by["weight"], rf.by["score"]
		}
	}
	// Totals, and whether the sample's count the budget block too.
	weights, wok := sc.columnSum(t, col["weight"])
	scores, sok := sc.columnSum(t, col["score"])
	includes := func(f *sField, sum float64, ok bool, budget string) bool {
		v, have := sc.sampleNumber(f.f.Name)
		b, haveB := sc.sampleNumber(budget)
		return ok && have && haveB && abs(sum-v) > 0.01 && abs(sum+b-v) <= 0.01
	}
	for _, f := range sc.fields {
		if f.kind != "total" || t == nil {
			continue
		}
		h := mapping.NormLabel(f.colHeader)
		if c := col["weight"]; c != nil && h == mapping.NormLabel(c.header) && r.TotalWeight.Field == "" {
			r.TotalWeight = mapping.Total{Field: f.f.Name, IncludesBudget: includes(f, weights, wok, r.BudgetWeight)}
			if v, ok := sc.sampleNumber(f.f.Name); ok && v > 0 {
				r.FullScore = v
			}
		}
		if c := col["score"]; c != nil && h == mapping.NormLabel(c.header) {
			r.TotalScores = append(r.TotalScores, mapping.Total{Field: f.f.Name, IncludesBudget: includes(f, scores, sok, r.BudgetScore)})
		}
	}
	if f := byBase["total_score"]; f != nil && f.kind != "total" {
		top := mapping.Total{Field: f.f.Name, IncludesBudget: includes(f, scores, sok, r.BudgetScore)}
		r.TotalScores = append([]mapping.Total{top}, r.TotalScores...)
	}
	if t != nil {
		r.Vocabulary = sc.vocabulary(t, col["level1"])
	}
	return r
}

// columnSum returns the sum of column c's numbers over t's rows, and
// whether every row with a 三级指标 has one.
func (sc *scaffolder) columnSum(t *sTable, c *sColumn) (float64, bool) {
	if c == nil {
		return 0, false
	}
	sum, n := 0.0, 0
	for _, b := range t.bodies {
		for _, r := range b.rows {
			p := pos{r, c.col}
			if !sc.isOrigin(p) {
				continue
			}
			v := mapping.Parse(mapping.TypeScore, "", mapping.Cell{Text: sc.text(p)})
			if v.Number == nil {
				return 0, false
			}
			sum += *v.Number
			n++
		}
	}
	return sum, n > 0
}

// sampleNumber returns the sample's number in field name.
func (sc *scaffolder) sampleNumber(name string) (float64, bool) {
	if name == "" {
		return 0, false
	}
	for _, f := range sc.fields {
		if f.f.Name == name {
			if v := mapping.Parse(mapping.TypeScore, "", mapping.Cell{Text: f.sample}); v.Number != nil {
				return *v.Number, true
			}
		}
	}
	return 0, false
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// vocabulary guesses the 指标 vocabulary from the sample's 一级指标.
func (sc *scaffolder) vocabulary(t *sTable, level1 *sColumn) string {
	if level1 == nil {
		return ""
	}
	var names []string
	for _, b := range t.bodies {
		for r := b.start; r < b.end; r++ {
			p := pos{r, level1.col}
			if sc.isOrigin(p) && sc.text(p) != "" {
				names = append(names, mapping.Parse(mapping.TypeHeading, "", mapping.Cell{Text: sc.text(p)}).Text)
			}
		}
	}
	key, n := mapping.GuessVocabulary(names)
	if n == 0 {
		if len(names) > 0 {
			sc.note("一级指标名称（%s）不属于已知的规范名称：未加名称检查 (no known 指标 vocabulary)", strings.Join(names, "、"))
			return ""
		}
		return "national"
	}
	return key
}

// probe reports whether label l stands as a cell of its own on sheet s.
func probe(s *mapping.Sheet, l string) bool {
	t := &mapping.Template{ID: "probe", Version: "0", Detect: []string{l}}
	if err := t.Provision(); err != nil {
		return false
	}
	ok, _, _ := t.Match(s)
	return ok
}

// detection chooses the labels that identify the form: those no known
// template's blank has first, then the table's own headers; it makes sure
// no known blank carries them all.
func (sc *scaffolder) detection(p *proposal, blank *mapping.Sheet, known []knownBlank) {
	var cands []string
	seen := map[string]bool{}
	add := func(text string) {
		text = strings.TrimRight(flat(text), ":：")
		nl := mapping.NormLabel(text)
		if nl == "" || seen[nl] || valueLike(text) || !probe(blank, text) {
			return
		}
		seen[nl] = true
		cands = append(cands, text)
	}
	var headers []string
	if len(sc.tables) > 0 {
		for _, c := range sc.tables[0].cols {
			if c.known {
				switch c.role.name {
				case "target", "actual", "weight", "score", "explanation", "criteria", "deviation":
					headers = append(headers, c.header)
				}
			}
			add(c.header)
		}
	}
	for _, f := range sc.fields {
		if f.kind == "total" {
			add(f.rowLabel)
		}
	}
	for _, g := range sc.grids {
		for _, h := range g.headers {
			add(sc.text(h))
		}
		for _, l := range g.rows {
			add(sc.text(l))
		}
	}
	for _, f := range sc.fields {
		if f.kind == "plain" || f.kind == "inline" && f.f.Match == "" || f.kind == "inline" && f.f.Match == mapping.MatchPrefix {
			add(f.f.Label[0])
		}
	}
	for _, q := range sc.free {
		add(sc.text(q))
	}
	for _, t := range sc.tables {
		for _, q := range t.side {
			add(sc.text(q))
		}
	}
	in := func(k knownBlank, l string) bool { return probe(k.sheet, l) }
	var unique []string
	for _, c := range cands {
		u := true
		for _, k := range known {
			if in(k, c) {
				u = false
				break
			}
		}
		if u {
			unique = append(unique, c)
		}
	}
	var detect []string
	has := map[string]bool{}
	push := func(l string) {
		if nl := mapping.NormLabel(l); !has[nl] {
			has[nl] = true
			detect = append(detect, l)
		}
	}
	for i, u := range unique {
		if i == 6 {
			break
		}
		push(u)
	}
	if len(unique) > 0 {
		p.detectWhy = append(p.detectWhy, fmt.Sprintf("%s：已知模板的空白表中都没有的标签", strings.Join(detect, "、")))
	}
	for _, h := range headers {
		push(h)
	}
	if len(headers) > 0 {
		p.detectWhy = append(p.detectWhy, fmt.Sprintf("%s：本表指标表的表头", strings.Join(headers, "、")))
	}
	if len(detect) < 3 {
		for _, c := range cands {
			if len(detect) >= 6 {
				break
			}
			push(c)
		}
		p.detectWhy = append(p.detectWhy, "本表的其他标签（补足到至少三个）")
	}
	for _, k := range known {
		all := true
		for _, l := range detect {
			if !in(k, l) {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		added := false
		for _, c := range cands {
			if !in(k, c) {
				push(c)
				p.detectWhy = append(p.detectWhy, fmt.Sprintf("%s：%s@%s 的空白表没有它（否则其表也会被识别为本表）", c, k.t.ID, k.t.Version))
				added = true
				break
			}
		}
		if !added {
			sc.note("已知模板 %s@%s 的空白表含有本表的全部标签（本表也许就是它）：两者无法仅凭标签区分，已启用 detect_title (labels do not tell this form from %s@%s)",
				k.t.ID, k.t.Version, k.t.ID, k.t.Version)
			p.titleActive = true
		}
	}
	if len(unique) == 0 && len(known) > 0 {
		p.titleActive = true
		sc.note("本表没有已知模板空白表中所无的标签：已启用 detect_title 以按标题区分 (no label unique to this form; detect_title enabled)")
	}
	p.detect = detect
	var content []string
	for r := 0; r < sc.rows; r++ {
		for _, q := range sc.ownTexts(r) {
			content = append(content, mapping.NormLabel(sc.text(q)))
		}
	}
	all := strings.Join(content, "\n")
	for _, l := range lookalikes {
		if !strings.Contains(all, l) {
			p.detectAbsent = append(p.detectAbsent, l)
		}
	}
	if sc.title != nil && sc.title.core != "" {
		p.detectTitle = regexp.QuoteMeta(mapping.NormLabel(sc.title.core))
		p.titleWhy = fmt.Sprintf("标题须含“%s”（前五行之一；比较时去掉空格、全角转半角）", sc.title.core)
	} else {
		p.titleActive = false
	}
}

// knownBlank is a known template with its blank form's sheet.
type knownBlank struct {
	t     *mapping.Template
	sheet *mapping.Sheet
}
