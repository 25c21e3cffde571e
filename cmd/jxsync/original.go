package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func newOriginalCmd(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "original REVISION -o FILE",
		Short: "取回修订的原始文件（校验哈希）(write a revision's original file, hash-verified)",
		Args:  argsN(1, 1, "一个修订号（见 jxsync history 单位名称）(one revision number)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOriginal(cmd.Context(), g, args[0], out)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "输出文件 (output file)")
	cmd.MarkFlagRequired("output")
	return cmd
}

// runOriginal writes the verified original bytes of a revision to out,
// never over an existing file.
func runOriginal(ctx context.Context, g *globals, arg, out string) error {
	if _, err := parseRevision(arg); err != nil {
		return err
	}
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	rev, err := lookupRevision(ctx, svc, arg)
	if err != nil {
		return err
	}
	rev, data, err := svc.Original(ctx, rev.ID)
	if err != nil {
		return blobError(rev, err)
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return &exitError{code: exitFailure, err: fmt.Errorf("文件 %s 已存在，不覆盖 (file exists; not overwritten)", out)}
	}
	if err != nil {
		return fmt.Errorf("original: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(out)
		return fmt.Errorf("original: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("original: %w", err)
	}
	fmt.Fprintf(g.stdout, "%s: 修订 %d 的原件 %s (%d 字节, sha256 %s)\n", filepath.Base(out), rev.ID, rev.FileName, len(data), rev.BlobHash)
	return nil
}
