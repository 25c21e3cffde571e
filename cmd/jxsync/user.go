package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

func newUserCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "网页平台账号 (accounts of the web portal)",
	}
	var role, unit, by string
	cmd.PersistentFlags().StringVar(&by, "by", "", "审计日志中的操作人，默认系统用户名 (who the audit log records; default the OS user)")
	add := &cobra.Command{
		Use:   "add NAME --role agency|department|bureau [--unit UNIT]",
		Short: "添加账号；密码从标准输入读取，终端上不回显地提示输入 (add an account; password from stdin, or prompted)",
		Args:  argsN(1, 1, "一个用户名 (one account name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUserAdd(cmd.Context(), g, cliActor(by), cmd.InOrStdin(), args[0], role, unit)
		},
	}
	add.Flags().StringVar(&role, "role", "", "角色：agency（预算单位）、department（主管部门）或 bureau（财政局）(role)")
	add.Flags().StringVar(&unit, "unit", "", "单位：预算单位和主管部门账号必填；已导入单位名册时为单位编码、登记名称或别名（按编码保存），否则为自评表中的单位名称 (the account's unit: a code, registered name or alias; without a registry the name in its forms)")
	add.MarkFlagRequired("role")
	list := &cobra.Command{
		Use:   "list",
		Short: "列出账号 (list accounts)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runUserList(cmd.Context(), g)
		},
	}
	disable := &cobra.Command{
		Use:   "disable NAME",
		Short: "停用账号并使其登录失效 (disable an account and end its sessions)",
		Args:  argsN(1, 1, "一个用户名 (one account name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUserDisable(cmd.Context(), g, cliActor(by), args[0], true)
		},
	}
	enable := &cobra.Command{
		Use:   "enable NAME",
		Short: "重新启用账号 (enable a disabled account)",
		Args:  argsN(1, 1, "一个用户名 (one account name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUserDisable(cmd.Context(), g, cliActor(by), args[0], false)
		},
	}
	reset := &cobra.Command{
		Use:   "reset NAME",
		Short: "重设密码并使其登录失效；密码从标准输入读取或提示输入 (set a new password, ending the account's sessions)",
		Args:  argsN(1, 1, "一个用户名 (one account name)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUserReset(cmd.Context(), g, cliActor(by), cmd.InOrStdin(), args[0])
		},
	}
	cmd.AddCommand(add, list, disable, enable, reset)
	return cmd
}

// runUserAdd creates an account.
func runUserAdd(ctx context.Context, g *globals, by sync.Actor, in io.Reader, name, role, unit string) error {
	if role != store.RoleAgency && role != store.RoleBureau && role != store.RoleDepartment {
		return &exitError{code: exitFailure, err: fmt.Errorf("user add: --role 应为 agency（预算单位）、department（主管部门）或 bureau（财政局），而不是“%s” (--role must be agency, department or bureau)", role)}
	}
	if role == store.RoleBureau && unit != "" {
		return &exitError{code: exitFailure, err: errors.New("user add: 财政局账号不属于某个单位，不要给出 --unit (--unit is for agency and department accounts only)")}
	}
	if role != store.RoleBureau && strings.TrimSpace(unit) == "" {
		return &exitError{code: exitFailure, err: fmt.Errorf("user add: %s账号须用 --unit 给出其单位 (--unit is required)", roleWord(role))}
	}
	svc, _, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	if _, err := svc.Users.User(ctx, name); err == nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("user add: 账号“%s”已存在；改密码用 jxsync user reset %s (%w)", name, name, store.ErrExists)}
	}
	password, err := readPassword(g, in)
	if err != nil {
		return err
	}
	if err := svc.AddUser(ctx, name, role, strings.TrimSpace(unit), password); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	if err := svc.Record(ctx, by, store.ActionAccount, svc.UnitCodeOf(ctx, strings.TrimSpace(unit)), 0, fmt.Sprintf("add %s (%s)", name, role)); err != nil {
		return err
	}
	switch role {
	case store.RoleBureau:
		fmt.Fprintf(g.stdout, "已添加财政局账号 %s (added bureau account)\n", name)
	default:
		u, err := svc.Users.User(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "已添加%s账号 %s（%s）(added %s account)\n", roleWord(role), name, unitText(ctx, svc, u.Unit), role)
	}
	return nil
}

