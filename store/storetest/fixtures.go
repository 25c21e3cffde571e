package storetest

import (
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

func f64(x float64) *float64 { return &x }

// Revision is a small form of unit (a goal with one indicator, a rejected
// status) stored as the file content.
func Revision(unit string, content string) *store.NewRevision {
	res := &mapping.Result{Template: "hubei-dept", Version: "2022", Sheet: "表",
		Fields: map[string]mapping.Value{
			"unit_name": {Type: mapping.TypeText, Raw: unit, Text: unit, Cell: "表!B3"},
			"budget":    {Type: mapping.TypeAmount, Raw: "110.36万元", Number: f64(110.36), Unit: "万元", Cell: "表!D6"},
		},
		Tables: map[string][]mapping.Row{},
		Blocks: map[string][]mapping.BlockResult{"goals": {{Row: 7,
			Fields: map[string]mapping.Value{"goal": {Type: mapping.TypeText, Raw: "目标", Text: "目标", Cell: "表!A7"}},
			Tables: map[string][]mapping.Row{"indicators": {
				mapping.NewRow(9, map[string]mapping.Value{
					"level1": {Type: mapping.TypeHeading, Raw: "产出指标", Text: "产出指标", Cell: "表!B9"},
					"level3": {Type: mapping.TypeText, Raw: "人次", Text: "人次", Cell: "表!D9"},
					"target": {Type: mapping.TypeIndicator, Raw: "100人次", Number: f64(100), Unit: "人次", Cell: "表!E9"},
					"actual": {Type: mapping.TypeIndicator, Raw: "38人次", Number: f64(38), Unit: "人次", Cell: "表!F9"},
				}),
			}},
		}}},
	}
	return &store.NewRevision{Unit: unit, TemplateID: "hubei-dept", TemplateVersion: "2022", TemplateTitle: "部门整体绩效自评表",
		Year: 2022, BlobHash: store.Hash([]byte(content)), FileName: unit + ".xlsx", Size: int64(len(content)),
		UploadedBy: "import", Status: store.StatusRejected,
		Findings: []mapping.Finding{{Sheet: "表", Cell: "F9", Severity: "error", Rule: "target-missed-reason", Message: "x"}},
		Result:   res, Met: map[string]map[int]bool{"blocks.goals[0].tables.indicators": {0: false}}}
}

// Form is a revision of unit with a block of two goals (indicator tables)
// and a top-level table, values of every kind the views read: headings
// with weights, a qualitative target, a missing column, integral and
// fractional scores.
func Form(unit, content string) *store.NewRevision {
	const s = "部门整体绩效自评表"
	cell := func(a string) string { return s + "!" + a }
	res := &mapping.Result{Template: "hubei-dept", Version: "2022", File: unit + ".xlsx", Sheet: s,
		Fields: map[string]mapping.Value{
			"unit_name": {Type: mapping.TypeText, Raw: unit, Text: unit, Cell: cell("B3")},
			"budget":    {Type: mapping.TypeAmount, Raw: "110.36万元", Number: f64(110.36), Unit: "万元", Cell: cell("D6")},
			"remark":    {Type: mapping.TypeText, Raw: "", Cell: cell("B40")},
		},
		Tables: map[string][]mapping.Row{"items": {
			mapping.NewRow(30, map[string]mapping.Value{
				"level1": {Type: mapping.TypeHeading, Raw: "投入(18分)", Text: "投入", Weight: f64(18), Cell: cell("B30")},
				"level3": {Type: mapping.TypeText, Raw: "绩效目标合理性", Text: "绩效目标合理性", Cell: cell("D30")},
				"weight": {Type: mapping.TypeScore, Raw: "4", Number: f64(4), Cell: cell("E30")},
				"score":  {Type: mapping.TypeScore, Raw: "3.5", Number: f64(3.5), Cell: cell("F30")},
			}),
		}},
		Blocks: map[string][]mapping.BlockResult{"goals": {
			{Row: 7, Fields: map[string]mapping.Value{"goal": {Type: mapping.TypeText, Raw: "目标一", Text: "目标一", Cell: cell("A7")}},
				Tables: map[string][]mapping.Row{"indicators": {
					mapping.NewRow(9, map[string]mapping.Value{
						"level1": {Type: mapping.TypeHeading, Raw: "产出指标（60分）", Text: "产出指标", Weight: f64(60), Cell: cell("B9")},
						"level2": {Type: mapping.TypeHeading, Raw: "数量指标", Text: "数量指标", Cell: cell("C9")},
						"level3": {Type: mapping.TypeText, Raw: "救助人次", Text: "救助人次", Cell: cell("D9")},
						"target": {Type: mapping.TypeIndicator, Raw: "≥100人次", Number: f64(100), Unit: "人次", Op: ">=", Cell: cell("E9")},
						"actual": {Type: mapping.TypeIndicator, Raw: "约38人次", Number: f64(38), Unit: "人次", Approx: true, Cell: cell("F9")},
						"weight": {Type: mapping.TypeScore, Raw: "20", Number: f64(20), Cell: cell("G9")},
						"score":  {Type: mapping.TypeScore, Raw: "7.6", Number: f64(7.6), Cell: cell("H9")},
					}),
					mapping.NewRow(10, map[string]mapping.Value{
						"level1": {Type: mapping.TypeHeading, Raw: "产出指标（60分）", Text: "产出指标", Weight: f64(60), Cell: cell("B10")},
						"level2": {Type: mapping.TypeHeading, Raw: "", Cell: cell("C10")},
						"level3": {Type: mapping.TypeText, Raw: "服务质量", Text: "服务质量", Cell: cell("D10")},
						"target": {Type: mapping.TypeIndicator, Raw: "优", Text: "优", Qualitative: true, Cell: cell("E10")},
						"actual": {Type: mapping.TypeIndicator, Raw: "良", Text: "良", Qualitative: true, Tier: "部分达成", Cell: cell("F10")},
					}),
				}}},
			{Row: 20, Fields: map[string]mapping.Value{"goal": {Type: mapping.TypeText, Raw: "目标二", Text: "目标二", Cell: cell("A20")}},
				Tables: map[string][]mapping.Row{"indicators": {
					mapping.NewRow(22, map[string]mapping.Value{
						"level1": {Type: mapping.TypeHeading, Raw: "满意度指标", Text: "满意度指标", Cell: cell("B22")},
						"level3": {Type: mapping.TypeText, Raw: "救助人次", Text: "救助人次", Cell: cell("D22")},
						"target": {Type: mapping.TypeIndicator, Raw: "100", Number: f64(100), Cell: cell("E22")},
						"actual": {Type: mapping.TypeIndicator, Raw: "—", Error: "无法读取", Cell: cell("F22")},
					}),
				}}},
		}},
		Problems: []mapping.Problem{{Code: "label-not-found", Path: "fields.x", Message: "未找到 (not found)"}},
		Uncached: []string{"H40"},
		Props:    map[string]string{"jxsync.unit": unit},
	}
	return &store.NewRevision{Unit: unit, TemplateID: "hubei-dept", TemplateVersion: "2022", TemplateTitle: "部门整体绩效自评表",
		Year: 2022, Sheet: s, Fingerprint: store.Hash([]byte("print " + content)), BlobHash: store.Hash([]byte(content)),
		FileName: unit + ".xlsx", Size: int64(len(content)), UploadedBy: "import",
		UploadedAt: time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC), Status: store.StatusWarnings,
		Findings: []mapping.Finding{{Sheet: s, Cell: "F9", Severity: "warning", Rule: "r", Message: "x"}},
		Result:   res, TotalScore: f64(81.5),
		Met: map[string]map[int]bool{"blocks.goals[0].tables.indicators": {0: false, 1: true}, "blocks.goals[1].tables.indicators": {0: true}}}
}
