package mapping

import "reflect"

// indicators holds the Indicator of each indicator (and heading) map a
// validation made (validation.valueOf), by the map's address: the domain
// functions read an indicator without looking up its keys each time. The
// validation keeps its maps, so no other map takes their addresses.
type indicators struct {
	m map[uintptr]*Indicator
}

// add notes the Indicator of m, the map of val (valueOf).
func (c *indicators) add(m map[string]any, val Value) {
	if c.m == nil {
		c.m = map[uintptr]*Indicator{}
	}
	c.m[reflect.ValueOf(m).Pointer()] = indicatorOf(val)
}

// indicatorOf is asIndicator(valueOf(val)) for a value that is not empty
// or unreadable: an indicator's parts, nothing of a heading's.
func indicatorOf(val Value) *Indicator {
	b := &indicatorBox{}
	if val.Type != TypeIndicator {
		return &b.ind
	}
	b.ind = Indicator{Op: val.Op, Unit: val.Unit, Text: val.Text, Qualitative: val.Qualitative, Tier: val.Tier}
	if val.Number != nil {
		b.n = *val.Number
		b.ind.Number = &b.n
	}
	return &b.ind
}

// of is asIndicator(v), made once for a map of c.
func (c *indicators) of(v any) *Indicator {
	if m, ok := v.(map[string]any); ok && c != nil {
		if ind, ok := c.m[reflect.ValueOf(m).Pointer()]; ok {
			return ind
		}
	}
	return asIndicator(v)
}
