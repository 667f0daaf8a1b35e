// Package eval measures jingyan on QA sets: retrieval recall and MRR at sentence and
// paragraph level, and (later) answer quality.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Item is one QA-set line.
type Item struct {
	ID       string     `json:"id"`
	Question string     `json:"question"`
	Evidence [][]string `json:"evidence"` // groups; each group is satisfied by any of its strings
	Facts    []string   `json:"facts"`
	// Answerable is whether the corpus answers the question.
	Answerable bool   `json:"answerable"`
	Kind       string `json:"kind"`
	// Reply is a scripted LLM reply for this question, Unfaithful the substrings of its
	// sentences that the passages do not support (see replies.go).
	Reply      string   `json:"reply,omitempty"`
	Unfaithful []string `json:"unfaithful,omitempty"`
	// Furniture are substrings of a reply's lines that state nothing (a model's own list of
	// references): neither kept nor caught, they are not counted.
	Furniture []string `json:"furniture,omitempty"`
}

// ReadQA reads a JSONL QA set; blank lines are skipped.
func ReadQA(r io.Reader) ([]Item, error) {
	var items []Item
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var it Item
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			return nil, fmt.Errorf("eval: qa line %d: %w", n, err)
		}
		if it.ID == "" {
			it.ID = fmt.Sprintf("line%d", n)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: read qa: %w", err)
	}
	return items, nil
}
