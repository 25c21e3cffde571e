package mapping

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// upgradeOld is version 1 of a small form; upgradeNew is version 2, which
// renames a field, a column, a block field, retypes a field, adds a field
// and a column with defaults (and one without), and drops a field and a
// column.
const upgradeOld = `
id: up
version: "1"
detect: [单位名称]
fields:
  - {name: unit, label: 单位名称}
  - {name: budget, label: 预算数}
  - {name: improvement, label: 改进措施}
  - {name: header_unit, label: 表头单位}
  - {name: memo, label: 备注}
tables:
  - name: rows
    columns:
      - {name: name, header: 指标}
      - {name: target, header: 目标值, type: indicator}
      - {name: note, header: 说明}
      - {name: extra, header: 附注}
blocks:
  - name: goals
    start: 年度目标
    fields:
      - {name: goal, label: 年度目标, dir: self}
    tables:
      - name: items
        columns:
          - {name: level3, header: 三级指标}
          - {name: actual, header: 实际完成值, type: indicator}
`

const upgradeNew = `
id: up
version: "2"
detect: [单位名称]
upgrade:
  from: "1"
  renamed:
    measures: improvement
    aim: goal
  defaults:
    contact: 待填写
  dropped: [header_unit, rows.extra]
fields:
  - {name: unit, label: 单位名称}
  - {name: budget, label: 预算数, type: amount}
  - {name: measures, label: 下一步改进措施}
  - {name: contact, label: 联系人, required: true}
  - {name: phone, label: 联系电话}
tables:
  - name: rows
    columns:
      - {name: name, header: 指标}
      - {name: target, header: 目标值, type: indicator}
      - {name: explanation, header: 说明}
      - {name: weight, header: 分值, type: score}
      - {name: score, header: 得分, type: score}
blocks:
  - name: goals
    start: 年度目标
    fields:
      - {name: aim, label: 年度目标, dir: self}
    tables:
      - name: items
        columns:
          - {name: level3, header: 三级指标}
          - {name: actual, header: 实际完成值, type: indicator}
          - {name: weight, header: 分值, type: score}
`

// loadUpgrade loads a mapping and, for version 2, adds the column renames
// and defaults (table.column keys). They are set here rather than in the
// YAML: Load reads mapping.yaml through viper, whose key delimiter is ".",
// so a map key such as rows.weight is read as a nested map and refused.
func loadUpgrade(t *testing.T, src string) *Template {
	t.Helper()
	tpl, err := Load("upgrade.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Upgrade.From != "" {
		tpl.Upgrade.Renamed["rows.explanation"] = "rows.note"
		tpl.Upgrade.Defaults["rows.weight"] = "5"
		tpl.Upgrade.Defaults["items.weight"] = "10"
	}
	return tpl
}

// text is a value as Extract gives it for a cell holding s, at ref.
func text(ty Type, s, ref string) Value {
	v := Parse(ty, "", Cell{Text: s, Raw: s})
	v.Cell = "表!" + ref
	return v
}

// upgradeInput is a version-1 result with a value in every binding, one
// empty dropped value, and one value version 1 does not even declare.
func upgradeInput() *Result {
	return &Result{
		Template: "up", Version: "1", File: "v1.xlsx", Sheet: "表",
		Fields: map[string]Value{
			"unit":        text(TypeText, "武汉市蔡甸区救助管理站", "B2"),
			"budget":      text(TypeText, "110.36万元", "B3"),
			"improvement": text(TypeText, "加强街面巡查", "B4"),
			"header_unit": text(TypeText, "蔡甸区救助管理站", "B5"),
			"memo":        text(TypeText, "自行添加的备注", "B6"),
			"orphan":      text(TypeText, "", "B7"), // empty: never reported
		},
		Tables: map[string][]Row{"rows": {
			NewRow(10, map[string]Value{
				"name": text(TypeText, "救助人次", "A10"), "target": text(TypeIndicator, "≥100人次", "B10"),
				"note": text(TypeText, "疫情影响", "C10"), "extra": text(TypeText, "附1", "D10"),
			}),
			NewRow(11, map[string]Value{
				"name": text(TypeText, "满意度", "A11"), "target": text(TypeIndicator, "90%", "B11"),
				"note": text(TypeText, "", "C11"), "extra": text(TypeText, "", "D11"),
			}),
		}},
		Blocks: map[string][]BlockResult{"goals": {{
			Row:    20,
			Fields: map[string]Value{"goal": text(TypeText, "提高救助水平", "A20")},
			Tables: map[string][]Row{"items": {NewRow(22, map[string]Value{
				"level3": text(TypeText, "寻亲人数", "C22"), "actual": text(TypeIndicator, "38人", "F22"),
			})}},
		}}},
		Props: map[string]string{PropSubmission: "7"},
	}
}

