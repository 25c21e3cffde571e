package testkit

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// ProvinceRow is one indicator row of ProvinceForm; empty 一级/二级 cells
// continue the group above (merged down on the form).
type ProvinceRow struct {
	Level1, Level2, Level3, Explain, Weight, Target, Actual, Score, Reason string
}

// ProvinceRows are the indicators of ProvinceForm.
var ProvinceRows = []ProvinceRow{
	{"产出指标（50分）", "数量指标", "救助人次", "全年救助流浪乞讨人员人次", "10", "≥800人次", "812人次", "10", ""},
	{"", "", "护送返乡人数", "护送受助人员返乡人数", "10", "≥100人", "86人", "8.6", "求助人数减少"},
	{"", "质量指标", "救助对象收治率", "患病救助对象送医收治比例", "15", "100%", "100%", "15", ""},
	{"", "时效指标", "资金拨付及时率", "救助资金按时拨付比例", "15", "≥95%", "100%", "15", ""},
	{"效益指标（30分）", "社会效益指标", "街面流浪乞讨现象", "主城区街面流浪乞讨现象", "15", "明显减少", "达成年度指标", "15", ""},
	{"", "可持续影响指标", "救助管理长效机制", "部门联动机制运行情况", "15", "健全", "部分达成年度指标并具有一定效果", "10", "联动机制尚在完善"},
	{"满意度指标（10分）", "服务对象满意度指标", "受助人员满意度", "抽样调查满意率", "10", "≥90%", "95%", "10", ""},
}

// ProvinceUnit and ProvinceSheet are ProvinceForm's unit and sheet.
const (
	ProvinceUnit  = "湘潭市民政局救助站"
	ProvinceSheet = "自评表"
)

// ProvinceForm builds a 部门整体支出绩效自评表 as a province might print
// it, unlike any form jxsync ships: 自评总分 at the top (I2: the budget block's 得分 and the indicators'), the unit as
// "部门名称：…" in one cell, the budget block 年初预算数 | 全年预算数 |
// 全年执行数 | 执行率 | 分值 | 得分 (row 5), and an indicator table (header
// row 7, ProvinceRows from row 8, 合计 in row 15) whose columns are 一级 |
// 二级 | 三级 | 指标解释 | 分值 | 年度指标值 | 实际完成值 | 得分 |
// 偏差原因及改进措施 | 备注: 指标解释 between 三级指标 and 指标值, 分值
// before the values. filled false leaves every value empty (the blank
// form). unit, when not empty, replaces ProvinceUnit.
func ProvinceForm(tb testing.TB, filled bool, unit string) []byte {
	tb.Helper()
	if unit == "" {
		unit = ProvinceUnit
	}
	f := excelize.NewFile()
	defer f.Close()
	const sh = ProvinceSheet
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		tb.Fatal(err)
	}
	v := func(s string) string {
		if filled {
			return s
		}
		return ""
	}
	put := func(from, to, text string) {
		if to != "" && to != from {
			if err := f.MergeCell(sh, from, to); err != nil {
				tb.Fatal(err)
			}
		}
		if text == "" {
			return
		}
		var err error
		if n, perr := strconv.ParseFloat(text, 64); perr == nil {
			err = f.SetCellFloat(sh, from, n, -1, 64)
		} else {
			err = f.SetCellStr(sh, from, text)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	at := func(col, row int) string {
		c, _ := excelize.CoordinatesToCellName(col, row)
		return c
	}
	put("A1", "J1", v("2025")+"年度部门整体支出绩效自评表")
	put("A2", "F2", "部门名称："+v(unit))
	put("G2", "H2", "自评总分")
	put("I2", "J2", v("93.2"))
	put("A3", "B3", "联系人")
	put("C3", "D3", v("李四"))
	put("E3", "F3", "联系电话")
	put("G3", "J3", v("0731-55501234"))
	put("A4", "A5", "预算执行情况（万元）")
	put("B4", "C4", "")
	for i, h := range []string{"年初预算数", "全年预算数", "全年执行数", "执行率", "分值", "得分"} {
		put(at(4+i, 4), "", h)
	}
	put("B5", "C5", "部门整体支出")
	for i, x := range []string{"500", "520.5", "500.28", "96.12%", "10", "9.6"} {
		put(at(4+i, 5), "", v(x))
	}
	put("A6", "", "年度总体目标完成情况")
	put("B6", "J6", v("全年救助流浪乞讨人员812人次，护送返乡86人，救助管理长效机制基本建立。"))
	for i, h := range []string{"一级指标", "二级指标", "三级指标", "指标解释", "分值", "年度指标值", "实际完成值", "得分", "偏差原因及改进措施", "备注"} {
		put(at(1+i, 7), "", h)
	}
	const first = 8
	last := func(i int, level2 bool) int {
		j := i + 1
		for j < len(ProvinceRows) && ProvinceRows[j].Level1 == "" && (!level2 || ProvinceRows[j].Level2 == "") {
			j++
		}
		return first + j - 1
	}
	for i, r := range ProvinceRows {
		n := first + i
		if r.Level1 != "" {
			put(at(1, n), at(1, last(i, false)), v(r.Level1))
		}
		if r.Level2 != "" {
			put(at(2, n), at(2, last(i, true)), v(r.Level2))
		}
		for c, x := range []string{r.Level3, r.Explain, r.Weight, r.Target, r.Actual, r.Score, r.Reason} {
			put(at(3+c, n), "", v(x))
		}
	}
	total := first + len(ProvinceRows)
	put(at(1, total), at(4, total), "合计")
	put(at(5, total), "", v("90"))
	put(at(8, total), "", v("83.6"))
	put(at(1, total+1), at(10, total+1), "填表人："+v("张三")+"          填报日期："+v("2026年1月20日"))
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		tb.Fatal(err)
	}
	checkRead(tb, fmt.Sprintf("province-%v.xlsx", filled), b.Bytes())
	return b.Bytes()
}
