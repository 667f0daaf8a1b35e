// jingyan web page: ask, stream the answer, open cited passages in place. No external assets.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var history = [];
  var citations = [];

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

  // Answer text with [n] markers turned into buttons that open the cited passage.
  function renderAnswer(text) {
    $("answer").innerHTML = escapeHTML(text).replace(/\*\*([^*<>\n]+?)\*\*/g, "<b>$1</b>").replace(/\[(\d+)\]/g, function (m, n) {
      return '<button type="button" class="cite" data-n="' + n + '">[' + n + "]</button>";
    });
  }

  function renderCitations() {
    var ol = $("citations");
    ol.innerHTML = "";
    citations.forEach(function (c) {
      var li = document.createElement("li");
      li.value = c.n;
      li.textContent = "《" + c.title + "》" + (c.org ? "（" + c.org + "）" : "") + "第 " + c.paragraph + " 段";
      ol.appendChild(li);
    });
  }

  function showPassage(n, button) {
    var c = citations[n - 1];
    var box = $("passage");
    document.querySelectorAll("button.cite.active").forEach(function (b) { b.classList.remove("active"); });
    if (!c) { return; }
    if (!box.hidden && box.dataset.n === String(n)) { box.hidden = true; return; }
    button.classList.add("active");
    box.dataset.n = String(n);
    box.innerHTML = '<div class="where"></div><div class="text"></div>';
    box.querySelector(".where").textContent = "[" + n + "] 《" + c.title + "》" + (c.org ? "（" + c.org + "）" : "") + "第 " + c.paragraph + " 段";
    box.querySelector(".text").textContent = c.text;
    box.hidden = false;
    fetch("/v1/passages/" + encodeURIComponent(c.id), { headers: headers() })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p || box.dataset.n !== String(n)) { return; }
        var text = box.querySelector(".text");
        text.innerHTML = "";
        p.before.forEach(function (q) { var s = document.createElement("span"); s.className = "ctx"; s.textContent = q.text; text.appendChild(s); });
        var m = document.createElement("mark"); m.textContent = p.text; text.appendChild(m);
        p.after.forEach(function (q) { var s = document.createElement("span"); s.className = "ctx"; s.textContent = q.text; text.appendChild(s); });
      })
      .catch(function () {});
  }

  $("answer").addEventListener("click", function (e) {
    var b = e.target.closest("button.cite");
    if (b) { showPassage(parseInt(b.dataset.n, 10), b); }
  });

  function setBusy(busy, msg) {
    $("ask-button").disabled = busy;
    $("status").textContent = msg || "";
  }

  function fail(msg) {
    setBusy(false, "");
    $("result").hidden = false;
    $("notice").hidden = false;
    $("notice").textContent = msg;
  }

  function handleEvent(name, data, state) {
    var d = JSON.parse(data);
    if (name === "passages") {
      setBusy(true, "正在组织回答…");
    } else if (name === "delta") {
      state.text += d.text;
      renderAnswer(state.text);
    } else if (name === "reset") {
      state.text = "";
      $("notice").hidden = false;
      $("notice").textContent = d.notice;
      renderAnswer("");
    } else if (name === "citations") {
      citations = d.citations || [];
      renderCitations();
    } else if (name === "done") {
      state.answer = d;
      renderAnswer(d.answer);
      if (d.notice) { $("notice").hidden = false; $("notice").textContent = d.notice; }
      $("status").textContent = d.mode === "llm" ? "" : (d.refused ? "" : "（原文摘录）");
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
    try { await askOnce(question); } finally { inFlight = false; }
  }

  async function askOnce(question) {
    setBusy(true, "正在检索…");
    $("result").hidden = false;
    $("notice").hidden = true;
    $("passage").hidden = true;
    citations = [];
    renderCitations();
    renderAnswer("");
    var tok = $("token").value.trim();
    if (tok) { localStorage.setItem("jingyan-token", tok); }
    var resp;
    try {
      resp = await fetch("/v1/ask", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", "Accept": "text/event-stream" }),
        body: JSON.stringify({ question: question, history: history, stream: true })
      });
    } catch (e) { fail("无法连接服务"); return; }
    if (resp.status === 401) { $("token-row").hidden = false; fail("需要访问令牌：请在上方填写后再提问"); return; }
    if (!resp.ok) {
      var msg = "出错了（" + resp.status + "）";
      try { var j = await resp.json(); if (j.error) { msg = j.error.message; } } catch (e) {}
      fail(msg);
      return;
    }
    var reader = resp.body.getReader();
    var decoder = new TextDecoder();
    var buf = "";
    var state = { text: "", answer: null };
    for (;;) {
      var r;
      try { r = await reader.read(); } catch (e) { r = { done: true }; }
      if (r.done) { break; }
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
    if (!state.answer && !state.failed) {
      // The stream ended without its done event: the server restarted or the network dropped.
      fail("连接中断，回答没有完成，请重新提问");
      return;
    }
    setBusy(false, $("status").textContent);
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
