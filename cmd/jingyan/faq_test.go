package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/answer"
)

func TestFAQCommandAndFastPath(t *testing.T) {
	out := filepath.Join(t.TempDir(), "faq")
	stdout, err := runEnv(t, nil, "", "faq", "--auto", "--out", out, "-j", "4")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "failed 0") || !strings.Contains(stdout, "wrote ") {
		t.Errorf("summary:\n%s", stdout)
	}
	for _, f := range []string{"faq.md", "faq.jsonl"} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// A second run takes every answer from the first.
	stdout, err = runEnv(t, nil, "", "faq", "--auto", "--out", out)
	if err != nil || !strings.Contains(stdout, "130 from an earlier run") {
		t.Errorf("rerun: %v\n%s", err, stdout)
	}
	// ask answers an FAQ question from the file, marked as such.
	res, err := runEnv(t, nil, "", "ask", "--json", "--faq", filepath.Join(out, "faq.jsonl"), "吉林省如何强化力量统筹？")
	if err != nil {
		t.Fatal(err)
	}
	var a answer.Answer
	json.Unmarshal([]byte(res), &a)
	if !a.FromFAQ || len(a.Citations) == 0 {
		t.Errorf("answer = %s", res)
	}
	text, err := runEnv(t, nil, "", "ask", "--faq", filepath.Join(out, "faq.jsonl"), "吉林省如何强化力量统筹？")
	if err != nil || !strings.Contains(text, "（来自常见问题库。）") {
		t.Errorf("terminal answer from the FAQ is not marked: %v\n%s", err, text)
	}
	qfile := filepath.Join(t.TempDir(), "q.txt")
	os.WriteFile(qfile, []byte("警地融合是怎么运作的?\n{\"question\":\"各地社区民警占派出所警力多少?\"}\n"), 0o644)
	if stdout, err := runEnv(t, nil, "", "faq", "--questions", qfile, "--out", t.TempDir()); err != nil || !strings.Contains(stdout, "faq: 2 questions") {
		t.Errorf("--questions: %v\n%s", err, stdout)
	}
	for _, args := range [][]string{{"faq"}, {"faq", "--auto"}, {"faq", "--auto", "--questions", qfile, "--out", out}, {"faq", "--auto", "--out", out, "-j", "0"}} {
		if _, err := runEnv(t, nil, "", args...); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

func TestBotNeedsToken(t *testing.T) {
	if _, err := runEnv(t, nil, "", "bot"); err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Errorf("err = %v", err)
	}
	if _, err := runEnv(t, map[string]string{"JINGYAN_TELEGRAM_ALLOW": "12,abc"}, "", "bot"); err == nil {
		t.Error("a bad allow list was accepted")
	}
}

func TestServeRefusesExposedWithoutTokens(t *testing.T) {
	if _, err := runEnv(t, nil, "", "serve", "--addr", "0.0.0.0:0"); err == nil || !strings.Contains(err.Error(), "JINGYAN_API_TOKENS") {
		t.Errorf("err = %v", err)
	}
}
