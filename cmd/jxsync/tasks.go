package main

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// tasksAddOptions are the flags of `jxsync tasks add`.
type tasksAddOptions struct {
	template, units, under, due, by string
	year                            int
}

// tasksListOptions are the flags of `jxsync tasks list`.
type tasksListOptions struct {
	template string
	year     int
	overdue  bool
}

func newTasksCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tasks",
		Short: "自评任务：哪些单位应提交哪张表 (tasks: which unit owes which form)",
	}
	var ao tasksAddOptions
	add := &cobra.Command{
		Use:   "add --template ID --year Y (--units CODE,… | --under CODE) [--due YYYY-MM-DD] [--by NAME]",
		Short: "下达自评任务 (add tasks)",
		Long: "为单位下达某模板某年度的自评任务：--units 列出单位（编码、登记名称或别名，逗号分隔），\n" +
			"--under 给出一个主管部门，该部门及其下全部单位均须提交。截止日期已过也可下达，任务即为逾期。\n" +
			"Adds tasks of a template (any version) for a year: to the units listed, or to a department and every unit below it.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTasksAdd(cmd.Context(), g, ao)
		},
	}
	add.Flags().StringVar(&ao.template, "template", "", "模板ID，不带版本 (template id, any version)")
	add.Flags().IntVar(&ao.year, "year", 0, "年度 (year)")
	add.Flags().StringVar(&ao.units, "units", "", "单位编码、名称或别名，逗号分隔 (units, comma-separated)")
	add.Flags().StringVar(&ao.under, "under", "", "主管部门：该部门及其下全部单位 (a department and every unit below it)")
	add.Flags().StringVar(&ao.due, "due", "", "截止日期 YYYY-MM-DD (due date)")
	add.Flags().StringVar(&ao.by, "by", "", "下达人，默认为当前系统用户 (recorded as added by; default the OS user)")
	add.MarkFlagRequired("template")
	add.MarkFlagRequired("year")
	var lo tasksListOptions
	list := &cobra.Command{
		Use:   "list [--template ID] [--year Y] [--overdue]",
		Short: "列出自评任务及其状态 (list tasks with their states)",
		Long: "每项任务一行：单位编码、单位、主管部门、模板、年度、截止日期、状态、是否逾期。\n" +
			"--overdue 只列逾期且尚未提交有效自评表（未提交、有错误、被退回）的任务，即催报名单。\n" +
			"One line per task; --overdue lists the overdue tasks not yet submitted (the reminder list).",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTasksList(cmd.Context(), g, lo)
		},
	}
	list.Flags().StringVar(&lo.template, "template", "", "模板ID (template id)")
	list.Flags().IntVar(&lo.year, "year", 0, "年度 (year)")
	list.Flags().BoolVar(&lo.overdue, "overdue", false, "只列逾期未交的任务 (only overdue tasks not yet submitted)")
	cmd.AddCommand(add, list)
	return cmd
}

// cliUser is who the CLI records as acting: by, else the OS user, else
// "cli".
func cliUser(by string) string {
	if by = strings.TrimSpace(by); by != "" {
		return by
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "cli"
}

// runTasksAdd records tasks.
func runTasksAdd(ctx context.Context, g *globals, o tasksAddOptions) error {
	if (o.units == "") == (o.under == "") {
		return usageError(g.cmd, "请给出 --units 或 --under 之一 (give --units or --under, not both)")
	}
	var due time.Time
	if o.due != "" {
		var err error
		if due, err = time.ParseInLocation(store.DueLayout, strings.TrimSpace(o.due), time.Local); err != nil {
			return usageError(g.cmd, "--due 须为 YYYY-MM-DD 格式的日期，如 2025-06-30 (bad date): %q", o.due)
		}
	}
	var units []string
	for _, u := range strings.FieldsFunc(o.units, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if u = strings.TrimSpace(u); u != "" {
			units = append(units, u)
		}
	}
	if o.units != "" && len(units) == 0 {
		return usageError(g.cmd, "--units 为空 (no units given)")
	}
	svc, _, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	tasks, added, err := svc.AddTasks(ctx, sync.TaskRequest{Template: o.template, Year: o.year, Units: units, Under: o.under,
		Due: due, By: cliUser(o.by)})
	if errors.Is(err, mapping.ErrNoTemplate) {
		return templateError(svc, o.template, err)
	}
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	dueText := "无截止日期 (no due date)"
	if !due.IsZero() {
		dueText = "截止 (due) " + due.Format(store.DueLayout)
	}
	fmt.Fprintf(g.stdout, "%s %d：%d 个单位，新增任务 %d 项 (added)，已有 %d 项 (already recorded)；%s\n",
		o.template, o.year, len(tasks), added, len(tasks)-added, dueText)
	if !due.IsZero() && time.Now().Format(store.DueLayout) > due.Format(store.DueLayout) {
		fmt.Fprintln(g.stdout, "截止日期已过，任务即为逾期 (the due date has passed: the tasks are overdue at once)")
	}
	return nil
}

// runTasksList prints the tasks with their states.
func runTasksList(ctx context.Context, g *globals, o tasksListOptions) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	if o.template != "" {
		if _, err := mapping.Find(svc.Templates, o.template); err != nil || strings.Contains(o.template, "@") {
			if err == nil {
				err = fmt.Errorf("tasks: give a template id without @VERSION: %w", mapping.ErrNoTemplate)
			}
			return templateError(svc, o.template, err)
		}
	}
	rows, err := svc.TaskRows(ctx, store.TaskFilter{Template: o.template, Year: o.year}, time.Now())
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	out := [][]string{
		{"单位编码", "单位", "主管部门", "模板", "年度", "截止日期", "状态", "逾期"},
		{"code", "unit", "department", "template", "year", "due", "state", "overdue"},
	}
	n := 0
	for _, r := range rows {
		if o.overdue && !r.Overdue {
			continue
		}
		n++
		due, dept, mark := "-", "-", ""
		if !r.Due.IsZero() {
			due = r.Due.Format(store.DueLayout)
		}
		if r.DepartmentName != "" {
			dept = r.DepartmentName
		}
		if r.Overdue {
			mark = "逾期 overdue"
		}
		out = append(out, []string{r.UnitCode, r.Unit, dept, r.TemplateID, fmt.Sprint(r.Year), due, sync.StateWord(r.State), mark})
	}
	if n == 0 {
		if o.overdue {
			fmt.Fprintln(g.stdout, "没有逾期未交的任务 (no overdue tasks)")
		} else {
			fmt.Fprintln(g.stdout, "没有自评任务 (no tasks)")
		}
		return nil
	}
	printColumns(g.stdout, out)
	return nil
}
