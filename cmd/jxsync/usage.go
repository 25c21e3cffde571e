package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// usageError is a misuse of a command: the message, then the command's
// usage line; exit 2.
func usageError(cmd *cobra.Command, format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	if cmd != nil {
		msg += fmt.Sprintf("\n用法 (usage): %s；详见 %s --help", cmd.UseLine(), cmd.CommandPath())
	}
	return &exitError{code: exitFailure, err: errors.New(msg)}
}

// argsN accepts min to max arguments (max < 0: any number); what says, in
// Chinese, what the arguments are, for the message when there are too few
// or too many.
func argsN(min, max int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < min:
			return usageError(cmd, "缺少参数 (missing argument)：请给出%s", what)
		case max >= 0 && len(args) > max:
			extra := args[max:]
			return usageError(cmd, "参数过多 (too many arguments)：多出了 %s；只需%s。含空格的名称请整体加引号", quoteAll(extra), what)
		}
		return nil
	}
}

// noArgs refuses any argument.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError(cmd, "命令 %s 不接受参数 (takes no arguments)，多出了 %s；选项以 -- 开头", cmd.CommandPath(), quoteAll(args))
	}
	return nil
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "“" + a + "”"
	}
	return strings.Join(q, "、")
}

// flagError says what is wrong with a flag, in Chinese: set on the root as
// cobra's flag error function.
func flagError(cmd *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		return usageError(cmd, "没有选项 %s (unknown flag)；全部选项见 --help", flagName(notExist.GetSpecifiedName(), notExist.GetSpecifiedShortnames()))
	case errors.As(err, &noValue):
		f := noValue.GetFlag()
		return usageError(cmd, "选项 %s 后面要给出值 (flag needs an argument)：%s", flagName(noValue.GetSpecifiedName(), noValue.GetSpecifiedShortnames()), flagUsage(f))
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return usageError(cmd, "选项 --%s 的值“%s”无效 (invalid value)，应为%s", f.Name, invalid.GetValue(), typeWord(f.Value.Type()))
	case errors.As(err, &syntax):
		return usageError(cmd, "选项写法有误 (bad flag syntax)：“%s”；选项写作 --名称 值 或 --名称=值", syntax.GetSpecifiedFlag())
	}
	return usageError(cmd, "%v", err)
}

// flagName writes a flag as it was typed: --name or -n.
func flagName(name, short string) string {
	if short != "" {
		return "-" + name
	}
	return "--" + name
}

// flagUsage is a flag's help text, or its name.
func flagUsage(f *pflag.Flag) string {
	if f == nil {
		return ""
	}
	return f.Usage
}

// typeWord names a flag's value type for people.
func typeWord(t string) string {
	switch t {
	case "int", "int64", "int32", "uint", "uint64":
		return "整数，如 2024 (an integer)"
	case "bool":
		return "true 或 false"
	case "float64", "float32":
		return "数字 (a number)"
	case "duration":
		return "时长，如 30s (a duration)"
	}
	return t
}

var (
	requiredFlagsRE  = regexp.MustCompile(`^required flag\(s\) (.*) not set$`)
	unknownCommandRE = regexp.MustCompile(`^unknown command "(.*?)" for "(.*?)"`)
	quotedRE         = regexp.MustCompile(`"([^"]+)"`)
)

// cobraError turns the errors cobra itself returns in English (required
// flags missing, an unknown command) into Chinese ones naming what is
// missing; other errors are returned as they are.
func cobraError(cmd *cobra.Command, err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return err // jxsync's own
	}
	msg := err.Error()
	if m := requiredFlagsRE.FindStringSubmatch(msg); m != nil && cmd != nil {
		var parts []string
		for _, q := range quotedRE.FindAllStringSubmatch(m[1], -1) {
			p := "--" + q[1]
			if f := cmd.Flags().Lookup(q[1]); f != nil {
				if f.Shorthand != "" {
					p = "-" + f.Shorthand + "/" + p
				}
				p += "（" + f.Usage + "）"
			}
			parts = append(parts, p)
		}
		return usageError(cmd, "缺少必需的选项 (required flags not set)：%s", strings.Join(parts, "；"))
	}
	if m := unknownCommandRE.FindStringSubmatch(msg); m != nil {
		root := cmd
		if root == nil {
			return err
		}
		root = root.Root()
		text := fmt.Sprintf("没有命令“%s” (unknown command)", m[1])
		if s := root.SuggestionsFor(m[1]); len(s) > 0 {
			text += fmt.Sprintf("：是否指 %s？", strings.Join(s, "、"))
		}
		return &exitError{code: exitFailure, err: fmt.Errorf("%s\n全部命令见 (all commands) jxsync --help", text)}
	}
	return err
}

// usageTemplate is cobra's usage text in Chinese (with the English words).
const usageTemplate = `用法 (usage):{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} 命令 [选项]{{end}}{{if .HasExample}}

示例 (examples):
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

命令 (commands):{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

选项 (flags):
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

全局选项 (global flags):
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

各命令的说明 (help on a command): {{.CommandPath}} 命令 --help{{end}}
`

// chineseHelp sets the usage text, the help flag and the help command of
// root and its commands in Chinese.
func chineseHelp(root *cobra.Command) {
	root.SetUsageTemplate(usageTemplate)
	root.PersistentFlags().BoolP("help", "h", false, "显示帮助 (help)")
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [命令]",
		Short: "显示命令的帮助 (help about a command)",
		Run: func(c *cobra.Command, args []string) {
			cmd, _, err := c.Root().Find(args)
			if cmd == nil || err != nil {
				cmd = c.Root()
			}
			cmd.Help()
		},
	})
}
