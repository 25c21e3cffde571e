package sync_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// rosterService is a service with testkit.Roster(9) registered (51 units)
// and two units of the same name under different cities.
func rosterService(t *testing.T) *sync.Service {
	t.Helper()
	svc := testkit.Service(t)
	units := append(testkit.Roster(9),
		&store.Unit{Code: "420114900", Name: "武汉市蔡甸区甲站", Parent: testkit.RosterBureau},
		&store.Unit{Code: "420900900", Name: "孝感市蔡甸区甲站", Parent: testkit.RosterBureau})
	if _, err := svc.Units.SaveUnits(context.Background(), units); err != nil {
		t.Fatal(err)
	}
	return svc
}

func importUnit(t *testing.T, svc *sync.Service, unit, by string) *sync.ImportResult {
	t.Helper()
	ir, err := svc.Import(context.Background(), unit+".xlsx", testkit.HubeiWorkbook(t, unit, nil), by)
	if err != nil {
		t.Fatal(err)
	}
	return ir
}

func TestImportMatchesRegisteredUnits(t *testing.T) {
	svc := rosterService(t)
	for _, c := range []struct{ typed, code string }{
		{"武汉市蔡甸区第1中学", "42011410001"},      // exact name
		{"蔡甸区第2中学", "42011410002"},         // alias
		{"蔡甸区第3中学", "42011410003"},         // city prefix left out, no alias
		{"湖北省武汉市蔡甸区第4卫生院", "42011430004"},  // province prefix added
		{"武汉市蔡甸区　第５中学", "42011410005"},     // full-width space and digit
		{" 武汉市蔡甸区第7救助管理站 ", "42011420007"}, // spaces around
	} {
		ir := importUnit(t, svc, c.typed, "import")
		if ir.Outcome != store.OutcomeImported || ir.Revision == 0 {
			t.Errorf("%q: %s %s", c.typed, ir.Outcome, ir.FirstError)
			continue
		}
		rev, err := svc.Records.Revision(context.Background(), ir.Revision)
		if err != nil || rev.UnitCode != c.code {
			t.Errorf("%q filed under %q, want %s (%v)", c.typed, rev.UnitCode, c.code, err)
		}
		if u, _ := svc.Units.Unit(context.Background(), c.code); ir.Unit != u.Name {
			t.Errorf("%q: result unit %q, want the registered name %q", c.typed, ir.Unit, u.Name)
		}
	}
	for _, typed := range []string{
		"武汉市蔡甸区某某中心", // no such unit
		"第6中学",       // no place in it: never matched by its tail
		"蔡甸区甲站",      // two units (武汉市…, 孝感市…)
		"武汉市蔡甸区第1中",  // a prefix of a name is not that name
	} {
		ir := importUnit(t, svc, typed, "import")
		if ir.Outcome != sync.OutcomePending || ir.Revision == 0 {
			t.Errorf("%q: outcome %s, want pending", typed, ir.Outcome)
			continue
		}
		rev, _ := svc.Records.Revision(context.Background(), ir.Revision)
		if rev.SubmissionID != 0 || rev.UnitCode != "" {
			t.Errorf("%q filed: %+v", typed, rev)
		}
	}
	ps, err := svc.Pending(context.Background())
	if err != nil || len(ps) != 4 || ps[0].UnitName != "武汉市蔡甸区某某中心" || ps[0].Year != 2022 {
		t.Fatalf("pending: %v %v", ps, err)
	}
	if un, _ := svc.Records.Unidentified(context.Background(), ""); len(un) != 0 {
		t.Errorf("pending revisions listed as unidentified: %d", len(un))
	}
}

