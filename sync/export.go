package sync

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// Exporter lays a template out filled with data; the template package
// implements it.
type Exporter interface {
	// Export returns the workbook of t filled with res, with props written
	// as custom document properties.
	Export(t *mapping.Template, res *mapping.Result, props map[string]string) ([]byte, error)
}

// Export fills the template with a stored revision's data and marks the
// workbook with where it came from, so that a re-upload is recognised as a
// revision of the same submission.
func (s *Service) Export(ctx context.Context, id int64) ([]byte, *store.Revision, error) {
	rev, err := s.Records.Revision(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("export revision %d: %w", id, err)
	}
	res, err := s.Records.Data(ctx, id)
	if err != nil {
		return nil, rev, fmt.Errorf("export revision %d: %w", id, err)
	}
	t, err := mapping.Find(s.Templates, rev.TemplateID+"@"+rev.TemplateVersion)
	if err != nil {
		return nil, rev, fmt.Errorf("export revision %d: %w", id, err)
	}
	out, err := s.Exporter.Export(t, res, Props(rev, res))
	if err != nil {
		return nil, rev, fmt.Errorf("export revision %d: %w", id, err)
	}
	return out, rev, nil
}

// Props are the identity properties of a workbook generated from rev.
func Props(rev *store.Revision, res *mapping.Result) map[string]string {
	return map[string]string{
		mapping.PropTemplate:   rev.TemplateID,
		mapping.PropVersion:    rev.TemplateVersion,
		mapping.PropUnit:       rev.Unit,
		mapping.PropYear:       strconv.Itoa(rev.Year),
		mapping.PropSubmission: strconv.FormatInt(rev.SubmissionID, 10),
		mapping.PropRevision:   strconv.FormatInt(rev.ID, 10),
		mapping.PropDataHash:   res.Fingerprint(),
	}
}
