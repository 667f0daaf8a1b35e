package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a bar with the time left on a terminal, and a line per 10% otherwise, so
// logs stay readable. update may be called from several goroutines (OCR pages finish on
// the reader's workers).
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	bar     *progressbar.ProgressBar
	tty     bool
	lastPct int
	start   time.Time
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label, lastPct: -1}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		if p.bar == nil {
			p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription(p.label), progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true), progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionClearOnFinish())
		}
		p.bar.ChangeMax(total) // OCR pages are counted as files are opened
		p.bar.Set(done)
		return
	}
	if total == 0 {
		return
	}
	if p.start.IsZero() {
		p.start = time.Now()
	}
	if pct := done * 100 / total; pct/10 != p.lastPct/10 {
		p.lastPct = pct
		left := ""
		if done > 0 && done < total {
			eta := time.Since(p.start) / time.Duration(done) * time.Duration(total-done)
			left = "，约剩 " + eta.Round(time.Second).String()
		}
		fmt.Fprintf(p.w, "%s: %d/%d (%d%%)%s\n", p.label, done, total, pct, left)
	}
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
}

func (p *progress) abort() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Exit()
		fmt.Fprintln(p.w)
	}
}
