// Progressive enhancement only: without it every finding listed is shown and nothing is hidden.
// Adds sorting to the tables (click a column header) and shows the filter form of the findings
// (severity, status, text).
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var number = function (s) {
    var t = s.replace(/,/g, "");
    return t !== "" && isFinite(t) ? parseFloat(t) : null;
  };
  var cellKey = function (row, i) {
    var c = row.cells[i];
    if (!c) { return ""; }
    var k = c.getAttribute("data-sort");
    return k === null ? c.textContent.trim() : k;
  };

  function sortTable(table, th, i) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    each(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keys = rows.map(function (r) { return cellKey(r, i); });
    var numeric = keys.every(function (k) { return k === "" || number(k) !== null; });
    var order = rows.map(function (r, j) { return j; });
    order.sort(function (a, b) {
      var c = numeric
        ? (number(keys[a]) || 0) - (number(keys[b]) || 0)
        : keys[a].localeCompare(keys[b], undefined, { numeric: true });
      return (ascending ? c : -c) || a - b;
    });
    var frag = document.createDocumentFragment();
    order.forEach(function (j) { frag.appendChild(rows[j]); });
    body.appendChild(frag);
  }

  each(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies[0]) { return; }
    each(table.tHead.rows[0].cells, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortTable(table, th, i); });
    });
  });

  var form = document.getElementById("filters");
  if (!form) { return; }
  var rows = [];
  each(document.querySelectorAll("#findings tr[data-st], #passing tr[data-st]"), function (tr) {
    var group = tr.closest("[data-sev]");
    rows.push({ tr: tr, st: tr.getAttribute("data-st"), sev: group ? group.getAttribute("data-sev") : "", text: null });
  });
  var groups = document.querySelectorAll("#findings details[data-sev], #passing details[data-sev]");
  var sections = document.querySelectorAll("#findings section.sev");

  function apply() {
    var on = {};
    each(form.querySelectorAll("input[type=checkbox]"), function (b) { on[b.name + ":" + b.value] = b.checked; });
    var query = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = on["st:" + r.st] !== false && on["sev:" + r.sev] !== false;
      if (ok && query) {
        if (r.text === null) { r.text = r.tr.textContent.toLowerCase(); }
        ok = r.text.indexOf(query) >= 0;
      }
      r.tr.hidden = !ok;
      if (ok) { shown++; }
    });
    var filtering = shown < rows.length;
    each(groups, function (g) {
      var visible = g.querySelector("tr[data-st]:not([hidden])") !== null;
      g.hidden = filtering && !visible;
      if (query && visible) { g.open = true; }
    });
    each(sections, function (s) {
      s.hidden = filtering && s.querySelector("details[data-sev]:not([hidden])") === null;
    });
    var n = function (x) { return x.toLocaleString("en"); };
    form.elements.shown.value = shown === rows.length
      ? "all " + n(rows.length) + " listed findings shown"
      : n(shown) + " of " + n(rows.length) + " listed findings shown";
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();
