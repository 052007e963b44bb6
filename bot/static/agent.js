/* Agent console: search the list, copy a suggested reply, work the tickets.
 * The admin token is asked once and kept in sessionStorage (this tab only).
 * Every server text is inserted with textContent. */
(function () {
  "use strict";
  var TOKEN_KEY = "jize-admin-token";
  var FIELD_LABELS = {
    complaint_employer: "被投诉单位", employer: "被投诉单位",
    complaint_details: "问题情况", details: "问题情况",
    complaint_since_amount: "时间/金额", since_amount: "时间/金额",
    complaint_contact: "联系方式", contact: "联系方式",
    question: "群众问题", last_question: "群众问题", reason: "原因", summary: "摘要", name: "姓名", phone: "电话"
  };
  var KIND_LABELS = { complaint: "投诉", handoff: "转人工" };
  var ticketStatus = "open";
  var refreshTimer = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function token() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; }
  }
  function setToken(v) {
    try { if (v) sessionStorage.setItem(TOKEN_KEY, v); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* */ }
  }

  function api(path, opts) {
    opts = opts || {};
    var headers = { "X-Admin-Token": token() };
    if (opts.body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: opts.method || "GET", headers: headers, body: opts.body, credentials: "same-origin" })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.status === 401 || (r.status === 503 && path.indexOf("/api/admin/") === 0 &&
              String(data.detail || "").indexOf("JIZE_ADMIN_TOKEN") >= 0)) {
            showLogin(String(data.detail || "口令不正确").split(" / ")[0]);
            throw new Error("auth");
          }
          if (!r.ok) throw new Error(String(data.detail || ("HTTP " + r.status)).split(" / ")[0]);
          return data;
        });
      });
  }

  // text with the office name and phone numbers marked, built from text nodes
  function highlight(parent, text, office, phone) {
    var terms = [];
    if (office) terms.push({ s: office, cls: "office" });
    if (phone) terms.push({ s: phone, cls: "phone" });
    text = String(text || "");
    var pos = 0;
    while (pos < text.length) {
      var best = null;
      terms.forEach(function (t) {
        var i = text.indexOf(t.s, pos);
        if (i >= 0 && (best === null || i < best.i)) best = { i: i, t: t };
      });
      if (!best) { parent.appendChild(document.createTextNode(text.slice(pos))); break; }
      if (best.i > pos) parent.appendChild(document.createTextNode(text.slice(pos, best.i)));
      parent.appendChild(el("mark", best.t.cls, best.t.s));
      pos = best.i + best.t.s.length;
    }
    return parent;
  }

  // ------------------------------------------------------------------ login
  function showLogin(msg) {
    setToken("");
    $("console").hidden = true;
    $("logout").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = msg || "";
    if (refreshTimer) { clearInterval(refreshTimer); refreshTimer = null; }
    $("token").focus();
  }

  function showConsole() {
    $("login").hidden = true;
    $("console").hidden = false;
    $("logout").hidden = false;
    loadTickets();
    loadUnanswered();
    if (!refreshTimer) refreshTimer = setInterval(loadTickets, 30000);
    $("q").focus();
  }

  $("login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    setToken($("token").value.trim());
    $("token").value = "";
    api("/api/admin/tickets?status=open&limit=1").then(showConsole).catch(function (e) {
      if (e.message !== "auth") $("login-error").textContent = e.message;
    });
  });
  $("logout").addEventListener("click", function () { showLogin(""); });

  // ------------------------------------------------------------------ search
  $("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = $("q").value.trim();
    if (!q) return;
    var hits = $("hits");
    clear(hits);
    $("hits-panel").hidden = false;
    hits.appendChild(el("p", "muted", "正在查询…"));
    fetch("/api/search?k=5&q=" + encodeURIComponent(q)).then(function (r) {
      return r.json().then(function (d) { if (!r.ok) throw new Error(String(d.detail).split(" / ")[0]); return d; });
    }).then(function (data) {
      clear(hits);
      if (!data.results.length) hits.appendChild(el("p", "muted", "没有找到相关条目。"));
      data.results.forEach(function (h) {
        var card = el("div", "hit");
        var meta = el("div", "hit-meta");
        meta.appendChild(el("span", "badge office", "科室：" + (h.office || "—")));
        meta.appendChild(el("span", "badge phone", "电话：" + (h.phone || "—")));
        meta.appendChild(el("span", "badge", "相关度 " + Math.round((h.score || 0) * 100) + "%"));
        card.appendChild(meta);
        card.appendChild(el("div", "hit-cite", h.citation));
        card.appendChild(highlight(el("div", "hit-text"), h.text, h.office, h.phone));
        hits.appendChild(card);
      });
    }).catch(function (e) { clear(hits); hits.appendChild(el("p", "error", e.message)); });

    $("copy-state").textContent = "";
    api("/api/admin/suggest?q=" + encodeURIComponent(q)).then(function (s) {
      $("suggest-panel").hidden = false;
      $("suggest-text").value = s.text || "";
      var src = $("suggest-sources");
      clear(src);
      (s.sources || []).forEach(function (x) { src.appendChild(el("div", null, "依据：" + x.citation)); });
    }).catch(function (e) {
      if (e.message === "auth") return;
      $("suggest-panel").hidden = false;
      $("suggest-text").value = "";
      $("copy-state").textContent = e.message;
    });
  });

  $("copy").addEventListener("click", function () {
    var ta = $("suggest-text");
    var text = ta.value;
    function ok() { $("copy-state").textContent = "已复制"; }
    function fallback() {
      ta.select();
      try { document.execCommand("copy"); ok(); } catch (e) { $("copy-state").textContent = "请手动复制"; }
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(ok, fallback);
    else fallback();
  });

  // ------------------------------------------------------------------ tickets
  Array.prototype.forEach.call(document.querySelectorAll(".tabs [data-status]"), function (b) {
    b.addEventListener("click", function () {
      ticketStatus = b.getAttribute("data-status");
      Array.prototype.forEach.call(document.querySelectorAll(".tabs [data-status]"), function (o) {
        o.setAttribute("aria-selected", String(o === b));
      });
      loadTickets();
    });
  });
  $("refresh").addEventListener("click", function () { loadTickets(); loadUnanswered(); });

  function renderTicket(t) {
    var card = el("div", "ticket " + t.kind);
    card.setAttribute("data-ref", t.ref);
    var head = el("div", "ticket-head");
    head.appendChild(el("span", "ticket-ref", t.ref));
    head.appendChild(el("span", "badge", KIND_LABELS[t.kind] || t.kind));
    head.appendChild(el("span", "muted", (t.created_at || "").replace("T", " ").slice(0, 16)));
    card.appendChild(head);
    var dl = el("dl");
    function add(k, v) {
      if (v === null || v === undefined || v === "") return;
      dl.appendChild(el("dt", null, k));
      dl.appendChild(el("dd", null, typeof v === "object" ? JSON.stringify(v) : v));
    }
    Object.keys(t.fields || {}).forEach(function (k) { add(FIELD_LABELS[k] || k, t.fields[k]); });
    add("承办科室", t.office);
    add("科室电话", t.phone);
    add("会话编号", t.sender_id);
    if (t.done_at) add("办结时间", t.done_at.replace("T", " ").slice(0, 16));
    card.appendChild(dl);
    if (t.status === "open") {
      var actions = el("div", "row-actions");
      var done = el("button", "btn ok", "标记已办结");
      done.type = "button";
      done.addEventListener("click", function () {
        done.disabled = true;
        api("/api/admin/tickets/" + encodeURIComponent(t.ref) + "/done", { method: "POST" })
          .then(loadTickets)
          .catch(function (e) { done.disabled = false; actions.appendChild(el("span", "error", e.message)); });
      });
      actions.appendChild(done);
      card.appendChild(actions);
    }
    return card;
  }

  function loadTickets() {
    var box = $("tickets");
    api("/api/admin/tickets?status=" + ticketStatus).then(function (data) {
      clear(box);
      $("ticket-count").textContent = "（" + data.tickets.length + "）";
      if (!data.tickets.length) box.appendChild(el("p", "muted", ticketStatus === "open" ? "暂无待处理工单。" : "暂无已办结工单。"));
      data.tickets.forEach(function (t) { box.appendChild(renderTicket(t)); });
    }).catch(function (e) {
      if (e.message === "auth") return;
      clear(box);
      box.appendChild(el("p", "error", e.message));
    });
  }

  function loadUnanswered() {
    var list = $("unanswered");
    api("/api/admin/unanswered?limit=20").then(function (data) {
      clear(list);
      if (!data.items.length) list.appendChild(el("li", "muted", "暂无。"));
      data.items.forEach(function (it) {
        var li = el("li", null, it.question);
        li.appendChild(el("span", "muted", "  ×" + it.count));
        list.appendChild(li);
      });
    }).catch(function () { /* shown by tickets */ });
  }

  // the console's other views (agent-review.js) use the same helpers
  window.JizeAgent = { api: api, el: el, clear: clear, $: $ };

  if (token()) showConsole(); else showLogin("");
})();
