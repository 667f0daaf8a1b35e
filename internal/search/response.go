package search

// Response is the JSON shape of `jingyan search --json` and GET /v1/search.
type Response struct {
	Question string    `json:"question"`
	Hits     []HitJSON `json:"hits"`
	Error    string    `json:"error,omitempty"`
}

// HitJSON is one hit as scripts see it.
type HitJSON struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Org       string  `json:"org"`
	Paragraph int     `json:"paragraph"`
	Text      string  `json:"text"`
	Score     float64 `json:"score"`
}

// NewResponse shapes hits for JSON.
func NewResponse(question string, hits []Hit) Response {
	r := Response{Question: question, Hits: make([]HitJSON, 0, len(hits))}
	for _, h := range hits {
		p := h.Passage
		r.Hits = append(r.Hits, HitJSON{
			ID: p.ID, Title: p.Report.Title, Org: p.Report.Org, Paragraph: p.Paragraph.N,
			Text: p.Text, Score: h.Score,
		})
	}
	return r
}
