package httpapi

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/jingyan/jingyan/internal/redisstate"
	"github.com/jingyan/jingyan/internal/redistest"
)

func sharedCfg(t *testing.T, url string) Config {
	st, err := redisstate.Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return Config{RatePerSec: 0.01, RateBurst: 6, Ready: st.Ready,
		ShareLimit: func(own Limiter, perSec float64, burst int) Limiter {
			return st.Limiter("http", rate.Limit(perSec), burst, own)
		}}
}

// Two replicas sharing Redis grant one client one rate between them; /readyz says when Redis
// is gone, while questions are still answered.
func TestReplicasShareRateLimit(t *testing.T) {
	srv := redistest.Start(t)
	_, a := newTestServer(t, sharedCfg(t, srv.URL()), memLoader(t, nil))
	_, b := newTestServer(t, sharedCfg(t, srv.URL()), memLoader(t, nil))
	ok, limited := 0, 0
	for i := range 12 {
		base := a.URL
		if i%2 == 1 {
			base = b.URL
		}
		resp, _ := do(t, "GET", base+"/v1/search?q=%E8%AD%A6%E5%9C%B0", "")
		switch resp.StatusCode {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		default:
			t.Errorf("status %d", resp.StatusCode)
		}
	}
	if ok != 6 || limited != 6 {
		t.Errorf("two replicas: %d allowed, %d limited; want one burst of 6 between them", ok, limited)
	}
	if resp, _ := do(t, "GET", a.URL+"/readyz", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("readyz with Redis up: %d", resp.StatusCode)
	}
	srv.Stop()
	if resp, body := do(t, "GET", a.URL+"/readyz", ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with Redis down: %d %s", resp.StatusCode, body)
	}
	// The replica now limits on its own, with its own bucket (unused while Redis answered):
	// the client is answered, not failed.
	if resp, body := do(t, "GET", a.URL+"/v1/search?q=%E8%AD%A6%E5%9C%B0", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("search with Redis down: %d %s", resp.StatusCode, body)
	}
}

// An admin reload on one replica reloads the others through a Redis notice.
func TestReloadInStep(t *testing.T) {
	srv := redistest.Start(t)
	var mu sync.Mutex
	loads := map[string]int{}
	counting := func(name string) Loader {
		inner := memLoader(t, nil)
		return func(ctx context.Context) (*Backend, error) {
			mu.Lock()
			loads[name]++
			mu.Unlock()
			return inner(ctx)
		}
	}
	replica := func(name string) (*Server, string) {
		st, err := redisstate.Open(srv.URL(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg := Config{AdminTokens: []string{"adm"}, Reloaded: func(ctx context.Context) { st.Notify(ctx, "reload") }}
		s, ts := newTestServer(t, cfg, counting(name))
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		go st.Listen(ctx, "reload", func() { s.Reload(ctx) })
		return s, ts.URL
	}
	_, a := replica("a")
	replica("b")
	replica("c")
	time.Sleep(500 * time.Millisecond) // the subscriptions are in place
	if resp, body := do(t, "POST", a+"/v1/admin/reload", "", "Authorization", "Bearer adm"); resp.StatusCode != 200 {
		t.Fatalf("reload: %d %s", resp.StatusCode, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := map[string]int{"a": loads["a"], "b": loads["b"], "c": loads["c"]}
		mu.Unlock()
		if got["a"] == 2 && got["b"] == 2 && got["c"] == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("loads (start + reload) = %v, want 2 each", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
