package sqlite_test

import (
	"testing"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/store/storetest"
)

func TestLimits(t *testing.T) {
	storetest.Limits(t, func(t *testing.T) store.Limits { return MustOpenDB(t) })
}
