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
	parts := strings.Split(rel, "/")
	if len(parts) != 4 || parts[2] != "examples" {
		tb.Fatalf("build example %s: not <id>/<version>/examples/<name>.yaml", rel)
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
	b, err := fm.BuildBytes(d)
	if err != nil {
		tb.Fatal(err)
	}
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
