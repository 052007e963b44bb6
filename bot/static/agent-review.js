/* Agent console, the bureau's side: the review queue, curated answers (write, correct, retire,
 * try a question), statistics with SVG charts (charts.js), the audit record of any reply and the
 * knowledge versions with what changed. Uses agent.js's helpers (window.JizeAgent); every
 * server text is inserted with textContent. */
(function () {
  "use strict";
  var A = window.JizeAgent, C = window.JizeCharts;
  if (!A || !C) return;
  var api = A.api, el = A.el, clear = A.clear, $ = A.$;
  var ROUTES = { curated: "审定答案", knowledge: "责任清单", not_found: "未找到", form: "投诉表单", handoff: "转人工", chitchat: "寒暄" };
  var editing = null;           // id of the curated answer being corrected, or null for a new one
  var chosen = {};              // passage id -> citation

  function fail(box) {
    return function (e) { if (e.message === "auth") return; clear(box); box.appendChild(el("p", "error", e.message)); };
  }
  function pct(x) { return x === null || x === undefined ? "—" : Math.round(x * 100) + "%"; }

  // ------------------------------------------------------------------ views
  var LOADERS = { review: loadReview, stats: loadStats, audit: loadAudit };
  Array.prototype.forEach.call(document.querySelectorAll(".agent-nav [data-view]"), function (b) {
    b.addEventListener("click", function () {
      var view = b.getAttribute("data-view");
      Array.prototype.forEach.call(document.querySelectorAll(".agent-nav [data-view]"), function (o) {
        var v = o.getAttribute("data-view");
        o.setAttribute("aria-selected", String(o === b));
        $("view-" + v).hidden = v !== view;
      });
      if (LOADERS[view]) LOADERS[view]();
    });
  });

  // ------------------------------------------------------------------ review queue + curated answers
  function loadReview() {
    var list = $("review-list");
    api("/api/admin/review?limit=30").then(function (data) {
      clear(list);
      if (!data.items.length) list.appendChild(el("li", "muted", "暂无。"));
      data.items.forEach(function (it) {
        var li = el("li", "review-item");
        li.appendChild(el("span", "badge", it.kind === "down" ? "👎" : "未回答"));
        li.appendChild(document.createTextNode(" " + it.question + " "));
        li.appendChild(el("span", "muted", "×" + it.count + " "));
        var b = el("button", "btn secondary", "写审定答案");
        b.type = "button";
        b.addEventListener("click", function () { startNew(it.question); });
        li.appendChild(b);
        list.appendChild(li);
      });
    }).catch(fail(list));
    loadCurated();
  }

  function renderChosen() {
    var box = $("ca-sources");
    clear(box);
    var ids = Object.keys(chosen);
    if (!ids.length) box.appendChild(document.createTextNode("（至少选一条）"));
    ids.forEach(function (id) { box.appendChild(el("span", "badge ca-chosen", chosen[id] + "〔" + id + "〕")); });
    Array.prototype.forEach.call(document.querySelectorAll("#ca-hits input[type=checkbox]"), function (c) {
      c.checked = Object.prototype.hasOwnProperty.call(chosen, c.value);
    });
  }

  function startNew(question) {
    editing = null;
    chosen = {};
    $("ca-editing").textContent = "（新建）";
    $("ca-question").value = question || "";
    $("ca-phrasings").value = "";
    $("ca-answer").value = "";
    $("ca-search").value = question || "";
    $("ca-status").textContent = "";
    renderChosen();
    if (question) searchPassages();
    $("ca-answer").focus();
  }

  function edit(a) {
    editing = a.id;
    chosen = {};
    a.sources.forEach(function (id) { chosen[id] = id; });
    $("ca-editing").textContent = "（修改 #" + a.id + "，当前第 " + a.version + " 版）";
    $("ca-question").value = a.question;
    $("ca-phrasings").value = (a.phrasings || []).join("\n");
    $("ca-answer").value = a.answer;
    $("ca-search").value = a.question;
    $("ca-status").textContent = "";
    renderChosen();
    searchPassages();
  }

  function searchPassages() {
    var q = $("ca-search").value.trim();
    var box = $("ca-hits");
    if (!q) return;
    fetch("/api/search?k=8&q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (data) {
      clear(box);
      (data.results || []).forEach(function (h) {
        var row = el("label", "ca-hit");
        var c = el("input");
        c.type = "checkbox";
        c.value = h.id;
        c.checked = Object.prototype.hasOwnProperty.call(chosen, h.id);
        c.addEventListener("change", function () {
          if (c.checked) chosen[h.id] = h.citation; else delete chosen[h.id];
          renderChosen();
        });
        row.appendChild(c);
        var text = el("span");
        text.appendChild(el("b", null, h.citation + " "));
        text.appendChild(el("span", "muted", "相关度 " + pct(h.score) + " "));
        text.appendChild(document.createTextNode(String(h.text || "").slice(0, 120)));
        row.appendChild(text);
        box.appendChild(row);
      });
      Object.keys(chosen).forEach(function (id) {
        var hit = (data.results || []).filter(function (h) { return h.id === id; })[0];
        if (hit) chosen[id] = hit.citation;
      });
      renderChosen();
    });
  }
  $("ca-search-btn").addEventListener("click", searchPassages);
  $("ca-search").addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); searchPassages(); } });
  $("ca-new").addEventListener("click", function () { startNew(""); });

  $("ca-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = {
      question: $("ca-question").value,
      answer: $("ca-answer").value,
      phrasings: $("ca-phrasings").value.split("\n").filter(function (x) { return x.trim(); }),
      sources: Object.keys(chosen),
      author: "console"
    };
    var status = $("ca-status");
    status.className = "";
    status.textContent = "正在保存…";
    var path = editing ? "/api/admin/answers/" + editing : "/api/admin/answers";
    api(path, { method: editing ? "PUT" : "POST", body: JSON.stringify(body) }).then(function (r) {
      editing = r.id;
      $("ca-editing").textContent = "（修改 #" + r.id + "，当前第 " + r.version + " 版）";
      status.textContent = "已保存：#" + r.id + " 第 " + r.version + " 版";
      loadCurated();
    }).catch(function (e) { if (e.message !== "auth") { status.className = "error"; status.textContent = e.message; } });
  });

  function loadCurated() {
    var box = $("ca-list");
    api("/api/admin/answers").then(function (data) {
      clear(box);
      $("ca-threshold").textContent = "（相似度达到 " + data.threshold + " 即直接使用）";
      if (!data.answers.length) box.appendChild(el("p", "muted", "暂无。"));
      data.answers.forEach(function (a) {
        var card = el("div", "ca-item");
        card.setAttribute("data-id", a.id);
        card.appendChild(el("div", null, "#" + a.id + " · 第 " + a.version + " 版 · " + a.author + " · " + a.created_at.replace("T", " ").slice(0, 16)));
        card.appendChild(el("b", null, a.question));
        card.appendChild(el("div", "ca-answer-text", a.answer));
        if (a.missing_sources && a.missing_sources.length) {
          card.appendChild(el("div", "error", "清单中已没有依据：" + a.missing_sources.join("、")));
        }
        var row = el("div", "row-actions");
        var e = el("button", "btn secondary", "修改");
        e.type = "button";
        e.addEventListener("click", function () { edit(a); });
        var d = el("button", "btn secondary", "停用");
        d.type = "button";
        d.addEventListener("click", function () {
          if (!window.confirm("停用这条审定答案？（历史版本会保留）")) return;
          api("/api/admin/answers/" + a.id, { method: "DELETE" }).then(loadCurated).catch(fail(box));
        });
        row.appendChild(e);
        row.appendChild(d);
        card.appendChild(row);
        box.appendChild(card);
      });
    }).catch(fail(box));
  }

  $("ca-test-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = $("ca-test-q").value.trim();
    var box = $("ca-test");
    if (!q) return;
    api("/api/admin/answers/test?q=" + encodeURIComponent(q)).then(function (t) {
      clear(box);
      box.appendChild(el("p", "ca-route", "答复方式：" + (ROUTES[t.route] || t.route)));
      if (t.curated) {
        box.appendChild(el("p", null, "最接近的审定答案 #" + t.curated.id + "（第 " + t.curated.version + " 版）“" +
          t.curated.text + "”：相似度 " + t.curated.score + "，门槛 " + t.curated.threshold +
          (t.curated.passes ? "，采用。" : "，未达门槛，改由清单检索回答。")));
      } else {
        box.appendChild(el("p", "muted", "没有在用的审定答案。"));
      }
      box.appendChild(el("pre", "ca-test-answer", t.answer.text));
      var ol = el("ol");
      t.passages.forEach(function (h) { ol.appendChild(el("li", null, h.citation + " · 相关度 " + pct(h.score) + (h.found ? " · 可作答" : ""))); });
      box.appendChild(el("p", "muted", "检索到的条目："));
      box.appendChild(ol);
    }).catch(fail(box));
  });

  // ------------------------------------------------------------------ statistics
  function loadStats() {
    var days = $("stats-days").value;
    var sum = $("stats-summary");
    api("/api/admin/stats?days=" + days).then(function (s) {
      clear(sum);
      [["提问", s.questions], ["已回答", s.answered], ["未找到", s.not_found], ["👍", s.feedback.up], ["👎", s.feedback.down],
       ["待处理工单", s.tickets.open]].forEach(function (p) {
        var d = el("div");
        d.appendChild(el("b", null, p[1]));
        d.appendChild(document.createTextNode(p[0]));
        sum.appendChild(d);
      });
      C.bars($("chart-days"), s.by_day.map(function (d) {
        return { label: d.date.slice(5), parts: [
          { value: d.answered, cls: "chart-answered" },
          { value: d.not_found, cls: "chart-notfound" },
          { value: Math.max(0, d.questions - d.answered - d.not_found), cls: "chart-other" }] };
      }));
      C.hbars($("chart-feedback"), [
        { label: "👍 有帮助", value: s.feedback.up, cls: "chart-up" },
        { label: "👎 没帮助", value: s.feedback.down, cls: "chart-down" }]);
      C.hbars($("chart-matters"), s.top_matters.map(function (m) { return { label: m.citation || m.id, value: m.count }; }));
      C.hbars($("chart-tickets"), [
        { label: "待处理", value: s.tickets.open, cls: "chart-notfound" },
        { label: "已办结（期间内）", value: s.tickets.done, cls: "chart-up" }]);
      var med = s.tickets.median_age_hours;
      $("chart-tickets").appendChild(el("p", "muted", "待处理工单的中位等待：" + (med === null ? "—" : med + " 小时")));
    }).catch(fail(sum));
  }
  $("stats-days").addEventListener("change", loadStats);
  $("stats-csv").addEventListener("click", function () {
    var days = $("stats-days").value;
    fetch("/api/admin/stats?format=csv&days=" + days, { headers: { "X-Admin-Token": sessionStorage.getItem("jize-admin-token") || "" } })
      .then(function (r) { return r.blob(); }).then(function (b) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(b);  // a blob of the answer, not a URL from it
        a.download = "stats-" + days + "d.csv";
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      });
  });

  // ------------------------------------------------------------------ audit records, knowledge versions
  function showAudit(id) {
    var box = $("audit-record");
    api("/api/admin/audit/" + encodeURIComponent(id)).then(function (r) {
      clear(box);
      var dl = el("dl", "audit-dl");
      function add(k, v) { dl.appendChild(el("dt", null, k)); dl.appendChild(el("dd", null, v === null || v === undefined || v === "" ? "—" : v)); }
      add("编号", r.audit_id);
      add("时间", r.time.replace("T", " "));
      add("问题（已脱敏）", r.question);
      add("意图", (r.intent || "—") + (r.confidence === null ? "" : "（置信度 " + r.confidence.toFixed(2) + "）"));
      add("答复方式", ROUTES[r.route] || r.route);
      add("依据", r.sources.map(function (s) { return s.citation + "〔" + s.id + "〕相关度 " + pct(s.score); }).join("；"));
      add("审定答案", r.curated ? "#" + r.curated.id + " 第 " + r.curated.version + " 版（相似度 " + r.curated.score + "）" : "");
      add("知识库版本", (r.knowledge_version.sha256 || "").slice(0, 12) + " · " + (r.knowledge_version.built_at || ""));
      add("对话模型", (r.rasa_model || "").slice(0, 19));
      add("用时", r.latency_ms + " ms");
      box.appendChild(dl);
    }).catch(fail(box));
  }
  $("audit-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var id = $("audit-id").value.trim();
    if (id) showAudit(id);
  });

  function loadAudit() {
    var list = $("audit-recent");
    api("/api/admin/audit?limit=20").then(function (data) {
      clear(list);
      if (!data.items.length) list.appendChild(el("li", "muted", "暂无。"));
      data.items.forEach(function (r) {
        var li = el("li");
        var a = el("button", "linklike", r.time.replace("T", " ").slice(5, 16) + " " + r.question);
        a.type = "button";
        a.addEventListener("click", function (ev) { ev.preventDefault(); $("audit-id").value = r.audit_id; showAudit(r.audit_id); });
        li.appendChild(a);
        li.appendChild(el("span", "muted", " · " + (ROUTES[r.route] || r.route)));
        list.appendChild(li);
      });
    }).catch(fail(list));
    var kv = $("kv-list");
    api("/api/admin/knowledge/versions").then(function (data) {
      clear(kv);
      var ol = el("ol");
      data.versions.forEach(function (v) {
        ol.appendChild(el("li", null, v.sha256.slice(0, 12) + " · " + v.built_at + (v.current ? " · 当前" : "")));
      });
      kv.appendChild(ol);
    }).catch(fail(kv));
    var diffBox = $("kv-diff");
    api("/api/admin/knowledge/diff").then(function (d) {
      clear(diffBox);
      diffBox.appendChild(el("p", null, "从 " + d.from.sha256.slice(0, 12) + " 到 " + d.to.sha256.slice(0, 12) + " 的变化："));
      [["duties", "职责事项", "work_item"], ["offices", "科室", "name"], ["phones", "电话", "phone"]].forEach(function (part) {
        var c = d[part[0]];
        var sec = el("div", "kv-diff");
        sec.appendChild(el("h4", null, part[1] + "：新增 " + c.added.length + "，删除 " + c.removed.length + "，变更 " + c.changed.length));
        var ul = el("ul");
        c.added.forEach(function (x) { ul.appendChild(el("li", null, "＋ " + x[part[2]])); });
        c.removed.forEach(function (x) { ul.appendChild(el("li", null, "－ " + x[part[2]])); });
        c.changed.forEach(function (x) { ul.appendChild(el("li", null, "～ " + x.key + "：" + JSON.stringify(x.changes))); });
        sec.appendChild(ul);
        diffBox.appendChild(sec);
      });
    }).catch(function (e) { if (e.message !== "auth") { clear(diffBox); diffBox.appendChild(el("p", "muted", e.message)); } });
  }
})();
