package sync_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store/local"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// provinceTemplate scaffolds the province form (a form jxsync does not
// ship): its mapping.yaml and blank template.xlsx.
func provinceTemplate(t *testing.T) ([]byte, []byte) {
	t.Helper()
	reg := testkit.Registry(t)
	r, err := template.Scaffold("province.xlsx", testkit.ProvinceForm(t, true, ""),
		template.ScaffoldOptions{ID: "hunan-dept", Version: "2025", Known: reg.Templates, Blank: reg.Blank})
	if err != nil {
		t.Fatal(err)
	}
	return r.Mapping, r.Blank
}

func TestAddTemplate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	blobs, err := local.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "jxsync.db")
	svc := testkit.Service(t, testkit.WithBlobs(blobs), testkit.WithDB(db))
	y, blank := provinceTemplate(t)
	sample := testkit.ProvinceForm(t, true, "长沙市救助管理站")
	if _, err := svc.Extract("长沙.xlsx", sample, ""); err == nil {
		t.Fatal("the form is known before it is added")
	}

	added, err := svc.AddTemplate(ctx, "hunan-dept/2025/mapping.yaml", y, blank, "caizheng")
	if err != nil {
		t.Fatal(err)
	}
	if added.Unchanged || added.Template.ID != "hunan-dept" || added.Record.AddedBy != "caizheng" {
		t.Errorf("added: %+v", added)
	}
	// The service knows it at once.
	res, err := svc.Extract("长沙.xlsx", sample, "")
	if err != nil || res.Template != "hunan-dept" || res.Fields["unit_name"].Text != "长沙市救助管理站" {
		t.Fatalf("extract after add: %+v %v", res, err)
	}
	if again, err := svc.AddTemplate(ctx, "mapping.yaml", y, blank, "x"); err != nil || !again.Unchanged {
		t.Errorf("same files again: %+v %v", again, err)
	}
	other := []byte(strings.Replace(string(y), "title: 部门整体支出绩效自评表", "title: 改过的名字", 1))
	if _, err := svc.AddTemplate(ctx, "mapping.yaml", other, blank, "x"); !errors.Is(err, jxsync.ErrTemplateExists) {
		t.Errorf("same version, other mapping: %v", err)
	}
	embedded := []byte(strings.Replace(strings.Replace(string(y), "id: hunan-dept", "id: hubei-dept", 1), `version: "2025"`, `version: "2022"`, 1))
	if _, err := svc.AddTemplate(ctx, "mapping.yaml", embedded, blank, "x"); !errors.Is(err, jxsync.ErrTemplateExists) {
		t.Errorf("an embedded id and version: %v", err)
	}
	unresolved := []byte(strings.Replace(strings.Replace(string(y), `version: "2025"`, `version: "2026"`, 1), "label: 联系人", "label: 联络人", 1))
	if _, err := svc.AddTemplate(ctx, "mapping.yaml", unresolved, blank, "x"); err == nil || !strings.Contains(err.Error(), "联络人") {
		t.Errorf("a label the blank lacks: %v", err)
	}
	if _, err := svc.AddTemplate(ctx, "mapping.yaml", y, []byte("not a workbook"), "x"); err == nil {
		t.Error("a blank that is no workbook was accepted")
	}

	// Another service on the same store (another server) loads it.
	svc2 := testkit.Service(t, testkit.WithBlobs(blobs), testkit.WithDB(db))
	stored, err := svc2.StoredTemplates(ctx)
	if err != nil || len(stored) != 1 || stored[0].Template.ID != "hunan-dept" || len(stored[0].Blank) != len(blank) {
		t.Fatalf("stored templates: %+v %v", stored, err)
	}
}

// TestStoredTemplatesMissingBlank: a stored version whose blank is gone is
// named in the error; the others still load.
func TestStoredTemplatesMissingBlank(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "jxsync.db")
	blobs, err := local.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	svc := testkit.Service(t, testkit.WithBlobs(blobs), testkit.WithDB(db))
	y, blank := provinceTemplate(t)
	if _, err := svc.AddTemplate(ctx, "mapping.yaml", y, blank, "x"); err != nil {
		t.Fatal(err)
	}
	y2 := []byte(strings.Replace(string(y), `version: "2025"`, `version: "2026"`, 1))
	if _, err := svc.AddTemplate(ctx, "mapping.yaml", y2, blank, "x"); err != nil {
		t.Fatal(err)
	}
	// The other server's blob folder lacks the blanks.
	empty, err := local.Open(filepath.Join(dir, "other-blobs"))
	if err != nil {
		t.Fatal(err)
	}
	svc2 := testkit.Service(t, testkit.WithBlobs(empty), testkit.WithDB(db))
	stored, err := svc2.StoredTemplates(ctx)
	if err == nil || !strings.Contains(err.Error(), "hunan-dept@2025") || !strings.Contains(err.Error(), "hunan-dept@2026") || len(stored) != 0 {
		t.Errorf("missing blanks: %d loaded, %v", len(stored), err)
	}
	// The blank back: both load.
	if _, err := empty.Put(ctx, blank); err != nil {
		t.Fatal(err)
	}
	if stored, err := svc2.StoredTemplates(ctx); err != nil || len(stored) != 2 {
		t.Errorf("with the blank: %d loaded, %v", len(stored), err)
	}
}
