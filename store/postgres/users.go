package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jxsync/jxsync/store"
)

// AddUser implements store.Users.
func (db *DB) AddUser(ctx context.Context, u *store.User) error {
	at := u.CreatedAt
	if at.IsZero() {
		at = db.now()
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO users(name, role, unit, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.Name, u.Role, u.Unit, u.PasswordHash, u.Disabled, at)
	if isUnique(err) {
		return fmt.Errorf("add user %s: %w", u.Name, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("add user %s: %w", u.Name, err)
	}
	return nil
}

const userColumns = `id, name, role, unit, password_hash, disabled, created_at`

func scanUser(row pgx.Row) (*store.User, error) {
	var u store.User
	if err := row.Scan(&u.ID, &u.Name, &u.Role, &u.Unit, &u.PasswordHash, &u.Disabled, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// User implements store.Users.
func (db *DB) User(ctx context.Context, name string) (*store.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("user %s: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	return u, nil
}

// ListUsers implements store.Users.
func (db *DB) ListUsers(ctx context.Context) ([]*store.User, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// updateUser runs q on the account name: ErrNotFound when it changes no
// row.
func updateUser(ctx context.Context, q interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, name, op, sql string, args ...any) error {
	tag, err := q.Exec(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s %s: %w", op, name, store.ErrNotFound)
	}
	return nil
}

// SetPassword implements store.Users.
func (db *DB) SetPassword(ctx context.Context, name, hash string) error {
	return updateUser(ctx, db.pool, name, "set password", `UPDATE users SET password_hash = $1 WHERE name = $2`, hash, name)
}

// SetDisabled implements store.Users: disabling an account and ending its
// sessions is one transaction.
func (db *DB) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := updateUser(ctx, tx, name, "disable", `UPDATE users SET disabled = $1 WHERE name = $2`, disabled, name); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_name = $1`, name); err != nil {
				return fmt.Errorf("disable %s: %w", name, err)
			}
		}
		return nil
	})
}

// AddSession implements store.Users.
func (db *DB) AddSession(ctx context.Context, s *store.Session) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO sessions(token_hash, user_name, csrf, expires_at) VALUES ($1, $2, $3, $4)`,
		s.TokenHash, s.User, s.CSRF, s.ExpiresAt)
	if err != nil {
		return fmt.Errorf("add session: %w", err)
	}
	return nil
}

// Session implements store.Users.
func (db *DB) Session(ctx context.Context, tokenHash string) (*store.Session, error) {
	var s store.Session
	err := db.pool.QueryRow(ctx, `SELECT token_hash, user_name, csrf, expires_at FROM sessions WHERE token_hash = $1`, tokenHash).
		Scan(&s.TokenHash, &s.User, &s.CSRF, &s.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	s.ExpiresAt = s.ExpiresAt.UTC()
	if !s.ExpiresAt.After(db.now()) {
		db.DeleteSession(ctx, tokenHash)
		return nil, fmt.Errorf("session: expired: %w", store.ErrNotFound)
	}
	return &s, nil
}

// DeleteSession implements store.Users.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
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
	at = at.UTC().Truncate(time.Microsecond) // what timestamptz keeps
	level := r.Level
	if level == "" {
		level = store.LevelBureau
	}
	err := db.pool.QueryRow(ctx, `INSERT INTO reviews(submission_id, revision_id, status, comment, by_user, at, level)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		r.Submission, r.Revision, r.Status, r.Comment, r.By, at, level).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("add review: %w", err)
	}
	r.At, r.Level = at, level
	return nil
}

// Reviews implements store.Users.
func (db *DB) Reviews(ctx context.Context, submission int64) ([]*store.Review, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, submission_id, revision_id, status, comment, by_user, at, level FROM reviews
		WHERE submission_id = $1 ORDER BY id`, submission)
	if err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	defer rows.Close()
	var out []*store.Review
	for rows.Next() {
		var r store.Review
		if err := rows.Scan(&r.ID, &r.Submission, &r.Revision, &r.Status, &r.Comment, &r.By, &r.At, &r.Level); err != nil {
			return nil, fmt.Errorf("reviews: %w", err)
		}
		r.At = r.At.UTC()
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	return out, nil
}
