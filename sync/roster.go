package sync

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// The columns of a roster (单位名单), found by these labels in its header
// row.
const (
	ColUnitCode   = "单位编码"
	ColUnitName   = "单位名称"
	ColParentCode = "上级单位编码"
	ColAliases    = "别名"
)

// RosterRow is one unit of a roster file with where it was read.
type RosterRow struct {
	// Row is the row's number in the file (1-based, as 行 N).
	Row int
	// Sheet is the sheet it was read from (empty for CSV).
	Sheet string
	// Cols are the cell names (A5 …) of its code, name, parent code and
	// aliases in a workbook (empty for CSV).
	Cols [4]string
	Unit *store.Unit
}

// RosterError lists every problem of a roster file, each with its row.
type RosterError struct {
	File     string
	Problems []string
}

// Error implements error: one problem a line.
func (e *RosterError) Error() string {
	return fmt.Sprintf("单位名单 %s 有 %d 个问题，未导入任何单位 (roster has %d problem(s); nothing imported):\n%s",
		e.File, len(e.Problems), len(e.Problems), strings.Join(e.Problems, "\n"))
}

// ReadRoster reads a roster file: a .csv (UTF-8 with or without BOM, or
// GB18030) or a workbook (.xlsx, read by the service's reader), with the
// columns 单位编码, 单位名称, 上级单位编码 and 别名 (aliases separated by ;
// or ；) under a header row found by those labels. Rows with every cell
// empty are skipped. Errors: the file cannot be read, or has no header.
func (s *Service) ReadRoster(name string, data []byte) ([]RosterRow, error) {
	var sheets []*mapping.Sheet
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt":
		sh, err := csvSheet(name, data)
		if err != nil {
			return nil, err
		}
		sheets = []*mapping.Sheet{sh}
	default:
		wb, err := s.Reader.Read(name, data)
		if err != nil {
			return nil, fmt.Errorf("read roster: %w", err)
		}
		sheets = wb.Sheets
	}
	for _, sh := range sheets {
		if rows, ok := rosterRows(sh, sheets[0].Name != ""); ok {
			return rows, nil
		}
	}
	return nil, fmt.Errorf("read roster %s: 找不到含“%s”“%s”的表头行 (no header row with %s and %s)",
		name, ColUnitCode, ColUnitName, ColUnitCode, ColUnitName)
}

// csvSheet reads a CSV file as one sheet without a name.
func csvSheet(name string, data []byte) (*mapping.Sheet, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		var err error
		if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
			return nil, fmt.Errorf("read roster %s: 既不是 UTF-8 也不是 GB18030 (neither UTF-8 nor GB18030): %w", name, err)
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read roster %s: %w", name, err)
	}
	sh := &mapping.Sheet{}
	for _, rec := range recs {
		row := make([]mapping.Cell, len(rec))
		for i, v := range rec {
			row[i] = mapping.Cell{Text: v, Raw: v}
		}
		sh.Rows = append(sh.Rows, row)
	}
	return sh, nil
}

// rosterRows reads the units below the header row of sh; false when sh
// has no header row. cells says whether to name cells (a workbook).
func rosterRows(sh *mapping.Sheet, cells bool) ([]RosterRow, bool) {
	labels := []string{ColUnitCode, ColUnitName, ColParentCode, ColAliases}
	for r := range sh.Rows {
		col := [4]int{-1, -1, -1, -1}
		for c, cell := range sh.Rows[r] {
			for i, l := range labels {
				if col[i] < 0 && mapping.NormLabel(cell.Text) == l {
					col[i] = c
				}
			}
		}
		if col[0] < 0 || col[1] < 0 {
			continue
		}
		out := []RosterRow{}
		for rr := r + 1; rr < len(sh.Rows); rr++ {
			var v [4]string
			empty := true
			row := RosterRow{Row: rr + 1, Sheet: sh.Name}
			for i, c := range col {
				if c < 0 {
					continue
				}
				v[i] = strings.TrimSpace(sh.At(rr, c).Text)
				empty = empty && v[i] == ""
				if cells {
					row.Cols[i] = mapping.CellName(rr, c)
				}
			}
			if empty {
				continue
			}
			row.Unit = &store.Unit{Code: v[0], Name: v[1], Parent: v[2], Aliases: splitAliases(v[3])}
			out = append(out, row)
		}
		return out, true
	}
	return nil, false
}

