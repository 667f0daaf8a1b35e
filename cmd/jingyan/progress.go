package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a bar on a terminal and a line per 10% otherwise, so logs stay readable.
type progress struct {
	w       io.Writer
	label   string
	bar     *progressbar.ProgressBar
	tty     bool
	lastPct int
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label, lastPct: -1}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) update(done, total int) {
	if p.tty {
		if p.bar == nil {
			p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription(p.label), progressbar.OptionShowCount(),
				progressbar.OptionClearOnFinish())
		}
		p.bar.Set(done)
		return
	}
	if total == 0 {
		return
	}
	if pct := done * 100 / total; pct/10 != p.lastPct/10 {
		p.lastPct = pct
		fmt.Fprintf(p.w, "%s: %d/%d (%d%%)\n", p.label, done, total, pct)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

func (p *progress) abort() {
	if p.bar != nil {
		p.bar.Exit()
		fmt.Fprintln(p.w)
	}
}
