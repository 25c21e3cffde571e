// Command jxsync keeps 绩效自评表 workbooks and a central store in sync.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
