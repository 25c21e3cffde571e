package mapping

import "errors"

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrUnknownTemplate means no template's detection labels were all found
	// in a workbook.
	ErrUnknownTemplate = errors.New("unknown template")
	// ErrNoTemplate means a requested template id or version does not exist.
	ErrNoTemplate = errors.New("no such template")
)
