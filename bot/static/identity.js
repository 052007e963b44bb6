/* Names the bureau on a page: every element with data-identity="template" gets the template
 * with {county}, {bureau}, {short_name}, {general_phone} or {title} filled from GET /api/identity
 * (the names the responsibility list gives itself). Until then, or without the API, the
 * element keeps its neutral text. Text only, never HTML. */
(function () {
  "use strict";
  function fill(identity) {
    var nodes = document.querySelectorAll("[data-identity]");
    Array.prototype.forEach.call(nodes, function (node) {
      var missing = false;
      var text = node.getAttribute("data-identity").replace(/\{([a-z_]+)\}/g, function (_, key) {
        var value = identity[key];
        if (typeof value !== "string" || !value) missing = true;
        return typeof value === "string" ? value : "";
      });
      if (!missing) node.textContent = text;
    });
  }
  fetch("/api/identity", { credentials: "same-origin" }).then(function (r) {
    return r.ok ? r.json() : null;
  }).then(function (identity) {
    if (identity && typeof identity === "object") fill(identity);
  }).catch(function () { /* neutral names stay */ });
})();
