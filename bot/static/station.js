/* Service station (kiosk): big buttons for common questions, a printable answer slip.
 * Idle for two minutes → the screen is cleared and a new conversation starts (privacy). */
(function () {
  "use strict";
  // The common questions come from the list's data (GET /api/suggestions), not from here.
  var IDLE_MS = 120000;
  var sender = null;
  var idleTimer = null;
  var busy = false;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function newSender() {
    var a = new Uint8Array(10);
    window.crypto.getRandomValues(a);
    return "station-" + Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function phoneText(parent, text) {
    String(text).split(/((?:1[3-9]\d{9}|(?:0\d{2,3}-)?\d{7,8})(?!\d))/).forEach(function (p, i) {
      if (!p) return;
      parent.appendChild(i % 2 ? el("span", "phone", p) : document.createTextNode(p));
    });
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 " +
      ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function touch() {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(restart, IDLE_MS);
  }

  function restart() {
    sender = null;
    $("question").value = "";
    $("answer").hidden = true;
    $("status").textContent = "";
    $("common").hidden = false;
    $("common-title").hidden = false;
    ["slip-q", "slip-a", "slip-office", "slip-phone", "slip-cite", "slip-date"].forEach(function (id) { $(id).textContent = ""; });
    window.scrollTo(0, 0);
  }

  function getJSON(url, opts) {
    return fetch(url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) {
        if (!r.ok) throw new Error(String(d.detail || ("HTTP " + r.status)).split(" / ")[0]);
        return d;
      });
    });
  }

  function ask(message, shown) {
    if (busy) return;
    message = String(message || "").trim();
    if (!message) return;
    touch();
    busy = true;
    if (!sender) sender = newSender();
    $("status").textContent = "正在查询，请稍候…";
    var chat = getJSON("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender_id: sender, message: message })
    });
    var search = getJSON("/api/search?k=3&q=" + encodeURIComponent(shown || message)).catch(function () { return { results: [] }; });
    Promise.all([chat, search]).then(function (res) {
      show(shown || message, res[0], res[1].results || []);
      $("status").textContent = "";
    }).catch(function (e) {
      $("status").textContent = e.message;
    }).then(function () { busy = false; });
  }

  function show(question, data, hits) {
    var replies = data.replies || [];
    var text = replies.map(function (r) { return r.text; }).filter(Boolean).join("\n");
    $("answer-q").textContent = "问：" + question;
    var box = $("answer-text");
    clear(box);
    phoneText(box, text);

    var btns = $("answer-buttons");
    clear(btns);
    replies.forEach(function (r) {
      (r.buttons || []).forEach(function (b) {
        var x = el("button", null, b.title);
        x.type = "button";
        x.addEventListener("click", function () { ask(b.payload || b.title, b.title); });
        btns.appendChild(x);
      });
    });

    var src = $("answer-sources");
    clear(src);
    var sources = data.sources || [];
    sources.forEach(function (s) { src.appendChild(el("div", null, "依据：" + s.citation)); });

    // Office and phone for the slip: the passage the answer cites, else the best search hit.
    var ids = sources.map(function (s) { return s.id; });
    var hit = null;
    for (var i = 0; i < hits.length; i++) if (ids.indexOf(hits[i].id) >= 0 && hits[i].office) { hit = hits[i]; break; }
    if (!hit && sources.length) hit = hits.filter(function (h) { return h.office; })[0] || null;
    $("slip-q").textContent = question;
    $("slip-a").textContent = text;
    $("slip-office").textContent = hit && hit.office ? hit.office : "—";
    $("slip-phone").textContent = hit && hit.phone ? hit.phone : "—";
    $("slip-cite").textContent = sources.map(function (s) { return s.citation; }).join("；") || "—";
    $("slip-date").textContent = today();

    $("common").hidden = true;
    $("common-title").hidden = true;
    $("answer").hidden = false;
    $("answer").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function showCommon(questions) {
    questions.forEach(function (q) {
      if (typeof q !== "string" || !q) return;
      var b = el("button", null, q);
      b.type = "button";
      b.addEventListener("click", function () { sender = null; ask(q); });
      $("common").appendChild(b);
    });
  }
  getJSON("/api/suggestions").then(function (groups) {
    showCommon(Array.isArray(groups.station) ? groups.station : []);
  }).catch(function () {
    $("common-title").hidden = true;  // no buttons; the question box still works
  });
  $("ask").addEventListener("submit", function (ev) {
    ev.preventDefault();
    ask($("question").value);
  });
  $("print").addEventListener("click", function () { touch(); window.print(); });
  $("back").addEventListener("click", function () { touch(); restart(); });
  $("restart").addEventListener("click", restart);
  document.addEventListener("pointerdown", touch);
  document.addEventListener("keydown", touch);
})();
