/*
 * Policy Q&A chat widget — embeddable, no dependencies, works offline.
 *
 *   <script src="https://HOST/static/widget.js" data-api="https://HOST"></script>
 *
 * Optional attributes:
 *   data-api          base URL of the assistant API (default: where this script came from)
 *   data-target       CSS selector of an element to render into (default: floating button)
 *   data-title        header title (default: the bureau's short name from GET /api/identity)
 *   data-open         "true" to open the floating panel at once
 *   data-suggestions  questions offered on the welcome card, separated by "|"
 *                     (default: GET /api/suggestions, the list's common questions)
 *
 * The bureau's names come from the API (the responsibility list names itself); the widget
 * types none of its own and keeps neutral words if the API cannot be reached.
 *
 * Every text from the user or the server is inserted with textContent, never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript ||
    (function () {
      var all = document.querySelectorAll('script[src*="widget.js"]');
      return all[all.length - 1];
    })();
  if (!script || script.getAttribute("data-jz-loaded")) return;
  script.setAttribute("data-jz-loaded", "1");

  var scriptUrl = new URL(script.src, document.baseURI);
  var API = (script.getAttribute("data-api") || scriptUrl.origin).replace(/\/+$/, "");
  var STATIC = new URL(".", scriptUrl).href;
  var TITLE = script.getAttribute("data-title") || "政策问答";
  var SUBTITLE = "依据责任清单作答";
  var BOT_NAME = "人社局";
  var SUGGESTIONS = script.getAttribute("data-suggestions") ? script.getAttribute("data-suggestions").split("|") : [];
  var MAX_CHARS = 500;
  var STORE_KEY = "jize-chat-sender";
  var LOAD_TIMEOUT_MS = 4000;
  // A mobile number, or a landline with an optional area code ("0310-7523309").
  var PHONE_RE = /((?:1[3-9]\d{9}|(?:0\d{2,3}-)?\d{7,8})(?!\d))/;

  // ------------------------------------------------------------------ helpers
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function getSender() {
    var s = storage();
    var v = s && s.getItem(STORE_KEY);
    return v && /^[A-Za-z0-9_-]{8,64}$/.test(v) ? v : null;
  }

  function setSender(v) {
    var s = storage();
    if (!s) return;
    try { if (v) s.setItem(STORE_KEY, v); else s.removeItem(STORE_KEY); } catch (e) { /* full */ }
  }

  function newSender() {
    var a = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return "web-" + Array.prototype.map.call(a, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function hhmm(d) {
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  // Text with the phone numbers highlighted — built from text nodes, never HTML.
  function richText(parent, text) {
    var parts = String(text).split(PHONE_RE);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      if (i % 2 === 1) parent.appendChild(el("span", "jz-phone", parts[i]));
      else parent.appendChild(document.createTextNode(parts[i]));
    }
    return parent;
  }

  function postJSON(path, body) {
    return fetch(API + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit"
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var err = new Error(typeof data.detail === "string" ? data.detail : "HTTP " + r.status);
          err.status = r.status;
          throw err;
        }
        return data;
      });
    });
  }

  function getJSON(path) {
    return fetch(API + path, { credentials: "omit" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).catch(function () { return null; });
  }

  // Who the widget speaks for and what it offers to ask; whatever does not arrive in time
  // leaves the neutral words.
  function loadNames() {
    var wanted = Promise.all([
      getJSON("/api/identity"),
      script.getAttribute("data-suggestions") ? Promise.resolve(null) : getJSON("/api/suggestions")
    ]).then(function (res) {
      var id = res[0];
      if (id && typeof id.short_name === "string" && id.short_name) {
        BOT_NAME = id.short_name;
        if (!script.getAttribute("data-title")) TITLE = id.short_name + "政策问答";
        if (typeof id.title === "string" && id.title) SUBTITLE = "依据《" + id.title + "》作答";
      }
      var groups = res[1];
      if (groups && Array.isArray(groups.widget)) {
        SUGGESTIONS = groups.widget.filter(function (q) { return typeof q === "string" && q; });
      }
    });
    var late = new Promise(function (resolve) { setTimeout(resolve, LOAD_TIMEOUT_MS); });
    return Promise.race([wanted, late]);
  }

  function loadCss() {
    if (document.querySelector('link[data-jz-css]')) return;
    var l = document.createElement("link");
    l.rel = "stylesheet";
    l.href = STATIC + "widget.css";
    l.setAttribute("data-jz-css", "1");
    document.head.appendChild(l);
  }

  // ------------------------------------------------------------------ widget
  function Chat(root, floating) {
    this.root = root;
    this.floating = floating;
    this.sender = getSender();
    this.busy = false;
    this.build();
  }

  Chat.prototype.build = function () {
    var self = this;
    var box = el("div", "jz-chat");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", TITLE);

    var head = el("div", "jz-head");
    var titles = el("div", "jz-titles");
    titles.appendChild(el("div", "jz-title", TITLE));
    titles.appendChild(el("div", "jz-subtitle", SUBTITLE));
    head.appendChild(titles);
    var reset = el("button", "jz-head-btn jz-reset", "新对话");
    reset.type = "button";
    reset.title = "清空并开始新的对话";
    reset.addEventListener("click", function () { self.reset(); });
    head.appendChild(reset);
    if (this.floating) {
      var close = el("button", "jz-head-btn jz-close", "×");
      close.type = "button";
      close.setAttribute("aria-label", "关闭");
      close.addEventListener("click", function () { self.toggle(false); });
      head.appendChild(close);
    }
    box.appendChild(head);

    this.log = el("div", "jz-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    box.appendChild(this.log);

    var form = el("form", "jz-input");
    this.input = el("textarea", "jz-text");
    this.input.rows = 1;
    this.input.maxLength = MAX_CHARS;
    this.input.placeholder = "请输入您的问题";
    this.input.setAttribute("aria-label", "输入问题");
    this.counter = el("span", "jz-counter", "");
    this.sendBtn = el("button", "jz-send", "发送");
    this.sendBtn.type = "submit";
    form.appendChild(this.input);
    form.appendChild(this.counter);
    form.appendChild(this.sendBtn);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      self.sendInput();
    });
    this.input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        self.sendInput();
      }
    });
    this.input.addEventListener("input", function () {
      var n = self.input.value.length;
      self.counter.textContent = n > MAX_CHARS - 100 ? n + "/" + MAX_CHARS : "";
      self.input.style.height = "auto";
      self.input.style.height = Math.min(self.input.scrollHeight, 120) + "px";
    });
    box.appendChild(form);

    if (this.floating) {
      this.launcher = el("button", "jz-launcher", "💬 政策问答");
      this.launcher.type = "button";
      this.launcher.setAttribute("aria-label", "打开" + TITLE);
      this.launcher.addEventListener("click", function () { self.toggle(true); });
      this.root.appendChild(this.launcher);
      box.classList.add("jz-floating");
      box.hidden = true;
    }
    this.box = box;
    this.root.appendChild(box);
    this.welcome();
  };

  Chat.prototype.toggle = function (open) {
    this.box.hidden = !open;
    if (this.launcher) this.launcher.hidden = open;
    if (open) this.input.focus();
  };

  Chat.prototype.scroll = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Chat.prototype.notice = function (text, cls) {
    var n = el("div", "jz-notice" + (cls ? " " + cls : ""), text);
    this.log.appendChild(n);
    this.scroll();
    return n;
  };

  Chat.prototype.row = function (who) {
    var row = el("div", "jz-row jz-" + who);
    var avatar = el("div", "jz-avatar", who === "bot" ? "人社" : "我");
    avatar.setAttribute("aria-hidden", "true");
    var col = el("div", "jz-col");
    row.appendChild(avatar);
    row.appendChild(col);
    this.log.appendChild(row);
    return col;
  };

  Chat.prototype.welcome = function () {
    var self = this;
    this.notice(hhmm(new Date()), "jz-time");
    var col = this.row("bot");
    var b = el("div", "jz-bubble");
    b.textContent = "您好！我是" + BOT_NAME + "的政策问答助手，可以告诉您各项业务由哪个科室负责、" +
      "联系电话、劳动维权和投诉举报途径等。请直接输入问题，或点下面的常见问题：";
    col.appendChild(b);
    this.buttons(col, SUGGESTIONS.map(function (q) { return { title: q, payload: q }; }));
    this.scroll();
  };

  Chat.prototype.buttons = function (col, buttons) {
    var self = this;
    if (!buttons || !buttons.length) return;
    var wrap = el("div", "jz-buttons");
    buttons.forEach(function (btn) {
      var b = el("button", "jz-quick", btn.title);
      b.type = "button";
      b.addEventListener("click", function () { self.send(btn.payload || btn.title, btn.title); });
      wrap.appendChild(b);
    });
    col.appendChild(wrap);
  };

  Chat.prototype.typing = function () {
    var col = this.row("bot");
    col.parentNode.classList.add("jz-typing-row");
    var b = el("div", "jz-bubble jz-typing");
    b.setAttribute("aria-label", "正在输入");
    for (var i = 0; i < 3; i++) b.appendChild(el("span", "jz-dot"));
    col.appendChild(b);
    this.scroll();
    return col.parentNode;
  };

  Chat.prototype.sources = function (col, sources) {
    if (!sources || !sources.length) return;
    var d = el("details", "jz-sources");
    d.appendChild(el("summary", null, "依据（" + sources.length + " 条）"));
    var list = el("ol", "jz-source-list");
    sources.forEach(function (s) {
      var li = el("li", "jz-source");
      li.appendChild(el("div", "jz-cite", s.citation || s.id));
      if (s.excerpt) li.appendChild(el("div", "jz-excerpt", s.excerpt));
      list.appendChild(li);
    });
    d.appendChild(list);
    col.appendChild(d);
  };

  Chat.prototype.feedback = function (col, messageId) {
    var self = this;
    if (!messageId) return;
    var wrap = el("div", "jz-feedback");
    var up = el("button", "jz-fb jz-fb-up", "👍 有用");
    var down = el("button", "jz-fb jz-fb-down", "👎 没用");
    up.type = down.type = "button";
    up.title = "有帮助";
    down.title = "没帮助";
    up.setAttribute("aria-label", "有帮助");
    down.setAttribute("aria-label", "没帮助");
    wrap.appendChild(up);
    wrap.appendChild(down);

    function done(text) {
      while (wrap.firstChild) wrap.removeChild(wrap.firstChild);
      wrap.appendChild(el("span", "jz-fb-thanks", text));
    }
    function post(rating, reason) {
      var body = { sender_id: self.sender, message_id: messageId, rating: rating };
      if (reason) body.reason = reason;
      postJSON("/api/feedback", body).then(function () {
        done(rating === "up" ? "谢谢您的肯定！" : "谢谢反馈，我们会改进。");
      }).catch(function (e) { done("反馈未能提交：" + e.message); });
    }
    up.addEventListener("click", function () { post("up"); });
    down.addEventListener("click", function () {
      while (wrap.firstChild) wrap.removeChild(wrap.firstChild);
      wrap.appendChild(el("span", "jz-fb-ask", "哪里不满意？"));
      ["没有回答我的问题", "信息不准确", "看不懂", "其他"].forEach(function (r) {
        var b = el("button", "jz-fb-reason", r);
        b.type = "button";
        b.addEventListener("click", function () { post("down", r); });
        wrap.appendChild(b);
      });
    });
    col.appendChild(wrap);
  };

  Chat.prototype.showReply = function (data) {
    var self = this;
    var replies = data.replies || [];
    var lastCol = null;
    replies.forEach(function (r) {
      var col = self.row("bot");
      if (r.text) col.appendChild(richText(el("div", "jz-bubble"), r.text));
      self.buttons(col, r.buttons);
      lastCol = col;
    });
    if (!lastCol) lastCol = this.row("bot");
    this.sources(lastCol, data.sources);
    this.feedback(lastCol, data.message_id);
    this.scroll();
  };

  Chat.prototype.sendInput = function () {
    var text = this.input.value.trim();
    if (!text || this.busy) return;
    this.input.value = "";
    this.counter.textContent = "";
    this.input.style.height = "auto";
    this.send(text, text);
  };

  Chat.prototype.send = function (message, shown) {
    var self = this;
    if (this.busy) return;
    if (!this.sender) {
      this.sender = newSender();
      setSender(this.sender);
    }
    this.busy = true;
    this.sendBtn.disabled = true;
    var col = this.row("user");
    col.appendChild(el("div", "jz-bubble", shown || message));
    var typing = this.typing();
    postJSON("/api/chat", { sender_id: this.sender, message: message }).then(function (data) {
      if (data.sender_id && data.sender_id !== self.sender) {
        self.sender = data.sender_id;
        setSender(self.sender);
      }
      typing.remove();
      self.showReply(data);
    }).catch(function (e) {
      typing.remove();
      var msg = e.message || "网络连接失败";
      if (!e.status) msg = "网络连接失败，请检查网络后再试。";
      self.notice(msg.split(" / ")[0], "jz-error");
    }).then(function () {
      self.busy = false;
      self.sendBtn.disabled = false;
    });
  };

  Chat.prototype.reset = function () {
    this.sender = null;
    setSender(null);
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    this.welcome();
    this.input.focus();
  };

  // ------------------------------------------------------------------ start
  function start() {
    loadCss();
    var targetSel = script.getAttribute("data-target");
    var target = targetSel ? document.querySelector(targetSel) : null;
    var root;
    if (target) {
      root = el("div", "jz-root jz-inline");
      target.appendChild(root);
    } else {
      root = el("div", "jz-root jz-float-root");
      document.body.appendChild(root);
    }
    var chat = new Chat(root, !target);
    if (!target && script.getAttribute("data-open") === "true") chat.toggle(true);
    window.JizeChat = chat;
  }

  var names = loadNames();
  function startWhenNamed() { names.then(start, start); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startWhenNamed);
  else startWhenNamed();
})();
