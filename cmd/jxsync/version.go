package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at release time with -ldflags "-X main.version=v1.2.0 -X main.commit=…
// -X main.date=…" (scripts/release.sh). Left empty, they are read from the
// build information Go records (the commit and its time of a build made in
// a git checkout).
var (
	version = ""
	commit  = ""
	date    = ""
)

// buildInfo is what `jxsync version` prints.
type buildInfo struct {
	Version, Commit, Date, Go, Platform string
	Modified                            bool
}

// currentBuild returns the version, commit and build date: the -ldflags
// values, else those of debug.ReadBuildInfo (module version, vcs.revision,
// vcs.time, vcs.modified).
func currentBuild() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true" && commit == ""
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "版本、提交和构建日期 (print the version, commit and build date)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			b := currentBuild()
			commit := orDash(b.Commit)
			if b.Modified {
				commit += "（含未提交的修改 modified）"
			}
			fmt.Fprintf(g.stdout, "jxsync %s\n提交 (commit): %s\n构建日期 (built): %s\n%s %s\n", b.Version, commit, orDash(b.Date), b.Go, b.Platform)
			return nil
		},
	}
}
