package sync_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/local"
	jxsync "github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

// downBlobs is a blob store that is down: every Put fails.
type downBlobs struct {
	store.Blobs
	puts atomic.Int64
}

func (d *downBlobs) Put(context.Context, []byte) (string, error) {
	d.puts.Add(1)
	return "", errors.New("connection refused")
}

// TestImportStopsWhenStoreIsDown: after MaxStoreFailures files in a row
// fail on the store, the batch takes no more files and says why.
func TestImportStopsWhenStoreIsDown(t *testing.T) {
	down := &downBlobs{}
	svc := testkit.Service(t, testkit.WithBlobs(down))
	wb := testkit.HubeiWorkbook(t, "甲单位", nil)
	var srcs []jxsync.Source
	for i := 0; i < 40; i++ {
		srcs = append(srcs, jxsync.Source{Name: fmt.Sprintf("f%02d.xlsx", i), Read: func() ([]byte, error) { return wb, nil }})
	}
	rs := svc.ImportAll(context.Background(), srcs, 2, "test", nil)
	if len(rs) != 40 {
		t.Fatalf("%d results", len(rs))
	}
	if n := down.puts.Load(); n > jxsync.MaxStoreFailures+2 {
		t.Errorf("%d writes tried after the store was seen down", n)
	}
	last := rs[len(rs)-1]
	if last.Outcome != jxsync.OutcomeCancelled || !strings.Contains(last.FirstError, "连续") {
		t.Errorf("last file: %+v", last)
	}

	// A store that fails now and then does not stop the batch.
	ok := testkit.Service(t)
	rs = ok.ImportAll(context.Background(), srcs[:3], 1, "test", nil)
	for _, r := range rs {
		if r.Outcome == jxsync.OutcomeFailed {
			t.Errorf("healthy store: %+v", r)
		}
	}
}

// TestLeftoversCheckedAndSwept: a temporary file a killed write left is
// reported by CheckStore, removed by RepairStore and by the next import.
func TestLeftoversCheckedAndSwept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	blobs, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := testkit.Service(t, testkit.WithBlobs(blobs))
	leave := func() string {
		p := filepath.Join(dir, "ab", ".put-999")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
		past := time.Now().Add(-2 * jxsync.LeftoverAge)
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := leave()
	probs, err := svc.CheckStore(ctx)
	if err != nil || len(probs) != 1 || !strings.Contains(probs[0], ".put-999") {
		t.Fatalf("check: %v %v", probs, err)
	}
	if removed, err := svc.RepairStore(ctx); err != nil || len(removed) != 1 {
		t.Fatalf("repair: %v %v", removed, err)
	}
	if probs, _ := svc.CheckStore(ctx); len(probs) != 0 {
		t.Errorf("after repair: %v", probs)
	}
	p = leave()
	wb := testkit.HubeiWorkbook(t, "甲单位", nil)
	svc.ImportAll(ctx, []jxsync.Source{{Name: "a.xlsx", Read: func() ([]byte, error) { return wb, nil }}}, 1, "test", nil)
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("import left the leftover")
	}
}

// TestIdentityNamesBounded: a unit or project name too long, or with
// control characters, is a finding and never a stored unit; the message
// does not echo it whole.
func TestIdentityNamesBounded(t *testing.T) {
	ctx := context.Background()
	svc := testkit.Service(t)
	long := strings.Repeat("很长的单位名称", 100)
	for name, unit := range map[string]string{"long": long, "control": "甲单位\x1b[2J"} {
		r, err := svc.Import(ctx, name+".xlsx", testkit.HubeiWorkbook(t, unit, nil), "test")
		if err != nil || r.Unit != "" || r.Revision == 0 || !strings.Contains(r.FirstError, "单位名称") || len(r.FirstError) > 400 {
			t.Errorf("%s: %+v %v", name, r, err)
		}
	}
	r, err := svc.Import(ctx, "project.xlsx", testkit.ProjectWorkbook(t, "乙单位", "2022", func(d *template.Data) {
		d.Fields["project_name"] = strings.Repeat("项", 201)
	}), "test")
	if err != nil || r.Unit != "" || !strings.Contains(r.FirstError, "项目名称") {
		t.Errorf("long project name: %+v %v", r, err)
	}
	if n := testkit.QueryInt(t, svc.Records, `SELECT count(*) FROM units`); n != 0 {
		t.Errorf("%d units stored", n)
	}
	// 200 characters is still a name.
	r, err = svc.Import(ctx, "ok.xlsx", testkit.HubeiWorkbook(t, strings.Repeat("甲", 200), nil), "test")
	if err != nil || r.Unit == "" {
		t.Errorf("200 characters: %+v %v", r, err)
	}
}
