package store

import (
	"context"
	"time"

	"github.com/jxsync/jxsync/mapping"
)

// Revision statuses.
const (
	// StatusValid: no finding.
	StatusValid = "valid"
	// StatusWarnings: warnings only.
	StatusWarnings = "warnings"
	// StatusRejected: at least one error finding, or the unit or year could
	// not be read. Rejected files are kept like any other.
	StatusRejected = "rejected"
)

// Import outcomes.
const (
	// OutcomeImported: a first revision of a new submission.
	OutcomeImported = "imported"
	// OutcomeUpdated: a new revision of an existing submission.
	OutcomeUpdated = "updated"
	// OutcomeUnchanged: the same bytes were already stored for it.
	OutcomeUnchanged = "unchanged"
)

// NewRevision is what import hands the records store for one received file.
type NewRevision struct {
	// Unit, TemplateID, Year and Subject identify the submission. Unit may be
	// empty for a file whose unit could not be read: it is then kept as a
	// revision of no submission.
	Unit       string
	TemplateID string
	Year       int
	// UnitCode, when set, files the revision under the registered unit
	// with that code (Unit is then the name as typed); empty files it
	// under the unit named Unit, created when missing.
	UnitCode string
	// PendingUnit, when set (Unit and UnitCode empty), is the unit's name
	// as typed in a form whose unit matched no registered unit or several:
	// the revision is kept as one of no submission and waits in the
	// 待确认单位 queue (see PendingUnits) with Year and Subject.
	PendingUnit string
	// Subject tells apart several submissions of one unit, template and year
	// (the project of a 项目支出绩效自评表); empty otherwise.
	Subject string
	// Sheet is the sheet of the original the form was read from.
	Sheet string
	// Fingerprint is the hash of the form's data (mapping.Result.Fingerprint):
	// a file whose form has the fingerprint of its submission's latest
	// revision is unchanged for that form.
	Fingerprint string
	// TemplateVersion and TemplateTitle describe the template used.
	TemplateVersion string
	TemplateTitle   string
	// BlobHash is the stored original's hash; FileName and Size describe it.
	BlobHash string
	FileName string
	Size     int64
	// UploadedBy names who uploaded it (a user, or "import").
	UploadedBy string
	// UploadedAt is when; zero means now.
	UploadedAt time.Time
	// Status is StatusValid, StatusWarnings or StatusRejected.
	Status   string
	Findings []mapping.Finding
	// Result is the extracted data; nil for a file whose data is not kept.
	Result *mapping.Result
	// TotalScore is the form's 总分, when it has one.
	TotalScore *float64
	// Met holds, per table path and row index, whether the row's target was
	// met (rows without a target are absent).
	Met map[string]map[int]bool
	// Encoded, when set (by Encode, once Findings and Result are final),
	// is their stored form: the records stores write it as it is instead
	// of encoding them while they hold their transaction.
	Encoded *Encoded
}

// Revision is a stored revision.
type Revision struct {
	ID           int64
	SubmissionID int64 // 0 for a revision of no submission
	Seq          int   // 1, 2, … within its submission
	Unit         string
	// UnitCode is the code of the unit (empty for a revision of no
	// submission).
	UnitCode        string
	TemplateID      string
	TemplateVersion string
	Year            int
	Subject         string
	BlobHash        string
	FileName        string
	// Sheet is the sheet of the original the form was read from.
	Sheet      string
	Size       int64
	UploadedAt time.Time
	UploadedBy string
	Status     string
	Errors     int
	Warnings   int
	TotalScore *float64
}

// Problem is one inconsistency Check found.
type Problem struct {
	// Revision is the revision concerned (0 when none).
	Revision int64
	// Message says what is wrong.
	Message string
}

// Records keeps submissions, their revisions and the parsed values.
type Records interface {
	// AddRevisions records the forms of one received file in one
	// transaction and says, per form, what it was: OutcomeImported,
	// OutcomeUpdated or OutcomeUnchanged (the same blob and sheet is already
	// a revision of that submission, or its latest revision has the same
	// Fingerprint: nothing is written for it and that revision is returned).
	// Revisions are never updated or deleted.
	AddRevisions(ctx context.Context, nrs []*NewRevision) ([]*Revision, []string, error)
	// AddRevisionBatch is AddRevisions for the forms of many files in one
	// transaction (group commit): all are recorded, or none.
	AddRevisionBatch(ctx context.Context, files [][]*NewRevision) ([][]*Revision, [][]string, error)
	// Unidentified returns the revisions of no submission whose unit or
	// year could not be read (not those waiting for a unit: PendingUnits), newest first; by, when not empty, limits them
	// to those uploaded by that name.
	Unidentified(ctx context.Context, by string) ([]*Revision, error)
	// Revision returns one revision. Errors: ErrNotFound.
	Revision(ctx context.Context, id int64) (*Revision, error)
	// Data returns the extracted data stored with a revision. Errors:
	// ErrNotFound (no such revision, or it has no data).
	Data(ctx context.Context, id int64) (*mapping.Result, error)
	// History returns the revisions of a unit's submissions, oldest first.
	// Errors: ErrNotFound when there is no such unit.
	History(ctx context.Context, unit string) ([]*Revision, error)
	// LatestOf returns the newest revision of a submission. Errors:
	// ErrNotFound.
	LatestOf(ctx context.Context, submission int64) (*Revision, error)
	// Latest returns the newest revision of every submission, optionally
	// limited to a template id (empty: all).
	Latest(ctx context.Context, templateID string) ([]*Revision, error)
	// Blobs lists every blob hash revisions refer to, with the revisions
	// that refer to it.
	Blobs(ctx context.Context) (map[string][]int64, error)
	// Check finds records that are inconsistent (values without a revision,
	// revisions without a submission that should have one, broken sequences).
	Check(ctx context.Context) ([]Problem, error)
	// Query runs a read-only SQL statement and returns the column names and
	// rows. Statements that would write are refused.
	Query(ctx context.Context, sql string) ([]string, [][]any, error)
	// Close releases the store.
	Close() error
}
