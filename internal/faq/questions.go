// Package faq turns the corpus into an FAQ document — questions from a file, from an LLM, or
// derived offline from each paragraph's topic phrases — answered with the same verified
// citations as ask, resumably and in parallel; and serves a generated faq.jsonl as a fast
// path for repeat questions.
package faq

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/normalize"
	"github.com/jingyan/jingyan/internal/prompt"
)

// ReadQuestions reads one question per line, or JSONL objects with a "question" field.
// Blank lines and lines starting with # are skipped.
func ReadQuestions(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "{") {
			var v struct {
				Question string `json:"question"`
			}
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				return nil, fmt.Errorf("faq: questions line %d: %w", n, err)
			}
			line = strings.TrimSpace(v.Question)
			if line == "" {
				return nil, fmt.Errorf("faq: questions line %d: no \"question\"", n)
			}
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("faq: read questions: %w", err)
	}
	return out, nil
}

// key is a question's identity after normalisation: width-folded, lower-cased, without
// spaces, punctuation or a closing 吗/呢.
func key(q string) string {
	s := normalize.Text(q)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSuffix(s, "吗")
	return strings.TrimSuffix(s, "呢")
}

// Question words with the same meaning, and characters whose presence does not change what
// is asked (吉林 / 吉林省, 的, 呢): near-duplicates are questions equal once these are folded.
var (
	sameAsking = strings.NewReplacer("怎么样", "如何", "怎么", "如何", "怎样", "如何", "咋", "如何", "是什么", "什么",
		"有哪些", "哪些", "几个", "多少", "多大", "多少")
	filler = "省市县区的了呢吗啊吧么是都"
)

// canonical is the form near-duplicates share; questions naming different places or things
// never do, since only question words and filler characters are folded.
func canonical(k string) string {
	k = sameAsking.Replace(k)
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(filler, r) {
			return -1
		}
		return r
	}, k)
}

// item is one distinct question and the near-duplicates merged into it.
type item struct {
	Question string
	Key      string
	Merged   []string
}

// dedupe merges identical and near-duplicate questions, keeping the first wording.
func dedupe(questions []string) []item {
	var out []item
	seen := make(map[string]int) // canonical form → index in out
	for _, q := range questions {
		k := key(q)
		if k == "" {
			continue
		}
		c := canonical(k)
		if i, ok := seen[c]; ok {
			if q != out[i].Question && !slices.Contains(out[i].Merged, q) {
				out[i].Merged = append(out[i].Merged, q)
			}
			continue
		}
		seen[c] = len(out)
		out = append(out, item{Question: q, Key: k})
	}
	return out
}

// Verbs that open the topic phrases of these reports ("强化力量统筹", "打造主动警务").
var topicVerbs = []string{
	"强化", "打造", "推进", "推行", "推动", "坚持", "加强", "构建", "深化", "建立", "建强", "完善", "健全",
	"丰富", "优化", "实行", "实施", "探索", "开展", "落实", "提升", "夯实", "织密", "聚焦", "立足", "树立",
	"讲好", "守好", "当好", "纠治", "组建", "开设", "设立", "创新", "严格", "充实", "分类实施", "弘扬",
	"锤炼", "培育", "激发", "规范", "保障", "加大", "整合", "发挥", "依托", "用心", "大兴", "敢于", "求真",
	"深入", "做实", "抓实", "狠抓", "全面", "持续", "积极",
}

var digitRE = regexp.MustCompile(`[0-9%]`)

// Auto derives questions offline from each paragraph's topic phrases: a clause opening with
// an action verb becomes "<place>如何<phrase>？" (强化力量统筹 → 吉林省如何强化力量统筹？).
func Auto(c *corpus.Corpus) []string {
	var out []string
	for _, r := range c.Reports {
		place := placeOf(r)
		for _, p := range r.Paragraphs {
			for _, s := range p.Sentences {
				for _, clause := range strings.FieldsFunc(s.Text, func(r rune) bool { return strings.ContainsRune(",，;；:：。！？", r) }) {
					if phrase, ok := topicPhrase(clause); ok {
						out = append(out, place+"如何"+phrase+"？")
					}
				}
			}
		}
	}
	return out
}

func topicPhrase(clause string) (string, bool) {
	clause = strings.TrimSpace(clause)
	n := utf8.RuneCountInString(clause)
	if n < 4 || n > 14 || digitRE.MatchString(clause) || strings.ContainsAny(clause, "()（）、") {
		return "", false
	}
	for _, v := range topicVerbs {
		if strings.HasPrefix(clause, v) && clause != v {
			return clause, true
		}
	}
	return "", false
}

// placeOf names a report's unit as questions do: its most specific place (延安市, 浦江县,
// 吉林省), or the unit itself.
func placeOf(r *corpus.Report) string {
	if places := r.Places(); len(places) >= 2 {
		return places[len(places)-2] // pairs of (with suffix, without): the last pair is most specific
	}
	if r.Org != "" {
		return r.Org
	}
	return "各地"
}

// AutoLLM asks the LLM, report by report, for the questions each report answers. Reports the
// LLM fails on fall back to the offline questions of that report.
func AutoLLM(ctx context.Context, c *corpus.Corpus, model answer.LLM, ps *prompt.Set, perReport int) ([]string, answer.Usage, error) {
	var out []string
	var usage answer.Usage
	for _, r := range c.Reports {
		d := prompt.FAQData{Title: r.Title, Org: r.Org, Max: perReport, Example: placeOf(r) + "如何开展这项工作？"}
		offline := Auto(&corpus.Corpus{Reports: []*corpus.Report{r}})
		if len(offline) > 0 {
			d.Example = offline[0]
		}
		for _, p := range r.Paragraphs {
			d.Paragraphs = append(d.Paragraphs, p.Text)
		}
		user, err := ps.FAQ(d)
		if err != nil {
			return nil, usage, err
		}
		comp, err := model.Complete(ctx, []answer.Message{{Role: "user", Content: user}}, nil)
		usage.PromptTokens += comp.PromptTokens
		usage.CompletionTokens += comp.CompletionTokens
		if err != nil {
			if ctx.Err() != nil {
				return nil, usage, ctx.Err()
			}
			out = append(out, offline...)
			continue
		}
		n := 0
		for _, line := range strings.Split(answer.StripThink(comp.Text), "\n") {
			if q := cleanQuestion(line); q != "" && n < perReport {
				out = append(out, q)
				n++
			}
		}
	}
	return out, usage, nil
}

var listMarkRE = regexp.MustCompile(`^\s*(?:[-*•]|\d+[.、)）]|[（(]\d+[)）])\s*`)

// cleanQuestion strips list marks from a model's line and keeps it if it reads as a question.
func cleanQuestion(line string) string {
	q := strings.TrimSpace(listMarkRE.ReplaceAllString(line, ""))
	q = strings.Trim(q, "\"“”")
	n := utf8.RuneCountInString(q)
	if n < 5 || n > 80 {
		return ""
	}
	if !strings.HasSuffix(q, "？") && !strings.HasSuffix(q, "?") {
		return ""
	}
	return q
}
