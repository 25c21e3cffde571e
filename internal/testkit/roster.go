package testkit

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/jxsync/jxsync/store"
)

// RosterDepartments are the departments (主管部门) of Roster, each with the
// stem of its units' names.
var RosterDepartments = []struct{ Name, Unit string }{
	{"武汉市蔡甸区教育局", "中学"},
	{"武汉市蔡甸区民政局", "救助管理站"},
	{"武汉市蔡甸区卫生健康局", "卫生院"},
	{"武汉市蔡甸区农业农村局", "农技推广站"},
	{"武汉市蔡甸区文化和旅游局", "文化站"},
}

// RosterBureau is the code of Roster's bureau (财政).
const RosterBureau = "420114000"

// Roster returns a registry of 1 + 5 + 5×per units: the bureau
// (武汉市蔡甸区财政局, code RosterBureau), five departments under it (codes
// 420114100, 420114200 …) and per units under each (codes department code +
// "01", "02" …, names 武汉市蔡甸区第N中学 and the like, with the short name
// without 武汉市 as an alias of every second unit). Roster(9) has 51 units.
func Roster(per int) []*store.Unit {
	units := []*store.Unit{{Code: RosterBureau, Name: "武汉市蔡甸区财政局"}}
	for d, dep := range RosterDepartments {
		dcode := fmt.Sprintf("420114%d00", d+1)
		units = append(units, &store.Unit{Code: dcode, Name: dep.Name, Parent: RosterBureau})
		for i := 1; i <= per; i++ {
			name := fmt.Sprintf("武汉市蔡甸区第%d%s", i, dep.Unit)
			u := &store.Unit{Code: fmt.Sprintf("%s%02d", dcode, i), Name: name, Parent: dcode}
			if i%2 == 0 {
				u.Aliases = []string{strings.TrimPrefix(name, "武汉市")}
			}
			units = append(units, u)
		}
	}
	return units
}

// RosterCSV writes units as the roster file `jxsync units import` reads:
// the columns 单位编码, 单位名称, 上级单位编码, 别名 (aliases separated by ；).
func RosterCSV(units []*store.Unit) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"单位编码", "单位名称", "上级单位编码", "别名"})
	for _, u := range units {
		_ = w.Write([]string{u.Code, u.Name, u.Parent, strings.Join(u.Aliases, "；")})
	}
	w.Flush()
	return b.Bytes()
}
