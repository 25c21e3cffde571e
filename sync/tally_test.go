package sync_test

import (
	"context"
	"fmt"
	"io/fs"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jxsync/jxsync/internal/testkit"
	jxsync "github.com/jxsync/jxsync/sync"
)

// countsOnly says why a summary type could hold a file's results: every
// field must be a count (int) or counts by name (map[string]int).
func countsOnly(t reflect.Type) error {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		switch {
		case f.Type.Kind() == reflect.Int:
		case f.Type.Kind() == reflect.Map && f.Type.Key().Kind() == reflect.String && f.Type.Elem().Kind() == reflect.Int:
		default:
			return fmt.Errorf("field %s is %s, not a count", f.Name, f.Type)
		}
	}
	return nil
}

// TestImportTallyHoldsOnlyCounts: the summary the CLI keeps of an import
// cannot grow with the number of files.
func TestImportTallyHoldsOnlyCounts(t *testing.T) {
	if err := countsOnly(reflect.TypeOf(jxsync.ImportTally{})); err != nil {
		t.Error(err)
	}
	type withResults struct {
		Files   int
		Results []*jxsync.ImportResult
	}
	if countsOnly(reflect.TypeOf(withResults{})) == nil {
		t.Error("a summary holding results passes the check")
	}
}

// TestImportEach: each file's results are told in the order of the
// sources (an unreadable file and the files after it included) and
// counted as ImportAll's results are.
func TestImportEach(t *testing.T) {
	ctx := context.Background()
	srcs, _ := jxsync.Collect(testkit.Examples(t), jxsync.CollectLimits{})
	srcs = append(srcs[:3:3], append([]jxsync.Source{{Name: "gone.xlsx", Read: func() ([]byte, error) { return nil, fs.ErrNotExist }}}, srcs[3:]...)...)

	var told []*jxsync.ImportResult
	tally := testkit.Service(t).ImportEach(ctx, srcs, 2, jxsync.ImportOptions{By: "test"}, nil, func(rs []*jxsync.ImportResult) {
		told = append(told, rs...)
	})
	all := testkit.Service(t).ImportAll(ctx, srcs, 2, "test", nil)
	if len(told) != len(all) {
		t.Fatalf("told %d results, ImportAll returns %d", len(told), len(all))
	}
	for i := range all {
		if told[i].File != all[i].File || told[i].Sheet != all[i].Sheet || told[i].Outcome != all[i].Outcome {
			t.Errorf("result %d: told %s [%s] %s, ImportAll %s [%s] %s", i, told[i].File, told[i].Sheet, told[i].Outcome, all[i].File, all[i].Sheet, all[i].Outcome)
		}
	}
	var want jxsync.ImportTally
	for _, r := range all {
		want.Add([]*jxsync.ImportResult{r})
	}
	want.Files = len(srcs)
	if !reflect.DeepEqual(tally, want) {
		t.Errorf("tally %+v, want %+v", tally, want)
	}
	if tally.Outcomes[jxsync.OutcomeUnreadable] != 1 || tally.Outcomes["imported"] != 6 || tally.Outcomes[jxsync.OutcomeRejected] != 2 || tally.Forms != 8 {
		t.Errorf("tally %+v, want 6 imported, 2 rejected, 1 unreadable, 8 forms", tally)
	}
}

// TestImportEachKeepsNoResults: once ImportEach has told a file's results
// nothing holds them (each result's finalizer runs after a collection);
// ImportAll's results stay alive while they are used.
func TestImportEachKeepsNoResults(t *testing.T) {
	ctx := context.Background()
	srcs, _ := jxsync.Collect(testkit.Examples(t), jxsync.CollectLimits{})
	var told, freed atomic.Int64
	watch := func(rs []*jxsync.ImportResult) {
		for _, r := range rs {
			told.Add(1)
			runtime.SetFinalizer(r, func(*jxsync.ImportResult) { freed.Add(1) })
		}
	}
	// collect runs collections until every told result was freed, or
	// gives up after a while (it does not time anything).
	collect := func() int64 {
		for i := 0; i < 100 && freed.Load() < told.Load(); i++ {
			runtime.GC()
			time.Sleep(5 * time.Millisecond)
		}
		return freed.Load()
	}

	testkit.Service(t).ImportEach(ctx, srcs, 2, jxsync.ImportOptions{By: "test"}, nil, watch)
	if n, f := told.Load(), collect(); n == 0 || f != n {
		t.Errorf("ImportEach: %d of %d results freed", f, n)
	}

	told.Store(0)
	freed.Store(0)
	all := testkit.Service(t).ImportAllWith(ctx, srcs, 2, jxsync.ImportOptions{By: "test", OnFile: watch}, nil)
	if f := collect(); f != 0 {
		t.Errorf("ImportAll: %d results freed while held", f)
	}
	runtime.KeepAlive(all)
}