func TestImportWithoutRegistryCreatesUnits(t *testing.T) {
	svc := testkit.Service(t)
	ir := importUnit(t, svc, "蔡甸区第3中学", "import")
	if ir.Outcome != store.OutcomeImported {
		t.Fatalf("outcome %s %s", ir.Outcome, ir.FirstError)
	}
	rev, _ := svc.Records.Revision(context.Background(), ir.Revision)
	if rev.Unit != "蔡甸区第3中学" || !strings.HasPrefix(rev.UnitCode, "AUTO") {
		t.Errorf("unit %q code %q, want the typed name with a generated code", rev.Unit, rev.UnitCode)
	}
	if ps, err := svc.Pending(context.Background()); err != nil || len(ps) != 0 {
		t.Errorf("pending without registry: %v %v", ps, err)
	}
}

func TestAssignFilesAndRecordsAlias(t *testing.T) {
	ctx := context.Background()
	svc := rosterService(t)
	ir := importUnit(t, svc, "蔡甸一中", "agency1")
	if ir.Outcome != sync.OutcomePending {
		t.Fatalf("outcome %s", ir.Outcome)
	}
	if _, err := svc.Assign(ctx, ir.Revision, "42099999999", sync.Actor{Name: "张三", Role: store.RoleCLI}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("assign to an unknown unit: %v", err)
	}
	filed, err := svc.Assign(ctx, ir.Revision, "42011410001", sync.Actor{Name: "张三", Role: store.RoleCLI})
	if err != nil {
		t.Fatal(err)
	}
	if filed.UnitCode != "42011410001" || filed.UploadedBy != "agency1" || filed.ID == ir.Revision || filed.Year != 2022 {
		t.Errorf("filed %+v", filed)
	}
	_, err = svc.Assign(ctx, ir.Revision, "42011410002", sync.Actor{Name: "张三", Role: store.RoleCLI})
	if !errors.Is(err, store.ErrExists) || !strings.Contains(err.Error(), "42011410001") {
		t.Errorf("assign twice: %v", err)
	}
	// The typed name is an alias now: the next upload of it is filed.
	next := importUnit(t, svc, "蔡甸一中", "agency1")
	if next.Outcome != store.OutcomeUnchanged || next.Revision != filed.ID {
		t.Errorf("same form again: %s %d, want unchanged %d", next.Outcome, next.Revision, filed.ID)
	}
	if u, err := svc.ResolveUnit(ctx, "蔡甸一中"); err != nil || u.Code != "42011410001" {
		t.Errorf("resolve the alias: %v %v", u, err)
	}
	if ps, _ := svc.Pending(ctx); len(ps) != 0 {
		t.Errorf("still pending: %d", len(ps))
	}
}

func TestResolveUnit(t *testing.T) {
	ctx := context.Background()
	svc := rosterService(t)
	for _, key := range []string{"42011410004", "武汉市蔡甸区第4中学", "蔡甸区第4中学", " 42011410004 "} {
		if u, err := svc.ResolveUnit(ctx, key); err != nil || u.Code != "42011410004" {
			t.Errorf("%q: %v %v", key, u, err)
		}
	}
	if _, err := svc.ResolveUnit(ctx, "蔡甸区第3中学"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a name only a normalised match gives is not resolved: %v", err)
	}
	if n, err := svc.UnitName(ctx, "没有的单位"); err != nil || n != "没有的单位" {
		t.Errorf("unit name of an unknown key: %q %v", n, err)
	}
}

