package testkit

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/templates"
)

// Example returns the bytes of a file shipped with the templates, rel being
// its path in templates.FS ("hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx").
func Example(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := fs.ReadFile(templates.FS, rel)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BuildExample lays out the form of an example's data, rel being the
// example's YAML in templates.FS ("<id>/<version>/examples/<name>.yaml":
// the form is <id>@<version>); edit, when not nil, changes the data first.
func BuildExample(tb testing.TB, rel string, edit func(d *template.Data)) []byte {
	tb.Helper()
	part := ExamplePart(tb, rel, "", edit)
	b, err := part.Form.BuildBytes(part.Data)
	if err != nil {
		tb.Fatal(err)
	}
	checkRead(tb, rel, b)
	return b
}

// HubeiWorkbook builds a 部门整体绩效自评表 (hubei-dept@2022, the 蔡甸区民政局
// example: warnings only) for unit; edit, when not nil, changes the data
// further.
func HubeiWorkbook(tb testing.TB, unit string, edit func(d *template.Data)) []byte {
	tb.Helper()
	return BuildExample(tb, "hubei-dept/2022/examples/caidian-minzheng-2022.yaml", func(d *template.Data) {
		d.Fields["unit_name"], d.Fields["header_unit"] = unit, unit
		if edit != nil {
			edit(d)
		}
	})
}

// ProjectWorkbook builds a 项目支出绩效自评表 (national-project@2020, the
// 乐昌 最低生活保障 example) of unit (implementer and department) and year;
// edit, when not nil, changes the data further.
func ProjectWorkbook(tb testing.TB, unit, year string, edit func(d *template.Data)) []byte {
	tb.Helper()
	return BuildExample(tb, "national-project/2020/examples/lechang-dibao-2021.yaml", func(d *template.Data) {
		d.Fields["implementer"], d.Fields["department"], d.Fields["year"] = unit, unit, year
		if edit != nil {
			edit(d)
		}
	})
}

// WriteWorkbooks writes n HubeiWorkbooks of distinct units (测试单位000,
// 测试单位001, …) into dir, as wb-000.xlsx, wb-001.xlsx, …, and returns
// their paths in order.
func WriteWorkbooks(tb testing.TB, dir string, n int) []string {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	var out []string
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("wb-%03d.xlsx", i))
		if err := os.WriteFile(p, HubeiWorkbook(tb, fmt.Sprintf("测试单位%03d", i), nil), 0o644); err != nil {
			tb.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// exampleFiles are the 8 example workbooks of hubei-dept@2022,
// minsheng-score@2020, national-dept@2024 and national-project@2020:
// imported, 6 are stored as submitted and 2 rejected.
var exampleFiles = []string{
	"hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx",
	"hubei-dept/2022/examples/caidian-minzheng-2022.xlsx",
	"minsheng-score/2020/examples/yuan-jiuzhu-2020.xlsx",
	"national-dept/2024/examples/zhuzhou-jiuzhu-2024.xlsx",
	"national-project/2020/examples/lechang-canji-2021.xlsx",
	"national-project/2020/examples/lechang-dibao-2021.xlsx",
	"national-project/2020/examples/lechang-linshi-2021.xlsx",
	"national-project/2020/examples/lechang-tekun-2021.xlsx",
}

// Examples returns the paths of the 8 exampleFiles on disk, relative to the
// working directory (the test's package folder), in a fixed order. The
// hubei-dept@2023 example is not among them.
func Examples(tb testing.TB) []string {
	tb.Helper()
	dir := TemplatesDir(tb)
	out := make([]string, 0, len(exampleFiles))
	for _, f := range exampleFiles {
		out = append(out, filepath.Join(dir, filepath.FromSlash(f)))
	}
	return out
}

// TemplatesDir returns the module's templates folder relative to the
// working directory ("../templates" from sync, "../../templates" from
// cmd/jxsync).
func TemplatesDir(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for root := wd; ; {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			rel, err := filepath.Rel(wd, filepath.Join(root, "templates"))
			if err != nil {
				tb.Fatal(err)
			}
			return rel
		}
		up := filepath.Dir(root)
		if up == root {
			tb.Fatalf("no go.mod above %s", wd)
		}
		root = up
	}
}

// ExamplePart is an example's form (rel as for BuildExample) laid out on
// the sheet named sheet (empty: the form's own name) of a bundle; edit,
// when not nil, changes the data first.
func ExamplePart(tb testing.TB, rel, sheet string, edit func(d *template.Data)) template.SheetPart {
	tb.Helper()
	parts := strings.Split(rel, "/")
	if len(parts) != 4 || parts[2] != "examples" {
		tb.Fatalf("example part %s: not <id>/<version>/examples/<name>.yaml", rel)
	}
	fm, err := template.FindForm(parts[0], parts[1])
	if err != nil {
		tb.Fatal(err)
	}
	d, err := template.ParseData(path.Base(rel), Example(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	if edit != nil {
		edit(d)
	}
	return template.SheetPart{Name: sheet, Form: fm, Data: d}
}

// Bundle lays parts out as the sheets of one workbook.
func Bundle(tb testing.TB, parts ...template.SheetPart) []byte {
	tb.Helper()
	b, err := template.BuildBundle(parts)
	if err != nil {
		tb.Fatal(err)
	}
	checkRead(tb, "bundle.xlsx", b)
	return b
}

// InstructionsPart is a 填表说明 sheet as departments put before their
// forms: it quotes the forms' labels in sentences (and one of them alone
// in a cell of a two-column list), but is no form.
func InstructionsPart() template.SheetPart {
	return template.SheetPart{Name: "填表说明", Rows: [][]string{
		{"填表说明"},
		{"1. “单位名称”填写预算单位全称；“项目名称”按预算批复填写。"},
		{"2. 预算数（A）、执行数（B）、全年预算数、全年执行数以万元为单位，执行率 = 执行数 / 预算数。"},
		{"3. 年初目标值、年度指标值、实际完成值应为同一计量单位；偏差大或目标未完成原因分析必须填写。"},
		{"4. 一级指标、二级指标、三级指标按指标体系填写，分值与得分合计为总分。"},
		{"栏目", "说明"},
		{"部门整体支出总额", "填写基本支出与项目支出之和"},
		{"项目资金", "含当年财政拨款、上年结转资金和其他资金"},
	}}
}

// DepartmentBundle is what a department sends: a 填表说明 sheet, its
// 部门整体支出绩效自评表 (hubei-dept@2022, the 蔡甸区民政局 example, as
// unit) and the 项目支出绩效自评表 of two projects of the same unit (the
// 乐昌 最低生活保障 and 残疾人 examples, of year 2022).
func DepartmentBundle(tb testing.TB, unit string, edit func(sheet string, d *template.Data)) []byte {
	tb.Helper()
	ed := func(sheet string, f func(d *template.Data)) func(d *template.Data) {
		return func(d *template.Data) {
			f(d)
			if edit != nil {
				edit(sheet, d)
			}
		}
	}
	project := func(d *template.Data) {
		d.Fields["implementer"], d.Fields["department"], d.Fields["year"] = unit, unit, "2022"
	}
	return Bundle(tb,
		InstructionsPart(),
		ExamplePart(tb, "hubei-dept/2022/examples/caidian-minzheng-2022.yaml", "部门整体", ed("部门整体", func(d *template.Data) {
			d.Fields["unit_name"], d.Fields["header_unit"] = unit, unit
		})),
		ExamplePart(tb, "national-project/2020/examples/lechang-dibao-2021.yaml", "项目1 低保", ed("项目1 低保", project)),
		ExamplePart(tb, "national-project/2020/examples/lechang-canji-2021.yaml", "项目2 残疾人", ed("项目2 残疾人", project)),
	)
}
