package store

import (
	"context"
	"time"
)

// CustomTemplate is a template version added to the store (`jxsync
// templates add`): its mapping.yaml as written, and its blank template.xlsx
// kept in the blob store under BlankHash. Every server of a deployment
// loads the stored versions beside the embedded ones.
type CustomTemplate struct {
	ID, Version string
	// MappingYAML is the mapping.yaml as added.
	MappingYAML []byte
	// BlankHash is the blob hash of the blank template.xlsx.
	BlankHash string
	// AddedAt is when it was added (zero: now); AddedBy who added it.
	AddedAt time.Time
	AddedBy string
}

// Templates keeps the template versions added to the store. A stored
// version is never changed: a new layout is a new version.
type Templates interface {
	// AddTemplate stores t; ErrExists when its id and version are stored
	// already.
	AddTemplate(ctx context.Context, t *CustomTemplate) error
	// CustomTemplates lists the stored versions by id, then version.
	CustomTemplates(ctx context.Context) ([]*CustomTemplate, error)
}
