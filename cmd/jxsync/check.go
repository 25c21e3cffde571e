package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

func newCheckCmd(g *globals) *cobra.Command {
	var repair bool
	cmd := &cobra.Command{
		Use:   "check [--repair]",
		Short: "检查中心库一致性 (verify every original against its hash and the records' consistency)",
		Long: "逐个修订检查原件是否存在、是否与保存时的哈希一致，并检查记录是否完整；每个问题写明修订号、单位、模板、年度和文件名。\n" +
			"退出码：0 一致，1 有问题，2 无法检查。\n" +
			"Checks every revision's original exists and matches its hash, and that the records are consistent; each problem names the\n" +
			"revision, unit, template, year and file. Exit 0: consistent; 1: problems found; 2: the check could not run.\n" +
			"中断的写入留下的临时文件（.put-*，超过一小时）也会列出；--repair 删除它们。\n" +
			"Temporary files left by interrupted blob writes (.put-*, older than an hour) are listed too; --repair removes them.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), g, repair)
		},
	}
	cmd.Flags().BoolVar(&repair, "repair", false, "删除中断的写入留下的临时文件 (remove what interrupted blob writes left)")
	return cmd
}

// storeProblem is one problem check found, at a revision (0: the store as
// a whole).
type storeProblem struct {
	revision int64
	message  string
}

// runCheck prints what is wrong with the store, one line per problem
// naming the revision, its unit, template, year and file; exit 1 when
// anything is.
func runCheck(ctx context.Context, g *globals, repair bool) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	if repair {
		removed, err := svc.RepairStore(ctx)
		for _, p := range removed {
			fmt.Fprintf(g.stdout, "已删除中断的写入留下的临时文件 (removed leftover)：%s\n", p)
		}
		if err != nil {
			return err
		}
	}
	recs, err := svc.Records.Check(ctx)
	if err != nil {
		return err
	}
	var probs []storeProblem
	for _, p := range recs {
		probs = append(probs, storeProblem{p.Revision, recordProblem(p.Message)})
	}
	blobs, err := svc.Records.Blobs(ctx)
	if err != nil {
		return err
	}
	for hash, revs := range blobs {
		if _, err := svc.Blobs.Get(ctx, hash); err != nil {
			for _, id := range revs {
				probs = append(probs, storeProblem{id, blobProblem(hash, err)})
			}
		}
	}
	if sw, ok := svc.Blobs.(store.Sweeper); ok {
		left, err := sw.Leftovers(ctx, sync.LeftoverAge)
		if err != nil {
			return err
		}
		for _, p := range left {
			probs = append(probs, storeProblem{0, fmt.Sprintf("中断的写入留下的临时文件，可用 check --repair 删除 (leftover of an interrupted write): %s", p)})
		}
	}
	sort.Slice(probs, func(i, j int) bool {
		if probs[i].revision != probs[j].revision {
			return probs[i].revision < probs[j].revision
		}
		return probs[i].message < probs[j].message
	})
	for _, p := range probs {
		where := "中心库 (store)"
		if p.revision != 0 {
			where = fmt.Sprintf("修订 %d", p.revision)
			if rev, err := svc.Records.Revision(ctx, p.revision); err == nil {
				where = describeRevision(rev)
			}
		}
		fmt.Fprintf(g.stdout, "%s：%s\n", where, p.message)
	}
	if len(probs) > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("中心库有 %d 处问题 (%d problem(s) found)", len(probs), len(probs))}
	}
	fmt.Fprintln(g.stdout, "中心库一致 (store is consistent)")
	return nil
}

// describeRevision names a revision for people: its number, unit, template
// and version, year, subject, file and sheet.
func describeRevision(r *store.Revision) string {
	parts := []string{}
	if r.Unit != "" {
		parts = append(parts, r.Unit)
	} else {
		parts = append(parts, "单位未识别")
	}
	parts = append(parts, r.TemplateID+"@"+r.TemplateVersion)
	if r.Year != 0 {
		parts = append(parts, fmt.Sprintf("%d 年度", r.Year))
	}
	if r.Subject != "" {
		parts = append(parts, "项目“"+r.Subject+"”")
	}
	file := "文件 " + r.FileName
	if r.Sheet != "" {
		file += "，工作表“" + r.Sheet + "”"
	}
	parts = append(parts, file)
	return fmt.Sprintf("修订 %d（%s）", r.ID, strings.Join(parts, "，"))
}

// blobProblem says what is wrong with a stored original.
func blobProblem(hash string, err error) string {
	switch {
	case errors.Is(err, store.ErrCorrupt):
		return fmt.Sprintf("原件已损坏，与保存时的哈希不符 (original does not match its hash %s)", hash)
	case errors.Is(err, store.ErrNotFound):
		return fmt.Sprintf("原件缺失 (original %s not found)", hash)
	}
	return fmt.Sprintf("无法读取原件 (cannot read the original %s): %v", hash, err)
}

// blobError is the error for a revision whose original cannot be returned.
func blobError(rev *store.Revision, err error) error {
	if rev == nil || !(errors.Is(err, store.ErrCorrupt) || errors.Is(err, store.ErrNotFound)) {
		return err
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("%s：%s；可运行 jxsync check 检查整个库", describeRevision(rev), blobProblem(rev.BlobHash, err))}
}

// recordProblem translates what the records store's check says.
func recordProblem(msg string) string {
	for en, zh := range map[string]string{
		"field value without revision":     "有字段值，但没有对应的修订",
		"table row without revision":       "有表格行，但没有对应的修订",
		"revision of a missing submission": "修订所属的填报不存在",
		"integrity: ":                      "数据库文件损坏",
		"revision numbers of submission ":  "填报的修订序号不连续",
	} {
		if strings.HasPrefix(msg, en) {
			return zh + " (" + msg + ")"
		}
	}
	return msg
}
