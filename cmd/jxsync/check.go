package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newCheckCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "检查中心库一致性 (verify every original against its hash and the records' consistency)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), g)
		},
	}
}

// runCheck prints what is wrong with the store; exit 1 when anything is.
func runCheck(ctx context.Context, g *globals) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	probs, err := svc.CheckStore(ctx)
	if err != nil {
		return err
	}
	for _, p := range probs {
		fmt.Fprintln(g.stdout, p)
	}
	if len(probs) > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("中心库有 %d 处问题 (%d problem(s) found)", len(probs), len(probs))}
	}
	fmt.Fprintln(g.stdout, "中心库一致 (store is consistent)")
	return nil
}
