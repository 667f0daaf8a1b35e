package reader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// tool is an external program a format needs, and the Debian package that brings it.
type tool struct {
	program, pkg, purpose string
}

var (
	pdftotext = tool{"pdftotext", "poppler-utils", "读取 PDF "}
	pdftoppm  = tool{"pdftoppm", "poppler-utils", "扫描版 PDF 的文字识别"}
	tesseract = tool{"tesseract", "tesseract-ocr tesseract-ocr-chi-sim", "图片和扫描件的文字识别"}
)

// path finds the program, or says which package to install.
func (t tool) path() (string, error) {
	p, err := exec.LookPath(t.program)
	if err != nil {
		return "", &MissingTool{Program: t.program, Package: t.pkg, Purpose: t.purpose}
	}
	return p, nil
}

// run runs an external program in its own process group, holding one of the Reader's
// slots, and kills the whole group when timeout or ctx ends it: converters and OCR start
// children, and none may be left running. stderr is kept short for the error.
func (r *Reader) run(ctx context.Context, timeout time.Duration, t tool, args []string, env ...string) ([]byte, error) {
	prog, err := t.path()
	if err != nil {
		return nil, err
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	cmd.Env = append(os.Environ(), env...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err = cmd.Run()
	if cmd.Process != nil {
		// A child that outlived its parent is still in the group.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("%s 超过 %s 没有完成，已停止：%w", t.program, timeout, ErrTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", t.program, err, firstLine(stderr.String()))
	}
	return out.Bytes(), nil
}

// ErrTimeout: an external program ran out of time on a file (a hostile or huge one).
var ErrTimeout = errors.New("处理超时")

// firstLine is the first line of a program's message, cut to a readable length.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	return s
}

// tempFile writes data to a new file in dir for a program to read.
func tempFile(dir, pattern string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("reader: temp file: %w", err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("reader: temp file: %w", err)
	}
	return f.Name(), nil
}

// pageCounter tells Options.OnPages of OCR pages queued and done, across files read at once.
type pageCounter struct {
	mu          sync.Mutex
	done, total int
	notify      func(done, total int)
}

func (c *pageCounter) add(queued, done int) {
	if c.notify == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += queued
	c.done += done
	c.notify(c.done, c.total)
}

func removeFile(name string) { _ = os.Remove(name) }
