package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/store"
)

// Templates runs the shared suite of store.Templates implementations.
func Templates(t *testing.T, e Engine) {
	ctx := context.Background()
	db := e.Open(t)
	if ts, err := db.CustomTemplates(ctx); err != nil || len(ts) != 0 {
		t.Fatalf("empty store: %v %v", ts, err)
	}
	blank := store.Hash([]byte("blank"))
	for _, ct := range []*store.CustomTemplate{
		{ID: "hunan-dept", Version: "2025", MappingYAML: []byte("id: hunan-dept\n"), BlankHash: blank, AddedBy: "caizheng"},
		{ID: "hunan-dept", Version: "2024", MappingYAML: []byte("id: hunan-dept\nversion: \"2024\"\n"), BlankHash: blank, AddedBy: "caizheng"},
	} {
		if err := db.AddTemplate(ctx, ct); err != nil {
			t.Fatal(err)
		}
	}
	err := db.AddTemplate(ctx, &store.CustomTemplate{ID: "hunan-dept", Version: "2025", MappingYAML: []byte("other"), BlankHash: blank})
	if !errors.Is(err, store.ErrExists) {
		t.Errorf("same id and version again: %v, want ErrExists", err)
	}
	if err := db.AddTemplate(ctx, &store.CustomTemplate{ID: "x", Version: "1", BlankHash: "nothex"}); !errors.Is(err, store.ErrBadHash) {
		t.Errorf("bad hash: %v", err)
	}
	ts, err := db.CustomTemplates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Version != "2024" || ts[1].Version != "2025" {
		t.Fatalf("templates: %+v", ts)
	}
	if got := ts[1]; string(got.MappingYAML) != "id: hunan-dept\n" || got.BlankHash != blank || got.AddedBy != "caizheng" || got.AddedAt.IsZero() {
		t.Errorf("stored: %+v", got)
	}
	// A stored version is never changed, not even by SQL past the store.
	if err := e.Exec(t, db, `UPDATE templates_custom SET mapping_yaml = 'x'`); err == nil || !strings.Contains(err.Error(), "never updated") {
		t.Errorf("update: %v", err)
	}
}
