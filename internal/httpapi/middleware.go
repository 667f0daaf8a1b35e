package httpapi

import (
	"crypto/subtle"
	"encoding/json"
	"math"
	"net"
	"net/http"
	"net/netip"
	"path"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Handler returns the routes with their protections.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern string, h http.HandlerFunc) {
		// The rate limit comes first, so failed authentications are limited too.
		mux.Handle(pattern, s.instrument(pattern, s.cors(s.limit(s.auth(s.cfg.Tokens, true, h)))))
		// The same path with another method: a CORS preflight, or a JSON 405 rather than
		// the mux's plain-text one.
		method, path, _ := strings.Cut(pattern, " ")
		mux.Handle(path, s.cors(otherMethod(method)))
	}
	open := func(pattern string, h http.Handler) {
		mux.Handle(pattern, s.instrument(pattern, h))
		if method, path, _ := strings.Cut(pattern, " "); path != "/{$}" && path != "" {
			mux.Handle(path, otherMethod(method))
		}
	}
	api("POST /v1/ask", s.handleAsk)
	api("GET /v1/search", s.handleSearch)
	api("GET /v1/passages/{id}", s.handlePassage)
	api("GET /v1/reports", s.handleReports)
	api("GET /v1/models", s.handleModels)
	api("GET /v1/models/{id}", s.handleModel)
	api("POST /v1/chat/completions", s.handleChat)
	open("POST /v1/admin/reload", s.auth(s.cfg.AdminTokens, false, s.handleReload))
	open("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	open("GET /readyz", http.HandlerFunc(s.handleReady))
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.Handle("/metrics", otherMethod("GET"))
	open("GET /{$}", http.HandlerFunc(s.handlePage))
	open("GET /static/{file}", http.HandlerFunc(s.handleStatic))
	mux.Handle("/", s.instrument("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "没有这个地址")
	})))
	return s.recoverer(cleanPaths(mux))
}

// cleanPaths answers a path with // or dot segments with a JSON 404 naming the clean path,
// where the mux would send a 307 with an HTML body that API clients cannot show.
func cleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The escaped path, as the mux matches it: %2F is part of a segment, not a separator.
		p := r.URL.EscapedPath()
		clean := path.Clean("/" + p)
		if strings.HasSuffix(p, "/") && clean != "/" {
			clean += "/"
		}
		if r.Method == http.MethodConnect {
			// A proxy tunnel request: the mux would answer it with plain text.
			w.Header().Set("Allow", "GET, HEAD, POST, OPTIONS")
			writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "不支持 CONNECT：这里不是代理")
			return
		}
		if clean != p {
			writeError(w, http.StatusNotFound, "not_found", "没有这个地址；是否想访问 "+clean+"？")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// otherMethod answers a path asked with a method it does not serve: a preflight's 204, or
// a JSON 405 with the Allow header RFC 9110 requires.
func otherMethod(allow string) http.HandlerFunc {
	if allow == "GET" {
		allow = "GET, HEAD"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow+", OPTIONS")
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "不支持这个请求方法（可用："+allow+"）")
	})
}

// apiError is the error shape of every endpoint, OpenAI's:
// {"error":{"message","type","param","code"}}, code a string and param the offending field
// or null, since the openai SDKs decode code as a string and show param to the user.
type apiError struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    string  `json:"code"`
	} `json:"error"`
}

func newAPIError(status int, typ, msg string) apiError {
	var e apiError
	e.Error.Message, e.Error.Type, e.Error.Code = msg, typ, statusCode(status)
	return e
}

// statusCode names an HTTP status the way OpenAI's error codes do.
func statusCode(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "invalid_api_key"
	case http.StatusTooManyRequests:
		return "rate_limit_exceeded"
	case http.StatusServiceUnavailable:
		return "server_overloaded"
	}
	return strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, newAPIError(status, typ, msg))
}

// writeParamError is writeError naming the request field at fault and a specific code.
func writeParamError(w http.ResponseWriter, status int, code, param, msg string) {
	e := newAPIError(status, "invalid_request_error", msg)
	e.Error.Code, e.Error.Param = code, &param
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// recoverer turns a panic into a plain 500: no stack trace reaches the client; the log has it.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.Error("httpapi: panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeError(w, http.StatusInternalServerError, "server_error", "服务内部出错，请稍后再试")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// auth requires one of tokens as a bearer token. With no tokens configured the API is open
// (the server refuses to start on a non-loopback address without them) and admin endpoints
// are closed.
func (s *Server) auth(tokens []string, openWhenEmpty bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(tokens) == 0 {
			if openWhenEmpty {
				next(w, r)
			} else {
				writeError(w, http.StatusForbidden, "permission_error", "未配置管理令牌（JINGYAN_ADMIN_TOKENS），不能远程重载")
			}
			return
		}
		if r.Method == http.MethodOptions {
			next(w, r)
			return
		}
		got, ok := bearer(r)
		if !ok || !tokenOK(got, tokens) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="jingyan"`)
			writeError(w, http.StatusUnauthorized, "authentication_error", "需要有效的访问令牌（Authorization: Bearer …）")
			return
		}
		next(w, r)
	}
}

// bearer returns the token of an "Authorization: Bearer …" header, the scheme in any case.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// tokenOK compares in constant time against every token, so timing tells nothing.
func tokenOK(got string, tokens []string) bool {
	ok := 0
	for _, t := range tokens {
		ok |= subtle.ConstantTimeCompare([]byte(got), []byte(t))
	}
	return ok == 1 && got != ""
}

// cors answers cross-origin requests only from configured origins.
func (s *Server) cors(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (slices.Contains(s.cfg.CORSOrigins, origin) || slices.Contains(s.cfg.CORSOrigins, "*")) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Vary", "Origin")
			// The origin is trusted, so the headers its preflight asks for are allowed: the
			// openai browser SDK sends x-stainless-* ones, and the list changes by version.
			allow := "Authorization, Content-Type, Accept"
			if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" {
				allow = asked
			}
			w.Header().Set("Access-Control-Allow-Headers", allow)
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.Header().Add("Vary", "Access-Control-Request-Headers")
		}
		next(w, r)
	}
}

// limit applies the per-client rate limit.
func (s *Server) limit(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if wait, ok := s.limiter.Allow(s.clientKey(r)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeError(w, http.StatusTooManyRequests, "rate_limit_error", "请求太频繁，请稍后再试")
			return
		}
		next(w, r)
	}
}

// clientKey identifies a client: its token when it is one of the configured tokens, else its
// address — a made-up token per request neither escapes the limit nor grows its memory.
func (s *Server) clientKey(r *http.Request) string {
	if t, ok := bearer(r); ok && len(s.cfg.Tokens) > 0 && tokenOK(t, s.cfg.Tokens) {
		return "t:" + t
	}
	return "a:" + s.clientAddr(r)
}

// clientAddr is the address of the person asking: the peer's, or, when the peer is a trusted
// reverse proxy, the right-most X-Forwarded-For address that is not one too (left of it the
// header is whatever the client wrote, so it cannot be believed).
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(hop) {
			return hop.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// instrument counts requests and their latency by route.
func (s *Server) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		took := time.Since(start)
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(took.Seconds())
		// The route, not the URL: queries and bodies may hold what staff asked, tokens never logged.
		s.logger.Debug("http", "route", route, "status", sw.status, "took", took)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
