package corpus

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// A short line at the head or foot of three or more files is their site's template and goes;
// the same line in the middle of documents is text they share, and stays.
func TestRepeatedLinesAtEdgesOnly(t *testing.T) {
	files := fstest.MapFS{}
	for i := range 4 {
		var body []string
		body = append(body, fmt.Sprintf("第%d号工作简报", i+1), "首页 | 工作动态 | 经验交流")
		for k := range 40 {
			body = append(body, fmt.Sprintf("第%d段正文，写第%d个单位的做法。", k+1, i+1))
			if k == 20 {
				body = append(body, "-z, --zero使每行输出以 NUL 字符结束，不添加换行符")
			}
		}
		body = append(body, "主办单位：某某市公安局宣传处")
		files[fmt.Sprintf("%d.txt", i)] = &fstest.MapFile{Data: []byte(strings.Join(body, "\n\n") + "\n")}
	}
	c, _, err := Load(files)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range c.Reports {
		for _, p := range r.Paragraphs {
			text.WriteString(p.Text + "\n")
		}
	}
	got := text.String()
	if strings.Count(got, "-z, --zero使每行输出") != 4 {
		t.Errorf("a line shared in the middle of documents was dropped:\n%s", got)
	}
	if strings.Contains(got, "首页 | 工作动态") {
		t.Errorf("a template line at the head of every file was kept:\n%s", got)
	}
}
