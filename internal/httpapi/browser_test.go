package httpapi

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// chromium finds Debian's chromium. CI installs it, so there a missing browser is a failure;
// elsewhere the test is skipped with the reason.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("JINGYAN_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (.ci/run installs Debian's chromium)")
	}
	t.Skip("chromium not installed: apt-get install chromium")
	return ""
}

// The web page in a real headless browser: load, ask, watch the streamed answer, open a
// citation in place.
func TestBrowserAskAndOpenCitation(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林全省电信网络诈骗发案数同比下降24.7%[1]。", ChunkRunes: 2})
	defer fake.Close()
	_, ts := newTestServer(t, Config{}, memLoader(t, fake))

	tctx, step := browse(t, ts.URL+"/")
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	step(chromedp.WaitVisible(`#reports li`))
	reports := text(`#reports`)
	step(chromedp.SendKeys(`#question`, "吉林电诈降了多少"))
	step(chromedp.Click(`#ask-button`))
	step(chromedp.WaitVisible(`#answer button.cite`))
	step(chromedp.WaitVisible(`#citations li`))
	answerText := text(`#answer`)
	step(chromedp.Click(`#answer button.cite`))
	step(chromedp.WaitVisible(`#passage mark`))
	where := text(`#passage .where`)
	passage := text(`#passage mark`)
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reports, "吉林省公安厅") || !strings.Contains(reports, "浙江省浦江县公安局") {
		t.Errorf("reports list = %q", reports)
	}
	if !strings.Contains(answerText, "24.7%") || !strings.Contains(answerText, "[1]") {
		t.Errorf("answer = %q", answerText)
	}
	if !strings.Contains(where, "（吉林省公安厅）第 3 段") || !strings.Contains(passage, "电信网络诈骗发案数同比下降24.7%") {
		t.Errorf("opened citation: %q / %q", where, passage)
	}
	if dir := os.Getenv("JINGYAN_SCREENSHOT_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "web.png"), shot, 0o644)
	}
}

