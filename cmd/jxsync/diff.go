package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

func newDiffCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "diff A B",
		Short: "比较两个修订或两个文件的字段差异 (field-level differences between two revisions or files)",
		Long: "逐项列出 A 到 B 的差异：字段按表中名称，指标按“第几个年度目标 第几行 三级指标名称 列名”。只是写法不同的值\n" +
			"（1,083.17 与 1083.17、110.36万元 与 110.36）不算差异。两个不同模板的表不能比较。\n" +
			"退出码：0 无差异，1 有差异，2 无法读取或不是同一模板。A、B 是修订号（见 jxsync history）或工作簿文件。\n" +
			"Lists the differences from A to B by the names on the form; formatting alone is no difference. A and B are revision\n" +
			"numbers or workbook files of one template. Exit 0: same; 1: different; 2: unreadable or different templates.",
		Args: argsN(2, 2, "两个修订号，或两个工作簿文件 (two revisions or two files)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), g, args[0], args[1])
		},
	}
}

// runDiff prints the changes from A to B; exit 1 when they differ. An
// argument that is a number and not an existing file is a revision.
func runDiff(ctx context.Context, g *globals, a, b string) error {
	revision := func(arg string) bool {
		if _, err := strconv.ParseInt(arg, 10, 64); err != nil {
			return false
		}
		_, statErr := os.Stat(arg)
		return statErr != nil
	}
	var svc *sync.Service
	var err error
	if revision(a) || revision(b) {
		var closeStores func()
		if svc, _, closeStores, err = g.storedService(ctx); err != nil {
			return err
		}
		defer closeStores()
	} else if svc, _, err = g.service(); err != nil {
		return err
	}
	load := func(arg string) (*mapping.Result, string, error) {
		if revision(arg) {
			rev, err := lookupRevision(ctx, svc, arg)
			if err != nil {
				return nil, "", err
			}
			res, err := svc.Records.Data(ctx, rev.ID)
			if err != nil {
				return nil, "", fmt.Errorf("diff: %s: %w", describeRevision(rev), err)
			}
			return res, describeRevision(rev), nil
		}
		data, err := os.ReadFile(arg)
		if err != nil {
			return nil, "", &exitError{code: exitFailure, err: fmt.Errorf("无法读取文件 %s (cannot read file): %w", arg, err)}
		}
		res, err := svc.Extract(arg, data, "")
		if err != nil {
			return nil, "", &exitError{code: exitFailure, err: err}
		}
		return res, arg, nil
	}
	resA, nameA, err := load(a)
	if err != nil {
		return err
	}
	resB, nameB, err := load(b)
	if err != nil {
		return err
	}
	if resA.Template != resB.Template {
		return &exitError{code: exitFailure, err: fmt.Errorf("不能比较不同模板的表 (different templates)：%s 是 %s，%s 是 %s；请比较同一种表的两个版本",
			nameA, templateName(svc, resA), nameB, templateName(svc, resB))}
	}
	ta, err := mapping.Find(svc.Templates, resA.Template+"@"+resA.Version)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("diff: %s: %w", nameA, err)}
	}
	tb, err := mapping.Find(svc.Templates, resB.Template+"@"+resB.Version)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("diff: %s: %w", nameB, err)}
	}
	diffs := mapping.DiffWords(ta, tb, resA, resB)
	if len(diffs) == 0 {
		fmt.Fprintln(g.stdout, "无差异 (no differences)")
		return nil
	}
	printDifferences(g.stdout, "", diffs, 0)
	fmt.Fprintf(g.stdout, "共 %d 处差异 (%d differences)\n", len(diffs), len(diffs))
	return &exitError{code: exitFindings}
}

// templateName is a result's template for a message: 部门整体绩效自评表（hubei-dept@2022）.
func templateName(svc *sync.Service, r *mapping.Result) string {
	if t, err := mapping.Find(svc.Templates, r.Template+"@"+r.Version); err == nil {
		return fmt.Sprintf("%s（%s@%s）", t.Title, t.ID, t.Version)
	}
	return r.Template + "@" + r.Version
}

// printDifferences lists differences as `where: old → new` with the cell;
// limit > 0 shows at most that many.
func printDifferences(w io.Writer, indent string, diffs []mapping.Difference, limit int) {
	for i, d := range diffs {
		if limit > 0 && i == limit {
			fmt.Fprintf(w, "%s… 另有 %d 处 (%d more)\n", indent, len(diffs)-limit, len(diffs)-limit)
			return
		}
		cell := d.NewCell
		if cell == "" {
			cell = d.OldCell
		}
		if cell != "" {
			cell = "  (" + cell + ")"
		}
		switch d.Kind {
		case "added":
			fmt.Fprintf(w, "%s%s: 新增 (added) %s%s\n", indent, d.Where, d.New, cell)
		case "removed":
			fmt.Fprintf(w, "%s%s: 删除 (removed) %s%s\n", indent, d.Where, d.Old, cell)
		default:
			fmt.Fprintf(w, "%s%s: %s → %s%s\n", indent, d.Where, d.Old, d.New, cell)
		}
	}
}

// printChanges lists changes (of an import conflict) as the places of
// template t they are at — 第2个年度目标 第3行 实际完成值: old → new; limit
// > 0 shows at most that many. Without t, paths are shown as they are.
func printChanges(w io.Writer, indent string, t *mapping.Template, changes []mapping.Change, limit int) {
	diffs := make([]mapping.Difference, len(changes))
	for i, c := range changes {
		where := c.Path
		if t != nil {
			where = mapping.DescribePath(t, c.Path)
		}
		diffs[i] = mapping.Difference{Change: c, Where: where}
	}
	printDifferences(w, indent, diffs, limit)
}
