package store

import (
	"context"
	"time"
)

// Audit actions: stable English keys, as stored in audit_log.action.
const (
	// ActionUpload is a workbook uploaded in the portal (one row per file).
	ActionUpload = "upload"
	// ActionImport is a file imported by the CLI (import, sync; one row per
	// file, whatever its outcome).
	ActionImport = "import"
	// ActionReview is a decision on a submission.
	ActionReview = "review"
	// ActionTask is a task (自评任务) added, changed or removed.
	ActionTask = "task"
	// ActionAssign is a waiting revision assigned to a unit.
	ActionAssign = "assign"
	// ActionAccount is an account added, disabled, enabled or its password
	// reset.
	ActionAccount = "account"
	// ActionDownload is the download of an original file.
	ActionDownload = "download"
)

// RoleCLI is the role of audit entries written by the command line.
const RoleCLI = "cli"

// AuditEntry is one row of the audit log. Entries are never updated or
// deleted.
type AuditEntry struct {
	// ID is the entry's number, in the order entries were written (set by
	// Append).
	ID int64
	// At is when; zero means now (Append sets it).
	At time.Time
	// Actor is the account, or for the CLI the --by name or the OS user.
	Actor string
	// Role is the account's role, or RoleCLI.
	Role string
	// Address is the client's address (empty for the CLI).
	Address string
	// Action is one of the Action constants.
	Action string
	// UnitCode is the unit concerned (empty when none).
	UnitCode string
	// Revision is the revision concerned (0 when none).
	Revision int64
	// Detail says what was done, for people.
	Detail string
}

// AuditFilter selects entries of the audit log.
type AuditFilter struct {
	// Unit, when not empty, keeps the entries of that unit.
	Unit string
	// Since, when not zero, keeps the entries at or after it.
	Since time.Time
	// Limit, when positive, keeps the newest Limit of them.
	Limit int
}

// Audit is the append-only audit log.
type Audit interface {
	// Append writes one entry and sets its ID (and At when zero).
	Append(ctx context.Context, e *AuditEntry) error
	// AppendBatch writes entries in one transaction: all or none.
	AppendBatch(ctx context.Context, es []*AuditEntry) error
	// List returns the entries f selects, oldest first.
	List(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}

// AuditedBatch is a records store that writes audit entries in the same
// transaction as a batch of revisions, so that no revision is stored
// without its entry. entries is called inside the transaction with the
// batch's revisions and outcomes (as AddRevisionBatch returns them) and
// returns the entries to write.
type AuditedBatch interface {
	AddRevisionBatchAudited(ctx context.Context, files [][]*NewRevision,
		entries func(revs [][]*Revision, outcomes [][]string) []*AuditEntry) ([][]*Revision, [][]string, error)
}