// rosterWorkbook writes rows on a sheet 单位名单 below a title row, as
// departments send rosters.
func rosterWorkbook(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "单位名单"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("单位名单", "A1", "2024年预算单位名单")
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if err := f.SetCellStr("单位名单", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportRoster(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	roster := testkit.Roster(9)
	csvData := append([]byte("\xef\xbb\xbf"), testkit.RosterCSV(roster)...)
	ch, err := svc.ImportRoster(ctx, "units.csv", csvData)
	if err != nil || ch.Added != 51 || ch.Updated != 0 || ch.Unchanged != 0 {
		t.Fatalf("import: %+v %v", ch, err)
	}
	if ch, err = svc.ImportRoster(ctx, "units.csv", csvData); err != nil || ch.Unchanged != 51 {
		t.Fatalf("re-import: %+v %v", ch, err)
	}
	// Renamed, moved and with a new alias; a unit left out is kept.
	changed := testkit.Roster(9)
	changed[2].Name = "武汉市蔡甸区第一中学"
	changed[2].Aliases = []string{"蔡甸一中"}
	changed[3].Parent = "420114200"
	changed = changed[:len(changed)-1]
	if ch, err = svc.ImportRoster(ctx, "units.csv", testkit.RosterCSV(changed)); err != nil || ch.Updated != 2 || ch.Unchanged != 48 || ch.Added != 0 {
		t.Fatalf("changed roster: %+v %v", ch, err)
	}
	all, _ := svc.Units.Units(ctx)
	if len(all) != 51 {
		t.Errorf("units after re-import: %d, want 51 (never deleted)", len(all))
	}
	u, err := svc.ResolveUnit(ctx, "蔡甸一中")
	if err != nil || u.Code != "42011410001" || u.Name != "武汉市蔡甸区第一中学" {
		t.Errorf("renamed unit: %+v %v", u, err)
	}
	if u, _ := svc.Units.Unit(ctx, "42011410002"); u.Parent != "420114200" {
		t.Errorf("moved unit's parent %q", u.Parent)
	}
}

func TestImportRosterGB18030AndWorkbook(t *testing.T) {
	ctx := context.Background()
	// A workbook whose header is below a title, columns in another order.
	svc := testkit.Service(t)
	rows := [][]string{{"序号", "单位名称", "单位编码", "别名", "上级单位编码"}}
	for i, u := range testkit.Roster(9) {
		rows = append(rows, []string{string(rune('0' + i%10)), u.Name, u.Code, strings.Join(u.Aliases, ";"), u.Parent})
	}
	ch, err := svc.ImportRoster(ctx, "名单.xlsx", rosterWorkbook(t, rows))
	if err != nil || ch.Added != 51 {
		t.Fatalf("workbook roster: %+v %v", ch, err)
	}
	if u, err := svc.ResolveUnit(ctx, "蔡甸区第2卫生院"); err != nil || u.Code != "42011430002" {
		t.Errorf("alias from the workbook: %v %v", u, err)
	}
	gb := testkit.Service(t)
	enc := []byte("单位编码,单位名称,上级单位编码,别名\r\n1,甲单位,,甲；甲甲\r\n")
	gbData, err := encodeGB18030(enc)
	if err != nil {
		t.Fatal(err)
	}
	if ch, err := gb.ImportRoster(ctx, "gb.csv", gbData); err != nil || ch.Added != 1 {
		t.Fatalf("GB18030 roster: %+v %v", ch, err)
	}
	if u, err := gb.ResolveUnit(ctx, "甲甲"); err != nil || u.Name != "甲单位" {
		t.Errorf("GB18030 alias: %v %v", u, err)
	}
}

func TestImportRosterProblems(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	if _, err := svc.Units.SaveUnits(ctx, []*store.Unit{{Code: "9", Name: "已登记单位", Aliases: []string{"老名字"}}}); err != nil {
		t.Fatal(err)
	}
	csvData := strings.Join([]string{
		"单位编码,单位名称,上级单位编码,别名",
		"1,甲,,",        // row 2: fine
		",乙,1,",        // row 3: no code
		"3,,1,",        // row 4: no name
		"1,丙,,",        // row 5: duplicate code
		"5,丁,77,",      // row 6: unknown parent
		"6,戊,7,",       // row 7: cycle with row 8
		"7,己,6,",       // row 8
		"8,已登记单位,,",    // row 9: a registered unit's name
		"10,庚,1,甲",     // row 10: alias is row 2's name
		"11,辛,1,老名字；新", // row 11: alias a registered unit's
		"12,壬,12,",     // row 12: its own parent
	}, "\n")
	_, err := svc.ImportRoster(ctx, "bad.csv", []byte(csvData))
	var re *sync.RosterError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a RosterError", err)
	}
	want := []string{"bad.csv 行 3：单位编码为空", "bad.csv 行 4：单位名称为空", "bad.csv 行 5：单位编码 1 与行 2 重复",
		"bad.csv 行 6：上级单位编码 77 不在名单中", "bad.csv 行 9：单位名称“已登记单位”已是单位 9", "bad.csv 行 10：别名“甲”已是单位 1",
		"bad.csv 行 11：别名“老名字”已是单位 9", "bad.csv 行 12：上级单位编码 12 是本单位自己"}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("problems lack %q:\n%v", w, err)
		}
	}
	if len(re.Problems) != len(want) {
		t.Errorf("%d problems, want %d:\n%v", len(re.Problems), len(want), err)
	}
	if all, _ := svc.Units.Units(ctx); len(all) != 1 {
		t.Errorf("saved %d units from a bad roster", len(all))
	}
	// The cycle alone (the other problems fixed) is reported with its row.
	cycle := "单位编码,单位名称,上级单位编码,别名\n6,戊,7,\n7,己,6,\n"
	if _, err := svc.ImportRoster(ctx, "cycle.csv", []byte(cycle)); err == nil || !strings.Contains(err.Error(), "cycle.csv 行 2") || !strings.Contains(err.Error(), "循环") {
		t.Errorf("cycle: %v", err)
	}
	// A workbook's problems name the cell.
	wb := rosterWorkbook(t, [][]string{{"单位编码", "单位名称", "上级单位编码"}, {"1", "甲", ""}, {"2", "", "1"}})
	_, err = svc.ImportRoster(ctx, "bad.xlsx", wb)
	if err == nil || !strings.Contains(err.Error(), "bad.xlsx 行 4（单位名单!B4）：单位名称为空") {
		t.Errorf("workbook problem: %v", err)
	}
	if _, err := svc.ImportRoster(ctx, "none.csv", []byte("编码,名称\n1,甲\n")); err == nil || !strings.Contains(err.Error(), "表头") {
		t.Errorf("no header: %v", err)
	}
}

