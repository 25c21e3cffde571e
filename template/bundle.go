package template

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// SheetPart is one sheet of a workbook BuildBundle lays out: a form filled
// with Data (Form set), or a plain sheet of text rows (a cover, a 填表说明,
// a data list).
type SheetPart struct {
	// Name is the sheet's name; empty means the form's own sheet name.
	Name string
	// Form and Data lay out a form (Data nil: the blank form).
	Form *Form
	Data *Data
	// Rows are the text of a plain sheet, row by row from A1.
	Rows [][]string
	// Hidden hides the sheet.
	Hidden bool
}

// BuildBundle lays several sheets out in one workbook, in order: the way a
// department sends its 部门整体 and 项目 forms in one file, often after a
// cover or instructions sheet.
func BuildBundle(parts []SheetPart) ([]byte, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("build bundle: no sheet")
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, p := range parts {
		name := p.Name
		if name == "" && p.Form != nil {
			name = p.Form.Sheet
		}
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("build bundle: sheet %q: %w", name, err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("build bundle: sheet %q: %w", name, err)
		}
		if p.Form != nil {
			w := newSheetWriter(f, name, 0)
			p.Form.layout(w, p.Data)
			w.printForm(p.Form.Landscape)
			if err := w.done(); err != nil {
				return nil, fmt.Errorf("build bundle: %s@%s: %w", p.Form.ID, p.Form.Version, err)
			}
		}
		for r, row := range p.Rows {
			for c, text := range row {
				if text == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(name, cell, text); err != nil {
					return nil, fmt.Errorf("build bundle: sheet %q: %w", name, err)
				}
			}
		}
		if p.Hidden {
			if err := f.SetSheetVisible(name, false); err != nil {
				return nil, fmt.Errorf("build bundle: sheet %q: %w", name, err)
			}
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("build bundle: write: %w", err)
	}
	return b.Bytes(), nil
}
