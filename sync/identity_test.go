package sync_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// TestUnidentifiedOneFinding: a form whose unit or year cannot be read has
// one error for it, validation's, which says what to type (not also the
// empty cell's, nor the generic identity error).
func TestUnidentifiedOneFinding(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	a := &store.User{Name: "a", Role: store.RoleAgency, Unit: "甲单位"}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"无单位.xlsx", testkit.HubeiWorkbook(t, "", nil), "单位名称 为空，无法确定填报单位"},
		{"无年度.xlsx", testkit.HubeiWorkbook(t, "甲单位", func(d *template.Data) {
			d.Fields["title"] = "甲单位部门整体绩效自评表"
			d.Fields["fill_date"] = ""
		}), "表头没有写明年度，无法确定年度"},
	} {
		irs, _, err := svc.Upload(ctx, a, c.name, c.data)
		if err != nil || len(irs) != 1 || irs[0].Outcome != jxsync.OutcomeRejected {
			t.Fatalf("%s: %+v %v", c.name, irs, err)
		}
		if ir := irs[0]; ir.Errors != 1 || !strings.Contains(ir.FirstError, c.want) {
			t.Errorf("%s: %d errors, first %q; want one: %q", c.name, ir.Errors, ir.FirstError, c.want)
		}
	}
}
