package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/sqlite"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// withDB opens the data folder's database for what the CLI does not do
// itself here (registering a roster, reviewing).
func withDB(t *testing.T, data string, f func(db *sqlite.DB)) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(data, "jxsync.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f(db)
}

// TestUserAddDepartmentAndHistoryStates: `user add --role department`
// takes a unit's code, registered name or alias and stores the code;
// `history` names a unit by code too and shows each revision's state.
func TestUserAddDepartmentAndHistoryStates(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	if code, _, errs := jxStdin(t, data, "secret-pass-1\n", "user", "add", "mzj", "--role", "department", "--unit", "武汉市蔡甸区民政局"); code == 0 ||
		!strings.Contains(errs, "请先导入单位名册") {
		t.Errorf("department account without a registry: exit %d %s", code, errs)
	}
	withDB(t, data, func(db *sqlite.DB) {
		if _, err := db.SaveUnits(ctx, testkit.Roster(9)); err != nil {
			t.Fatal(err)
		}
	})
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"jyj", "--role", "department", "--unit", "武汉市蔡甸区教育局"}, 0, "已添加主管部门账号 jyj（420114100 武汉市蔡甸区教育局）"},
		{[]string{"mzj", "--role", "department", "--unit", "420114200"}, 0, "已添加主管部门账号 mzj（420114200 武汉市蔡甸区民政局）"},
		{[]string{"zx2", "--role", "agency", "--unit", "蔡甸区第2中学"}, 0, "已添加预算单位账号 zx2（42011410002 武汉市蔡甸区第2中学）"},
		{[]string{"x", "--role", "department", "--unit", "没有的单位"}, exitFailure, "单位名册中没有编码、名称或别名为“没有的单位”的单位"},
		{[]string{"y", "--role", "department"}, exitFailure, "主管部门账号须用 --unit 给出其单位"},
		{[]string{"z", "--role", "chief"}, exitFailure, "department（主管部门）"},
	} {
		code, out, errs := jxStdin(t, data, "secret-pass-1\n", append([]string{"user", "add"}, c.args...)...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("user add %v: exit %d, want %d and %q:\n%s%s", c.args, code, c.code, c.want, out, errs)
		}
	}
	code, out, errs := jxIn(t, data, "user", "list")
	if code != 0 || !strings.Contains(out, "主管部门") || !strings.Contains(out, "420114100 武汉市蔡甸区教育局") {
		t.Errorf("user list: exit %d\n%s%s", code, out, errs)
	}

	// 第1中学 uploads, its department returns it, it uploads again.
	school := "武汉市蔡甸区第1中学"
	p1, p2 := filepath.Join(t.TempDir(), "v1.xlsx"), filepath.Join(t.TempDir(), "v2.xlsx")
	os.WriteFile(p1, testkit.HubeiWorkbook(t, school, nil), 0o644)
	os.WriteFile(p2, testkit.HubeiWorkbook(t, school, func(d *template.Data) { d.Fields["deviation_reason"] = "已补充" }), 0o644)
	if code, out, errs := jxIn(t, data, "import", p1); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	withDB(t, data, func(db *sqlite.DB) {
		svc := &sync.Service{Records: db, Users: db, Units: db}
		jyj, err := db.User(ctx, "jyj")
		if err != nil {
			t.Fatal(err)
		}
		latest, err := db.Latest(ctx, "")
		if err != nil || len(latest) != 1 {
			t.Fatalf("latest: %v %v", latest, err)
		}
		if _, err := svc.Review(ctx, jyj, latest[0].ID, store.ReviewReturned, "请补充", false); err != nil {
			t.Fatal(err)
		}
	})
	if code, out, errs := jxIn(t, data, "import", p2); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = jxIn(t, data, "history", "42011410001")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.Contains(lines[0], "审核状态") || !strings.Contains(lines[1], "state") {
		t.Fatalf("history by code: exit %d\n%s%s", code, out, errs)
	}
	for i, want := range []string{"部门退回", "已提交"} {
		if f := strings.Fields(lines[2+i]); len(f) < 6 || f[5] != want {
			t.Errorf("history line %d: %q, want the state %s", i+1, lines[2+i], want)
		}
	}
}
