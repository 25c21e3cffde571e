package template

import "github.com/jxsync/jxsync/mapping"

// Reader reads .xlsx bytes into the mapping view within its limits. It is
// the template package's implementation of sync.WorkbookReader.
type Reader struct {
	Limits Limits
}

// Read implements sync.WorkbookReader.
func (r Reader) Read(name string, data []byte) (*mapping.Workbook, error) {
	return Read(name, data, r.Limits)
}
