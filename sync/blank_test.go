package sync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// TestBlank: the form of a unit and year reads back as theirs; last year's
// plan is carried from the one submission of the year before, or of the
// project asked for.
func TestBlank(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	project, err := mapping.Find(svc.Templates, "national-project")
	if err != nil {
		t.Fatal(err)
	}
	const unit = "乐昌市民政局"

	// Unit and year are needed.
	for _, o := range []jxsync.BlankOptions{{Unit: " ", Year: 2022}, {Unit: unit}, {Unit: unit, Year: 3000}} {
		if _, err := svc.Blank(ctx, project, o); err == nil {
			t.Errorf("Blank(%+v): no error", o)
		}
	}

	b, err := svc.Blank(ctx, project, jxsync.BlankOptions{Unit: unit, Year: 2022})
	if err != nil {
		t.Fatal(err)
	}
	back, err := svc.Extract("blank.xlsx", b.Data, "")
	if err != nil {
		t.Fatal(err)
	}
	if u, y, _ := project.Who(back); back.Template != project.ID || u != unit || y != 2022 || b.From != nil {
		t.Errorf("blank reads as %s of %q %d (from %v)", back.Template, u, y, b.From)
	}

	// Last year: none, then two projects (choose one), then the one asked for.
	_, err = svc.Blank(ctx, project, jxsync.BlankOptions{Unit: unit, Year: 2022, LastYear: true})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no submission of 2021: %v", err)
	}
	for _, name := range []string{"最低生活保障", "临时救助"} {
		wb := testkit.ProjectWorkbook(t, unit, "2021", func(d *template.Data) { d.Fields["project_name"] = name })
		if ir, err := svc.Import(ctx, name+".xlsx", wb, "test"); err != nil || ir.Revision == 0 {
			t.Fatalf("import %s: %+v %v", name, ir, err)
		}
	}
	_, err = svc.Blank(ctx, project, jxsync.BlankOptions{Unit: unit, Year: 2022, LastYear: true})
	if !errors.Is(err, jxsync.ErrSeveralSubmissions) {
		t.Errorf("two projects of 2021: %v", err)
	}
	b, err = svc.Blank(ctx, project, jxsync.BlankOptions{Unit: unit, Year: 2022, LastYear: true, Subject: "临时救助"})
	if err != nil {
		t.Fatal(err)
	}
	if back, err = svc.Extract("carried.xlsx", b.Data, ""); err != nil {
		t.Fatal(err)
	}
	u, y, subject := project.Who(back)
	rows := back.Tables["indicators"]
	if b.From == nil || b.From.Subject != "临时救助" || u != unit || y != 2022 || subject != "临时救助" || len(rows) == 0 {
		t.Fatalf("carried: from %+v, %q %d %q, %d rows", b.From, u, y, subject, len(rows))
	}
	for _, r := range rows {
		if r.Value("target").Empty() || !r.Value("actual").Empty() || !r.Value("score").Empty() {
			t.Errorf("row %d: target %q actual %q score %q", r.Row, r.Value("target").Raw, r.Value("actual").Raw, r.Value("score").Raw)
		}
	}
}
