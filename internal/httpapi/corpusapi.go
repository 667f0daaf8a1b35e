package httpapi

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/search"
)

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if err := search.Validate(q); err != nil {
		questionError(w, err)
		return
	}
	k := 5
	if v := r.URL.Query().Get("k"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > search.MaxK {
			writeError(w, http.StatusBadRequest, "invalid_request_error", fmt.Sprintf("k 应是 1 到 %d 的整数", search.MaxK))
			return
		}
		k = n
	}
	level := corpus.LevelSentence
	if v := r.URL.Query().Get("level"); v != "" {
		lv, err := corpus.ParseLevel(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request_error", "level 应是 sentence 或 paragraph")
			return
		}
		level = lv
	}
	done, err := s.cpuGate(r.Context())
	if err != nil {
		return // the client went away
	}
	defer done()
	b, release := s.acquire()
	defer release()
	hits, err := b.Index.Search(r.Context(), search.Request{Question: q, K: k, Level: level})
	if err != nil {
		if !questionError(w, err) {
			s.internalError(w, r, err)
		}
		return
	}
	writeJSON(w, http.StatusOK, search.NewResponse(q, hits))
}

// IDs are short lowercase words: anything else (paths, dots, slashes) is refused before lookup.
var idRE = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

type passageJSON struct {
	ID        string `json:"id"`
	Level     string `json:"level"`
	Title     string `json:"title"`
	Org       string `json:"org"`
	Paragraph int    `json:"paragraph"`
	Page      int    `json:"page,omitempty"`    // paged sources: the page the paragraph starts on
	OnPage    int    `json:"on_page,omitempty"` // and its number there
	Sentence  int    `json:"sentence,omitempty"`
	Text      string `json:"text"`
	Citation  string `json:"citation"`
}

func toPassageJSON(p corpus.Passage) passageJSON {
	return passageJSON{ID: p.ID, Level: p.Level.String(), Title: p.Report.Title, Org: p.Report.Org,
		Paragraph: p.Paragraph.N, Page: p.Paragraph.Page, OnPage: p.Paragraph.OnPage, Sentence: p.Sentence, Text: p.Text, Citation: p.Citation()}
}

func (s *Server) handlePassage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !idRE.MatchString(id) {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "段落编号格式不对")
		return
	}
	b, release := s.acquire()
	defer release()
	c := b.Index.Corpus()
	p, ok := c.Passage(id)
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "没有这个段落")
		return
	}
	before, after := c.Neighbours(id, 2)
	out := struct {
		passageJSON
		ParagraphText string        `json:"paragraph_text"`
		Before        []passageJSON `json:"before"`
		After         []passageJSON `json:"after"`
	}{passageJSON: toPassageJSON(p), ParagraphText: p.Paragraph.Text, Before: []passageJSON{}, After: []passageJSON{}}
	for _, q := range before {
		out.Before = append(out.Before, toPassageJSON(q))
	}
	for _, q := range after {
		out.After = append(out.After, toPassageJSON(q))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleReports(w http.ResponseWriter, r *http.Request) {
	b, release := s.acquire()
	defer release()
	type reportJSON struct {
		ID         string `json:"id"`
		Title      string `json:"title"`
		Org        string `json:"org"`
		Collection string `json:"collection,omitempty"`
		Date       string `json:"date,omitempty"`
		Paragraphs int    `json:"paragraphs"`
	}
	out := []reportJSON{}
	for _, rep := range b.Index.Corpus().Reports {
		out = append(out, reportJSON{ID: rep.ID, Title: rep.Title, Org: rep.Org, Collection: rep.Collection,
			Date: rep.Date, Paragraphs: len(rep.Paragraphs)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": out})
}
