package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/sync"
	"github.com/jxsync/jxsync/template"
)

func newTemplatesAddCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "add DIR",
		Short: "检查并把模板加入库中 (check a template folder and keep it in the store)",
		Long: "检查 DIR/mapping.yaml 与 DIR/template.xlsx（映射须能加载并在空白表中全部解析，ID 与版本须是新的），\n" +
			"把空白表存入文件库、映射存入数据库。此后所有读取工作簿的命令和网页平台（重启后）都能识别它，\n" +
			"与内置模板并列；templates list 显示其来源 store。\n\n" +
			"Checks DIR/mapping.yaml and DIR/template.xlsx and keeps them in the store (the blank as a blob, the mapping\n" +
			"in the records): every command that reads workbooks, and the portal once restarted, then knows the\n" +
			"template beside the embedded ones.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTemplatesAdd(cmd.Context(), g, args[0])
		},
	}
}

// runTemplatesAdd checks the template folder dir and stores it.
func runTemplatesAdd(ctx context.Context, g *globals, dir string) error {
	name := filepath.Join(dir, "mapping.yaml")
	y, err := os.ReadFile(name)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("templates add: %w", err)}
	}
	blank, err := os.ReadFile(filepath.Join(dir, "template.xlsx"))
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("templates add: %w", err)}
	}
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	added, err := svc.AddTemplate(ctx, name, y, blank, addedBy())
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("templates add: %w", err)}
	}
	t := added.Template
	if added.Unchanged {
		fmt.Fprintf(g.stdout, "%s@%s（%s）已在库中，未变 (unchanged)\n", t.ID, t.Version, t.Title)
		return nil
	}
	fmt.Fprintf(g.stdout, "已加入 (added) %s@%s（%s）：空白表 %s，所有命令与网页平台（重启后）可识别此表\n",
		t.ID, t.Version, t.Title, added.Record.BlankHash[:12])
	return nil
}

// addedBy names who adds a template: the operating system's user.
func addedBy() string {
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if u := os.Getenv(k); u != "" {
			return u
		}
	}
	return "cli"
}

// addStoredTemplates adds the template versions kept in the store to reg,
// when the store's database exists (a command run where nothing was ever
// stored does not create a SQLite file). A stored version that does not
// load, or a blob store or PostgreSQL server that cannot be reached, is
// reported on stderr and left out, so that it does not stop the commands
// on the embedded templates.
func (g *globals) addStoredTemplates(cfg *Config, reg *template.Registry) error {
	if cfg.Store.Records != "postgres" {
		if _, err := os.Stat(cfg.Store.Database); err != nil {
			return nil
		}
	}
	ctx := context.Background()
	db, err := openRecords(ctx, cfg)
	if err != nil && cfg.Store.Records == "postgres" {
		fmt.Fprintf(g.stderr, "jxsync: 警告 (warning): 库中的模板未加载 (stored templates not loaded): %v\n", err)
		return nil
	}
	if err != nil {
		return err
	}
	defer db.Close()
	recs, err := db.CustomTemplates(ctx)
	if err != nil || len(recs) == 0 {
		return err
	}
	blobs, err := openBlobs(ctx, cfg)
	if err != nil {
		// The embedded templates still work when the blob store is down.
		fmt.Fprintf(g.stderr, "jxsync: 警告 (warning): 库中的 %d 个模板未加载 (stored templates not loaded): %v\n", len(recs), err)
		return nil
	}
	svc := &sync.Service{Reader: template.Reader{Limits: cfg.Limits.limits()}, Blobs: blobs, Records: db}
	stored, err := svc.StoredTemplates(ctx)
	if err != nil {
		fmt.Fprintf(g.stderr, "jxsync: 警告 (warning): 库中的模板未能全部加载 (stored templates left out): %v\n", err)
	}
	for _, st := range stored {
		if err := reg.Add(st.Template, st.Blank); err != nil {
			fmt.Fprintf(g.stderr, "jxsync: 警告 (warning): %v\n", err)
		}
	}
	return nil
}

// templateOrigin says where a template version of reg comes from: the
// store, the --templates-dir folder or the binary.
func templateOrigin(cfg *Config, reg *template.Registry, i int) string {
	switch {
	case reg.Added(reg.Templates[i]):
		return "store"
	case cfg.TemplatesDir != "":
		return "dir"
	}
	return "embedded"
}
