package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newSQLCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   `sql "SELECT …"`,
		Short: "只读SQL查询 (run a read-only SQL query; views submission_status and indicators)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSQL(cmd.Context(), g, args[0], format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "输出格式 table|csv|json (output format)")
	return cmd
}

// runSQL runs the query on a read-only connection and prints the rows.
func runSQL(ctx context.Context, g *globals, q, format string) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	cols, rows, err := svc.Records.Query(ctx, q)
	if err != nil {
		return err
	}
	cell := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	switch format {
	case "csv":
		w := csv.NewWriter(g.stdout)
		w.Write(cols)
		for _, r := range rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v)
			}
			w.Write(rec)
		}
		w.Flush()
		return w.Error()
	case "json":
		out := make([]map[string]any, len(rows))
		for i, r := range rows {
			out[i] = map[string]any{}
			for j, c := range cols {
				out[i][c] = r[j]
			}
		}
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	case "table":
		tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
		for _, r := range rows {
			parts := make([]string, len(r))
			for i, v := range r {
				parts[i] = strings.ReplaceAll(cell(v), "\n", " ")
			}
			fmt.Fprintln(tw, strings.Join(parts, "\t"))
		}
		return tw.Flush()
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("sql: --format must be table, csv or json, got %q", format)}
}
