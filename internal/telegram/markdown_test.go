package telegram

import (
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// Markdown as models write it becomes the HTML Telegram reads.
func TestTelegramHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"### 一、主要做法\n\n吉林下降24.7%[1]。", "<b>一、主要做法</b>\n吉林下降24.7%[1]。"},
		{"*总结*：各地都**下沉警力**。", "<i>总结</i>：各地都<b>下沉警力</b>。"},
		{"- 主动警务[1]\n- 预防警务[1]", "• 主动警务[1]\n• 预防警务[1]"},
		{"1. 贴小提示\n2. 发宣传单", "1. 贴小提示\n2. 发宣传单"},
		{"3. 第三\n4. 第四", "3. 第三\n4. 第四"},
		{"- 外层\n  - 内层", "• 外层\n  • 内层"},
		{"用 `jingyan ask` 提问", "用 <code>jingyan ask</code> 提问"},
		{"```\na < b\n```", "<pre>a &lt; b\n</pre>"},
		{"[原文](https://example.org/a?b=1&c=2)", `<a href="https://example.org/a?b=1&amp;c=2">原文</a>`},
		{"[坏链接](javascript:alert(1))", "坏链接"},
		{"> 引用一句", "<blockquote>引用一句</blockquote>"},
		{"<script>x</script> & <b>", "&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;"},
		{"吉林省公安厅：下降24.7%。[1]\n河南省公安厅：占43.9%。[2]", "吉林省公安厅：下降24.7%。[1]\n河南省公安厅：占43.9%。[2]"},
		{"---", "——"},
	}
	for _, tt := range tests {
		if got := telegramHTML(tt.in); got != tt.want {
			t.Errorf("telegramHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzTelegramHTML(f *testing.F) {
	for _, s := range []string{"### 标题\n- **粗**[1]", "> `代码` <a href=x>", "[a](https://x)*b*", "\xff**"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out := telegramHTML(md)
		if !balanced(out) {
			t.Fatalf("unbalanced %q from %q", out, md)
		}
		for _, m := range tagRE.FindAllString(out, -1) {
			if !htmlTagRE.MatchString(m) {
				t.Fatalf("a tag Telegram does not take: %q in %q", m, out)
			}
		}
	})
}

// A scripted model's Markdown reaches no chat raw: headings, emphasis, lists and code are
// Telegram HTML in the streamed edits and the final message alike.
func TestNoRawMarkdownInChats(t *testing.T) {
	reply := "### 一、主要做法\n\n**吉林**全省电信网络诈骗发案数同比下降24.7%[1]。\n\n- *治安案件*发案数同比下降27.4%[1]\n- 见 `警地融合` 机制[1]"
	fake := fakeopenai.New(fakeopenai.Step{Reply: reply, ChunkRunes: 4, Delay: 30 * time.Millisecond})
	defer fake.Close()
	tb := startBot(t, Config{SlowAfter: time.Millisecond, EditInterval: 10 * time.Millisecond}, fake)
	tb.tg.push(msgUpdate(textMsg(-100730, models.ChatTypeGroup, 3, "/ask 吉林电诈降了多少")), msgUpdate(textMsg(73, models.ChatTypePrivate, 73, "吉林电诈降了多少")))
	calls := tb.tg.waitFor("both answers", func(calls []tgCall) bool {
		return countTo(calls, -100730, "<b>来源</b>") == 1 && countTo(calls, 73, "<b>来源</b>") == 1
	})
	for _, c := range calls {
		text := c.f["text"]
		for _, raw := range []string{"###", "**", "`", "\n- ", "*治安"} {
			if strings.Contains(text, raw) {
				t.Errorf("%s to %s holds raw Markdown %q: %q", c.method, c.f["chat_id"], raw, text)
			}
		}
	}
	if countTo(calls, 73, "<b>一、主要做法</b>") == 0 {
		t.Error("the heading is not bold in the private answer")
	}
}

// A sentence longer than a message splits after the clause punctuation nearest the limit, not
// inside a word.
func TestLongSentenceSplitsAtPunctuation(t *testing.T) {
	item := "社区民警走访群众开展矛盾纠纷排查化解工作" // 20 characters
	text := strings.Repeat(item+"、", 300) + "。"
	chunks, _ := renderAnswer(answer.Answer{Text: text})
	if len(chunks) < 2 {
		t.Fatalf("%d chunks", len(chunks))
	}
	for i, c := range chunks[:len(chunks)-1] {
		if !strings.HasSuffix(c, "、") {
			t.Errorf("chunk %d ends inside a clause: …%s", i, c[max(0, len(c)-30):])
		}
	}
}
