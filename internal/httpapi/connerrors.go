package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
)

// net/http answers a request it cannot parse (headers over MaxHeaderBytes, a missing Host, a
// malformed line, an unknown transfer coding) before any handler runs, with a plain-text body
// written straight to the connection in one write:
//
//	HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 …
//
// jsonErrorListener rewrites exactly that form into the API's JSON error, so a client sees one
// error shape whatever it sent. A response from a handler never has that form: the server
// writes its headers sorted, Connection before Content-Type.
type jsonErrorListener struct{ net.Listener }

func (l jsonErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return jsonErrorConn{c}, nil
}

type jsonErrorConn struct{ net.Conn }

// goErrorHeaders is what net/http writes between the status line and the body of its own
// connection-level errors.
const goErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c jsonErrorConn) Write(p []byte) (int, error) {
	if out, ok := rewriteGoError(p); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// rewriteGoError turns one of net/http's plain-text error responses into the JSON error shape.
func rewriteGoError(p []byte) ([]byte, bool) {
	line, rest, ok := bytes.Cut(p, []byte("\r\n"))
	if !ok || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) || !bytes.HasPrefix(rest, []byte(goErrorHeaders[2:])) {
		return nil, false
	}
	status, err := strconv.Atoi(string(line[len("HTTP/1.1 "):min(len(line), len("HTTP/1.1 ")+3)]))
	if err != nil || status < 400 {
		return nil, false
	}
	msg := "请求格式不对"
	if _, why, ok := bytes.Cut(rest[len(goErrorHeaders)-2:], []byte(": ")); ok {
		msg += "（" + string(why) + "）"
	}
	switch status {
	case http.StatusRequestHeaderFieldsTooLarge:
		msg = "请求头太大"
	case http.StatusNotImplemented:
		// An unknown Transfer-Encoding: the client's request is at fault, and this API takes
		// none but chunked.
		status, msg = http.StatusBadRequest, "不支持这种 Transfer-Encoding"
	case http.StatusHTTPVersionNotSupported:
		status, msg = http.StatusBadRequest, "不支持这个 HTTP 版本，请用 HTTP/1.1"
	}
	body, _ := json.Marshal(newAPIError(status, "invalid_request_error", msg))
	return fmt.Appendf(nil, "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), len(body), body), true
}
