package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/jingyan/jingyan/internal/search"
)

// What users read when something is wrong: in Chinese, what was wrong and what to do, without
// the package prefixes the logs keep. Exit status 2 is a command-line mistake (the
// subcommand's usage follows), 1 a failure.

// errUsage marks a command-line mistake: exit status 2 after the subcommand's usage.
var errUsage = errors.New("usage")

// usagef is a command-line mistake, said in Chinese.
func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// helpError asks for a subcommand's usage and flags (--help, -h).
type helpError struct{ fs *flag.FlagSet }

func (helpError) Error() string { return "help" }

// cmdError carries the subcommand an error came from, so its usage can follow.
type cmdError struct {
	cmd string
	err error
}

func (e *cmdError) Error() string { return e.err.Error() }
func (e *cmdError) Unwrap() error { return e.err }

// userError is a failure with a message written for the user; err keeps the cause.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string { return e.msg + ": " + e.err.Error() }
func (e *userError) Unwrap() error { return e.err }

// flagMistake says in Chinese what the flag package found wrong.
func flagMistake(fs *flag.FlagSet, err error) string {
	s := err.Error()
	if name, ok := strings.CutPrefix(s, "flag provided but not defined: "); ok {
		return "未知参数 --" + strings.TrimLeft(name, "-")
	}
	if name, ok := strings.CutPrefix(s, "flag needs an argument: "); ok {
		return "参数 --" + strings.TrimLeft(name, "-") + " 需要一个值"
	}
	if m := badValueRE.FindStringSubmatch(s); m != nil {
		return "参数 --" + m[2] + " 的值 “" + m[1] + "” 不对：" + shouldBe(fs.Lookup(m[2]), m[3])
	}
	return s
}

// shouldBe says what kind of value a flag takes, from the value it holds; why, the flag
// package's own words, when the kind is another.
func shouldBe(f *flag.Flag, why string) string {
	var kind any
	if f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			kind = g.Get()
		}
	}
	switch kind.(type) {
	case time.Duration:
		return "应是时长，例如 30s 或 2m"
	case bool:
		return "应是 true 或 false"
	case int, int64, uint, uint64, float64:
		return "应是数字"
	}
	return why
}

var badValueRE = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for flag -+([\w-]+): (.*)$`)

// commandUsage is the usage lines of one subcommand ("index build"), or of its parent
// ("index") when it has none of its own, or everything.
func commandUsage(cmd string) string {
	for c := cmd; c != ""; {
		var lines []string
		for _, l := range strings.Split(usage, "\n") {
			if strings.HasPrefix(l, "  jingyan "+c+" ") || l == "  jingyan "+c {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			return "用法：\n" + strings.Join(lines, "\n") + "\n（jingyan " + c + " --help 列出全部参数，jingyan help 列出全部命令）\n"
		}
		i := strings.LastIndexByte(c, ' ')
		if i < 0 {
			break
		}
		c = c[:i]
	}
	return usage
}

// printHelp writes a subcommand's usage and each of its flags.
func printHelp(w io.Writer, cmd string, fs *flag.FlagSet) {
	fmt.Fprint(w, strings.TrimSuffix(commandUsage(cmd), "\n"), "\n")
	if fs == nil {
		return
	}
	fmt.Fprintln(w, "\n参数：")
	fs.VisitAll(func(f *flag.Flag) {
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			def = "（默认 " + f.DefValue + "）"
		}
		fmt.Fprintf(w, "  --%-14s %s%s\n", f.Name, f.Usage, def)
	})
}

// prefixRE is the "search: open index: " a wrapped error starts with.
var prefixRE = regexp.MustCompile(`^(?:[a-z][a-z0-9 ]{0,20}: )+`)

// userText is what the user reads of a failure.
func userText(err error) string {
	var ue *userError
	if errors.As(err, &ue) {
		return ue.msg
	}
	return prefixRE.ReplaceAllString(err.Error(), "")
}

// indexError says what is wrong with a path given as an index, with the path as typed.
func indexError(path string, err error) error {
	build := "先运行 jingyan index build --sources 材料目录 --out " + path
	switch {
	case errors.Is(err, search.ErrNoIndex):
		return &userError{"找不到索引目录 " + path + "；" + build, err}
	case errors.Is(err, search.ErrEmptyIndex):
		return &userError{path + " 是空目录，不是索引；" + build, err}
	case errors.Is(err, search.ErrNotIndex):
		return &userError{path + " 不是 jingyan 索引（里面没有索引文件）；" + build, err}
	case errors.Is(err, search.ErrOldIndex):
		return &userError{path + " 是另一版本的 jingyan 建的索引，请重建：jingyan index build --sources 材料目录 --out " + path, err}
	case errors.Is(err, search.ErrDamagedIndex):
		return &userError{path + " 里的索引已损坏（文件缺失或内容不全），请重建：jingyan index build --sources 材料目录 --out " + path, err}
	}
	return err
}

// exitStatus reports err and returns the exit status: 0 done (help included), 2 a
// command-line mistake — what was wrong, then the subcommand's usage — and 1 a failure.
func exitStatus(err error, stdout, stderr io.Writer) int {
	var ce *cmdError
	cmd := ""
	if errors.As(err, &ce) {
		cmd = ce.cmd
	}
	var he helpError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &he):
		printHelp(stdout, cmd, he.fs)
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return 0
	case errors.Is(err, errUsage):
		if msg := strings.TrimPrefix(err.Error(), errUsage.Error()+": "); msg != errUsage.Error() {
			fmt.Fprintln(stderr, "jingyan:", msg)
		}
		if cmd == "" {
			fmt.Fprint(stderr, usage)
		} else {
			fmt.Fprint(stderr, commandUsage(cmd))
		}
		return 2
	default:
		fmt.Fprintln(stderr, "jingyan:", userText(err))
		return 1
	}
}
