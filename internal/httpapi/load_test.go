package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/mock"
	"github.com/jingyan/jingyan/internal/search"
)

// Under 256 concurrent asks with a slow LLM: admitted requests all complete, the excess is
// turned away quickly with 503 and Retry-After, and memory stays bounded.
func TestOverloadSheds(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。", Delay: 200 * time.Millisecond})
	defer fake.Close()
	_, ts := newTestServer(t, Config{MaxLLM: 4, QueueLen: 16, QueueWait: 3 * time.Second, RatePerSec: 1000, RateBurst: 1000},
		memLoader(t, fake))
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	const n = 256
	var ok, busy, other atomic.Int64
	var slowest503 atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: n}}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			resp, err := client.Post(ts.URL+"/v1/ask", "application/json", strings.NewReader(`{"question":"吉林电诈降了多少"}`))
			if err != nil {
				other.Add(1)
				return
			}
			resp.Body.Close()
			switch resp.StatusCode {
			case 200:
				ok.Add(1)
			case 503:
				busy.Add(1)
				if resp.Header.Get("Retry-After") == "" {
					other.Add(1)
				}
				if d := time.Since(start).Milliseconds(); d > slowest503.Load() {
					slowest503.Store(d)
				}
			default:
				other.Add(1)
			}
		}()
	}
	wg.Wait()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("ok %d, 503 %d, other %d, slowest 503 %d ms, heap %d → %d KiB",
		ok.Load(), busy.Load(), other.Load(), slowest503.Load(), before.HeapInuse>>10, after.HeapInuse>>10)
	if other.Load() != 0 || ok.Load() < 20 || busy.Load() == 0 || ok.Load()+busy.Load() != n {
		t.Errorf("ok %d busy %d other %d", ok.Load(), busy.Load(), other.Load())
	}
	if slowest503.Load() > 1000 {
		t.Errorf("a rejected request waited %d ms", slowest503.Load())
	}
	if after.HeapInuse > before.HeapInuse+64<<20 {
		t.Errorf("heap grew from %d to %d KiB", before.HeapInuse>>10, after.HeapInuse>>10)
	}
}

// serveReal runs the server on a real listener, as `jingyan serve` does.
func serveReal(t *testing.T, s *Server) (string, context.CancelFunc, chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String(), cancel, done
}

func TestSlowBodyIsCut(t *testing.T) {
	s, err := New(context.Background(), Config{ReadTimeout: 300 * time.Millisecond}, memLoader(t, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	url, cancel, done := serveReal(t, s)
	defer func() { cancel(); <-done }()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"qu")
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	for {
		if _, err := conn.Read(buf); err != nil {
			break
		}
		// Keep trickling: the server must still cut us off.
		conn.Write([]byte("e"))
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("slow body held the connection %s", el)
	}
}

func TestGracefulShutdown(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。", Delay: 400 * time.Millisecond})
	defer fake.Close()
	s, err := New(context.Background(), Config{}, memLoader(t, fake), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	url, cancel, done := serveReal(t, s)
	res := make(chan int, 1)
	go func() {
		resp, err := http.Post(url+"/v1/ask", "application/json", strings.NewReader(`{"question":"吉林电诈降了多少"}`))
		if err != nil {
			res <- -1
			return
		}
		resp.Body.Close()
		res <- resp.StatusCode
	}()
	time.Sleep(100 * time.Millisecond) // the request is in flight
	cancel()
	if code := <-res; code != 200 {
		t.Errorf("in-flight request got %d during shutdown", code)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("still accepting after shutdown")
	}
}

// Reload swaps a rebuilt on-disk index while requests keep coming: none fails.
func TestReloadUnderLoad(t *testing.T) {
	c, g := embedded(t)
	dir := filepath.Join(t.TempDir(), "idx")
	if err := search.BuildDir(context.Background(), c, g, dir, nil); err != nil {
		t.Fatal(err)
	}
	ps := mock.Prompts(t)
	var loads atomic.Int64
	load := func(ctx context.Context) (*Backend, error) {
		ix, err := search.Open(dir, g)
		if err != nil {
			return nil, err
		}
		loads.Add(1)
		return &Backend{Index: ix, Engine: answer.New(answer.Config{}, ix, g, ps, nil, nil)}, nil
	}
	s, ts := newTestServer(t, Config{RatePerSec: 1e6, RateBurst: 1e6}, load)
	stop := make(chan struct{})
	var total, failed atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var resp *http.Response
				var err error
				if w%2 == 0 {
					resp, err = http.Get(ts.URL + "/v1/search?q=%E8%AD%A6%E5%9C%B0%E8%9E%8D%E5%90%88&k=3")
				} else {
					resp, err = http.Post(ts.URL+"/v1/ask", "application/json", strings.NewReader(`{"question":"片警占派出所警力多少"}`))
				}
				total.Add(1)
				if err != nil || resp.StatusCode != 200 {
					failed.Add(1)
				}
				if resp != nil {
					resp.Body.Close()
				}
			}
		}(w)
	}
	for i := 0; i < 10; i++ {
		time.Sleep(50 * time.Millisecond)
		if i%3 == 0 { // a rebuilt index on disk, swapped in by symlink
			if err := search.BuildDir(context.Background(), c, g, dir, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("%d requests across %d loads, %d failed", total.Load(), loads.Load(), failed.Load())
	if failed.Load() != 0 || total.Load() < 100 || loads.Load() != 11 {
		t.Errorf("%d of %d requests failed; %d loads", failed.Load(), total.Load(), loads.Load())
	}
}

func TestReloadFailureKeepsServing(t *testing.T) {
	var fail atomic.Bool
	base := memLoader(t, nil)
	load := func(ctx context.Context) (*Backend, error) {
		if fail.Load() {
			return nil, fmt.Errorf("index missing")
		}
		return base(ctx)
	}
	s, ts := newTestServer(t, Config{}, load)
	fail.Store(true)
	if err := s.Reload(context.Background()); err == nil {
		t.Fatal("reload succeeded")
	}
	if resp, _ := do(t, "GET", ts.URL+"/v1/search?q=x", ""); resp.StatusCode != 200 {
		t.Errorf("after a failed reload: %d", resp.StatusCode)
	}
}

// While every LLM slot is taken, a question that needs no LLM (a refusal) is still answered;
// one that needs it is turned away with 503 and Retry-After before any output.
func TestBusyLLMOnlyTurnsAwayLLMQuestions(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。", Delay: 2 * time.Second})
	defer fake.Close()
	_, ts := newTestServer(t, Config{MaxLLM: 1, QueueLen: 1, QueueWait: 50 * time.Millisecond}, memLoader(t, fake))
	go func() {
		if resp, err := http.Post(ts.URL+"/v1/ask", "application/json", strings.NewReader(`{"question":"吉林电诈降了多少"}`)); err == nil {
			resp.Body.Close()
		}
	}()
	for range 100 { // until the slot is held
		if len(fake.Requests()) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, data := do(t, "POST", ts.URL+"/v1/ask", `{"question":"西藏自治区公安厅怎样开展社区警务？"}`)
	var a answer.Answer
	if err := json.Unmarshal(data, &a); err != nil || resp.StatusCode != 200 || !a.Refused {
		t.Errorf("refusal while busy: %d %s", resp.StatusCode, data)
	}
	for _, body := range []string{`{"question":"河南义警怎么组织的"}`, `{"question":"河南义警怎么组织的","stream":true}`} {
		resp, data = do(t, "POST", ts.URL+"/v1/ask", body)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(errorOf(t, data), "繁忙") {
			t.Errorf("LLM question while busy: %d %s", resp.StatusCode, data)
		}
	}
}
