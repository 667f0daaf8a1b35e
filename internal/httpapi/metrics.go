package httpapi

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/jingyan/jingyan/internal/answer"
)

// metrics live in the server's own registry: no package-level state.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	answers   *prometheus.CounterVec
	refusals  prometheus.Counter
	tokens    *prometheus.CounterVec
	llmErrors prometheus.Counter
	rejected  *prometheus.CounterVec
	reloads   *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jingyan_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "jingyan_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jingyan_answers_total", Help: "Answers by mode (llm, extractive).",
		}, []string{"mode"}),
		refusals: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jingyan_refusals_total", Help: "Questions refused as not covered by the corpus.",
		}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jingyan_llm_tokens_total", Help: "LLM tokens used, by kind (prompt, completion).",
		}, []string{"kind"}),
		llmErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jingyan_llm_errors_total", Help: "Answers where the LLM failed and extraction stood in.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jingyan_rejected_total", Help: "Requests turned away, by reason (busy).",
		}, []string{"reason"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jingyan_index_reloads_total", Help: "Index reloads by result.",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.answers, m.refusals, m.tokens, m.llmErrors, m.rejected, m.reloads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (m *metrics) answer(a answer.Answer) {
	m.answers.WithLabelValues(a.Mode).Inc()
	if a.Refused {
		m.refusals.Inc()
	}
	if a.Usage.PromptTokens > 0 {
		m.tokens.WithLabelValues("prompt").Add(float64(a.Usage.PromptTokens))
	}
	if a.Usage.CompletionTokens > 0 {
		m.tokens.WithLabelValues("completion").Add(float64(a.Usage.CompletionTokens))
	}
	if a.Mode == answer.ModeExtractive && a.Notice != "" {
		m.llmErrors.Inc()
	}
}
