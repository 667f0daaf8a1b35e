package eval

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/mock"
)

// secondCorpus is shared/eval/second-corpus beside the repository: 41 real public documents
// jingyan was not built around, with 56 questions.
const secondCorpus = "../../../shared/eval/second-corpus"

// loadSecondCorpus reads the second corpus's files as `index build` would. It is skipped when
// the corpus is not beside the repository, and fails in CI, which has it.
func loadSecondCorpus(t *testing.T) *corpus.Corpus {
	t.Helper()
	docs := filepath.Join(secondCorpus, "docs")
	if _, err := os.Stat(docs); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("second corpus missing in CI: %v", err)
		}
		t.Skipf("no second corpus beside the repository: %v", err)
	}
	c, _, err := corpus.Load(os.DirFS(docs))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSecondCorpusRegression rebuilds the index of the second corpus from its files, as a
// user would, and holds retrieval and offline answers to the figures measured on it (README).
// These are floors against regression, a little under the measured figures.
func TestSecondCorpusRegression(t *testing.T) {
	c := loadSecondCorpus(t)
	for _, r := range c.Reports {
		stem := strings.TrimSuffix(path.Base(r.Source), path.Ext(r.Source))
		if strings.Contains(r.Label(), stem) {
			t.Errorf("%s is cited by its file name: %s", r.Source, r.Label())
		}
	}
	ix := mock.IndexOf(t, c)
	items := readQA(t, filepath.Join(secondCorpus, "qa.jsonl"))
	rep, err := Retrieval(context.Background(), ix, items)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sentence.R5 < 0.88 || rep.Paragraph.R5 < 0.92 {
		t.Errorf("second corpus recall@5: sentence %.3f (floor 0.88), paragraph %.3f (floor 0.92)", rep.Sentence.R5, rep.Paragraph.R5)
	}
	eng := mock.Engine(t, ix, answer.Config{}, nil)
	ans, err := Answers(context.Background(), eng, ix.Corpus(), items)
	if err != nil {
		t.Fatal(err)
	}
	if ans.FactsAll < 0.80 || ans.FalseRefusals > 1 || ans.RefusedRight < ans.Unanswerable || ans.CitationsValid < 1 {
		t.Errorf("second corpus answers: facts %.3f (floor 0.80), false refusals %d (≤ 1), unanswerable refused %d/%d, citations %.3f",
			ans.FactsAll, ans.FalseRefusals, ans.RefusedRight, ans.Unanswerable, ans.CitationsValid)
	}
	// Our own questions on it: branches of police work it never mentions (酒驾, 禁毒, 看守所,
	// 家暴…) and ones it does in a word or two (消防, 命案积案, 心理疏导, 交通事故).
	extra, err := Answers(context.Background(), eng, ix.Corpus(), readQA(t, "testdata/second-extra.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if extra.FalseRefusals > 0 || extra.RefusedRight < extra.Unanswerable || extra.FactsAll < 1 {
		t.Errorf("second corpus, own questions: facts %.3f, false refusals %d, unanswerable refused %d/%d",
			extra.FactsAll, extra.FalseRefusals, extra.RefusedRight, extra.Unanswerable)
	}
}
