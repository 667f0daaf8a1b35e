package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/redistest"
)

// TestDeployNginx runs deploy/nginx/jingyan.conf in real nginx in front of three `serve`
// replicas and two webhook `bot` replicas sharing one Redis, as deploy/compose.yaml does with
// service names: answers stream through it, one client's rate holds across the replicas it
// is balanced over, and Telegram's webhook reaches a bot.
func TestDeployNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("real nginx and five processes")
	}
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("nginx is not installed (.ci/run installs Debian's nginx)")
		}
		t.Skip("nginx not installed: apt-get install nginx")
	}
	rds := redistest.Start(t)
	bin := buildBinary(t)
	api := newBotAPI()
	tg := httptest.NewServer(api)
	defer tg.Close()
	env := []string{"JINGYAN_REDIS_URL=" + rds.URL(),
		"JINGYAN_TRUSTED_PROXIES=127.0.0.1", "TELEGRAM_BOT_TOKEN=1:deploytest", "JINGYAN_TELEGRAM_API_URL=" + tg.URL,
		"JINGYAN_TELEGRAM_ALLOW=*", "JINGYAN_TELEGRAM_WEBHOOK_SECRET=s3cret"}
	start := func(args ...string) string {
		addr := freeAddr(t)
		startBinary(t, bin, env, addr, append(args, addr)...)
		return addr
	}
	var serves, bots []string
	for range 3 {
		serves = append(serves, start("serve", "--rate", "0.01", "--addr"))
	}
	for range 2 {
		bots = append(bots, start("bot", "--webhook-url", "https://bot.example/telegram/webhook", "--journal", "off", "--webhook-addr"))
	}

	// The shipped config, with compose's service names replaced by these processes and a
	// free port with a throwaway certificate for 443.
	conf, err := os.ReadFile("../../deploy/nginx/jingyan.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeCert(t, dir)
	listen := freeAddr(t)
	c := string(conf)
	c = upstream(t, c, `serve:8080`, serves)
	c = upstream(t, c, `bot\d:8443`, bots)
	c = strings.Replace(c, "listen 443 ssl http2;", "listen "+listen+" ssl http2;", 1)
	c = strings.ReplaceAll(c, "/etc/nginx/certs", dir)
	main := "worker_processes 1;\nerror_log " + dir + "/error.log;\npid " + dir + "/nginx.pid;\nevents {}\nhttp {\n" +
		"access_log off;\nclient_body_temp_path " + dir + "/body;\nproxy_temp_path " + dir + "/proxy;\n" +
		"fastcgi_temp_path " + dir + "/f;\nuwsgi_temp_path " + dir + "/u;\nscgi_temp_path " + dir + "/s;\n" + c + "\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	ng := exec.Command(nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off; user root;")
	out, _ := os.Create(filepath.Join(dir, "stderr"))
	ng.Stderr = out
	// Its own process group: killing only the master would leave its workers listening.
	ng.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := ng.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-ng.Process.Pid, syscall.SIGKILL); ng.Wait() })
	base := "https://" + listen
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := client.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			errOut, _ := os.ReadFile(filepath.Join(dir, "stderr"))
			t.Fatalf("nginx did not come up:\n%s\n%s", log, errOut)
		}
	}

	// An answer streams through nginx to its done event.
	req, _ := http.NewRequest("POST", base+"/v1/ask", strings.NewReader(`{"question":"吉林电诈降了多少","stream":true}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]bool{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			events[name] = true
		}
	}
	resp.Body.Close()
	if !events["passages"] || !events["delta"] || !events["done"] {
		t.Errorf("streamed through nginx, events %v", events)
	}

	// One client, 60 searches over three replicas: one burst (40) between them.
	ok, limited := 0, 0
	for range 60 {
		resp, err := client.Get(base + "/v1/search?q=%E8%AD%A6%E5%9C%B0")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch resp.StatusCode {
		case 200:
			ok++
		case 429:
			limited++
		}
	}
	t.Logf("60 searches from one client through nginx over 3 replicas: %d answered, %d limited", ok, limited)
	if ok > 41 || ok+limited != 60 {
		t.Errorf("through nginx: %d allowed, %d limited; want about 40 allowed across the replicas", ok, limited)
	}

	// Telegram's webhook through nginx reaches a bot replica.
	upd, _ := json.Marshal(map[string]any{"update_id": 1, "message": map[string]any{"message_id": 1, "date": time.Now().Unix(),
		"text": "吉林电诈降了多少", "chat": map[string]any{"id": 777, "type": "private"}, "from": map[string]any{"id": 777, "first_name": "民警"}}})
	req, _ = http.NewRequest("POST", base+"/telegram/webhook", strings.NewReader(string(upd)))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	resp, err = client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("webhook through nginx: %v %v", err, resp)
	}
	resp.Body.Close()
	for deadline := time.Now().Add(30 * time.Second); api.count(777) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the webhook's question was not answered")
		}
	}
}

// upstream replaces the config's server lines matching name (a pattern) with one line per
// address, keeping the first line's parameters.
func upstream(t *testing.T, conf, name string, addrs []string) string {
	re := regexp.MustCompile(`(?m)^(\s*)server ` + name + `( [^;]*);\n`)
	m := re.FindStringSubmatch(conf)
	if m == nil {
		t.Fatalf("deploy/nginx/jingyan.conf has no upstream server %s", name)
	}
	var lines strings.Builder
	for _, a := range addrs {
		lines.WriteString(m[1] + "server " + a + m[2] + ";\n")
	}
	first := true
	return re.ReplaceAllStringFunc(conf, func(string) string {
		if first {
			first = false
			return lines.String()
		}
		return ""
	})
}

// writeCert writes a throwaway self-signed certificate as fullchain.pem and privkey.pem.
func writeCert(t *testing.T, dir string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, "fullchain.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, "privkey.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
}
