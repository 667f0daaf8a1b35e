package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestJunkTokensMemory sends 10,000 requests, each with its own 30 KB bearer token, to the
// real server process, with no tokens configured and with some: the rate limit keys by
// address unless a token is a configured one, so junk tokens cost nothing to remember
// (goal: peak RSS under 64 MB). The server runs at Go's default GOGC: what it remembers is
// measured, not the garbage the serving default lets build up between collections (up to
// gcHeadroom more; a flood of 30 KB headers is mostly garbage: 77–99 MB peak with it).
func TestJunkTokensMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and floods the binary")
	}
	bin := buildBinary(t)
	for _, tokens := range []string{"", "real-token"} {
		addr := freeAddr(t)
		cmd, _ := startBinary(t, bin, []string{"JINGYAN_API_TOKENS=" + tokens, "GOGC=100"}, addr, "serve", "--addr", addr)
		codes := flood(t, "http://"+addr+"/v1/search?q=%E8%AD%A6%E5%9C%B0", 10000)
		peak := peakRSS(t, cmd.Process.Pid)
		cmd.Process.Kill()
		cmd.Wait()
		t.Logf("tokens %q: responses %v, peak RSS %d MB", tokens, codes, peak>>20)
		if peak > 64<<20 {
			t.Errorf("tokens %q: peak RSS %d MB after 10,000 junk tokens", tokens, peak>>20)
		}
		if codes[500] > 0 || codes[0] > 0 {
			t.Errorf("tokens %q: %v", tokens, codes)
		}
	}
}

// flood sends n requests from 16 workers, each with a fresh 30 KB token, and counts statuses
// (0: no response).
func flood(t *testing.T, url string, n int) map[int]int {
	var mu sync.Mutex
	codes := map[int]int{}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			buf := make([]byte, 22<<10)
			for range jobs {
				rand.Read(buf)
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+base64.RawURLEncoding.EncodeToString(buf))
				code := 0
				if resp, err := http.DefaultClient.Do(req); err == nil {
					code = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return codes
}

// peakRSS reads a process's high-water resident set from /proc.
func peakRSS(t *testing.T, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}
