package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/templates"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1 // a workbook has error findings
	exitFailure  = 2 // a file could not be read, or the command was misused
)

// exitError carries an exit code up to run.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// globals are the options every subcommand shares.
type globals struct {
	configPath string
	stdout     io.Writer
	stderr     io.Writer
	cmd        *cobra.Command
}

// config loads the configuration for the running command.
func (g *globals) config() (*Config, error) {
	return loadConfig(g.configPath, g.cmd.Root().PersistentFlags())
}

// service wires the embedded (or configured) templates and the excelize
// reader into a sync.Service (without stores).
func (g *globals) service() (*sync.Service, *template.Registry, error) {
	cfg, err := g.config()
	if err != nil {
		return nil, nil, err
	}
	return g.serviceFor(cfg)
}

func (g *globals) serviceFor(cfg *Config) (*sync.Service, *template.Registry, error) {
	var err error
	fsys := templates.FS
	var reg *template.Registry
	if cfg.TemplatesDir != "" {
		reg, err = template.LoadRegistry(os.DirFS(cfg.TemplatesDir))
	} else {
		reg, err = template.LoadRegistry(fsys)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := g.addStoredTemplates(cfg, reg); err != nil {
		return nil, nil, err
	}
	return &sync.Service{
		Templates: reg.Templates,
		Reader:    template.Reader{Limits: cfg.Limits.limits()},
		Annotator: template.Annotator{},
		Exporter:  template.Exporter{},
		Reporter:  template.Reporter{},
	}, reg, nil
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "jxsync",
		Short: "jxsync 绩效自评表 Excel 与中心库同步工具 (keeps self-evaluation workbooks and a central store in sync)",
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			g.cmd = cmd
		},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.configPath, "config", "", "配置文件 (config file; default ./jxsync.yaml when present)")
	root.PersistentFlags().String("data-dir", "jxsync-data", "数据目录 (data directory of the embedded store)")
	root.PersistentFlags().String("templates-dir", "", "模板目录 (folder of <id>/<version>/ templates; default: the embedded ones)")
	root.AddCommand(newExtractCmd(g), newValidateCmd(g), newImportCmd(g), newSyncCmd(g), newHistoryCmd(g),
		newOriginalCmd(g), newCheckCmd(g), newSQLCmd(g), newExportCmd(g), newDiffCmd(g), newTemplatesCmd(g))
	root.AddCommand(newReportCmd(g))
	root.AddCommand(newServeCmd(g), newUserCmd(g), newAuditCmd(g))
	root.AddCommand(newUnitsCmd(g))
	root.AddCommand(newWorkerCmd(g))
	root.AddCommand(newRegenerateCmd(g))
	root.AddCommand(newRevalidateCmd(g))
	root.AddCommand(newTemplateCmd(g))
	root.AddCommand(newMappingCmd(g))
	root.AddCommand(newVersionCmd(g))
	root.AddCommand(newBackupCmd(g), newRestoreCmd(g))
	root.AddCommand(newTasksCmd(g))
	root.SetFlagErrorFunc(flagError)
	chineseHelp(root)
	return root
}

// run executes jxsync with args and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	stdout, stderr = safeOutputs(stdout, stderr)
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	err = cobraError(cmd, err)
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "jxsync:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "jxsync:", err)
	return exitFailure
}
