package jobs

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/jxsync/jxsync/sync"
)

// ReportHeader names the columns of a bulk import's report, those of
// `jxsync import --report`.
var ReportHeader = []string{"path", "sheet", "unit", "template", "year", "status", "revision", "errors", "warnings", "first_error"}

// WriteReport writes a bulk import's report as CSV (UTF-8 BOM, one line
// per form, text cells neutralised with sync.CSVSafe).
func WriteReport(w io.Writer, items []*Item) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(ReportHeader); err != nil {
		return err
	}
	for _, it := range items {
		for _, x := range it.Results {
			rec := sync.CSVSafeRecord([]string{x.File, x.Sheet, x.Unit, x.Template})
			rec = append(rec, strconv.Itoa(x.Year), x.Outcome, strconv.FormatInt(x.Revision, 10), strconv.Itoa(x.Errors),
				strconv.Itoa(x.Warnings), sync.CSVSafe(x.FirstError))
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Failures returns the results of a bulk import that were not stored or
// were stored with errors: unreadable, conflict, duplicate, failed and
// rejected forms.
func Failures(items []*Item) []*sync.ImportResult {
	var out []*sync.ImportResult
	for _, it := range items {
		for _, r := range it.Results {
			switch r.Outcome {
			case sync.OutcomeUnreadable, sync.OutcomeConflict, sync.OutcomeDuplicate, sync.OutcomeFailed,
				sync.OutcomeCancelled, sync.OutcomeRejected:
				out = append(out, r)
			}
		}
	}
	return out
}
