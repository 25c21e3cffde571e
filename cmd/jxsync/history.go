package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

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
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
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
	revs, err := svc.Records.History(ctx, unit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "修订\t模板\t年度\t项目\t第几版\t状态\t错误\t警告\t总分\t上传时间\t上传人\t工作表\t文件")
	fmt.Fprintln(tw, "revision\ttemplate\tyear\tsubject\tseq\tstatus\terrors\twarnings\tscore\tuploaded\tby\tsheet\tfile")
	for _, r := range revs {
		score := ""
		if r.TotalScore != nil {
			score = fmt.Sprint(*r.TotalScore)
		}
		fmt.Fprintf(tw, "%d\t%s@%s\t%d\t%s\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.TemplateID, r.TemplateVersion, r.Year,
			r.Subject, r.Seq, r.Status, r.Errors, r.Warnings, score, r.UploadedAt.Local().Format("2006-01-02 15:04:05"), r.UploadedBy,
			r.Sheet, r.FileName)
	}
	return tw.Flush()
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
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "修订\t模板\t表中单位\t表中年度\t错误\t警告\t上传时间\t上传人\t工作表\t文件")
	fmt.Fprintln(tw, "revision\ttemplate\tunit as typed\tyear as typed\terrors\twarnings\tuploaded\tby\tsheet\tfile")
	for _, r := range revs {
		unit, year, err := svc.TypedIdentity(ctx, r)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%d\t%s@%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", r.ID, r.TemplateID, r.TemplateVersion, unit, year,
			r.Errors, r.Warnings, r.UploadedAt.Local().Format("2006-01-02 15:04:05"), r.UploadedBy, r.Sheet, r.FileName)
	}
	return tw.Flush()
}
