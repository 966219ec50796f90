/* faqbot resident widget — one tag adds a chat about public services to any page:
 *   <script src="https://HOST/widget.js" data-title="民生问答" data-color="#c8102e" data-position="right" defer></script>
 * Optional: data-examples="问题一|问题二|问题三", data-api="https://other-host" (default: this script's origin).
 * Plain JS + CSS in a shadow root: the host page's CSS cannot reach in, ours cannot leak out.
 * No secret lives here; the API answers anonymous residents and CORS decides which sites may call it.
 */
(function () {
  "use strict";
  if (window.__faqbotWidget) return;
  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var data = (script && script.dataset) || {};
  var API = (data.api || (script && script.src ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, "");
  var TITLE = data.title || "民生问答";
  var COLOR = data.color && window.CSS && CSS.supports("color", data.color) ? data.color : "#c8102e";
  var LEFT = data.position === "left";
  var MAX = 500;
  var EXAMPLES = data.examples ? data.examples.split("|").filter(Boolean).slice(0, 4) : [
    "个人账户的钱能给家人用吗",
    "职工医保门诊共济从哪天开始",
    "梨树供电所能在网上办电吗",
    "家庭共济怎么办理"
  ];
  var KEY = "faqbot:" + API;
  var uid = 0;

  var CSS_TEXT = [
    ":host{all:initial}",
    "*,*::before,*::after{box-sizing:border-box}",
    ".fb{font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Micro Hei',system-ui,sans-serif;font-size:15px;line-height:1.6;color:#1f2328;-webkit-text-size-adjust:100%;text-align:left}",
    "button,textarea{font:inherit;color:inherit;margin:0}",
    "button{cursor:pointer;border:0;background:none;padding:0}",
    ":focus-visible{outline:3px solid #1a73e8;outline-offset:2px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".launcher{position:fixed;bottom:20px;" + (LEFT ? "left" : "right") + ":20px;display:flex;align-items:center;gap:8px;min-height:52px;padding:0 20px;border-radius:26px;background:var(--c);color:#fff;font-size:16px;font-weight:600;box-shadow:0 4px 16px rgba(0,0,0,.25)}",
    ".launcher svg{width:22px;height:22px;fill:currentColor}",
    ".panel{position:fixed;bottom:20px;" + (LEFT ? "left" : "right") + ":20px;width:min(400px,calc(100vw - 32px));height:min(640px,calc(100vh - 40px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 8px 32px rgba(0,0,0,.28);overflow:hidden}",
    ".panel[hidden],.launcher[hidden],[hidden]{display:none!important}",
    ".head{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--c);color:#fff}",
    ".head h2{flex:1;margin:0;font-size:17px;font-weight:600}",
    ".head button{padding:4px 10px;border-radius:6px;color:#fff;font-size:14px;border:1px solid rgba(255,255,255,.6)}",
    ".head button.x{font-size:20px;line-height:1;padding:4px 9px}",
    ".log{flex:1;overflow-y:auto;padding:14px;background:#f6f7f9;display:flex;flex-direction:column;gap:10px}",
    ".msg{max-width:92%;padding:10px 12px;border-radius:12px;white-space:pre-wrap;word-break:break-word}",
    ".user{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}",
    ".bot{align-self:flex-start;background:#fff;border:1px solid #e3e5e8;border-bottom-left-radius:4px}",
    ".bot.err{border-color:#d93025;background:#fdecea}",
    ".ex{display:flex;flex-direction:column;gap:6px;margin-top:8px}",
    ".ex button{text-align:left;padding:7px 10px;border:1px solid var(--c);border-radius:8px;color:var(--c);background:#fff}",
    ".cite{display:inline;padding:0 2px;margin:0 1px;color:var(--c);font-weight:700;text-decoration:underline}",
    ".quote{margin:8px 0 0;padding:8px 10px;border-left:3px solid var(--c);background:#f6f7f9;border-radius:4px;font-size:14px;white-space:normal}",
    ".quote .src{display:block;margin-top:4px;color:#57606a;font-size:13px}",
    ".handoff{margin-top:8px;padding:8px 10px;border-radius:8px;background:#fff4e5;border:1px solid #f5a623;font-weight:600;white-space:normal}",
    ".tools{display:flex;align-items:center;gap:6px;margin-top:6px;font-size:13px;color:#57606a;white-space:normal}",
    ".tools button{display:inline-flex;align-items:center;gap:4px;padding:2px 10px;border:1px solid #d0d7de;border-radius:12px;background:#fff}",
    ".tools svg{width:14px;height:14px;fill:currentColor}",
    ".tools button[aria-pressed=true]{background:var(--c);color:#fff;border-color:var(--c)}",
    ".tools button.retry{border-color:#d93025;color:#d93025}",
    ".typing::after{content:'▍';animation:b 1s steps(1) infinite}@keyframes b{50%{opacity:0}}",
    "form{border-top:1px solid #e3e5e8;padding:10px 12px;background:#fff}",
    ".row{display:flex;gap:8px;align-items:flex-end}",
    "textarea{flex:1;display:block;min-height:44px;max-height:140px;resize:none;padding:9px 10px;border:1px solid #b8bfc6;border-radius:8px;background:#fff;line-height:1.5}",
    ".send{min-height:44px;padding:0 16px;border-radius:8px;background:var(--c);color:#fff;font-weight:600}",
    ".send:disabled{opacity:.5;cursor:default}",
    ".meta{display:flex;justify-content:space-between;margin-top:4px;font-size:12px;color:#57606a}",
    ".meta .over{color:#d93025;font-weight:700}",
    "@media (max-width:480px){.panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0}.launcher{bottom:12px;" + (LEFT ? "left" : "right") + ":12px}}",
    "@media (prefers-reduced-motion:reduce){.typing::after{animation:none}}"
  ].join("\n");

  // ---- state kept for the page session (sessionStorage; nothing leaves the browser but questions and ratings)
  var state = load();
  function load() {
    try { var s = JSON.parse(sessionStorage.getItem(KEY) || "null"); if (s && Array.isArray(s.messages)) return s; } catch (e) { /* private mode */ }
    return { session_id: null, messages: [] };
  }
  function save() { try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* full or disabled */ } }

  // ---- DOM helpers: server text only ever goes through textContent
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") n.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") n.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) n.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }
  var THUMB = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z"/></svg>';
  var ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"/></svg>';

  // ---- build the shadow tree; the host is a zero-size fixed box, so the page never reflows
  var host = document.createElement("div");
  host.id = "faqbot-widget";
  var hs = "all:initial;position:fixed;top:0;left:0;width:0;height:0;margin:0;padding:0;border:0;overflow:visible;z-index:2147483000;display:block;visibility:visible;opacity:1;transform:none;contain:none;pointer-events:auto";
  hs.split(";").forEach(function (d) { var i = d.indexOf(":"); host.style.setProperty(d.slice(0, i), d.slice(i + 1), "important"); });
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = CSS_TEXT;
  root.appendChild(style);

  var ids = { panel: "fb-panel", title: "fb-title", input: "fb-input", count: "fb-count" };
  var launcher = el("button", { "class": "launcher", type: "button", "aria-haspopup": "dialog", "aria-expanded": "false", "aria-controls": ids.panel, "aria-label": "打开" + TITLE + "（在线咨询）" });
  launcher.innerHTML = ICON;
  launcher.appendChild(el("span", { text: TITLE }));

  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "对话记录", tabindex: "0" });
  var input = el("textarea", { id: ids.input, rows: "2", maxlength: String(MAX), placeholder: "请输入您的问题", "aria-describedby": ids.count });
  var count = el("span", { id: ids.count, text: "0/" + MAX });
  var sendBtn = el("button", { "class": "send", type: "submit", text: "发送" });
  var status = el("div", { "class": "sr", role: "status", "aria-live": "polite" });
  var form = el("form", { "aria-label": "提问", onsubmit: function (e) { e.preventDefault(); ask(input.value); } }, [
    el("label", { "for": ids.input, "class": "sr", text: "您的问题（最多" + MAX + "字，回车发送，Shift+回车换行）" }),
    el("div", { "class": "row" }, [input, sendBtn]),
    el("div", { "class": "meta" }, [el("span", { text: "回车发送 · Shift+回车换行" }), count])
  ]);
  var panel = el("div", { "class": "panel", id: ids.panel, role: "dialog", "aria-modal": "false", "aria-labelledby": ids.title, hidden: true }, [
    el("div", { "class": "head" }, [
      el("h2", { id: ids.title, text: TITLE }),
      el("button", { type: "button", "class": "restart", text: "重新开始", "aria-label": "重新开始对话", onclick: restart }),
      el("button", { type: "button", "class": "x", text: "×", "aria-label": "关闭", onclick: close })
    ]),
    log, form, status
  ]);
  var wrap = el("div", { "class": "fb", style: "--c:" + COLOR }, [launcher, panel]);
  root.appendChild(wrap);

  launcher.addEventListener("click", open);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); close(); } });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); ask(input.value); }
  });
  input.addEventListener("input", updateCount);

  function updateCount() {
    var n = input.value.length;
    count.textContent = n + "/" + MAX;
    count.className = n >= MAX ? "over" : "";
  }
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true; // the panel sits where the button was
    log.scrollTop = log.scrollHeight;
    input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  function restart() {
    if (busy) return;
    state = { session_id: null, messages: [] };
    save();
    render();
    input.focus();
  }

  // ---- rendering
  function welcome() {
    var box = el("div", { "class": "msg bot welcome" }, [
      el("div", { text: "您好！我可以回答医保、供电、燃气、邮政快递等民生问题，每个回答都注明出处。可以点下面的例子试试：" })
    ]);
    var ex = el("div", { "class": "ex", role: "group", "aria-label": "示例问题" });
    EXAMPLES.forEach(function (q) { ex.appendChild(el("button", { type: "button", text: q, onclick: function () { ask(q); } })); });
    box.appendChild(ex);
    return box;
  }
  function render() {
    log.textContent = "";
    log.appendChild(welcome());
    state.messages.forEach(function (m) { log.appendChild(m.role === "user" ? userBubble(m.text) : botBubble(m)); });
    log.scrollTop = log.scrollHeight;
  }
  function userBubble(text) { return el("div", { "class": "msg user", text: text }); }

  // Turns "…[1]…" into text plus buttons that open the quoted source sentence.
  function botBubble(m) {
    var box = el("div", { "class": "msg bot" + (m.error ? " err" : "") });
    if (m.error) return errorBubble(box, m);
    var body = el("div", { "class": "text" });
    var quotes = el("div", { "class": "quotes" });
    var byN = {};
    (m.citations || []).forEach(function (c) { byN[c.n] = c; });
    var text = String(m.text || "");
    // a declined answer ends with the hotline line; show it once, in its own box
    if (m.answered === false && m.handoff && text.slice(-m.handoff.length) === m.handoff) text = text.slice(0, -m.handoff.length);
    text.split(/(\[\d+\])/).forEach(function (part) {
      var mm = /^\[(\d+)\]$/.exec(part);
      var c = mm && byN[mm[1]];
      if (!c) { if (part) body.appendChild(document.createTextNode(part)); return; }
      var qid = "fb-q" + (++uid);
      var q = el("blockquote", { "class": "quote", id: qid, hidden: true }, [
        el("span", { text: "“" + c.quote + "”" }),
        el("span", { "class": "src", text: "来源：" + c.title + (c.date ? " · " + c.date : "") })
      ]);
      quotes.appendChild(q);
      body.appendChild(el("button", {
        type: "button", "class": "cite", text: "[" + c.n + "]", "aria-expanded": "false", "aria-controls": qid,
        "aria-label": "来源" + c.n + "：" + c.title,
        onclick: function () {
          var show = q.hidden; q.hidden = !show; this.setAttribute("aria-expanded", String(show));
          if (show && q.scrollIntoView) q.scrollIntoView({ block: "nearest" });
        }
      }));
    });
    box.appendChild(body);
    box.appendChild(quotes);
    if (m.answered === false) {
      box.appendChild(el("div", { "class": "handoff", role: "note" }, ["转人工/热线：" + (m.handoff || "请拨打12345政务服务便民热线")]));
    }
    if (m.message_id) box.appendChild(feedbackTools(m));
    return box;
  }
  function feedbackTools(m) {
    var tools = el("div", { "class": "tools", role: "group", "aria-label": "这个回答有帮助吗" }, [el("span", { text: "有帮助吗？" })]);
    var note = el("span", { "class": "thanks", "aria-live": "polite" });
    [["up", "有帮助", ""], ["down", "没帮助", ' transform="rotate(180 12 12)"']].forEach(function (r) {
      var b = el("button", {
        type: "button", "class": "rate-" + r[0], "aria-label": r[1], "aria-pressed": String(m.rating === r[0]),
        onclick: function () { rate(m, r[0], tools, note); }
      });
      b.innerHTML = THUMB.replace("<path", "<path" + r[2]);
      b.appendChild(document.createTextNode(r[1]));
      tools.appendChild(b);
    });
    if (m.rating) note.textContent = "谢谢反馈";
    tools.appendChild(note);
    return tools;
  }
  function rate(m, rating, tools, note) {
    fetch(API + "/api/v1/feedback", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message_id: m.message_id, rating: rating })
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      m.rating = rating;
      save();
      tools.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b.className === "rate-" + rating)); });
      note.textContent = rating === "down" ? "谢谢，我们会改进" : "谢谢反馈";
    }).catch(function () { note.textContent = "反馈没有发送成功，请稍后再试"; });
  }
  function errorBubble(box, m) {
    box.appendChild(el("div", { text: m.text }));
    if (m.retry) {
      box.appendChild(el("div", { "class": "tools" }, [el("button", {
        type: "button", "class": "retry", text: "重试",
        onclick: function () {
          state.messages.splice(state.messages.indexOf(m), 1);
          var q = m.retry;
          // the unanswered question is still the last user message; ask it again in place
          var last = state.messages[state.messages.length - 1];
          if (last && last.role === "user" && last.text === q) state.messages.pop();
          save(); render(); ask(q);
        }
      })]));
    }
    return box;
  }

  // ---- asking: POST /api/v1/ask/stream, read Server-Sent Events from the fetch body
  var busy = false;
  function setBusy(b) { busy = b; sendBtn.disabled = b; input.setAttribute("aria-busy", String(b)); }

  function ask(raw) {
    var q = String(raw || "").trim();
    if (!q || busy) return;
    if (q.length > MAX) { status.textContent = "问题太长了，请控制在" + MAX + "字以内"; return; }
    if (panel.hidden) open();
    input.value = ""; updateCount();
    state.messages.push({ role: "user", text: q }); save();
    log.appendChild(userBubble(q));
    var live = el("div", { "class": "msg bot typing", "aria-busy": "true" });
    log.appendChild(live);
    log.scrollTop = log.scrollHeight;
    setBusy(true);
    stream(q, live, 0);
  }

  function stream(q, live, attempt) {
    var text = "", done = null, buf = "";
    fetch(API + "/api/v1/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ question: q, session_id: state.session_id, channel: "web" })
    }).then(function (resp) {
      if (!resp.ok) {
        return resp.json().catch(function () { return {}; }).then(function (b) {
          var e = new Error("http"); e.status = resp.status; e.body = b; throw e;
        });
      }
      var reader = resp.body.getReader(), dec = new TextDecoder();
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) { buf += "\n\n"; } else { buf += dec.decode(r.value, { stream: true }); }
          var parts = buf.split(/\r?\n\r?\n/);
          buf = parts.pop();
          parts.forEach(function (block) {
            var ev = parseEvent(block);
            if (!ev) return;
            if (ev.event === "delta") {
              text += ev.data.delta != null ? ev.data.delta : (ev.data.text || "");
              live.textContent = text;
              log.scrollTop = log.scrollHeight;
            } else if (ev.event === "done") {
              done = ev.data;
            } else if (ev.event === "error") {
              var e = new Error("stream"); e.status = ev.data.status || 500; e.body = ev.data; throw e;
            }
          });
          if (r.done) return;
          return pump();
        });
      }
      return pump();
    }).then(function () {
      if (!done) { var e = new Error("incomplete"); e.network = true; throw e; }
      finish(live, done, text);
    }).catch(function (err) {
      var network = !err.status || err.network;
      if (network && attempt === 0 && !text) {
        setTimeout(function () { stream(q, live, 1); }, 800);
        return;
      }
      fail(live, q, err);
    });
  }

  function parseEvent(block) {
    var name = "message", lines = [];
    block.split(/\r?\n/).forEach(function (line) {
      if (line.indexOf("event:") === 0) name = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) lines.push(line.slice(5).replace(/^ /, ""));
    });
    if (!lines.length) return null;
    var payload;
    try { payload = JSON.parse(lines.join("\n")); } catch (e) { payload = { delta: lines.join("\n") }; }
    if (name === "message" && payload && payload.message_id) name = "done";
    return { event: name, data: payload || {} };
  }

  function finish(live, d, streamed) {
    if (d.session_id) state.session_id = d.session_id;
    var m = {
      role: "bot", text: d.answer != null ? d.answer : streamed, answered: d.answered !== false,
      citations: d.citations || [], handoff: d.handoff || "", message_id: d.message_id || null, rating: null
    };
    state.messages.push(m); save();
    var box = botBubble(m);
    log.replaceChild(box, live);
    log.scrollTop = log.scrollHeight;
    status.textContent = m.answered ? "已回答" : "这个问题需要人工帮助";
    setBusy(false);
  }

  function fail(live, q, err) {
    var msg, retry = q, b = err.body || {}, zh = (b.error && b.error.message_zh) || b.message_zh;
    if (err.status === 400 || err.status === 413 || err.status === 422) {
      msg = zh || "这个问题没法处理，请换个说法。";
      retry = null;
    } else if (err.status === 429) {
      msg = zh || "提问太频繁了，请稍等一分钟再试。";
    } else if (err.status) {
      msg = zh || "服务暂时出了问题，请稍后重试。";
    } else {
      msg = "网络连接中断，没能拿到回答。";
    }
    var m = { role: "bot", error: true, text: msg, retry: retry };
    state.messages.push(m); save();
    log.replaceChild(botBubble(m), live);
    log.scrollTop = log.scrollHeight;
    status.textContent = msg;
    setBusy(false);
  }

  function mount() {
    document.body.appendChild(host);
    render();
    window.__faqbotWidget = { open: open, close: close, ask: ask, restart: restart };
  }
  window.__faqbotWidget = true;
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
