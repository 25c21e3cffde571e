package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// auditOptions are the flags of `jxsync audit`.
type auditOptions struct {
	unit   string
	since  string
	format string
}

func newAuditCmd(g *globals) *cobra.Command {
	var o auditOptions
	cmd := &cobra.Command{
		Use:   "audit [--unit UNIT] [--since YYYY-MM-DD] [--format text|csv|json]",
		Short: "审计日志：上传、导入、审核、账号变更、原件下载等 (the audit log)",
		Long: "列出审计日志，最早的在前：每次上传、导入的每个文件、审核、任务变更、单位指派、账号变更和原件下载各一行（时间、操作人、角色、地址、操作、单位、修订、说明）。审计日志只增不改。\n" +
			"Lists the audit log, oldest first: one line per upload, imported file, review, task change, unit assignment, account change and download of an original. It is append-only.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd.Context(), g, o)
		},
	}
	cmd.Flags().StringVar(&o.unit, "unit", "", "只列此单位的记录 (only this unit's entries)")
	cmd.Flags().StringVar(&o.since, "since", "", "只列此日期（含）以来的记录，如 2026-03-01 (only entries since this date, local time)")
	cmd.Flags().StringVar(&o.format, "format", "text", "输出格式 text|csv|json (output format)")
	return cmd
}

// runAudit prints the audit log.
func runAudit(ctx context.Context, g *globals, o auditOptions) error {
	if o.format != "text" && o.format != "csv" && o.format != "json" {
		return &exitError{code: exitFailure, err: fmt.Errorf("audit: --format 应为 text、csv 或 json，而不是“%s” (--format must be text, csv or json)", o.format)}
	}
	f := store.AuditFilter{Unit: strings.TrimSpace(o.unit)}
	if o.since != "" {
		d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(o.since), time.Local)
		if err != nil {
			return &exitError{code: exitFailure, err: fmt.Errorf("audit: --since 应为日期 YYYY-MM-DD，如 2026-03-01，而不是“%s” (--since must be a date)", o.since)}
		}
		f.Since = d
	}
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	// A unit is named by its code, registered name or alias; the log
	// holds codes.
	if f.Unit != "" {
		u, err := svc.ResolveUnit(ctx, f.Unit)
		switch {
		case err == nil:
			f.Unit = u.Code
		case errors.Is(err, store.ErrNotFound):
			closeStores()
			return &exitError{code: exitFailure, err: fmt.Errorf("audit: 没有单位“%s”：请给出单位编码、单位名称或别名 (no such unit)", f.Unit)}
		}
	}
	defer closeStores()
	es, err := svc.Audit.List(ctx, f)
	if err != nil {
		return err
	}
	switch o.format {
	case "csv":
		cw := csv.NewWriter(g.stdout)
		cw.Write(auditColumns)
		for _, e := range es {
			cw.Write(sync.CSVSafeRecord(auditRecord(e)))
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, len(es))
		for i, e := range es {
			var rev any
			if e.Revision != 0 {
				rev = e.Revision
			}
			out[i] = map[string]any{"at": e.At.Format(time.RFC3339Nano), "actor": e.Actor, "role": e.Role, "address": e.Address,
				"action": e.Action, "unit_code": e.UnitCode, "revision": rev, "detail": e.Detail}
		}
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(es) == 0 {
		fmt.Fprintln(g.stdout, "审计日志中没有符合条件的记录 (no entries)")
		return nil
	}
	names := map[string]string{}
	if units, err := svc.Units.Units(ctx); err == nil {
		for _, u := range units {
			names[u.Code] = u.Name
		}
	}
	for _, e := range es {
		fmt.Fprintln(g.stdout, auditLine(e, names[e.UnitCode]))
	}
	return nil
}

// auditColumns are the columns of audit_log, as CSV writes them.
var auditColumns = []string{"at", "actor", "role", "address", "action", "unit_code", "revision", "detail"}

// auditRecord is an entry as the cells of auditColumns.
func auditRecord(e *store.AuditEntry) []string {
	rev := ""
	if e.Revision != 0 {
		rev = fmt.Sprint(e.Revision)
	}
	return []string{e.At.Local().Format(time.RFC3339), e.Actor, e.Role, e.Address, e.Action, e.UnitCode, rev, e.Detail}
}

// auditLine is an entry on one line: time, actor (role), address, action,
// unit (its code, and name when known), revision, detail; "-" for what it
// has not.
func auditLine(e *store.AuditEntry, unitName string) string {
	or := func(s string) string {
		if s = oneLine(s); s == "" {
			return "-"
		}
		return s
	}
	rev := "-"
	if e.Revision != 0 {
		rev = fmt.Sprintf("#%d", e.Revision)
	}
	unit := or(e.UnitCode)
	if unitName != "" && unitName != e.UnitCode {
		unit += " " + oneLine(unitName)
	}
	return fmt.Sprintf("%s  %s(%s)  %s  %s  %s  %s  %s", e.At.Local().Format("2006-01-02 15:04:05"), or(e.Actor), or(e.Role),
		or(e.Address), e.Action, unit, rev, oneLine(e.Detail))
}

// cliActor is who a command records in the audit log: the --by name when
// given, else the OS user, with role cli.
func cliActor(by string) sync.Actor {
	name := strings.TrimSpace(by)
	if name == "" {
		name = osUser()
	}
	return sync.Actor{Name: name, Role: store.RoleCLI}
}

// osUser is the name of the user running jxsync.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "unknown"
}
