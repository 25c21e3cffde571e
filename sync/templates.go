package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// Template versions added to the store (`jxsync templates add`): a bureau's
// own form, kept as records and a blob so that every server of a deployment
// loads it beside the embedded templates.

// ErrTemplateExists means a template version with that id and version is
// known already (embedded, or stored with other content).
var ErrTemplateExists = errors.New("template version exists")

// AddedTemplate is what AddTemplate did.
type AddedTemplate struct {
	Template *mapping.Template
	Record   *store.CustomTemplate
	// Unchanged says the same version with the same mapping and blank
	// was stored already.
	Unchanged bool
}

// StoredTemplate is a template version kept in the store, loaded.
type StoredTemplate struct {
	Template *mapping.Template
	// Blank is its blank template.xlsx.
	Blank  []byte
	Record *store.CustomTemplate
}

// templateStore returns the records store's template table.
func (s *Service) templateStore() (store.Templates, error) {
	ts, ok := s.Records.(store.Templates)
	if !ok || s.Blobs == nil {
		return nil, errors.New("templates: the store does not keep templates")
	}
	return ts, nil
}

// AddTemplate checks a template version — its mapping.yaml (name is its
// path, for messages) must load and resolve in its blank template.xlsx,
// and its id and version must be new — and stores it: the blank in the
// blob store, the mapping in the records. The service knows it at once
// (s.Templates); other processes load it with StoredTemplates. Adding the
// same version with the same files again is Unchanged; with other files it
// is ErrTemplateExists.
func (s *Service) AddTemplate(ctx context.Context, name string, mappingYAML, blank []byte, by string) (*AddedTemplate, error) {
	ts, err := s.templateStore()
	if err != nil {
		return nil, err
	}
	t, err := mapping.Load(name, mappingYAML)
	if err != nil {
		return nil, err
	}
	if err := s.checkBlank(t, blank); err != nil {
		return nil, err
	}
	stored, err := ts.CustomTemplates(ctx)
	if err != nil {
		return nil, err
	}
	hash := store.Hash(blank)
	for _, st := range stored {
		if st.ID != t.ID || st.Version != t.Version {
			continue
		}
		if bytes.Equal(st.MappingYAML, mappingYAML) && st.BlankHash == hash {
			return &AddedTemplate{Template: t, Record: st, Unchanged: true}, nil
		}
		return nil, fmt.Errorf("add template %s@%s: %w: 库中已有此版本，内容不同；请用新的版本号 (stored with other content; use a new version)",
			t.ID, t.Version, ErrTemplateExists)
	}
	if _, err := mapping.Find(s.Templates, t.ID+"@"+t.Version); err == nil {
		return nil, fmt.Errorf("add template %s@%s: %w: 与已有模板同名同版本 (an embedded or configured template has this id and version)",
			t.ID, t.Version, ErrTemplateExists)
	}
	if _, err := s.Blobs.Put(ctx, blank); err != nil {
		return nil, fmt.Errorf("add template %s@%s: %w", t.ID, t.Version, err)
	}
	rec := &store.CustomTemplate{ID: t.ID, Version: t.Version, MappingYAML: mappingYAML, BlankHash: hash, AddedBy: by}
	if err := ts.AddTemplate(ctx, rec); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, fmt.Errorf("add template %s@%s: %w", t.ID, t.Version, ErrTemplateExists)
		}
		return nil, err
	}
	s.Templates = append(s.Templates, t)
	return &AddedTemplate{Template: t, Record: rec}, nil
}

// StoredTemplates loads every template version of the store with its blank
// workbook, each checked as AddTemplate checks it. A version that no longer
// loads (its blank missing or corrupt, its mapping refused by this jxsync)
// is left out and named in the error, beside the versions that load.
func (s *Service) StoredTemplates(ctx context.Context) ([]StoredTemplate, error) {
	ts, err := s.templateStore()
	if err != nil {
		return nil, err
	}
	recs, err := ts.CustomTemplates(ctx)
	if err != nil {
		return nil, err
	}
	var out []StoredTemplate
	var errs []error
	for _, rec := range recs {
		name := "store:" + rec.ID + "/" + rec.Version + "/mapping.yaml"
		blank, err := s.Blobs.Get(ctx, rec.BlankHash)
		if err != nil {
			errs = append(errs, fmt.Errorf("stored template %s@%s: template.xlsx: %w", rec.ID, rec.Version, err))
			continue
		}
		t, err := mapping.Load(name, rec.MappingYAML)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.checkBlank(t, blank); err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, StoredTemplate{Template: t, Blank: blank, Record: rec})
	}
	return out, errors.Join(errs...)
}

// checkBlank reports every binding of t that does not resolve in its blank
// workbook, as loading the embedded templates does.
func (s *Service) checkBlank(t *mapping.Template, blank []byte) error {
	wb, err := s.Reader.Read("template.xlsx", blank)
	if err != nil {
		return fmt.Errorf("template %s@%s: template.xlsx: %w", t.ID, t.Version, err)
	}
	sh, missing := t.SheetOf(wb)
	if sh == nil {
		return fmt.Errorf("template %s@%s: template.xlsx 中没有本表的识别标签 (detection labels not in the blank): %s",
			t.ID, t.Version, strings.Join(missing, "、"))
	}
	res, err := t.Extract(wb, sh)
	if err != nil {
		return fmt.Errorf("template %s@%s: %w", t.ID, t.Version, err)
	}
	var errs []error
	for _, p := range res.Problems {
		if p.Code != "pattern-no-match" {
			errs = append(errs, fmt.Errorf("%s: %s", p.Path, p.Message))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("template %s@%s: 在 template.xlsx 中未能解析 (does not resolve in its blank): %w", t.ID, t.Version, errors.Join(errs...))
	}
	return nil
}
