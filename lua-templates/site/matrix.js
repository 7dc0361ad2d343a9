// site/matrix.js: filtering and sorting for the traceability matrix. The
// page is complete without it; with it, the filter form is shown and the
// Threat and Gap headings sort. A threat's rows (one tbody, the threat cell
// spanning them) are shown, hidden and moved together, so a control or a
// test is never shown apart from its threat.
(function () {
  "use strict";
  var table = document.querySelector("table.matrix");
  var form = document.getElementById("matrix-filter");
  if (!table || !form) return;
  var groups = Array.prototype.slice.call(table.tBodies);
  var field = document.getElementById("matrix-q");
  var gapsOnly = document.getElementById("matrix-gaps");
  var count = document.getElementById("matrix-count");
  var items = groups.map(function (body, i) {
    var idCell = body.querySelector("th .id");
    return {
      body: body,
      position: i,
      id: idCell ? idCell.textContent : "",
      text: body.textContent.replace(/\s+/g, " ").toLowerCase(),
      gaps: body.querySelectorAll("tr.gap").length
    };
  });

  function filter() {
    var words = field.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var match = (!gapsOnly.checked || item.gaps > 0) &&
        words.every(function (w) { return item.text.indexOf(w) >= 0; });
      item.body.hidden = !match;
      if (match) shown++;
    });
    count.textContent = shown === items.length
      ? "All " + items.length + " threats shown."
      : shown + " of " + items.length + " threats shown.";
  }

  // IDs compare by their numbers where they have them: THR-2 before THR-10.
  function compareIds(a, b) {
    var re = /(\d+)|(\D+)/g;
    var pa = a.match(re) || [], pb = b.match(re) || [];
    for (var i = 0; i < Math.min(pa.length, pb.length); i++) {
      if (pa[i] === pb[i]) continue;
      var na = /^\d/.test(pa[i]), nb = /^\d/.test(pb[i]);
      if (na && nb) return parseInt(pa[i], 10) - parseInt(pb[i], 10);
      return pa[i] < pb[i] ? -1 : 1;
    }
    return pa.length - pb.length;
  }

  var keys = {
    threat: function (a, b) { return compareIds(a.id, b.id); },
    gap: function (a, b) { return (b.gaps - a.gaps) || (a.position - b.position); }
  };
  var headers = table.tHead.rows[0].cells;
  var sortable = [[headers[0], "threat"], [headers[headers.length - 1], "gap"]];

  function sortBy(th, key, button) {
    var descending = th.getAttribute("aria-sort") === "ascending";
    items.sort(function (a, b) { return descending ? keys[key](b, a) : keys[key](a, b); });
    items.forEach(function (item) { table.appendChild(item.body); });
    sortable.forEach(function (s) { s[0].removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    button.title = descending ? "Sorted descending; select to sort ascending" : "Sorted ascending; select to sort descending";
  }

  sortable.forEach(function (s) {
    var th = s[0], button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    button.title = "Sort by " + th.textContent.toLowerCase();
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th, s[1], button); });
  });

  field.addEventListener("input", filter);
  gapsOnly.addEventListener("change", filter);
  form.addEventListener("submit", function (e) { e.preventDefault(); filter(); });
  form.hidden = false;
  filter();
})();
