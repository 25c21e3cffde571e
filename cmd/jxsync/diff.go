package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

func newDiffCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "diff A B",
		Short: "比较两个修订或两个文件的字段差异 (field-level differences between two revisions or files)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), g, args[0], args[1])
		},
	}
}

// runDiff prints the changes from A to B; exit 1 when they differ. An
// argument that is a number and not an existing file is a revision.
func runDiff(ctx context.Context, g *globals, a, b string) error {
	revision := func(arg string) (int64, bool) {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return 0, false
		}
		_, statErr := os.Stat(arg)
		return id, statErr != nil
	}
	_, ra := revision(a)
	_, rb := revision(b)
	var svc *sync.Service
	var err error
	if ra || rb {
		var closeStores func()
		if svc, _, closeStores, err = g.storedService(ctx); err != nil {
			return err
		}
		defer closeStores()
	} else if svc, _, err = g.service(); err != nil {
		return err
	}
	load := func(arg string) (*mapping.Result, error) {
		if id, ok := revision(arg); ok {
			return svc.Records.Data(ctx, id)
		}
		data, err := os.ReadFile(arg)
		if err != nil {
			return nil, fmt.Errorf("diff: %w", err)
		}
		return svc.Extract(arg, data, "")
	}
	resA, err := load(a)
	if err != nil {
		return err
	}
	resB, err := load(b)
	if err != nil {
		return err
	}
	changes := mapping.Diff(resA, resB)
	if len(changes) == 0 {
		fmt.Fprintln(g.stdout, "无差异 (no differences)")
		return nil
	}
	printChanges(g.stdout, "", changes, 0)
	return &exitError{code: exitFindings}
}

// printChanges lists changes as path, kind, old and new with their cells;
// limit > 0 shows at most that many.
func printChanges(w io.Writer, indent string, changes []mapping.Change, limit int) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, c := range changes {
		if limit > 0 && i == limit {
			fmt.Fprintf(tw, "%s… 另有 %d 处 (%d more)\n", indent, len(changes)-limit, len(changes)-limit)
			break
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%q %s\t→ %q %s\n", indent, c.Path, c.Kind, c.Old, c.OldCell, c.New, c.NewCell)
	}
	tw.Flush()
}
