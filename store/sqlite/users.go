package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jxsync/jxsync/store"
)

var _ store.Users = (*DB)(nil)

// AddUser implements store.Users.
func (db *DB) AddUser(ctx context.Context, u *store.User) error {
	at := u.CreatedAt
	if at.IsZero() {
		at = db.now()
	}
	_, err := db.rw.ExecContext(ctx, `INSERT INTO users(name, role, unit, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.Name, u.Role, u.Unit, u.PasswordHash, u.Disabled, at.UTC().Format(time.RFC3339))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("add user %s: %w", u.Name, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("add user %s: %w", u.Name, err)
	}
	return nil
}

const userColumns = `id, name, role, unit, password_hash, disabled, created_at`

func scanUser(row interface{ Scan(...any) error }) (*store.User, error) {
	var u store.User
	var at string
	if err := row.Scan(&u.ID, &u.Name, &u.Role, &u.Unit, &u.PasswordHash, &u.Disabled, &at); err != nil {
		return nil, err
	}
	u.CreatedAt, _ = time.Parse(time.RFC3339, at)
	return &u, nil
}

// User implements store.Users.
func (db *DB) User(ctx context.Context, name string) (*store.User, error) {
	u, err := scanUser(db.rw.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %s: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	return u, nil
}

// ListUsers implements store.Users.
func (db *DB) ListUsers(ctx context.Context) ([]*store.User, error) {
	rows, err := db.rw.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (db *DB) updateUser(ctx context.Context, name, op, q string, args ...any) error {
	res, err := db.rw.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s %s: %w", op, name, store.ErrNotFound)
	}
	return nil
}

// SetPassword implements store.Users.
func (db *DB) SetPassword(ctx context.Context, name, hash string) error {
	return db.updateUser(ctx, name, "set password", `UPDATE users SET password_hash = ? WHERE name = ?`, hash, name)
}

// SetDisabled implements store.Users.
func (db *DB) SetDisabled(ctx context.Context, name string, disabled bool) error {
	if err := db.updateUser(ctx, name, "disable", `UPDATE users SET disabled = ? WHERE name = ?`, disabled, name); err != nil {
		return err
	}
	if disabled {
		if _, err := db.rw.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = ?`, name); err != nil {
			return fmt.Errorf("disable %s: %w", name, err)
		}
	}
	return nil
}

// AddSession implements store.Users.
func (db *DB) AddSession(ctx context.Context, s *store.Session) error {
	_, err := db.rw.ExecContext(ctx, `INSERT INTO sessions(token_hash, user_name, csrf, expires_at) VALUES (?, ?, ?, ?)`,
		s.TokenHash, s.User, s.CSRF, s.ExpiresAt.UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("add session: %w", err)
	}
	return nil
}

// Session implements store.Users.
func (db *DB) Session(ctx context.Context, tokenHash string) (*store.Session, error) {
	var s store.Session
	var exp string
	err := db.rw.QueryRowContext(ctx, `SELECT token_hash, user_name, csrf, expires_at FROM sessions WHERE token_hash = ?`, tokenHash).
		Scan(&s.TokenHash, &s.User, &s.CSRF, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	s.ExpiresAt, _ = time.Parse(time.RFC3339, exp)
	if !s.ExpiresAt.After(db.now()) {
		db.DeleteSession(ctx, tokenHash)
		return nil, fmt.Errorf("session: expired: %w", store.ErrNotFound)
	}
	return &s, nil
}

// DeleteSession implements store.Users.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.rw.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// AddReview implements store.Users.
func (db *DB) AddReview(ctx context.Context, r *store.Review) error {
	at := r.At
	if at.IsZero() {
		at = db.now()
	}
	level := r.Level
	if level == "" {
		level = store.LevelBureau
	}
	res, err := db.rw.ExecContext(ctx, `INSERT INTO reviews(submission_id, revision_id, status, comment, by_user, at, level) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.Submission, r.Revision, r.Status, r.Comment, r.By, at.UTC().Format(time.RFC3339Nano), level)
	if err != nil {
		return fmt.Errorf("add review: %w", err)
	}
	r.ID, _ = res.LastInsertId()
	r.At, r.Level = at, level
	return nil
}

// Reviews implements store.Users.
func (db *DB) Reviews(ctx context.Context, submission int64) ([]*store.Review, error) {
	rows, err := db.rw.QueryContext(ctx, `SELECT id, submission_id, revision_id, status, comment, by_user, at, level FROM reviews
		WHERE submission_id = ? ORDER BY id`, submission)
	if err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	defer rows.Close()
	var out []*store.Review
	for rows.Next() {
		var r store.Review
		var at string
		if err := rows.Scan(&r.ID, &r.Submission, &r.Revision, &r.Status, &r.Comment, &r.By, &at, &r.Level); err != nil {
			return nil, fmt.Errorf("reviews: %w", err)
		}
		r.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, &r)
	}
	return out, rows.Err()
}
