package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/jxsync/jxsync/store"
)

// Limits runs the shared suite of store.Limits implementations. open
// returns an empty store.
func Limits(t *testing.T, open func(t *testing.T) store.Limits) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	count := func(t *testing.T, l store.Limits, key string, since time.Time) (int, time.Time) {
		t.Helper()
		n, oldest, err := l.Count(ctx, key, since)
		if err != nil {
			t.Fatal(err)
		}
		return n, oldest
	}
	record := func(t *testing.T, l store.Limits, at time.Time, keys ...string) {
		t.Helper()
		if err := l.Record(ctx, at, keys...); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("CountInWindow", func(t *testing.T) {
		l := open(t)
		if n, oldest := count(t, l, "a", t0); n != 0 || !oldest.IsZero() {
			t.Fatalf("empty: %d %v", n, oldest)
		}
		for i := range 3 {
			record(t, l, t0.Add(time.Duration(i)*time.Minute), "a", "b")
		}
		record(t, l, t0.Add(time.Hour), "b")
		if n, oldest := count(t, l, "a", t0); n != 3 || !oldest.Equal(t0) {
			t.Errorf("a since t0: %d %v, want 3 %v", n, oldest, t0)
		}
		// Events before since are not counted; one at since is.
		if n, oldest := count(t, l, "a", t0.Add(time.Minute)); n != 2 || !oldest.Equal(t0.Add(time.Minute)) {
			t.Errorf("a since t0+1m: %d %v", n, oldest)
		}
		if n, _ := count(t, l, "b", t0); n != 4 {
			t.Errorf("b: %d, want 4", n)
		}
		if n, _ := count(t, l, "c", t0); n != 0 {
			t.Errorf("c: %d, want 0", n)
		}
	})
	t.Run("SubSecond", func(t *testing.T) {
		l := open(t)
		at := t0.Add(1500 * time.Millisecond)
		record(t, l, at, "k")
		if n, oldest := count(t, l, "k", t0.Add(1400*time.Millisecond)); n != 1 || !oldest.Equal(at) {
			t.Errorf("%d %v, want 1 %v", n, oldest, at)
		}
		if n, _ := count(t, l, "k", t0.Add(1600*time.Millisecond)); n != 0 {
			t.Errorf("after the event: %d", n)
		}
	})
	t.Run("Reset", func(t *testing.T) {
		l := open(t)
		record(t, l, t0, "a", "b", "c")
		if err := l.Reset(ctx, "a", "b"); err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]int{"a": 0, "b": 0, "c": 1} {
			if n, _ := count(t, l, key, t0); n != want {
				t.Errorf("%s after reset: %d, want %d", key, n, want)
			}
		}
	})
	// The portal's keys join an address and a name with a NUL byte, which
	// PostgreSQL's text refuses: keys are any bytes, and keys that differ
	// stay apart.
	t.Run("KeysWithNUL", func(t *testing.T) {
		l := open(t)
		pair, lookalike := "login:pair:127.0.0.1\x00bureau", `login:pair:127.0.0.1\0bureau`
		record(t, l, t0, pair, pair+"\x00x")
		record(t, l, t0, lookalike)
		record(t, l, t0, lookalike)
		for key, want := range map[string]int{pair: 1, pair + "\x00x": 1, lookalike: 2} {
			if n, _ := count(t, l, key, t0); n != want {
				t.Errorf("%q: %d, want %d", key, n, want)
			}
		}
		if err := l.Reset(ctx, pair); err != nil {
			t.Fatal(err)
		}
		if n, _ := count(t, l, pair, t0); n != 0 {
			t.Errorf("%q after reset: %d", pair, n)
		}
		if n, _ := count(t, l, lookalike, t0); n != 2 {
			t.Errorf("%q after resetting %q: %d", lookalike, pair, n)
		}
	})
	t.Run("Prune", func(t *testing.T) {
		l := open(t)
		record(t, l, t0, "a")
		record(t, l, t0.Add(time.Minute), "a", "b")
		n, err := l.Prune(ctx, t0.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("prune: %d %v, want 1", n, err)
		}
		if n, oldest := count(t, l, "a", t0.Add(-time.Hour)); n != 1 || !oldest.Equal(t0.Add(time.Minute)) {
			t.Errorf("a after prune: %d %v", n, oldest)
		}
	})
}
