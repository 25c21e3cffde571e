package store

import (
	"context"
	"time"
)

// OutcomePending: the form's unit matched no registered unit, or several;
// it is kept as a revision of no submission and waits in the 待确认单位
// queue until someone assigns it to a unit.
const OutcomePending = "pending"

// PendingRevision is a revision waiting in the 待确认单位 queue, with the
// identity its cells gave.
type PendingRevision struct {
	// Revision is the stored revision of no submission.
	Revision *Revision
	// UnitName is the unit's name as typed in the form.
	UnitName string
	// Year and Subject are the form's year and project as read.
	Year    int
	Subject string
}

// Assignment records that a waiting revision was filed under a unit.
type Assignment struct {
	// Revision is the waiting revision; Filed the unit's submission
	// revision made from it.
	Revision, Filed int64
	// UnitCode is the unit it was filed under; By who assigned it, At when.
	UnitCode string
	By       string
	At       time.Time
}

// PendingUnits keeps the 待确认单位 queue. A NewRevision with PendingUnit
// set joins it when recorded (see Records.AddRevisions).
type PendingUnits interface {
	// Pending returns the waiting revisions (not assigned yet), oldest
	// first.
	Pending(ctx context.Context) ([]*PendingRevision, error)
	// PendingRevision returns one revision of the queue, waiting or
	// assigned (then with its assignment). Errors: ErrNotFound (no such
	// revision in the queue).
	PendingRevision(ctx context.Context, id int64) (*PendingRevision, *Assignment, error)
	// Assign files a waiting revision under the unit with that code, in
	// one transaction: a new revision of the unit's submission (the
	// template, year and subject as read) with the same original, sheet,
	// data, findings, status, uploader and upload time; the assignment
	// (append-only); and the typed name as an alias of the unit, unless it
	// is that unit's name or alias already or another unit's. It returns
	// the new revision. Errors: ErrNotFound (no such waiting revision or
	// unit), ErrExists (assigned already: the error names the unit).
	Assign(ctx context.Context, revision int64, code, by string) (*Revision, error)
}
