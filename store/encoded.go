package store

import (
	"encoding/json"
	"fmt"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store/internal/doc"
)

// Encoded is the stored form of a new revision's findings and data, the
// same in every records store.
type Encoded struct {
	// Findings is the JSON of the findings ([] for none).
	Findings []byte
	// Data is the document of the result (nil without one): its JSON,
	// zstd-compressed.
	Data []byte
}

// Encode sets nr.Encoded from nr.Findings and nr.Result. Call it once they
// are final, outside the records store's transaction (an import's
// parallel workers do): it is the costly part of recording a revision.
func (nr *NewRevision) Encode() error {
	e, err := encode(nr)
	if err != nil {
		return err
	}
	nr.Encoded = e
	return nil
}

// Encoding returns nr.Encoded, or, when it is not set, the stored form of
// nr.Findings and nr.Result (without keeping it).
func (nr *NewRevision) Encoding() (*Encoded, error) {
	if nr.Encoded != nil {
		return nr.Encoded, nil
	}
	return encode(nr)
}

func encode(nr *NewRevision) (*Encoded, error) {
	fs := nr.Findings
	if fs == nil {
		fs = []mapping.Finding{}
	}
	f, err := json.Marshal(fs)
	if err != nil {
		return nil, fmt.Errorf("encode findings: %w", err)
	}
	e := &Encoded{Findings: f}
	if nr.Result != nil {
		if e.Data, err = doc.Encode(nr.Result); err != nil {
			return nil, err
		}
	}
	return e, nil
}
