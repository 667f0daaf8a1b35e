// Package prompt renders the prompt templates in prompts/ (or an override directory) for the
// answer core: the system prompt, the numbered-passages answer prompt, and the follow-up
// rewrite prompt.
package prompt

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"text/template"
)

// Template file names.
const (
	SystemFile  = "system.tmpl"
	AnswerFile  = "answer.tmpl"
	RewriteFile = "rewrite.tmpl"
	FAQFile     = "faq.tmpl"
)

// Set is the parsed templates. It is safe for concurrent use.
type Set struct {
	system, answer, rewrite, faq *template.Template
}

// Passage is one numbered passage as the answer prompt shows it.
type Passage struct {
	N         int
	Title     string
	Org       string
	Paragraph int
	Text      string
}

// AnswerData fills answer.tmpl.
type AnswerData struct {
	Question    string
	Passages    []Passage
	Comparative bool
}

// Turn is one earlier message of a conversation.
type Turn struct {
	Role string // "user" or "assistant"
	Text string
}

// RewriteData fills rewrite.tmpl.
type RewriteData struct {
	History  []Turn
	Question string
}

// FAQData fills faq.tmpl: one report, from which to derive questions.
type FAQData struct {
	Title, Org string
	Paragraphs []string
	Max        int
	Example    string
}

// Load parses the templates from base, with any file present in override taking its place.
// override may be nil.
func Load(base, override fs.FS) (*Set, error) {
	parse := func(name string) (*template.Template, error) {
		src, err := fs.ReadFile(base, name)
		if override != nil {
			if o, oerr := fs.ReadFile(override, name); oerr == nil {
				src, err = o, nil
			} else if !errors.Is(oerr, fs.ErrNotExist) {
				return nil, fmt.Errorf("prompt: read %s: %w", name, oerr)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("prompt: read %s: %w", name, err)
		}
		t, err := template.New(name).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("prompt: %w", err)
		}
		return t, nil
	}
	var s Set
	var err error
	if s.system, err = parse(SystemFile); err != nil {
		return nil, err
	}
	if s.answer, err = parse(AnswerFile); err != nil {
		return nil, err
	}
	if s.rewrite, err = parse(RewriteFile); err != nil {
		return nil, err
	}
	if s.faq, err = parse(FAQFile); err != nil {
		return nil, err
	}
	// Render once with sample data so a broken override fails at start-up, not per question.
	if _, err := s.Answer(AnswerData{Question: "?", Passages: []Passage{{N: 1}}}); err != nil {
		return nil, err
	}
	if _, err := s.Rewrite(RewriteData{Question: "?", History: []Turn{{Role: "user"}}}); err != nil {
		return nil, err
	}
	if _, err := s.FAQ(FAQData{Paragraphs: []string{"?"}}); err != nil {
		return nil, err
	}
	return &s, nil
}

func render(t *template.Template, data any) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("prompt: render %s: %w", t.Name(), err)
	}
	return strings.TrimSpace(b.String()), nil
}

// System renders the system prompt.
func (s *Set) System() (string, error) { return render(s.system, nil) }

// Answer renders the user message with the numbered passages and the question.
func (s *Set) Answer(d AnswerData) (string, error) { return render(s.answer, d) }

// FAQ renders the request for questions a report answers (faq --auto with an LLM).
func (s *Set) FAQ(d FAQData) (string, error) { return render(s.faq, d) }

// Rewrite renders the follow-up rewrite request.
func (s *Set) Rewrite(d RewriteData) (string, error) { return render(s.rewrite, d) }