// roleWord names a role.
func roleWord(role string) string {
	switch role {
	case store.RoleBureau:
		return "财政局"
	case store.RoleDepartment:
		return "主管部门"
	}
	return "预算单位"
}

// unitText shows an account's unit: "code name" when it is a registered
// unit's code, else as stored.
func unitText(ctx context.Context, svc *sync.Service, unit string) string {
	if unit == "" || svc.Units == nil {
		return unit
	}
	if u, err := svc.Units.Unit(ctx, unit); err == nil && u.Code == unit {
		return u.Code + " " + u.Name
	}
	return unit
}

// runUserList prints every account.
func runUserList(ctx context.Context, g *globals) error {
	svc, _, closeStores, err := g.storedService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	users, err := svc.Users.ListUsers(ctx)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(g.stdout, "没有账号；用 jxsync user add 添加 (no accounts)")
		return nil
	}
	rows := [][]string{{"用户名", "角色", "单位", "状态", "创建时间"}}
	for _, u := range users {
		state := "启用"
		if u.Disabled {
			state = "停用"
		}
		rows = append(rows, []string{u.Name, roleWord(u.Role), unitText(ctx, svc, u.Unit), state, u.CreatedAt.Local().Format("2006-01-02 15:04")})
	}
	printColumns(g.stdout, rows)
	return nil
}

// runUserDisable disables (ending its sessions) or enables an account.
func runUserDisable(ctx context.Context, g *globals, by sync.Actor, name string, disabled bool) error {
	svc, _, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	if err := svc.Users.SetDisabled(ctx, name, disabled); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	what := "enable "
	if disabled {
		what = "disable "
	}
	if err := recordAccount(ctx, svc, by, name, what+name); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(g.stdout, "已停用账号 %s (disabled)\n", name)
	} else {
		fmt.Fprintf(g.stdout, "已启用账号 %s (enabled)\n", name)
	}
	return nil
}

// runUserReset sets a new password and ends the account's sessions.
func runUserReset(ctx context.Context, g *globals, by sync.Actor, in io.Reader, name string) error {
	svc, _, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	u, err := svc.Users.User(ctx, name)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	password, err := readPassword(g, in)
	if err != nil {
		return err
	}
	if err := svc.ResetPassword(ctx, name, password); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	if !u.Disabled {
		// Disabling ends every session of the account; enable it again.
		if err := svc.Users.SetDisabled(ctx, name, true); err != nil {
			return err
		}
		if err := svc.Users.SetDisabled(ctx, name, false); err != nil {
			return err
		}
	}
	if err := recordAccount(ctx, svc, by, name, "reset password of "+name); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "已重设 %s 的密码，原有登录已失效 (password reset, sessions ended)\n", name)
	return nil
}

// recordAccount records a change of the account name in the audit log,
// under the account's unit.
func recordAccount(ctx context.Context, svc *sync.Service, by sync.Actor, name, detail string) error {
	unit := ""
	if u, err := svc.Users.User(ctx, name); err == nil {
		unit = svc.UnitCodeOf(ctx, u.Unit)
	}
	return svc.Record(ctx, by, store.ActionAccount, unit, 0, detail)
}

// readPassword reads a password: prompted twice without echo when the input
// is a terminal, else the first line of the input.
func readPassword(g *globals, in io.Reader) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(g.stderr, "密码 (password): ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(g.stderr, "再次输入 (again): ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", &exitError{code: exitFailure, err: errors.New("read password: 两次输入的密码不一致 (the two entries differ)")}
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(io.LimitReader(in, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", &exitError{code: exitFailure, err: errors.New("read password: 标准输入中没有密码；在终端上运行会提示输入 (no password on standard input)")}
	}
	return line, nil
}
