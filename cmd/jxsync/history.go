package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newHistoryCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "history UNIT",
		Short: "单位的全部填报修订 (every revision of a unit's submissions)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHistory(cmd.Context(), g, args[0])
		},
	}
}

// runHistory prints a unit's revisions, oldest first within each submission.
func runHistory(ctx context.Context, g *globals, unit string) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	revs, err := svc.Records.History(ctx, unit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "修订\t模板\t年度\t项目\t第几版\t状态\t错误\t警告\t总分\t上传时间\t上传人\t文件")
	fmt.Fprintln(tw, "revision\ttemplate\tyear\tsubject\tseq\tstatus\terrors\twarnings\tscore\tuploaded\tby\tfile")
	for _, r := range revs {
		score := ""
		if r.TotalScore != nil {
			score = fmt.Sprint(*r.TotalScore)
		}
		fmt.Fprintf(tw, "%d\t%s@%s\t%d\t%s\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", r.ID, r.TemplateID, r.TemplateVersion, r.Year,
			r.Subject, r.Seq, r.Status, r.Errors, r.Warnings, score, r.UploadedAt.Local().Format("2006-01-02 15:04:05"), r.UploadedBy, r.FileName)
	}
	return tw.Flush()
}
