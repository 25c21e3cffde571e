package template

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// blankWorkbook returns data with only sheet kept and the cells of clear
// set to their new text: values (and their formulas) emptied, label cells
// holding values cut back to their labels. jxsync's identity properties
// are removed, so that the blank is no export of a stored submission.
func blankWorkbook(data []byte, sheet string, clear map[pos]string) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("scaffold: blank template: %w", err)
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		if name != sheet {
			if err := f.DeleteSheet(name); err != nil {
				return nil, fmt.Errorf("scaffold: blank template: %w", err)
			}
		}
	}
	idx, err := f.GetSheetIndex(sheet)
	if err != nil || idx < 0 {
		return nil, fmt.Errorf("scaffold: blank template: no sheet %q", sheet)
	}
	f.SetActiveSheet(idx)
	cells := make([]pos, 0, len(clear))
	for p := range clear {
		cells = append(cells, p)
	}
	sort.Slice(cells, func(i, j int) bool {
		return cells[i].r < cells[j].r || cells[i].r == cells[j].r && cells[i].c < cells[j].c
	})
	for _, p := range cells {
		ref := p.String()
		if err := f.SetCellFormula(sheet, ref, ""); err != nil {
			return nil, fmt.Errorf("scaffold: blank template: %s: %w", ref, err)
		}
		if text := clear[p]; text == "" {
			err = f.SetCellValue(sheet, ref, nil)
		} else {
			err = f.SetCellStr(sheet, ref, text)
		}
		if err != nil {
			return nil, fmt.Errorf("scaffold: blank template: %s: %w", ref, err)
		}
	}
	props, err := f.GetCustomProps()
	if err == nil {
		for _, p := range props {
			if strings.HasPrefix(p.Name, "jxsync.") {
				if err := f.SetCustomProps(excelize.CustomProperty{Name: p.Name}); err != nil {
					return nil, fmt.Errorf("scaffold: blank template: %w", err)
				}
			}
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("scaffold: blank template: %w", err)
	}
	return b.Bytes(), nil
}