func TestUpgradeResultCarriesRenamesAndDefaults(t *testing.T) {
	tpl := loadUpgrade(t, upgradeNew)
	out, notes, err := tpl.UpgradeResult(upgradeInput())
	if err != nil {
		t.Fatal(err)
	}
	if out.Template != "up" || out.Version != "2" || out.File != "v1.xlsx" {
		t.Errorf("result is %s@%s of %s, want up@2 of v1.xlsx", out.Template, out.Version, out.File)
	}
	// Same names carry over, with their cell; a retyped one is read again.
	if v := out.Fields["unit"]; v.Raw != "武汉市蔡甸区救助管理站" || v.Cell != "表!B2" || v.Type != TypeText {
		t.Errorf("unit = %+v", v)
	}
	if v := out.Fields["budget"]; v.Type != TypeAmount || v.Number == nil || *v.Number != 110.36 || v.Unit != "万元" || v.Cell != "表!B3" {
		t.Errorf("budget not re-read as an amount: %+v", v)
	}
	// Renamed: found under the old name.
	if v := out.Fields["measures"]; v.Raw != "加强街面巡查" {
		t.Errorf("measures = %+v, want the old improvement", v)
	}
	if _, ok := out.Fields["improvement"]; ok {
		t.Error("the old name improvement is still in the result")
	}
	// New fields: the default, or nothing.
	if v := out.Fields["contact"]; v.Raw != "待填写" || v.Text != "待填写" {
		t.Errorf("contact = %+v, want the default 待填写", v)
	}
	if _, ok := out.Fields["phone"]; ok {
		t.Error("phone has no default and no old value, yet is set")
	}
	for _, name := range []string{"header_unit", "memo", "orphan"} {
		if _, ok := out.Fields[name]; ok {
			t.Errorf("%s is not a field of version 2, yet is set", name)
		}
	}
	// Table columns: carried, renamed, defaulted, dropped.
	rows := out.Tables["rows"]
	if len(rows) != 2 || rows[0].Row != 10 {
		t.Fatalf("rows = %+v", rows)
	}
	r := rows[0].Map()
	if r["name"].Raw != "救助人次" || r["target"].Op != ">=" || r["target"].Number == nil || *r["target"].Number != 100 {
		t.Errorf("row 0 name/target = %+v / %+v", r["name"], r["target"])
	}
	if r["explanation"].Raw != "疫情影响" {
		t.Errorf("row 0 explanation = %+v, want the old note", r["explanation"])
	}
	if w := r["weight"]; w.Type != TypeScore || w.Number == nil || *w.Number != 5 {
		t.Errorf("row 0 weight = %+v, want the default 5", w)
	}
	if _, ok := r["score"]; ok {
		t.Error("score has no default, yet is set")
	}
	if _, ok := r["extra"]; ok {
		t.Error("the dropped column extra is still in the row")
	}
	// Blocks: renamed block field, carried and defaulted block table columns.
	goals := out.Blocks["goals"]
	if len(goals) != 1 || goals[0].Row != 20 || goals[0].Fields["aim"].Raw != "提高救助水平" {
		t.Fatalf("goals = %+v", goals)
	}
	items := goals[0].Tables["items"]
	if len(items) != 1 || items[0].Value("level3").Raw != "寻亲人数" || items[0].Value("actual").Raw != "38人" {
		t.Fatalf("items = %+v", items)
	}
	if w := items[0].Value("weight"); w.Number == nil || *w.Number != 10 {
		t.Errorf("items weight = %+v, want the default 10", w)
	}
	// Notes: the dropped values (declared) and the lost one (not declared),
	// never an empty one; sorted.
	want := []string{
		`fields.header_unit 已在 2 版中删除 (dropped): "蔡甸区救助管理站"`,
		`fields.memo 在 2 版中没有对应位置，未带入 (no place in the new version): "自行添加的备注"`,
		`tables.rows[0].extra 已在 2 版中删除 (dropped): "附1"`,
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	// The upgraded data checks against the new version's reading rules.
	for _, f := range tpl.Check(out) {
		if f.Rule == "type" {
			t.Errorf("upgraded value unreadable: %+v", f)
		}
	}
}

func TestUpgradeResultVersions(t *testing.T) {
	tpl := loadUpgrade(t, upgradeNew)

	// Already of the target version: returned as it is, without notes.
	same := upgradeInput()
	same.Version = "2"
	out, notes, err := tpl.UpgradeResult(same)
	if err != nil || out != same || notes != nil {
		t.Errorf("same version: %p %v %v, want the input itself", out, notes, err)
	}

	// A version the target does not upgrade from.
	old := upgradeInput()
	old.Version = "0"
	if _, _, err := tpl.UpgradeResult(old); err == nil || !strings.Contains(err.Error(), "no upgrade from version 0") {
		t.Errorf("from version 0: %v", err)
	}

	// Data of another template.
	other := upgradeInput()
	other.Template = "national-dept"
	if _, _, err := tpl.UpgradeResult(other); err == nil || !strings.Contains(err.Error(), "template national-dept") {
		t.Errorf("other template: %v", err)
	}

	// A version without an upgrade section upgrades from nothing.
	v1 := loadUpgrade(t, upgradeOld)
	newer := upgradeInput()
	newer.Version = "2"
	if _, _, err := v1.UpgradeResult(newer); err == nil || !strings.Contains(err.Error(), `upgrade.from is ""`) {
		t.Errorf("downgrade 2 → 1: %v", err)
	}
}

// TestUpgradeShippedHubei carries the golden extraction of the 2022 Hubei
// example over to the shipped 2023 mapping.
func TestUpgradeShippedHubei(t *testing.T) {
	load := func(p string) *Template {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := Load(p, src)
		if err != nil {
			t.Fatal(err)
		}
		return tpl
	}
	t2022 := load("../templates/hubei-dept/2022/mapping.yaml")
	t2023 := load("../templates/hubei-dept/2023/mapping.yaml")
	b, err := os.ReadFile("../template/testdata/golden/hubei-dept@2022/caidian-jiuzhu-2022.json")
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	out, notes, err := t2023.UpgradeResult(&res)
	if err != nil {
		t.Fatal(err)
	}
	if u, y, _ := t2023.Who(out); u != "武汉市蔡甸区救助管理站" || y != 2022 {
		t.Errorf("who = %s %d, want the 2022 submission's", u, y)
	}
	if u, y, _ := t2022.Who(&res); u != "武汉市蔡甸区救助管理站" || y != 2022 {
		t.Errorf("2022 who = %s %d", u, y)
	}
	if out.Fields["measures"].Raw != "无" || out.Fields["contact"].Raw != "" || out.Fields["budget_weight"].Raw != "10" ||
		out.Fields["total_weight"].Raw != "100" {
		t.Errorf("measures %+v, contact %+v, budget_weight %+v, total_weight %+v", out.Fields["measures"],
			out.Fields["contact"], out.Fields["budget_weight"], out.Fields["total_weight"])
	}
	rows := out.Blocks["goals"][0].Tables["indicators"]
	if len(rows) != 10 || rows[0].Value("actual").Raw != "38人次" {
		t.Fatalf("indicators = %+v", rows)
	}
	if ok := rows[0].Has("weight"); ok {
		t.Error("a 2022 row has a 分值 after the upgrade")
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "fields.header_unit") || !strings.Contains(notes[0], "dropped") {
		t.Errorf("notes = %q, want header_unit dropped", notes)
	}
	// The new version's checks run on it; the missing row reason is now the
	// row's own.
	found := false
	for _, f := range t2023.Check(out) {
		if f.Rule == "target-missed-reason" {
			found = true
		}
		if f.Rule == "mapping" {
			t.Errorf("checks do not compile: %s", f.Message)
		}
	}
	if !found {
		t.Error("the missed target of row 1 is not reported under the 2023 rules")
	}
}
