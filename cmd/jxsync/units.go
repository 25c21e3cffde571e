package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	osuser "os/user"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

func newUnitsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "units",
		Short: "单位名单与待确认单位 (the unit registry and the queue of forms waiting for a unit)",
		Args:  noArgs,
	}
	cmd.AddCommand(newUnitsImportCmd(g), newUnitsListCmd(g), newUnitsPendingCmd(g), newUnitsAssignCmd(g))
	return cmd
}

func newUnitsImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "导入单位名单 (import a roster: .xlsx or .csv)",
		Long: "导入单位名单（.xlsx 或 .csv，UTF-8 或 GB18030），列为 单位编码、单位名称、上级单位编码、别名（多个别名以 ; 或 ； 分隔）。\n" +
			"先检查全部行，有任何问题则逐行列出、不导入；重新导入会更新名称、上级和别名，从不删除单位。\n" +
			"Imports a roster with the columns 单位编码, 单位名称, 上级单位编码, 别名. Every problem is listed with its row and\n" +
			"nothing is saved when there is any; re-importing updates names, parents and aliases and never deletes a unit.",
		Args: argsN(1, 1, "一个名单文件 (one roster file)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUnitsImport(cmd.Context(), g, args[0])
		},
	}
}

// runUnitsImport imports a roster file and prints what changed.
func runUnitsImport(ctx context.Context, g *globals, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("units import: 无法读取单位名单文件 %s (cannot read the roster): %w", path, err)}
	}
	svc, _, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	ch, err := svc.ImportRoster(ctx, path, data)
	var re *sync.RosterError
	if errors.As(err, &re) {
		return &exitError{code: exitFindings, err: err}
	}
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	fmt.Fprintf(g.stdout, "%s: %d 个单位 (units): 新增 added %d, 更新 updated %d, 未变 unchanged %d\n",
		path, ch.Added+ch.Updated+ch.Unchanged, ch.Added, ch.Updated, ch.Unchanged)
	return nil
}

func newUnitsListCmd(g *globals) *cobra.Command {
	var tree bool
	cmd := &cobra.Command{
		Use:   "list [--tree]",
		Short: "列出单位 (list the units: code, name, parent code, aliases)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUnitsList(cmd.Context(), g, tree)
		},
	}
	cmd.Flags().BoolVar(&tree, "tree", false, "按上下级缩进 (indent by depth under the parent)")
	return cmd
}

// runUnitsList prints one line per unit, by code or as the tree.
func runUnitsList(ctx context.Context, g *globals, tree bool) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	units, err := svc.Units.Units(ctx)
	if err != nil {
		return err
	}
	rows := [][]string{{"单位编码", "单位名称", "上级单位编码", "别名"}, {"code", "name", "parent", "aliases"}}
	line := func(u *store.Unit, depth int) {
		rows = append(rows, []string{strings.Repeat("  ", depth) + u.Code, u.Name, u.Parent, strings.Join(u.Aliases, "；")})
	}
	if !tree {
		for _, u := range units {
			line(u, 0)
		}
	} else {
		t, err := sync.NewUnitTree(units)
		if err != nil {
			return err
		}
		var walk func(code string, depth int)
		walk = func(code string, depth int) {
			line(t.Unit(code), depth)
			for _, c := range t.Children(code) {
				walk(c, depth+1)
			}
		}
		for _, r := range t.Roots {
			walk(r, 0)
		}
	}
	if len(units) == 0 {
		fmt.Fprintln(g.stdout, "还没有单位；用 jxsync units import 导入单位名单 (no unit yet)")
		return nil
	}
	printColumns(g.stdout, rows)
	return nil
}

func newUnitsPendingCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "pending",
		Short: "列出待确认单位的修订 (list the revisions waiting for a unit)",
		Long: "列出单位名称与名单中任何单位都对不上（或对上多个）的修订：修订号、填写的单位名称、模板、年度、文件。\n" +
			"用 jxsync units assign 修订 单位编码 归入单位。\n" +
			"Lists the revisions whose typed unit matched no registered unit or several; file them with units assign.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUnitsPending(cmd.Context(), g)
		},
	}
}

// runUnitsPending prints one line per waiting revision.
func runUnitsPending(ctx context.Context, g *globals) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	ps, err := svc.Pending(ctx)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		fmt.Fprintln(g.stdout, "没有待确认单位的修订 (no revision waits for a unit)")
		return nil
	}
	rows := [][]string{{"修订", "填写的单位名称", "模板", "年度", "文件"}, {"revision", "unit as typed", "template", "year", "file"}}
	for _, p := range ps {
		r := p.Revision
		rows = append(rows, []string{fmt.Sprint(r.ID), p.UnitName, r.TemplateID + "@" + r.TemplateVersion, fmt.Sprint(p.Year), r.FileName})
	}
	printColumns(g.stdout, rows)
	return nil
}

func newUnitsAssignCmd(g *globals) *cobra.Command {
	var by string
	cmd := &cobra.Command{
		Use:   "assign REVISION UNIT [--by NAME]",
		Short: "把待确认的修订归入单位 (file a waiting revision under a unit)",
		Long: "把待确认单位的修订归入单位（单位编码、名称或别名）：生成该单位填报的新修订（同一原始文件和数据），\n" +
			"并把填写的名称记为该单位的别名，下次上传自动匹配。同一修订不能归入两次。\n" +
			"Files a waiting revision under a unit (code, name or alias) as a new revision of its submission, and records the\n" +
			"typed name as an alias of the unit. A revision is assigned once.",
		Args: argsN(2, 2, "修订号和单位编码 (a revision and a unit code)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageError(cmd, "修订号应为正整数：%s (revision must be a positive number)", args[0])
			}
			return runUnitsAssign(cmd.Context(), g, id, args[1], by)
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "操作人，默认为当前系统用户 (who assigns; default: the OS user)")
	return cmd
}

// runUnitsAssign files a waiting revision under a unit.
func runUnitsAssign(ctx context.Context, g *globals, id int64, unit, by string) error {
	if by == "" {
		by = "cli"
		if u, err := osuser.Current(); err == nil && u.Username != "" {
			by = u.Username
		}
	}
	svc, _, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	rev, err := svc.Assign(ctx, id, unit, sync.Actor{Name: by, Role: store.RoleCLI})
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	fmt.Fprintf(g.stdout, "修订 %d 已归入 %s %s：%s@%s %d 年，新修订 %d (revision %d filed as revision %d)\n",
		id, rev.UnitCode, rev.Unit, rev.TemplateID, rev.TemplateVersion, rev.Year, rev.ID, id, rev.ID)
	return nil
}

// unitArg is the registered name of the unit a command's argument names
// (code, exact name or alias), or the argument as given when no unit has
// it. svc, when it has stores, is used; else the stores are opened when the
// database exists (nothing is created for a lookup).
func unitArg(ctx context.Context, g *globals, svc *sync.Service, key string) (string, error) {
	if svc != nil && svc.Units != nil {
		return svc.UnitName(ctx, key)
	}
	cfg, err := g.config()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(cfg.Store.Database); err != nil && cfg.Store.Records != "postgres" {
		return strings.TrimSpace(key), nil
	}
	stored, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return "", err
	}
	defer closeStores()
	return stored.UnitName(ctx, key)
}
