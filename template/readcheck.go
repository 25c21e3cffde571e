package template

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/jxsync/jxsync/mapping"
)

// ErrPathsDiffer is the error of CheckReadPaths when Read's two paths read
// a workbook differently.
var ErrPathsDiffer = errors.New("the fast path reads the workbook differently from excelize")

// CheckReadPaths reads a workbook with both of Read's paths, the one-pass
// reader and excelize, as the differential tests do over every workbook
// they have, and scripts/bench.sh over its corpus. fast tells whether the
// one-pass reader read it (false: Read leaves it to excelize, or sniff
// rejects it). The error wraps ErrPathsDiffer when the one-pass reader gives
// other cells, merges, hidden columns or rows, properties, uncached formulas
// or another error than excelize; a workbook that excelize finds corrupt in a
// part the one-pass reader does not read is not one, nor one whose parts
// would cost excelize's model too much (zipParts.forExcelize), which
// excelize refuses before reading a cell.
func CheckReadPaths(name string, data []byte, lim Limits) (fast bool, err error) {
	lim = lim.withDefaults()
	parts, err := sniff(data, lim)
	if err != nil {
		return false, nil
	}
	fw, ok, ferr := readFast(name, name, parts, lim)
	if !ok {
		return false, nil
	}
	sw, serr := func() (wb *mapping.Workbook, err error) {
		defer func() {
			if r := recover(); r != nil {
				wb, err = nil, fmt.Errorf("%w: %v", ErrCorrupt, r) // as Read reports it
			}
		}()
		return readExcelize(name, name, parts, lim)
	}()
	switch {
	case ferr != nil || serr != nil:
		if ferr == nil && errors.Is(serr, ErrCorrupt) {
			return true, nil // damage in a part the fast path does not read
		}
		if errors.As(serr, new(excelizeBound)) {
			return true, nil // parts that would cost excelize's model too much
		}
		if fmt.Sprint(ferr) != fmt.Sprint(serr) {
			return true, fmt.Errorf("%w: %s: fast path error %v, excelize path %v", ErrPathsDiffer, name, ferr, serr)
		}
	case !reflect.DeepEqual(plainWorkbook(fw), plainWorkbook(sw)):
		return true, fmt.Errorf("%w: %s:\nfast     %+v\nexcelize %+v", ErrPathsDiffer, name, plainWorkbook(fw), plainWorkbook(sw))
	}
	return true, nil
}

// sortedKeys lists the true keys of m in order, nil for none.
func sortedKeys(m map[int]bool) []int {
	var out []int
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// plainWorkbook is what Read gives of a workbook, without the Sheet caches.
func plainWorkbook(wb *mapping.Workbook) any {
	type sheet struct {
		Name     string
		Rows     [][]mapping.Cell
		Merges   []mapping.Range
		Uncached []string
		// HiddenCols and HiddenRows as sorted lists, so that a difference
		// prints readably.
		HiddenCols []int
		HiddenRows []int
		Hidden     bool
	}
	var out []sheet
	for _, s := range wb.Sheets {
		out = append(out, sheet{s.Name, s.Rows, s.Merges, s.Uncached, sortedKeys(s.HiddenCols), sortedKeys(s.HiddenRows), s.Hidden})
	}
	return []any{wb.Name, wb.Props, out}
}
