package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/mock"
)

// `search -` answers each question as it arrives: a script reads one answer before it writes
// the next question, so each line must be flushed, not held until input ends.
func TestSearchLinesStreams(t *testing.T) {
	ix := mock.Index(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- searchLines(context.Background(), ix, inR, outW, 3, corpus.LevelSentence)
		outW.Close()
	}()
	lines := bufio.NewReader(outR)
	for _, q := range []string{"吉林电诈降了多少", "延安建成了多少警务室"} {
		if _, err := io.WriteString(inW, q+"\n"); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() { l, _ := lines.ReadString('\n'); got <- l }()
		select {
		case l := <-got:
			var resp struct {
				Question string `json:"question"`
			}
			if err := json.Unmarshal([]byte(l), &resp); err != nil || resp.Question != q {
				t.Fatalf("answer to %q: %q (%v)", q, l, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no answer to %q while the input stays open", q)
		}
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(lines); strings.TrimSpace(string(rest)) != "" {
		t.Errorf("output after the last answer: %q", rest)
	}
}
