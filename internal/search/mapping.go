// Package search indexes report passages with bleve (BM25 over Chinese bigrams) and finds the
// sentences and paragraphs that answer a question, expanding it with the domain glossary.
package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Field names of an indexed passage.
const (
	fieldText   = "text"   // the passage itself
	fieldCtx    = "ctx"    // where it stands: report title, unit, the paragraph's topic sentence
	fieldReport = "report" // report ID, for questions that name a unit or place
)

// doc is what bleve indexes for one passage; its text lives in the corpus, not the index.
type doc struct {
	Text   string `json:"text"`
	Ctx    string `json:"ctx"`
	Report string `json:"report"`
}

// newMapping analyses Chinese as overlapping bigrams (bleve's cjk analyzer). A dictionary
// segmenter (gse) was measured at ~1.4 s and ~128 MiB to load, which the start-up goal
// (150 ms, 80 MB) cannot pay; bigrams plus glossary phrases and synonyms recover its precision.
func newMapping() mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = cjk.AnalyzerName
	text.Store = false
	text.IncludeInAll = false
	text.IncludeTermVectors = false // no phrase queries: positions would only cost build time and disk
	text.DocValues = false

	ctx := bleve.NewTextFieldMapping()
	ctx.Analyzer = cjk.AnalyzerName
	ctx.Store = false
	ctx.IncludeInAll = false
	ctx.IncludeTermVectors = false
	ctx.DocValues = false

	report := bleve.NewKeywordFieldMapping()
	report.Store = false
	report.IncludeInAll = false
	report.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldReport, report)
	dm.AddFieldMappingsAt(fieldText, text)
	dm.AddFieldMappingsAt(fieldCtx, ctx)

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.ScoringModel = index.BM25Scoring
	return im
}
