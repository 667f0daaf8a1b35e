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

// fieldText is the one indexed field: the passage's folded text. Where a passage stands (its
// paragraph, its report with title and unit) is a level of its own, combined at query time.
const fieldText = "text"

// doc is what bleve indexes for one passage; its text lives in the corpus, not the index.
type doc struct {
	Text string `json:"text"`
}

// newMapping analyses Chinese as overlapping bigrams (bleve's cjk analyzer). A dictionary
// segmenter (gse) was measured at ~1.4 s and ~128 MiB to load, which the start-up goal
// (150 ms, 80 MB) cannot pay; on our measurements bigrams did as well as jieba's words.
func newMapping() mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = cjk.AnalyzerName
	text.Store = false
	text.IncludeInAll = false
	text.IncludeTermVectors = false // no phrase queries: positions would only cost build time and disk
	text.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text)

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.ScoringModel = index.BM25Scoring
	return im
}
