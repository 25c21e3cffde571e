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
	out, rev, _, err := s.ExportVersion(ctx, id, "")
	return out, rev, err
}

// ExportVersion is Export onto another version of the revision's template
// (empty: its own): the data is carried over by the versions' upgrade
// sections, and notes say what did not carry.
func (s *Service) ExportVersion(ctx context.Context, id int64, version string) ([]byte, *store.Revision, []string, error) {
	rev, err := s.Records.Revision(ctx, id)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("export revision %d: %w", id, err)
	}
	res, err := s.Records.Data(ctx, id)
	if err != nil {
		return nil, rev, nil, fmt.Errorf("export revision %d: %w", id, err)
	}
	if version == "" {
		version = rev.TemplateVersion
	}
	t, err := mapping.Find(s.Templates, rev.TemplateID+"@"+version)
	if err != nil {
		return nil, rev, nil, fmt.Errorf("export revision %d: %w", id, err)
	}
	res, notes, err := Upgrade(s.Templates, res, t)
	if err != nil {
		return nil, rev, nil, fmt.Errorf("export revision %d: %w", id, err)
	}
	props := Props(rev, res)
	props[mapping.PropVersion] = t.Version
	out, err := s.Exporter.Export(t, res, props)
	if err != nil {
		return nil, rev, nil, fmt.Errorf("export revision %d: %w", id, err)
	}
	return out, rev, notes, nil
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
