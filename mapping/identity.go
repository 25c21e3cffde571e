package mapping

import (
	"strconv"
	"strings"
)

// Who returns the unit, year and subject a result belongs to, by the
// template's Identity. Empty unit or zero year mean they could not be read.
func (t *Template) Who(res *Result) (unit string, year int, subject string) {
	for _, name := range t.Identity.Unit {
		if v, ok := res.Fields[name]; ok && !v.Empty() && v.Error == "" {
			unit = strings.TrimSpace(v.Text)
			if unit != "" {
				break
			}
		}
	}
	for _, name := range t.Identity.Year {
		v, ok := res.Fields[name]
		if !ok || v.Empty() || v.Error != "" {
			continue
		}
		switch {
		case v.Number != nil && *v.Number >= 1900 && *v.Number < 3000:
			year = int(*v.Number)
		case len(v.Text) >= 4:
			if y, err := strconv.Atoi(v.Text[:4]); err == nil && y >= 1900 && y < 3000 {
				year = y
			}
		}
		if year != 0 {
			break
		}
	}
	if t.Identity.Subject != "" {
		if v, ok := res.Fields[t.Identity.Subject]; ok {
			subject = strings.TrimSpace(v.Text)
		}
	}
	return unit, year, subject
}

// Score returns the form's 总分 by the template's Identity, or nil.
func (t *Template) Score(res *Result) *float64 {
	if v, ok := res.Fields[t.Identity.Score]; ok && v.Error == "" && v.Number != nil {
		x := *v.Number
		return &x
	}
	return nil
}

// RowMet tells whether a table row's target (column target) was met by its
// actual (column actual); ok is false for rows without both.
func RowMet(r Row) (met, ok bool) {
	t, a := valueOf(r.get("target")), valueOf(r.get("actual"))
	if t == nil || a == nil {
		return false, false
	}
	return Met(asIndicator(t), asIndicator(a)), true
}
