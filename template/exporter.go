package template

import "github.com/jxsync/jxsync/mapping"

// Exporter implements sync.Exporter with Export.
type Exporter struct{}

// Export implements sync.Exporter.
func (Exporter) Export(t *mapping.Template, res *mapping.Result, props map[string]string) ([]byte, error) {
	return Export(t, res, props)
}
