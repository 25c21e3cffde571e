package store

import (
	"context"
	"errors"
	"time"
)

// ErrExists means a record with that key exists already.
var ErrExists = errors.New("already exists")

// Roles of users.
const (
	// RoleAgency is an agency's (预算单位) account: it reads and writes its
	// own unit's submissions only.
	RoleAgency = "agency"
	// RoleBureau is a bureau staff account: it sees every unit.
	RoleBureau = "bureau"
)

// User is an account of the web portal.
type User struct {
	ID   int64
	Name string
	// Role is RoleAgency or RoleBureau.
	Role string
	// Unit is an agency account's unit name (empty for bureau staff).
	Unit string
	// PasswordHash is the bcrypt hash of the password.
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
}

// Session is a signed-in browser.
type Session struct {
	// TokenHash is the SHA-256 of the cookie's token (the token itself is
	// never stored).
	TokenHash string
	User      string
	// CSRF is the session's anti-forgery token.
	CSRF      string
	ExpiresAt time.Time
}

// Review is a bureau's decision on a submission's revision.
type Review struct {
	ID         int64
	Submission int64
	Revision   int64
	// Status is accepted or returned.
	Status string
	// Level is LevelDepartment or LevelBureau (empty: LevelBureau).
	Level   string
	Comment string
	By      string
	At      time.Time
}

// Review statuses.
const (
	ReviewAccepted = "accepted"
	ReviewReturned = "returned"
)

// Users keeps accounts, sessions and reviews.
type Users interface {
	// AddUser creates an account. Errors: ErrExists.
	AddUser(ctx context.Context, u *User) error
	// User returns an account by name. Errors: ErrNotFound.
	User(ctx context.Context, name string) (*User, error)
	// ListUsers returns every account by name.
	ListUsers(ctx context.Context) ([]*User, error)
	// SetPassword replaces an account's password hash. Errors: ErrNotFound.
	SetPassword(ctx context.Context, name, hash string) error
	// SetDisabled disables or enables an account and, when disabling, ends
	// its sessions. Errors: ErrNotFound.
	SetDisabled(ctx context.Context, name string, disabled bool) error

	// AddSession stores a session.
	AddSession(ctx context.Context, s *Session) error
	// Session returns an unexpired session. Errors: ErrNotFound.
	Session(ctx context.Context, tokenHash string) (*Session, error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, tokenHash string) error

	// AddReview records a decision on a submission.
	AddReview(ctx context.Context, r *Review) error
	// Reviews returns a submission's decisions, oldest first.
	Reviews(ctx context.Context, submission int64) ([]*Review, error)
}
