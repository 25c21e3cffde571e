package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// historyOptions are the flags of `jxsync history`.
type historyOptions struct {
	unidentified bool
}

func newHistoryCmd(g *globals) *cobra.Command {
	var o historyOptions
	cmd := &cobra.Command{
		Use:   "history (UNIT | --unidentified)",
		Short: "单位的全部填报修订 (every revision of a unit's submissions)",
		Long: "列出一个单位全部填报的每个修订；--unidentified 列出无法确定单位或年度的修订（已保存但未归入任何填报）。\n" +
			"Lists every revision of a unit's submissions; --unidentified lists the stored revisions whose unit or year could not be read.",
		Args: func(cmd *cobra.Command, args []string) error {
			if o.unidentified {
				return noArgs(cmd, args)
			}
			return argsN(1, 1, "一个单位名称，或用 --unidentified (one unit name)")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			unit := ""
			if len(args) > 0 {
				unit = args[0]
			}
			return runHistory(cmd.Context(), g, o, unit)
		},
	}
	cmd.Flags().BoolVar(&o.unidentified, "unidentified", false, "列出无法确定单位或年度的修订 (list revisions whose unit or year could not be read)")
	return cmd
}

// runHistory prints a unit's revisions, oldest first within each submission,
// or the unidentified ones, newest first.
func runHistory(ctx context.Context, g *globals, o historyOptions, unit string) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	if o.unidentified {
		return printUnidentified(ctx, g, svc)
	}
	if unit, err = unitArg(ctx, g, svc, unit); err != nil {
		return err
	}
	revs, err := svc.Records.History(ctx, unit)
	if errors.Is(err, store.ErrNotFound) && svc.Units != nil {
		// A unit's code or alias names its registered unit.
		if u, uerr := svc.Units.Unit(ctx, unit); uerr == nil {
			revs, err = svc.Records.History(ctx, u.Name)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return unitNotFound(ctx, svc, unit)
	}
	if err != nil {
		return err
	}
	rows := [][]string{
		{"修订", "模板", "年度", "项目", "第几版", "状态", "审核状态", "错误", "警告", "总分", "上传时间", "上传人", "工作表", "文件"},
		{"revision", "template", "year", "subject", "seq", "status", "state", "errors", "warnings", "score", "uploaded", "by", "sheet", "file"},
	}
	reviews := map[int64][]*store.Review{}
	for _, r := range revs {
		score := ""
		if r.TotalScore != nil {
			score = fmt.Sprint(*r.TotalScore)
		}
		rs, ok := reviews[r.SubmissionID]
		if !ok {
			if rs, err = svc.Users.Reviews(ctx, r.SubmissionID); err != nil {
				return err
			}
			reviews[r.SubmissionID] = rs
		}
		// The state each revision reached: the submission's state for the
		// latest, the decision on it (or 已提交, 有错误) for earlier ones.
		state, _ := sync.SubmissionState(r, rs)
		rows = append(rows, []string{fmt.Sprint(r.ID), r.TemplateID + "@" + r.TemplateVersion, fmt.Sprint(r.Year), r.Subject,
			fmt.Sprint(r.Seq), r.Status, sync.StateWord(state), fmt.Sprint(r.Errors), fmt.Sprint(r.Warnings), score,
			r.UploadedAt.Local().Format("2006-01-02 15:04:05"), r.UploadedBy, r.Sheet, r.FileName})
	}
	printColumns(g.stdout, rows)
	return nil
}

// printUnidentified lists the revisions of no submission with the unit and
// year their cells hold.
func printUnidentified(ctx context.Context, g *globals, svc *sync.Service) error {
	revs, err := svc.Records.Unidentified(ctx, "")
	if err != nil {
		return err
	}
	if len(revs) == 0 {
		fmt.Fprintln(g.stdout, "没有无法确定单位或年度的修订 (no unidentified revisions)")
		return nil
	}
	rows := [][]string{
		{"修订", "模板", "表中单位", "表中年度", "错误", "警告", "上传时间", "上传人", "工作表", "文件"},
		{"revision", "template", "unit as typed", "year as typed", "errors", "warnings", "uploaded", "by", "sheet", "file"},
	}
	for _, r := range revs {
		unit, year, err := svc.TypedIdentity(ctx, r)
		if err != nil {
			return err
		}
		rows = append(rows, []string{fmt.Sprint(r.ID), r.TemplateID + "@" + r.TemplateVersion, unit, year, fmt.Sprint(r.Errors),
			fmt.Sprint(r.Warnings), r.UploadedAt.Local().Format("2006-01-02 15:04:05"), r.UploadedBy, r.Sheet, r.FileName})
	}
	printColumns(g.stdout, rows)
	return nil
}
