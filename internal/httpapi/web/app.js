// jingyan web page: ask, stream the answer, open cited passages in place. No external assets.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var history = [];
  var sources = [];      // what the [n] markers and the list under the answer point at
  var markersLive = false; // markers become buttons once the answer's own numbering is known
  var lastQuestion = "";

  function headers(extra) {
    var h = extra || {};
    var t = localStorage.getItem("jingyan-token");
    if (t) { h["Authorization"] = "Bearer " + t; }
    return h;
  }

  function escapeHTML(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // The same rendering as corpus.Label: a paged source (PDF, OFD, a scan) is cited by page
  // and the paragraph's number on it.
  function label(c) {
    var at = c.page && c.on_page ? "第 " + c.page + " 页 第 " + c.on_page + " 段" : "第 " + c.paragraph + " 段";
    return "《" + c.title + "》" + (c.org ? "（" + c.org + "）" : "") + at;
  }

  // Answer text with [n] markers as buttons that open the cited passage. While the answer
  // streams its numbering is not yet known, so markers are plain text until it is.
  function renderAnswer(text) {
    var html = escapeHTML(text).replace(/\*\*([^*<>\n]+?)\*\*/g, "<b>$1</b>");
    $("answer").innerHTML = html.replace(/\[(\d+)\]/g, function (m, n) {
      if (!markersLive) { return '<span class="cite pending">[' + n + "]</span>"; }
      return '<button type="button" class="cite" data-n="' + n + '" aria-label="查看来源 ' + n + '">[' + n + "]</button>";
    });
  }

  // renderSources lists passages under the answer, each a button that opens it: the passages
  // found while the answer is written, then the ones it cites.
  function renderSources(list, heading) {
    sources = list;
    $("passage").hidden = true; // it showed a passage of the list being replaced
    var ol = $("citations");
    ol.innerHTML = "";
    $("sources-heading").hidden = list.length === 0;
    $("sources-heading").textContent = heading;
    list.forEach(function (c, i) {
      var li = document.createElement("li");
      li.value = c.n || i + 1;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "source";
      b.dataset.n = String(c.n || i + 1);
      b.textContent = label(c);
      li.appendChild(b);
      ol.appendChild(li);
    });
  }

  function passageContext(box, n, id) {
    fetch("/v1/passages/" + encodeURIComponent(id), { headers: headers() })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p || box.dataset.n !== String(n)) { return; }
        var text = box.querySelector(".text");
        text.innerHTML = "";
        var add = function (tag, q) { var s = document.createElement(tag); if (tag === "span") { s.className = "ctx"; } s.textContent = q.text; text.appendChild(s); };
        p.before.forEach(function (q) { add("span", q); });
        add("mark", p);
        p.after.forEach(function (q) { add("span", q); });
      })
      .catch(function () {});
  }

  // showPassage opens source n below the answer and moves the keyboard there; Escape (or the
  // same marker again) closes it and returns to the marker.
  function showPassage(n, trigger) {
    var c = sources.find(function (s, i) { return (s.n || i + 1) === n; });
    var box = $("passage");
    document.querySelectorAll("button.active").forEach(function (b) { b.classList.remove("active"); });
    if (!c) { return; }
    if (!box.hidden && box.dataset.n === String(n)) { closePassage(); return; }
    trigger.classList.add("active");
    box.returnTo = trigger;
    box.dataset.n = String(n);
    box.innerHTML = '<div class="where"></div><div class="text"></div><button type="button" class="close secondary">收起原文</button>';
    box.querySelector(".where").textContent = "[" + n + "] " + label(c);
    box.querySelector(".text").textContent = c.text;
    box.hidden = false;
    box.focus();
    passageContext(box, n, c.id);
  }

  function closePassage() {
    var box = $("passage");
    box.hidden = true;
    document.querySelectorAll("button.active").forEach(function (b) { b.classList.remove("active"); });
    if (box.returnTo && document.body.contains(box.returnTo)) { box.returnTo.focus(); }
  }

  $("result").addEventListener("click", function (e) {
    var b = e.target.closest("button.cite, button.source");
    if (b) { showPassage(parseInt(b.dataset.n, 10), b); return; }
    if (e.target.closest("#passage button.close")) { closePassage(); }
  });
  $("passage").addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); closePassage(); }
  });

  function setBusy(busy, msg) {
    $("ask-button").disabled = busy;
    $("status").textContent = msg || "";
  }

  // Four looks: the answer; a refusal (nothing in the collection answers it); a notice (the
  // answer is extractive, or the LLM failed and it was replaced); an error, with 重试.
  function showNotice(msg) { $("notice").hidden = !msg; $("notice").textContent = msg || ""; }

  function fail(msg) {
    setBusy(false, "");
    $("result").hidden = false;
    $("error").hidden = false;
    $("error").querySelector(".text").textContent = msg;
    $("retry-button").hidden = !lastQuestion;
  }

  function finish(d) {
    markersLive = true;
    renderSources(d.citations || [], "来源");
    renderAnswer(d.answer);
    $("answer").classList.toggle("refused", !!d.refused);
    $("refusal-label").hidden = !d.refused;
    if (d.notice) { showNotice(d.notice); } else if (d.mode !== "llm" && !d.refused && !d.faq) { showNotice("以下为原文摘录（未经模型改写）"); }
  }

  function handleEvent(name, data, state) {
    var d = JSON.parse(data);
    if (name === "passages") {
      setBusy(true, "正在组织回答…");
      renderSources(d.passages || [], "检索到的材料（正在据此组织回答）");
    } else if (name === "delta") {
      state.text += d.text;
      renderAnswer(state.text);
    } else if (name === "reset") {
      state.text = "";
      showNotice(d.notice);
      renderAnswer("");
    } else if (name === "done") {
      state.answer = d;
      finish(d);
    } else if (name === "error") {
      state.failed = true;
      fail((d.error && d.error.message) || "出错了，请稍后再试");
    }
  }

  var inFlight = false;

  // ask runs one question at a time: Enter while an answer streams is ignored, and the page
  // is usable again however the stream ends.
  async function ask(question) {
    if (inFlight) { return; }
    inFlight = true;
    lastQuestion = question;
    try { await askOnce(question); } finally { inFlight = false; }
  }

  function reset() {
    setBusy(true, "正在检索…");
    $("result").hidden = false;
    $("error").hidden = true;
    $("refusal-label").hidden = true;
    $("answer").classList.remove("refused");
    showNotice("");
    $("passage").hidden = true;
    markersLive = false;
    renderSources([], "");
    renderAnswer("");
  }

  async function request(question) {
    var tok = $("token").value.trim();
    if (tok) { localStorage.setItem("jingyan-token", tok); }
    var resp;
    try {
      resp = await fetch("/v1/ask", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", "Accept": "text/event-stream" }),
        body: JSON.stringify({ question: question, history: history, stream: true })
      });
    } catch (e) { fail("无法连接服务，请检查网络后重试"); return null; }
    if (resp.status === 401) { $("token-row").hidden = false; fail("需要访问令牌：请在上方填写后再提问"); return null; }
    if (!resp.ok) {
      var msg = "出错了（" + resp.status + "）";
      try { var j = await resp.json(); if (j.error) { msg = j.error.message; } } catch (e) {}
      fail(msg);
      return null;
    }
    return resp;
  }

  // readEvents feeds each server-sent event of resp to handleEvent.
  async function readEvents(resp, state) {
    var reader = resp.body.getReader();
    var decoder = new TextDecoder();
    var buf = "";
    for (;;) {
      var r;
      try { r = await reader.read(); } catch (e) { return; }
      if (r.done) { return; }
      buf += decoder.decode(r.value, { stream: true });
      var idx;
      while ((idx = buf.indexOf("\n\n")) >= 0) {
        var block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        var name = "message", data = "";
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event: ") === 0) { name = line.slice(7); }
          else if (line.indexOf("data: ") === 0) { data += line.slice(6); }
        });
        if (data) { handleEvent(name, data, state); }
      }
    }
  }

  async function askOnce(question) {
    reset();
    var resp = await request(question);
    if (!resp) { return; }
    var state = { text: "", answer: null };
    await readEvents(resp, state);
    if (!state.answer && !state.failed) {
      // The stream ended without its done event: the server restarted or the network dropped.
      fail("连接中断，回答没有完成");
      return;
    }
    setBusy(false, "");
    if (state.answer) {
      history.push({ role: "user", text: state.answer.standalone || question });
      history.push({ role: "assistant", text: state.answer.answer });
      history = history.slice(-6);
    }
  }

  $("ask-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = $("question").value.trim();
    if (q) { ask(q); }
  });
  $("retry-button").addEventListener("click", function () {
    if (lastQuestion) { ask(lastQuestion); }
  });
  $("question").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("ask-form").requestSubmit(); }
  });
  $("new-button").addEventListener("click", function () {
    history = [];
    $("result").hidden = true;
    $("question").value = "";
    $("status").textContent = "已开始新对话";
  });

  fetch("/v1/reports", { headers: headers() })
    .then(function (r) { if (r.status === 401) { $("token-row").hidden = false; } return r.ok ? r.json() : { reports: [] }; })
    .then(function (d) {
      var ul = $("reports");
      d.reports.forEach(function (rep) {
        var li = document.createElement("li");
        li.textContent = "《" + rep.title + "》" + (rep.org ? "（" + rep.org + "）" : "");
        ul.appendChild(li);
      });
    });
})();
