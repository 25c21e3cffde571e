package testkit

import (
	"crypto/sha256"
	"fmt"
	gosync "sync"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
)

// checkedReader is the workbook reader of the services tests get: before
// reading, it checks that the one-pass reader and the excelize path read
// the workbook alike (template.CheckReadPaths), so that every workbook a
// service-level test touches is part of the differential test of the fast
// reader. A difference is an error naming it.
type checkedReader struct{ template.Reader }

// checked holds the hashes of the workbooks found alike, each checked once.
var checked gosync.Map

// Read implements sync.WorkbookReader.
func (r checkedReader) Read(name string, data []byte) (*mapping.Workbook, error) {
	key := sha256.Sum256(data)
	if _, done := checked.Load(key); !done {
		if _, err := template.CheckReadPaths(name, data, r.Limits); err != nil {
			return nil, fmt.Errorf("read paths differ (fast reader bug): %w", err)
		}
		checked.Store(key, true)
	}
	return r.Reader.Read(name, data)
}

// checkRead fails tb when the two read paths differ on a workbook a test
// built.
func checkRead(tb testing.TB, name string, data []byte) {
	tb.Helper()
	if _, err := template.CheckReadPaths(name, data, template.Limits{}); err != nil {
		tb.Fatalf("%s: read paths differ (fast reader bug): %v", name, err)
	}
}
