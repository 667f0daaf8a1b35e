// Package redistest starts a real redis-server on a loopback port for tests, as the shared
// state of several replicas would use one.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Server is a redis-server process owned by one test.
type Server struct {
	t    testing.TB
	port int
	dir  string
	cmd  *exec.Cmd
}

// Start runs redis-server with an append-only file in a temporary directory, so a restart
// keeps what was written, and stops it when the test ends. CI installs Debian's redis-server;
// elsewhere the test is skipped with the reason.
func Start(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed (.ci/run installs Debian's redis-server)")
		}
		t.Skip("redis-server not installed: apt-get install redis-server")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{t: t, port: port, dir: t.TempDir()}
	s.run()
	t.Cleanup(s.Stop)
	return s
}

// URL is the server's address as JINGYAN_REDIS_URL takes it.
func (s *Server) URL() string { return "redis://127.0.0.1:" + strconv.Itoa(s.port) + "/0" }

// Addr is host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

func (s *Server) run() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--dir", s.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("redis-server: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", s.Addr()); err == nil {
			c.Close()
			return
		}
	}
	s.t.Fatal("redis-server did not start")
}

// Stop kills the server (its data stays in the append-only file).
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Restart stops the server and starts it again on the same port and data after down.
func (s *Server) Restart(down time.Duration) {
	s.Stop()
	time.Sleep(down)
	s.run()
}

// String is for test logs.
func (s *Server) String() string { return fmt.Sprintf("redis-server on %s", s.Addr()) }
