package faq

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// writeOutputs writes faq.jsonl and faq.md, each to a temporary file renamed into place, so
// a reader never sees half a file. Order: groups as they first appear in the questions'
// order, cross-report questions after the reports, questions the corpus lacks last.
func writeOutputs(dir string, entries []Entry) error {
	var order []string
	byGroup := make(map[string][]Entry)
	for _, e := range entries {
		if _, ok := byGroup[e.Group]; !ok && e.Group != GroupCompare && e.Group != GroupRefused {
			order = append(order, e.Group)
		}
		byGroup[e.Group] = append(byGroup[e.Group], e)
	}
	order = append(order, GroupCompare, GroupRefused)

	var jl, md bytes.Buffer
	enc := json.NewEncoder(&jl)
	enc.SetEscapeHTML(false)
	md.WriteString("# 常见问题\n\n由 jingyan 根据收录的经验材料生成；每条回答后注明出处（材料、单位、段落）。\n")
	n := 0
	for _, g := range order {
		es := byGroup[g]
		if len(es) == 0 {
			continue
		}
		fmt.Fprintf(&md, "\n## %s\n", g)
		if g == GroupRefused {
			md.WriteString("\n")
		}
		for _, e := range es {
			if err := enc.Encode(e); err != nil {
				return fmt.Errorf("faq: %w", err)
			}
			if g == GroupRefused {
				fmt.Fprintf(&md, "- %s\n", e.Question)
				continue
			}
			n++
			fmt.Fprintf(&md, "\n### %d. %s\n\n%s\n", n, e.Question, e.Answer)
			if e.Notice != "" {
				fmt.Fprintf(&md, "\n*%s*\n", e.Notice)
			}
			md.WriteString("\n来源：\n\n")
			for _, c := range e.Citations {
				fmt.Fprintf(&md, "%d. %s（%s）\n", c.N, c.Label(), c.ID)
			}
		}
	}
	if err := writeAtomic(filepath.Join(dir, JSONLFile), jl.Bytes()); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, MarkdownFile), md.Bytes())
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("faq: %w", err)
	}
	// CreateTemp makes the file 0600; the FAQ is meant to be read by others, as a file
	// written by os.WriteFile would be, and an existing file keeps the mode it was given.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("faq: write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("faq: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("faq: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("faq: %w", err)
	}
	return nil
}
