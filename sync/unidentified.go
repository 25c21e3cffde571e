package sync

import (
	"context"
	"errors"
	"strconv"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// TypedIdentity returns the unit and year as the cells of a stored
// revision hold them, for people to see why it could not be filed: the
// text, or "（空）" when the cell is empty or was not found.
func (s *Service) TypedIdentity(ctx context.Context, rev *store.Revision) (unit, year string, err error) {
	unit, year = orUnknown(""), orUnknown("")
	res, err := s.Records.Data(ctx, rev.ID)
	if errors.Is(err, store.ErrNotFound) {
		return unit, year, nil
	}
	if err != nil {
		return "", "", err
	}
	t, err := mapping.Find(s.Templates, rev.TemplateID+"@"+rev.TemplateVersion)
	if err != nil {
		return unit, year, nil // a template no longer known
	}
	u, y, _ := t.Who(res)
	if u != "" {
		unit = u
	} else {
		for _, name := range t.Identity.Unit {
			if v, ok := res.Fields[name]; ok && v.Raw != "" {
				unit = v.Raw
				break
			}
		}
	}
	if y != 0 {
		year = strconv.Itoa(y)
	} else {
		for _, name := range t.Identity.Year {
			if v, ok := res.Fields[name]; ok && v.Raw != "" {
				year = v.Raw
				break
			}
		}
	}
	return unit, year, nil
}

// Unidentified returns the stored revisions whose unit or year could not be
// read: all of them for bureau staff, an agency's own uploads for an agency.
func (s *Service) Unidentified(ctx context.Context, u *store.User) ([]*store.Revision, error) {
	if u == nil || u.Disabled {
		return nil, ErrForbidden
	}
	by := ""
	if u.Role != store.RoleBureau {
		by = u.Name
	}
	return s.Records.Unidentified(ctx, by)
}