// Enter pressed again while an answer streams asks nothing more; a stream cut by a server
// restart leaves the page saying so, with 提问 usable again.
func TestBrowserStreamDropAndRepeatedEnter(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。", Delay: 20 * time.Second})
	defer fake.Close()
	_, ts := newTestServer(t, Config{}, memLoader(t, fake))
	tctx, step := browse(t, ts.URL+"/")
	step(chromedp.WaitVisible(`#reports li`))
	step(chromedp.SendKeys(`#question`, "吉林电诈降了多少\r"))
	step(chromedp.WaitVisible(`#result`))
	step(chromedp.SendKeys(`#question`, "\r"))
	step(chromedp.SendKeys(`#question`, "\r"))
	for range 100 { // until the LLM has the question
		if len(fake.Requests()) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.Requests()); n != 1 {
		t.Errorf("%d LLM requests for one question asked with three Enters", n)
	}
	ts.CloseClientConnections() // the server restarts mid-answer
	step(chromedp.WaitVisible(`#error`))
	msg, err := chromedp.Run(tctx, chromedp.Text(`#error`))
	if err != nil {
		t.Fatal(err)
	}
	disabled, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.getElementById("ask-button").disabled`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "连接中断") || disabled {
		t.Errorf("after the drop: error %q, button disabled %v", msg, disabled)
	}
	// 重试 asks the same question again, and this time the answer comes.
	fake.SetSteps(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。"})
	step(chromedp.Click(`#retry-button`))
	step(chromedp.WaitVisible(`#answer button.cite`))
	hidden, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.getElementById("error").hidden`))
	if err != nil || !hidden {
		t.Errorf("the error is still shown after a successful retry (%v)", err)
	}
	if n := len(fake.Requests()); n != 2 {
		t.Errorf("%d LLM requests after one retry", n)
	}
}

// While the LLM writes, the passages found are listed and can be read; a refusal, a notice
// and an error each look their own; a marker leads to its passage by keyboard and back; the
// source list opens passages too; on a touch screen markers are finger-sized.
func TestBrowserPassagesLooksAndKeyboard(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林全省电信网络诈骗发案数同比下降24.7%[1]。", Delay: 1500 * time.Millisecond})
	defer fake.Close()
	_, ts := newTestServer(t, Config{}, memLoader(t, fake))
	tctx, step := browse(t, ts.URL+"/")
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	step(chromedp.WaitVisible(`#reports li`))
	step(chromedp.SendKeys(`#question`, "吉林电诈降了多少\r"))

	// Before the answer: the passages, readable.
	step(chromedp.WaitVisible(`#citations button.source`))
	if h := eval(`document.getElementById("sources-heading").textContent + "|" + document.getElementById("answer").textContent`); !strings.HasPrefix(h, "检索到的材料") || !strings.HasSuffix(h, "|") {
		t.Errorf("while the LLM writes: %q", h)
	}
	step(chromedp.Click(`#citations li:first-child button.source`))
	step(chromedp.WaitVisible(`#passage .text`))

	// The answer, then marker → passage → back by keyboard alone.
	step(chromedp.WaitVisible(`#answer button.cite`))
	if h := eval(`document.getElementById("sources-heading").textContent`); h != "来源" {
		t.Errorf("sources heading after the answer = %q", h)
	}
	step(chromedp.Focus(`#answer button.cite`))
	step(chromedp.KeyEvent("\r"))
	step(chromedp.WaitVisible(`#passage mark`))
	if a := eval(`document.activeElement.id + "|" + document.querySelector("#passage .where").textContent`); !strings.HasPrefix(a, "passage|[1]") {
		t.Errorf("after Enter on the marker, focus|where = %q", a)
	}
	step(chromedp.KeyEvent(kb.Escape))
	if a := eval(`document.activeElement.className + "|" + document.getElementById("passage").hidden`); !strings.HasPrefix(a, "cite") || !strings.HasSuffix(a, "|true") {
		t.Errorf("after Escape, focus class|passage hidden = %q", a)
	}

	// Looks: an answer has none of the refusal, notice or error marks.
	looks := `["refusal-label","notice","error"].map(function(id){return document.getElementById(id).hidden ? "-" : id}).join(",") + "|" + document.getElementById("answer").className`
	if l := eval(looks); l != "-,-,-|" {
		t.Errorf("LLM answer looks = %q", l)
	}
	// A question the collection cannot answer: the refusal look. (新对话 first: the fake LLM
	// would answer a follow-up's rewrite with its one reply.)
	fake.SetSteps(fakeopenai.Step{Reply: "吉林全省电信网络诈骗发案数同比下降24.7%[1]。"})
	step(chromedp.Click(`#new-button`))
	step(chromedp.SetValue(`#question`, "浙江温州的枫桥式派出所有多少个？"))
	step(chromedp.Click(`#ask-button`))
	step(chromedp.WaitVisible(`#refusal-label`))
	if l := eval(looks); !strings.HasPrefix(l, "refusal-label,") || !strings.Contains(l, "refused") {
		t.Errorf("refusal looks = %q", l)
	}
	// The LLM failing: the extractive answer with the notice look.
	fake.SetSteps(fakeopenai.Step{Status: 500}, fakeopenai.Step{Status: 500}, fakeopenai.Step{Status: 500}, fakeopenai.Step{Status: 500})
	step(chromedp.Click(`#new-button`))
	step(chromedp.SetValue(`#question`, "吉林电诈降了多少"))
	step(chromedp.Click(`#ask-button`))
	step(chromedp.WaitVisible(`#notice`))
	if l := eval(looks); !strings.HasPrefix(l, "-,notice,-") {
		t.Errorf("fallback looks = %q", l)
	}
	// An error: the error look with 重试.
	step(chromedp.SetValue(`#question`, "？？？"))
	step(chromedp.Click(`#ask-button`))
	step(chromedp.WaitVisible(`#retry-button`))
	if l := eval(looks); !strings.HasPrefix(l, "-,-,error") {
		t.Errorf("error looks = %q", l)
	}

	// A phone: markers are at least 44 px each way.
	fake.SetSteps(fakeopenai.Step{Reply: "吉林全省电信网络诈骗发案数同比下降24.7%[1]。"})
	step(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	step(chromedp.Click(`#new-button`))
	step(chromedp.SetValue(`#question`, "吉林电诈降了多少"))
	step(chromedp.Click(`#ask-button`))
	step(chromedp.WaitVisible(`#answer button.cite`))
	if size := eval(`(function(){var r=document.querySelector("#answer button.cite").getBoundingClientRect();return Math.round(r.width)+"x"+Math.round(r.height)+" coarse="+matchMedia("(pointer: coarse)").matches})()`); size != "44x44 coarse=true" {
		t.Errorf("marker on a phone = %s, want 44x44 coarse=true", size)
	}
}

// browse opens url in headless chromium and returns a context bounded for the test's steps
// and a step runner that fails the test on error.
func browse(t *testing.T, url string) (context.Context, func(chromedp.Action[chromedp.Void])) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first call starts the browser and must not carry a timeout (it would end the browser).
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return tctx, func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, a); err != nil {
			t.Fatal(err)
		}
	}
}
