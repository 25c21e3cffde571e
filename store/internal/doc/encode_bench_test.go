package doc_test

import (
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/store/internal/doc"
)

// BenchmarkEncode: the document of a seed-sized form and of forms of 10,
// 150 and 200 indicator rows (go test -bench Encode ./store/internal/doc),
// as an import's workers write them.
func BenchmarkEncode(b *testing.B) {
	for _, f := range testkit.BenchForms(b, 10, 150, 200) {
		res := f.Report.Result
		d, err := doc.Encode(res)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f.Name, func(b *testing.B) {
			b.ReportAllocs()
			b.ReportMetric(float64(testkit.Rows(res)), "rows")
			b.ReportMetric(float64(len(d)), "bytes")
			for b.Loop() {
				if _, err := doc.Encode(res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
