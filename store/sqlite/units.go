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

var _ store.Units = (*DB)(nil)

// SaveUnits implements store.Units.
func (db *DB) SaveUnits(ctx context.Context, units []*store.Unit) (store.UnitChanges, error) {
	var ch store.UnitChanges
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return ch, fmt.Errorf("save units: %w", err)
	}
	defer tx.Rollback()
	stamp := db.now().UTC().Format(time.RFC3339Nano)
	for _, u := range units {
		what, err := saveUnit(ctx, tx, u, stamp)
		if err != nil {
			return store.UnitChanges{}, fmt.Errorf("save units: %s %s: %w", u.Code, u.Name, err)
		}
		switch what {
		case "added":
			ch.Added++
		case "updated":
			ch.Updated++
		default:
			ch.Unchanged++
		}
	}
	if err := tx.Commit(); err != nil {
		return store.UnitChanges{}, fmt.Errorf("save units: %w", err)
	}
	return ch, nil
}

// saveUnit records one roster unit within tx and says whether it was
// added, updated or unchanged.
func saveUnit(ctx context.Context, tx *sql.Tx, u *store.Unit, stamp string) (string, error) {
	var id int64
	var name, parent string
	var registered bool
	what := "unchanged"
	err := tx.QueryRowContext(ctx, `SELECT id, name, parent_code, registered FROM units WHERE code = ?`, u.Code).Scan(&id, &name, &parent, &registered)
	if errors.Is(err, sql.ErrNoRows) {
		// A unit created from a typed name becomes the roster's unit.
		err = tx.QueryRowContext(ctx, `SELECT id, name, parent_code, registered FROM units WHERE name = ? AND registered = 0`, u.Name).
			Scan(&id, &name, &parent, &registered)
		if errors.Is(err, sql.ErrNoRows) && u.Replaces != "" {
			err = tx.QueryRowContext(ctx, `SELECT id, name, parent_code, registered FROM units WHERE name = ? AND registered = 0`, u.Replaces).
				Scan(&id, &name, &parent, &registered)
			if err == nil {
				if _, err := addAliasAfterRename(ctx, tx, id, name, stamp); err != nil {
					return "", err
				}
			}
		}
		if err == nil {
			if _, err := tx.ExecContext(ctx, `UPDATE units SET code = ? WHERE id = ?`, u.Code, id); err != nil {
				return "", err
			}
			what = "updated"
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		if err := nameFree(ctx, tx, u.Name, 0); err != nil {
			return "", err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO units(name, code, parent_code, registered, created_at) VALUES (?, ?, ?, 1, ?)`,
			u.Name, u.Code, u.Parent, stamp)
		if err != nil {
			return "", err
		}
		if id, err = res.LastInsertId(); err != nil {
			return "", err
		}
		what = "added"
	} else if err != nil {
		return "", err
	} else if name != u.Name || parent != u.Parent || !registered {
		if name != u.Name {
			if err := nameFree(ctx, tx, u.Name, id); err != nil {
				return "", err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET name = ?, parent_code = ?, registered = 1 WHERE id = ?`, u.Name, u.Parent, id); err != nil {
			return "", err
		}
		if what != "added" {
			what = "updated"
		}
	}
	for _, a := range u.Aliases {
		added, err := addAlias(ctx, tx, id, a, stamp)
		if err != nil {
			return "", err
		}
		if added && what == "unchanged" {
			what = "updated"
		}
	}
	return what, nil
}

// nameFree checks that name is no other unit's name or alias than the unit
// self (0: none).
func nameFree(ctx context.Context, tx *sql.Tx, name string, self int64) error {
	var code string
	err := tx.QueryRowContext(ctx, `SELECT code FROM units WHERE name = ? AND id != ?
		UNION ALL SELECT u.code FROM unit_aliases a JOIN units u ON u.id = a.unit_id WHERE a.alias = ? AND a.unit_id != ?`,
		name, self, name, self).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("name %q is unit %s's: %w", name, code, store.ErrExists)
}

// addAlias records alias for unit id within tx; an alias the unit already
// has (or its own name) is not added again.
func addAlias(ctx context.Context, tx *sql.Tx, id int64, alias, stamp string) (bool, error) {
	alias = strings.TrimSpace(alias)
	if alias == "" {
		return false, nil
	}
	var owner int64
	err := tx.QueryRowContext(ctx, `SELECT unit_id FROM unit_aliases WHERE alias = ? UNION ALL SELECT id FROM units WHERE name = ?`,
		alias, alias).Scan(&owner)
	if err == nil && owner == id {
		return false, nil
	}
	if err == nil {
		var code string
		_ = tx.QueryRowContext(ctx, `SELECT code FROM units WHERE id = ?`, owner).Scan(&code)
		return false, fmt.Errorf("alias %q is unit %s's: %w", alias, code, store.ErrExists)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO unit_aliases(alias, unit_id, created_at) VALUES (?, ?, ?)`, alias, id, stamp); err != nil {
		return false, err
	}
	return true, nil
}

// Units implements store.Units.
func (db *DB) Units(ctx context.Context) ([]*store.Unit, error) {
	units, err := db.units(ctx, ``)
	if err != nil {
		return nil, fmt.Errorf("units: %w", err)
	}
	return units, nil
}

// units reads the units the condition where selects, with their aliases,
// by code.
func (db *DB) units(ctx context.Context, where string, args ...any) ([]*store.Unit, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT id, code, name, parent_code, registered, created_at FROM units `+where+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Unit
	byID := map[int64]*store.Unit{}
	for rows.Next() {
		var id int64
		var at string
		u := &store.Unit{}
		if err := rows.Scan(&id, &u.Code, &u.Name, &u.Parent, &u.Registered, &at); err != nil {
			return nil, err
		}
		u.CreatedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, u)
		byID[id] = u
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	// Only the aliases of the units read: a lookup of one unit does not
	// read the whole registry's.
	arows, err := db.ro.QueryContext(ctx, `SELECT unit_id, alias FROM unit_aliases WHERE unit_id IN (SELECT id FROM units `+where+`) ORDER BY alias`, args...)
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	for arows.Next() {
		var id int64
		var alias string
		if err := arows.Scan(&id, &alias); err != nil {
			return nil, err
		}
		if u := byID[id]; u != nil {
			u.Aliases = append(u.Aliases, alias)
		}
	}
	if err := arows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Unit implements store.Units.
func (db *DB) Unit(ctx context.Context, key string) (*store.Unit, error) {
	for _, where := range []string{
		`WHERE code = ?`,
		`WHERE name = ?`,
		`WHERE id IN (SELECT unit_id FROM unit_aliases WHERE alias = ?)`,
	} {
		units, err := db.units(ctx, where, key)
		if err != nil {
			return nil, fmt.Errorf("unit %s: %w", key, err)
		}
		if len(units) > 0 {
			return units[0], nil
		}
	}
	return nil, fmt.Errorf("unit %s: %w", key, store.ErrNotFound)
}

// AddAlias implements store.Units.
func (db *DB) AddAlias(ctx context.Context, code, alias string) error {
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add alias %s: %w", alias, err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("add alias %s: unit %s: %w", alias, code, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("add alias %s: %w", alias, err)
	}
	if _, err := addAlias(ctx, tx, id, alias, db.now().UTC().Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("add alias %s: %w", alias, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add alias %s: %w", alias, err)
	}
	return nil
}

// registeredQuery asks whether a roster is registered; the partial index
// units_registered answers it without reading the units.
const registeredQuery = `SELECT EXISTS (SELECT 1 FROM units WHERE registered = 1)`

// Registered implements store.Units.
func (db *DB) Registered(ctx context.Context) (bool, error) {
	var reg bool
	if err := db.ro.QueryRowContext(ctx, registeredQuery).Scan(&reg); err != nil {
		return false, fmt.Errorf("units registered: %w", err)
	}
	return reg, nil
}

// addAliasAfterRename records the name a unit is about to lose as its
// alias (names and aliases of units never overlap, so it is free).
func addAliasAfterRename(ctx context.Context, tx *sql.Tx, id int64, name, stamp string) (bool, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO unit_aliases(alias, unit_id, created_at) VALUES (?, ?, ?) ON CONFLICT(alias) DO NOTHING`, name, id, stamp)
	return err == nil, err
}
