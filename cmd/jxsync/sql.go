package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/jxsync/jxsync/sync"

	"github.com/spf13/cobra"
)

// sqlOptions are the flags of `jxsync sql`.
type sqlOptions struct {
	format string
	out    string
}

func newSQLCmd(g *globals) *cobra.Command {
	var o sqlOptions
	cmd := &cobra.Command{
		Use:   `sql "SELECT …" [--format table|csv|json] [-o FILE]`,
		Short: "只读SQL查询 (run a read-only SQL query; views submission_status and indicators)",
		Long: "在库上执行一条只读 SQL 查询（视图 submission_status、indicators）。-o 写入文件（不覆盖已有文件）：\n" +
			".csv 文件带 UTF-8 BOM，中文 Windows 上的 Excel 可直接打开；输出到屏幕的 CSV 不带 BOM。\n" +
			"Runs one read-only query. -o writes a file (never over one); CSV files carry a UTF-8 BOM for Excel, CSV on standard output does not.",
		Args: argsN(1, 1, `一条 SQL 查询语句，整条用引号括起，如 jxsync sql "SELECT unit, status FROM submission_status" (one query, in quotes)`),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("format") && o.out != "" {
				switch strings.ToLower(filepath.Ext(o.out)) {
				case ".csv":
					o.format = "csv"
				case ".json":
					o.format = "json"
				}
			}
			return runSQL(cmd.Context(), g, args[0], o)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "table", "输出格式 table|csv|json；给出 -o x.csv / x.json 时按扩展名 (output format)")
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "写入此文件而非屏幕，不覆盖已有文件 (write to this file, never over one)")
	return cmd
}

// runSQL runs the query on a read-only connection and prints the rows, or
// writes them to o.out.
func runSQL(ctx context.Context, g *globals, q string, o sqlOptions) error {
	if o.format != "table" && o.format != "csv" && o.format != "json" {
		return &exitError{code: exitFailure, err: fmt.Errorf("sql: --format 应为 table、csv 或 json，而不是“%s” (--format must be table, csv or json)", o.format)}
	}
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	cols, rows, err := svc.Records.Query(ctx, q)
	if err != nil {
		return err
	}
	if o.out == "" {
		return writeRows(g.stdout, o.format, false, cols, rows)
	}
	var b bytes.Buffer
	if err := writeRows(&b, o.format, true, cols, rows); err != nil {
		return err
	}
	if err := writeNew(o.out, b.Bytes()); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	fmt.Fprintf(g.stdout, "%s: %d 行 (rows)\n", o.out, len(rows))
	return nil
}

// writeRows writes a query's rows in format; a CSV file (file) starts with
// the UTF-8 BOM.
func writeRows(w io.Writer, format string, file bool, cols []string, rows [][]any) error {
	cell := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if file {
			var err error
			if cw, err = newCSVFile(w); err != nil {
				return err
			}
		}
		cw.Write(sync.CSVSafeRecord(cols))
		for _, r := range rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v)
				if _, text := v.(string); text {
					rec[i] = sync.CSVSafe(rec[i]) // a formula-looking text is quoted; numbers stay numbers
				}
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, len(rows))
		for i, r := range rows {
			out[i] = map[string]any{}
			for j, c := range cols {
				out[i][c] = r[j]
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	table := [][]string{cols}
	for _, r := range rows {
		parts := make([]string, len(r))
		for i, v := range r {
			parts[i] = strings.Join(strings.Fields(cell(v)), " ")
		}
		table = append(table, parts)
	}
	printColumns(w, table)
	return nil
}
