package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Requests net/http refuses before any handler runs get the API's JSON error, through the
// real server on a real socket.
func TestGoErrorsAreJSON(t *testing.T) {
	s, err := New(context.Background(), Config{}, memLoader(t, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base, cancel, done := serveReal(t, s)
	defer func() { cancel(); <-done }()
	addr := strings.TrimPrefix(base, "http://")

	for _, tc := range []struct {
		name, raw string
		status    int
	}{
		{"headers too large", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 40<<10) + "\r\n\r\n", 431},
		{"no Host", "GET /healthz HTTP/1.1\r\n\r\n", 400},
		{"malformed header", "GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400},
		{"bad request line", "GARBAGE\r\n\r\n", 400},
		{"unknown transfer coding", "POST /v1/ask HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
		{"CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405},
		{"fine", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200},
	} {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(c, tc.raw); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		c.Close()
		var v map[string]any
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || json.Unmarshal(body, &v) != nil {
			t.Errorf("%s: %d %s %q", tc.name, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}

func TestRewriteGoErrorLeavesResponsesAlone(t *testing.T) {
	for _, p := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nok",
		"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nx",
		"data: {}\n\n",
		"",
	} {
		if _, ok := rewriteGoError([]byte(p)); ok {
			t.Errorf("rewrote %q", p)
		}
	}
}
