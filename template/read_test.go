package template

import (
	"archive/zip"
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func xlsxBytes(t *testing.T, fill func(f *excelize.File), opts ...excelize.Options) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if fill != nil {
		fill(f)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b, opts...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadBadInput(t *testing.T) {
	var zipNoWorkbook bytes.Buffer
	zw := zip.NewWriter(&zipNoWorkbook)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("hello"))
	zw.Close()
	oneCell := func(f *excelize.File) { f.SetCellStr("Sheet1", "A1", "单位名称") }
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
	}{
		{"empty file", nil, Limits{}, ErrEmpty},
		{"text file", []byte("单位名称,蔡甸区\n"), Limits{}, ErrNotWorkbook},
		{"zip without workbook", zipNoWorkbook.Bytes(), Limits{}, ErrNotXLSX},
		{"truncated zip", xlsxBytes(t, oneCell)[:200], Limits{}, ErrNotWorkbook},
		{"encrypted", xlsxBytes(t, oneCell, excelize.Options{Password: "secret"}), Limits{}, ErrEncrypted},
		{"workbook without cells", xlsxBytes(t, nil), Limits{}, ErrEmpty},
		{"file too large", xlsxBytes(t, oneCell), Limits{MaxFileBytes: 100}, ErrTooLarge},
		{"expands too much", xlsxBytes(t, oneCell), Limits{MaxUnzipBytes: 1000}, ErrTooLarge},
		{"too many cells", xlsxBytes(t, func(f *excelize.File) {
			for r := 1; r <= 50; r++ {
				f.SetCellInt("Sheet1", "A"+strconv.Itoa(r), int64(r))
			}
		}), Limits{MaxCells: 10}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("上报/单位.xlsx", tt.data, tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "上报/单位.xlsx") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestReadValues(t *testing.T) {
	long := strings.Repeat("长", 32767)
	data := xlsxBytes(t, func(f *excelize.File) {
		f.SetCellStr("Sheet1", "A1", "单位名称")
		f.SetCellFloat("Sheet1", "B1", 0.9996, -1, 64)
		pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		f.SetCellStyle("Sheet1", "B1", "B1", pct)
		f.SetCellStr("Sheet1", "C1", long)
		f.MergeCell("Sheet1", "A2", "C3")
		f.SetCellStr("Sheet1", "A2", "合并")
	})
	wb, err := Read("x.xlsx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s := wb.Sheets[0]
	if c := s.At(0, 1); c.Text != "99.96%" || c.Raw != "0.9996" {
		t.Errorf("percent cell = %+v", c)
	}
	if c := s.At(0, 2); len([]rune(c.Text)) != 32767 {
		t.Errorf("long cell has %d runes", len([]rune(c.Text)))
	}
	if m, ok := s.MergeAt(2, 2); !ok || m.Top != 1 || m.Left != 0 || m.Bottom != 2 || m.Right != 2 {
		t.Errorf("merge = %+v %v", m, ok)
	}
}
