package main

import (
	"encoding/csv"
	"io"
)

// utf8BOM starts every CSV file jxsync writes: Excel on a Chinese Windows
// reads a CSV file without it as GBK and shows its 汉字 garbled. CSV written
// to standard output has none, for the programs reading it.
const utf8BOM = "\ufeff"

// newCSVFile returns a CSV writer for a file: the BOM is written first.
func newCSVFile(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	return csv.NewWriter(w), nil
}
