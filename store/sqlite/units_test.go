package sqlite_test

import (
	"testing"

	"github.com/jxsync/jxsync/store/storetest"
)

func TestUnits(t *testing.T) {
	storetest.Units(t, func(t *testing.T) storetest.UnitStore { return MustOpenDB(t) })
}