// TestBatchImportSeesRosterOfEarlierImport: files of one import batch share
// the registry read for them, but a roster imported between two batches
// files the second batch's forms under its units (before it, by the names
// typed).
func TestBatchImportSeesRosterOfEarlierImport(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	batch := func(units ...string) []*sync.ImportResult {
		var srcs []sync.Source
		for _, u := range units {
			srcs = append(srcs, bytesSource(u+".xlsx", testkit.HubeiWorkbook(t, u, nil)))
		}
		return svc.ImportAll(ctx, srcs, 2, "import", nil)
	}
	for _, ir := range batch("甲单位", "乙单位") {
		rev, err := svc.Records.Revision(ctx, ir.Revision)
		if ir.Outcome != store.OutcomeImported || err != nil || !strings.HasPrefix(rev.UnitCode, "AUTO") {
			t.Errorf("before the roster, %s: %s %s filed under %v (%v)", ir.File, ir.Outcome, ir.FirstError, rev, err)
		}
	}
	if _, err := svc.Units.SaveUnits(ctx, testkit.Roster(9)); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"蔡甸区第2中学.xlsx": "42011410002", "武汉市蔡甸区第4卫生院.xlsx": "42011430004", "蔡甸区某某中心.xlsx": ""}
	for _, ir := range batch("蔡甸区第2中学", "武汉市蔡甸区第4卫生院", "蔡甸区某某中心") {
		rev, err := svc.Records.Revision(ctx, ir.Revision)
		if err != nil || rev.UnitCode != want[ir.File] {
			t.Errorf("after the roster, %s: %s filed under %q, want %q (%v)", ir.File, ir.Outcome, rev.UnitCode, want[ir.File], err)
		}
		if want[ir.File] == "" && ir.Outcome != sync.OutcomePending {
			t.Errorf("after the roster, %s: %s, want pending", ir.File, ir.Outcome)
		}
	}
}
