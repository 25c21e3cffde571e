package sync_test

import (
	"context"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
)

// TestRosterTakesOverTypedUnits: units created from typed names before a
// roster was imported become the roster's units when they match as an
// upload would (here without the city prefix): their submissions are the
// roster unit's and the typed name its alias. A typed name matching no
// roster unit stays as it was.
func TestRosterTakesOverTypedUnits(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	typed, err := svc.Import(ctx, "mz.xlsx", testkit.HubeiWorkbook(t, "蔡甸区民政局", nil), "import")
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.Import(ctx, "x.xlsx", testkit.HubeiWorkbook(t, "某某无名单位", nil), "import")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportRoster(ctx, "roster.csv", testkit.RosterCSV(testkit.Roster(9))); err != nil {
		t.Fatal(err)
	}
	rev, err := svc.Records.Revision(ctx, typed.Revision)
	if err != nil {
		t.Fatal(err)
	}
	if rev.UnitCode != "420114200" || rev.Unit != "武汉市蔡甸区民政局" {
		t.Errorf("the typed unit's revision is filed under %s %s, want 420114200 武汉市蔡甸区民政局", rev.UnitCode, rev.Unit)
	}
	u, err := svc.Units.Unit(ctx, "蔡甸区民政局")
	if err != nil || u.Code != "420114200" || !u.Registered || u.Parent != testkit.RosterBureau {
		t.Errorf("the typed name is an alias of the roster unit: %v %+v", err, u)
	}
	rev, err = svc.Records.Revision(ctx, other.Revision)
	if err != nil || rev.Unit != "某某无名单位" {
		t.Errorf("a typed unit matching no roster unit: %v %+v", err, rev)
	}
	if u, err := svc.Units.Unit(ctx, "某某无名单位"); err != nil || u.Registered {
		t.Errorf("a typed unit matching no roster unit stays unregistered: %v %+v", err, u)
	}
	units, err := svc.Units.Units(ctx)
	if err != nil || len(units) != 52 {
		t.Errorf("units after the roster: %d (want the 51 of the roster and the unmatched one): %v", len(units), err)
	}
}
