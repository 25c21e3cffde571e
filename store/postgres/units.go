package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jxsync/jxsync/store"
)

var _ store.Units = (*DB)(nil)

// SaveUnits implements store.Units.
func (db *DB) SaveUnits(ctx context.Context, units []*store.Unit) (store.UnitChanges, error) {
	var ch store.UnitChanges
	at := db.now().UTC().Truncate(time.Microsecond)
	err := db.withRetry(ctx, func(tx pgx.Tx) error {
		ch = store.UnitChanges{}
		// One roster at a time: two imports at once would race on names.
		if _, err := tx.Exec(ctx, `LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		for _, u := range units {
			what, err := saveUnit(ctx, tx, u, at)
			if err != nil {
				return fmt.Errorf("%s %s: %w", u.Code, u.Name, err)
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
		return nil
	})
	if err != nil {
		return store.UnitChanges{}, fmt.Errorf("save units: %w", err)
	}
	return ch, nil
}

// saveUnit records one roster unit within tx and says whether it was
// added, updated or unchanged.
func saveUnit(ctx context.Context, tx pgx.Tx, u *store.Unit, at time.Time) (string, error) {
	var id int64
	var name, parent string
	var registered bool
	what := "unchanged"
	err := tx.QueryRow(ctx, `SELECT id, name, parent_code, registered FROM units WHERE code = $1`, u.Code).Scan(&id, &name, &parent, &registered)
	if errors.Is(err, pgx.ErrNoRows) {
		// A unit created from a typed name becomes the roster's unit.
		err = tx.QueryRow(ctx, `SELECT id, name, parent_code, registered FROM units WHERE name = $1 AND NOT registered`, u.Name).
			Scan(&id, &name, &parent, &registered)
		if errors.Is(err, pgx.ErrNoRows) && u.Replaces != "" {
			err = tx.QueryRow(ctx, `SELECT id, name, parent_code, registered FROM units WHERE name = $1 AND NOT registered`, u.Replaces).
				Scan(&id, &name, &parent, &registered)
			if err == nil {
				if _, err := addAliasAfterRename(ctx, tx, id, name, at); err != nil {
					return "", err
				}
			}
		}
		if err == nil {
			if _, err := tx.Exec(ctx, `UPDATE units SET code = $1 WHERE id = $2`, u.Code, id); err != nil {
				return "", err
			}
			what = "updated"
		}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		if err := nameFree(ctx, tx, u.Name, 0); err != nil {
			return "", err
		}
		err := tx.QueryRow(ctx, `INSERT INTO units(name, code, parent_code, registered, created_at) VALUES ($1, $2, $3, true, $4) RETURNING id`,
			u.Name, u.Code, u.Parent, at).Scan(&id)
		if err != nil {
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
		if _, err := tx.Exec(ctx, `UPDATE units SET name = $1, parent_code = $2, registered = true WHERE id = $3`, u.Name, u.Parent, id); err != nil {
			return "", err
		}
		what = "updated"
	}
	for _, a := range u.Aliases {
		added, err := addAlias(ctx, tx, id, a, at)
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
func nameFree(ctx context.Context, tx pgx.Tx, name string, self int64) error {
	var code string
	err := tx.QueryRow(ctx, `SELECT code FROM units WHERE name = $1 AND id != $2
		UNION ALL SELECT u.code FROM unit_aliases a JOIN units u ON u.id = a.unit_id WHERE a.alias = $1 AND a.unit_id != $2 LIMIT 1`,
		name, self).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("name %q is unit %s's: %w", name, code, store.ErrExists)
}

// addAlias records alias for unit id within tx; an alias the unit already
// has (or its own name) is not added again.
func addAlias(ctx context.Context, tx pgx.Tx, id int64, alias string, at time.Time) (bool, error) {
	alias = strings.TrimSpace(alias)
	if alias == "" {
		return false, nil
	}
	var owner int64
	err := tx.QueryRow(ctx, `SELECT unit_id FROM unit_aliases WHERE alias = $1 UNION ALL SELECT id FROM units WHERE name = $1 LIMIT 1`,
		alias).Scan(&owner)
	if err == nil && owner == id {
		return false, nil
	}
	if err == nil {
		var code string
		_ = tx.QueryRow(ctx, `SELECT code FROM units WHERE id = $1`, owner).Scan(&code)
		return false, fmt.Errorf("alias %q is unit %s's: %w", alias, code, store.ErrExists)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return false, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO unit_aliases(alias, unit_id, created_at) VALUES ($1, $2, $3)`, alias, id, at); err != nil {
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
	rows, err := db.pool.Query(ctx, `SELECT id, code, name, parent_code, registered, created_at FROM units `+where+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	var out []*store.Unit
	byID := map[int64]*store.Unit{}
	for rows.Next() {
		var id int64
		u := &store.Unit{}
		if err := rows.Scan(&id, &u.Code, &u.Name, &u.Parent, &u.Registered, &u.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		u.CreatedAt = u.CreatedAt.UTC()
		out = append(out, u)
		byID[id] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	// Only the aliases of the units read: a lookup of one unit does not
	// read the whole registry's.
	arows, err := db.pool.Query(ctx, `SELECT unit_id, alias FROM unit_aliases WHERE unit_id IN (SELECT id FROM units `+where+`) ORDER BY alias`, args...)
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
		`WHERE code = $1`,
		`WHERE name = $1`,
		`WHERE id IN (SELECT unit_id FROM unit_aliases WHERE alias = $1)`,
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
	at := db.now().UTC().Truncate(time.Microsecond)
	err := db.withRetry(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM units WHERE code = $1`, code).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("unit %s: %w", code, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = addAlias(ctx, tx, id, alias, at)
		return err
	})
	if err != nil {
		return fmt.Errorf("add alias %s: %w", alias, err)
	}
	return nil
}

// Registered implements store.Units.
func (db *DB) Registered(ctx context.Context) (bool, error) {
	var reg bool
	if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE registered)`).Scan(&reg); err != nil {
		return false, fmt.Errorf("units registered: %w", err)
	}
	return reg, nil
}

// addAliasAfterRename records the name a unit is about to lose as its
// alias (names and aliases of units never overlap, so it is free).
func addAliasAfterRename(ctx context.Context, tx pgx.Tx, id int64, name string, at time.Time) (bool, error) {
	_, err := tx.Exec(ctx, `INSERT INTO unit_aliases(alias, unit_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (alias) DO NOTHING`, name, id, at)
	return err == nil, err
}
