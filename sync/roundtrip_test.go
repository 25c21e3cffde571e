package sync_test

import (
	"context"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// TestImportExportImport: for every example, import → export → import gives
// identical normalised data, recognised as unchanged (no new revision).
func TestImportExportImport(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	for _, p := range testkit.Examples(t) {
		ir, err := svc.Import(ctx, p, mustRead(t, p), "import")
		if err != nil || ir.Revision == 0 {
			t.Fatalf("%s: %+v %v", p, ir, err)
		}
		out, _, err := svc.Export(ctx, ir.Revision)
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := svc.Records.Data(ctx, ir.Revision)
		again, err := svc.Extract("export.xlsx", out, "")
		if err != nil {
			t.Fatal(err)
		}
		if d := mapping.Diff(stored, again); len(d) > 0 {
			t.Errorf("%s: export changed %d values, first %+v", p, len(d), d[0])
		}
		back, err := svc.Import(ctx, "export.xlsx", out, "import")
		if err != nil || back.Outcome != store.OutcomeUnchanged || back.Revision != ir.Revision {
			t.Errorf("%s: re-import of the export: %+v %v", p, back, err)
		}
	}
}

// TestGeneratedConflict: a workbook generated from revision 1 comes back
// after revision 2 was stored: a conflict with the field-level diff and
// nothing stored; with Force it becomes revision 3 of the same submission.
// One generated from the latest revision with a change is a new revision.
func TestGeneratedConflict(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	r1, err := svc.Import(ctx, "v1.xlsx", testkit.HubeiWorkbook(t, "救助站", nil), "import")
	if err != nil {
		t.Fatal(err)
	}
	gen1, _, err := svc.Export(ctx, r1.Revision)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := svc.Import(ctx, "v2.xlsx", testkit.HubeiWorkbook(t, "救助站", func(d *template.Data) {
		d.Fields["deviation_reason"] = "求助人数减少"
	}), "import")
	if err != nil || r2.Outcome != store.OutcomeUpdated {
		t.Fatalf("v2: %+v %v", r2, err)
	}
	// Edit the generated copy of revision 1 and bring it back.
	edited := regenerateWith(t, svc, gen1, func(res *mapping.Result) {
		v := res.Fields["improvement"]
		v.Raw = "加强宣传"
		res.Fields["improvement"] = v
	})
	c, err := svc.Import(ctx, "gen1.xlsx", edited, "agency")
	if err != nil || c.Outcome != sync.OutcomeConflict || c.Revision != r2.Revision {
		t.Fatalf("stale generated workbook: %+v %v", c, err)
	}
	paths := map[string]bool{}
	for _, ch := range c.Changes {
		paths[ch.Path] = true
	}
	if !paths["fields.deviation_reason"] || !paths["fields.improvement"] {
		t.Errorf("changes = %+v", c.Changes)
	}
	if n := testkit.QueryInt(t, svc.Records, "SELECT count(*) FROM revisions"); n != 2 {
		t.Errorf("a conflict stored something: %d revisions", n)
	}
	f, err := svc.ImportWith(ctx, "gen1.xlsx", edited, sync.ImportOptions{By: "agency", Force: true})
	if err != nil || f.Outcome != store.OutcomeUpdated {
		t.Fatalf("forced: %+v %v", f, err)
	}
	rev, _ := svc.Records.Revision(ctx, f.Revision)
	if rev.Seq != 3 || rev.Unit != "救助站" {
		t.Errorf("forced revision = %+v", rev)
	}
	// From the latest, a change is simply the next revision.
	gen3, _, _ := svc.Export(ctx, f.Revision)
	next := regenerateWith(t, svc, gen3, func(res *mapping.Result) {
		v := res.Fields["improvement"]
		v.Raw = "下一步完善台账"
		res.Fields["improvement"] = v
	})
	n, err := svc.Import(ctx, "gen3.xlsx", next, "agency")
	if err != nil || n.Outcome != store.OutcomeUpdated {
		t.Fatalf("from latest: %+v %v", n, err)
	}
}

// regenerateWith edits a generated workbook the way an agency would retype
// a cell: extract it, change the data, lay it out again with the same
// identity properties.
func regenerateWith(t *testing.T, svc *sync.Service, gen []byte, edit func(*mapping.Result)) []byte {
	t.Helper()
	res, err := svc.Extract("gen.xlsx", gen, "")
	if err != nil {
		t.Fatal(err)
	}
	edit(res)
	tpl, err := mapping.Find(svc.Templates, res.Template+"@"+res.Version)
	if err != nil {
		t.Fatal(err)
	}
	out, err := template.Export(tpl, res, res.Props)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
