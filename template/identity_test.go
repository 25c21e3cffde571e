package template

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/templates"
)

// editExample opens a shipped example, lets edit change its form sheet and
// returns the workbook's bytes.
func editExample(t *testing.T, rel string, edit func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(readFS(t, rel)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(f, f.GetSheetName(0))
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// whoOf detects and extracts a workbook and returns its identity, its
// problems and the findings of its checks.
func whoOf(t *testing.T, name string, data []byte) (unit string, year int, res *mapping.Result, findings []mapping.Finding) {
	t.Helper()
	reg, err := LoadRegistry(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := Read(name, data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	forms, err := mapping.DetectForms(wb, reg.Templates)
	if err != nil {
		t.Fatal(err)
	}
	tpl := forms[0].Template
	res, err = forms[0].Extract(wb)
	if err != nil {
		t.Fatal(err)
	}
	unit, year, _ = tpl.Who(res)
	return unit, year, res, tpl.Check(res)
}

// TestMinshengIdentityFromTitle: the published 民生工程 table has no 评价单位
// line; its title names the place and the year.
func TestMinshengIdentityFromTitle(t *testing.T) {
	data := editExample(t, "minsheng-score/2020/examples/yuan-jiuzhu-2020.xlsx", func(f *excelize.File, sheet string) {
		if err := f.RemoveRow(sheet, 2); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStr(sheet, "A1", "裕安区2020年生活无着人员社会救助民生工程绩效评价得分表"); err != nil {
			t.Fatal(err)
		}
	})
	unit, year, res, findings := whoOf(t, "yuan.xlsx", data)
	if unit != "裕安区" || year != 2020 {
		t.Errorf("identity from the title: %q %d", unit, year)
	}
	for _, f := range findings {
		if f.Rule == "required" || f.Rule == "binding" {
			t.Errorf("finding about the missing line: %+v", f)
		}
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems: %+v", res.Problems)
	}

	// Unit and year sharing one label cell still win over the title.
	unit, year, _, _ = whoOf(t, "yuan.xlsx", readFS(t, "minsheng-score/2020/examples/yuan-jiuzhu-2020.xlsx"))
	if unit != "裕安区民政局" || year != 2020 {
		t.Errorf("identity from 评价单位/评价年度: %q %d", unit, year)
	}
}

// TestHubeiIdentityAsTyped: the unit typed inside its label cell, and the
// date beside its label, as agencies retype the header lines.
func TestHubeiIdentityAsTyped(t *testing.T) {
	data := editExample(t, "hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx", func(f *excelize.File, sheet string) {
		// Row 2 (the subtitle) left empty; row 3: 单位名称 | value → one
		// cell "单位名称：…".
		if err := f.UnmergeCell(sheet, "B3", "F3"); err != nil {
			t.Fatal(err)
		}
		for cell, text := range map[string]string{"A2": "", "A3": "单位名称：武汉市蔡甸区救助管理站", "B3": ""} {
			if err := f.SetCellStr(sheet, cell, text); err != nil {
				t.Fatal(err)
			}
		}
	})
	unit, year, _, _ := whoOf(t, "hubei.xlsx", data)
	if unit != "武汉市蔡甸区救助管理站" || year != 2022 {
		t.Errorf("identity: %q %d", unit, year)
	}

	data = editExample(t, "hubei-dept/2023/examples/caidian-jiuzhu-2023.xlsx", func(f *excelize.File, sheet string) {
		if err := f.UnmergeCell(sheet, "A2", "I2"); err != nil {
			t.Fatal(err)
		}
		for cell, text := range map[string]string{"A2": "填报日期：", "B2": "2023/3/20"} {
			if err := f.SetCellStr(sheet, cell, text); err != nil {
				t.Fatal(err)
			}
		}
	})
	_, _, res, _ := whoOf(t, "hubei2023.xlsx", data)
	if d := res.Fields["fill_date"]; d.Text != "2023-03-20" || d.Cell != "部门整体绩效自评表!B2" {
		t.Errorf("date beside its label: %+v", d)
	}
}