// splitAliases splits a 别名 cell at ; and ；.
func splitAliases(s string) []string {
	var out []string
	for _, a := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// where names a roster row for a problem: 行 N, and the cell of column i
// in a workbook.
func (r RosterRow) where(file string, i int) string {
	s := fmt.Sprintf("%s 行 %d", file, r.Row)
	if r.Cols[i] != "" {
		s += "（" + r.Sheet + "!" + r.Cols[i] + "）"
	}
	return s
}

// CheckRoster finds every problem of a roster read from file before
// anything is saved: a missing code or name, a code given twice, a parent
// code neither in the roster nor registered, parents forming a cycle, a
// name or alias given to two units (in the roster, or one registered
// unit's and another's in the roster). Nil when there is none.
func (s *Service) CheckRoster(ctx context.Context, file string, rows []RosterRow) error {
	var existing []*store.Unit
	if s.Units != nil {
		var err error
		if existing, err = s.Units.Units(ctx); err != nil {
			return fmt.Errorf("check roster: %w", err)
		}
	}
	var probs []string
	add := func(r RosterRow, col int, format string, args ...any) {
		probs = append(probs, r.where(file, col)+"："+fmt.Sprintf(format, args...))
	}
	byCode := map[string]int{} // code → index in rows
	for i, r := range rows {
		u := r.Unit
		if u.Code == "" {
			add(r, 0, "单位编码为空 (missing code)")
		}
		if u.Name == "" {
			add(r, 1, "单位名称为空 (missing name)")
		}
		if u.Code == "" {
			continue
		}
		if j, dup := byCode[u.Code]; dup {
			add(r, 0, "单位编码 %s 与行 %d 重复 (duplicate code)", u.Code, rows[j].Row)
			continue
		}
		byCode[u.Code] = i
	}
	// The registry as it would be after saving: registered units the
	// roster names get its name and parent and keep their aliases; units
	// created from a typed name equal to a roster name become that unit.
	final := map[string]*store.Unit{}
	inRoster := map[string]bool{}
	for _, r := range rows {
		if r.Unit.Name != "" {
			inRoster[r.Unit.Name] = true
		}
	}
	for _, u := range existing {
		if !u.Registered && inRoster[u.Name] {
			continue
		}
		c := *u
		final[u.Code] = &c
	}
	for _, r := range rows {
		u := r.Unit
		if u.Code == "" || rows[byCode[u.Code]].Row != r.Row {
			continue
		}
		c := *u
		if old := final[u.Code]; old != nil {
			c.Aliases = append(append([]string(nil), old.Aliases...), u.Aliases...)
		}
		final[u.Code] = &c
	}
	for _, r := range rows {
		u := r.Unit
		if u.Parent == "" || u.Code == "" {
			continue
		}
		if u.Parent == u.Code {
			add(r, 2, "上级单位编码 %s 是本单位自己 (a unit cannot be its own parent)", u.Parent)
		} else if final[u.Parent] == nil {
			add(r, 2, "上级单位编码 %s 不在名单中，也不是已登记的单位 (parent code not in the roster or registry)", u.Parent)
		}
	}
	// Names and aliases: one unit each.
	owner := map[string]string{} // name → code
	for code, u := range final {
		if _, ok := byCode[code]; ok {
			continue // checked below, with rows
		}
		for _, n := range append([]string{u.Name}, u.Aliases...) {
			owner[n] = code
		}
	}
	for _, r := range rows {
		u := r.Unit
		if u.Code == "" || rows[byCode[u.Code]].Row != r.Row {
			continue
		}
		for i, n := range append([]string{u.Name}, final[u.Code].Aliases...) {
			if n == "" {
				continue
			}
			col := 1
			if i > 0 {
				col = 3
			}
			if o, taken := owner[n]; taken && o != u.Code {
				what := "单位名称"
				if i > 0 {
					what = "别名"
				}
				add(r, col, "%s“%s”已是单位 %s（%s）的名称或别名 (name or alias belongs to another unit)", what, n, o, nameOf(final, rows, byCode, o))
				continue
			}
			owner[n] = u.Code
		}
	}
	if len(probs) == 0 {
		// The roster's units in the order of its rows, then the others by
		// code: a cycle is reported at its first row, whatever the map's
		// order.
		units := make([]*store.Unit, 0, len(final))
		for _, u := range final {
			units = append(units, u)
		}
		slices.SortFunc(units, func(a, b *store.Unit) int {
			ia, aIn := byCode[a.Code]
			ib, bIn := byCode[b.Code]
			switch {
			case aIn && bIn:
				return cmp.Compare(ia, ib)
			case aIn != bIn:
				if aIn {
					return -1
				}
				return 1
			}
			return strings.Compare(a.Code, b.Code)
		})
		if _, err := NewUnitTree(units); err != nil {
			for _, r := range rows {
				if strings.Contains(err.Error(), " "+r.Unit.Code+" ") {
					add(r, 2, "上级单位编码形成循环 (parents form a cycle: %v)", err)
					break
				}
			}
			if len(probs) == 0 {
				probs = append(probs, file+"："+err.Error())
			}
		}
	}
	if len(probs) > 0 {
		return &RosterError{File: file, Problems: probs}
	}
	return nil
}

// nameOf is the name of the unit code (with its roster row, when in the
// roster).
func nameOf(final map[string]*store.Unit, rows []RosterRow, byCode map[string]int, code string) string {
	if i, ok := byCode[code]; ok {
		return fmt.Sprintf("%s，行 %d", rows[i].Unit.Name, rows[i].Row)
	}
	if u := final[code]; u != nil {
		return u.Name
	}
	return ""
}

// ImportRoster reads, checks and saves a roster file (see ReadRoster,
// CheckRoster): every problem is reported (a *RosterError) and nothing is
// saved when there is any. Re-importing updates names, parents and
// aliases and never deletes a unit.
func (s *Service) ImportRoster(ctx context.Context, name string, data []byte) (store.UnitChanges, error) {
	if s.Units == nil {
		return store.UnitChanges{}, fmt.Errorf("import roster: %w", ErrNoRegistry)
	}
	rows, err := s.ReadRoster(name, data)
	if err != nil {
		return store.UnitChanges{}, err
	}
	if len(rows) == 0 {
		return store.UnitChanges{}, fmt.Errorf("import roster %s: 表头下没有单位 (no unit below the header)", name)
	}
	if err := s.CheckRoster(ctx, filepath.Base(name), rows); err != nil {
		return store.UnitChanges{}, err
	}
	units := make([]*store.Unit, len(rows))
	for i, r := range rows {
		units[i] = r.Unit
	}
	if err := s.takeOverTypedUnits(ctx, units); err != nil {
		return store.UnitChanges{}, fmt.Errorf("import roster %s: %w", name, err)
	}
	ch, err := s.Units.SaveUnits(ctx, units)
	if errors.Is(err, store.ErrExists) {
		return ch, fmt.Errorf("单位名单 %s：%w", filepath.Base(name), err)
	}
	return ch, err
}

// takeOverTypedUnits sets Replaces of the roster units new to the registry
// that a unit created from a typed name (before there was a roster)
// matches as an upload's unit would be matched (full-width forms, place
// prefix…): that unit and its submissions become the roster's, instead of
// staying outside the tree. A typed unit that matches no roster unit, or
// several, stays as it is.
func (s *Service) takeOverTypedUnits(ctx context.Context, roster []*store.Unit) error {
	existing, err := s.Units.Units(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, u := range existing {
		known[u.Code] = true
		if u.Registered {
			continue
		}
		known["name:"+u.Name] = true
	}
	x := &unitIndex{byCode: map[string]*store.Unit{}, registered: true}
	for _, u := range roster {
		if !known[u.Code] && !known["name:"+u.Name] {
			x.units = append(x.units, u)
		}
	}
	for _, u := range existing {
		if u.Registered {
			continue
		}
		if m := x.match("", u.Name); m != nil && m.Replaces == "" && m.Name != u.Name {
			m.Replaces = u.Name
		}
	}
	return nil
}
