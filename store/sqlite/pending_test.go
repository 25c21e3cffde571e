package sqlite_test

import (
	"testing"

	"github.com/jxsync/jxsync/store/storetest"
)

func TestPendingSuite(t *testing.T) {
	storetest.Pending(t, func(t *testing.T) storetest.PendingStore { return MustOpenDB(t) })
}
