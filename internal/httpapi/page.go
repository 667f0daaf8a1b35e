package httpapi

import (
	"embed"
	"net/http"
	"path"
)

// The web page ships inside the binary: no CDN, works on closed networks.
//
//go:embed web
var webFS embed.FS

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

func (s *Server) serveFile(w http.ResponseWriter, name string) {
	data, err := webFS.ReadFile("web/" + name)
	if err != nil {
		writeError(w, http.StatusNotFound, "not_found", "没有这个文件")
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentTypes[path.Ext(name)])
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	w.Write(data)
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) { s.serveFile(w, "index.html") }

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if _, ok := contentTypes[path.Ext(name)]; !ok || name == "index.html" {
		writeError(w, http.StatusNotFound, "not_found", "没有这个文件")
		return
	}
	s.serveFile(w, name)
}
