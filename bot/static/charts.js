/* Small SVG charts for the agent console's statistics, drawn here (no library, no CDN).
 * JizeCharts.bars(container, rows, opts): vertical stacked bars, rows = [{label, parts: [{value, cls}]}]
 * JizeCharts.hbars(container, rows): horizontal bars, rows = [{label, value, cls}]
 * Every label is a text node (textContent). */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function svg(w, h) {
    var s = document.createElementNS(NS, "svg");
    s.setAttribute("viewBox", "0 0 " + w + " " + h);
    s.setAttribute("role", "img");
    return s;
  }
  function node(tag, attrs, text) {
    var n = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) n.textContent = String(text);
    return n;
  }
  function clear(c) { while (c.firstChild) c.removeChild(c.firstChild); }

  function bars(container, rows, opts) {
    opts = opts || {};
    clear(container);
    var W = 600, H = 220, left = 30, bottom = 30, top = 10;
    var s = svg(W, H);
    var max = 1;
    rows.forEach(function (r) {
      var t = r.parts.reduce(function (a, p) { return a + p.value; }, 0);
      if (t > max) max = t;
    });
    var step = (W - left - 10) / Math.max(rows.length, 1);
    var bw = Math.max(2, step * 0.7);
    s.appendChild(node("text", { x: 2, y: top + 10, "class": "chart-label" }, max));
    s.appendChild(node("text", { x: 2, y: H - bottom, "class": "chart-label" }, 0));
    s.appendChild(node("line", { x1: left, y1: H - bottom, x2: W, y2: H - bottom, stroke: "#999" }));
    var labelEvery = Math.ceil(rows.length / 10);
    rows.forEach(function (r, i) {
      var x = left + i * step + (step - bw) / 2;
      var y = H - bottom;
      r.parts.forEach(function (p) {
        var h = (H - bottom - top) * p.value / max;
        if (h > 0) {
          var rect = node("rect", { x: x.toFixed(1), y: (y - h).toFixed(1), width: bw.toFixed(1), height: h.toFixed(1), "class": p.cls });
          rect.appendChild(node("title", {}, r.label + "：" + p.value));
          s.appendChild(rect);
        }
        y -= h;
      });
      if (i % labelEvery === 0) {
        s.appendChild(node("text", { x: x.toFixed(1), y: H - bottom + 14, "class": "chart-label" }, r.label));
      }
    });
    container.appendChild(s);
    return s;
  }

  function hbars(container, rows) {
    clear(container);
    var W = 400, rowH = 22, labelW = 170;
    var H = Math.max(rowH * rows.length + 10, 30);
    var s = svg(W, H);
    var max = 1;
    rows.forEach(function (r) { if (r.value > max) max = r.value; });
    if (!rows.length) s.appendChild(node("text", { x: 4, y: 18, "class": "chart-label" }, "暂无数据"));
    rows.forEach(function (r, i) {
      var y = 5 + i * rowH;
      var label = String(r.label);
      s.appendChild(node("text", { x: 2, y: y + 14, "class": "chart-label" }, label.length > 14 ? label.slice(0, 13) + "…" : label));
      var w = (W - labelW - 40) * r.value / max;
      s.appendChild(node("rect", { x: labelW, y: y + 2, width: Math.max(w, 1).toFixed(1), height: rowH - 6, "class": r.cls || "chart-answered" }));
      s.appendChild(node("text", { x: (labelW + w + 4).toFixed(1), y: y + 14, "class": "chart-label" }, r.value));
    });
    container.appendChild(s);
    return s;
  }

  window.JizeCharts = { bars: bars, hbars: hbars };
})();
