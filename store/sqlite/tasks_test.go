package sqlite_test

import (
	"testing"

	"github.com/jxsync/jxsync/store/storetest"
)

func TestTasks(t *testing.T) {
	storetest.Tasks(t, func(t *testing.T) storetest.TaskStore { return MustOpenDB(t) })
}
