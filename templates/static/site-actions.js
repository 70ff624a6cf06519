// The action items page: group the rows by owner or by incident, and show only open,
// overdue, or one owner's items. The choice is kept in the URL (`?group=owner&show=overdue
// &owner=sre-team`) so it can be shared. Without the script both tables list every item.
(function () {
  "use strict";
  var form = document.getElementById("action-controls");
  var tables = document.querySelectorAll(".action-table");
  if (!form || !tables.length) return;
  var params = new URLSearchParams(window.location.search);
  ["group", "show", "owner"].forEach(function (name) {
    var value = params.get(name);
    if (value !== null && form.elements[name]) form.elements[name].value = value;
  });
  var rowsOf = Array.prototype.map.call(tables, function (table) {
    return Array.prototype.slice.call(table.tBodies[0].rows);
  });

  var apply = function (updateUrl) {
    var group = form.elements.group.value;
    var show = form.elements.show.value;
    var owner = form.elements.owner.value;
    Array.prototype.forEach.call(tables, function (table, t) {
      var body = table.tBodies[0];
      body.querySelectorAll("tr.group-row").forEach(function (r) { r.remove(); });
      var rows = rowsOf[t].slice();
      if (group) {
        // A stable sort by the group's key keeps the page's order (due date) inside a group.
        rows = rows.map(function (r, i) { return [r, i]; }).sort(function (a, b) {
          var x = a[0].getAttribute("data-" + group) || "\uffff";
          var y = b[0].getAttribute("data-" + group) || "\uffff";
          return x < y ? -1 : x > y ? 1 : a[1] - b[1];
        }).map(function (p) { return p[0]; });
      }
      var last = null;
      rows.forEach(function (row) {
        var visible = (show !== "overdue" || row.classList.contains("overdue")) &&
          (!owner || row.getAttribute("data-owner") === owner);
        row.hidden = !visible;
        if (visible && group) {
          var key = row.getAttribute("data-" + group) || "";
          if (key !== last) {
            var head = document.createElement("tr");
            head.className = "group-row";
            var th = document.createElement("th");
            th.colSpan = row.cells.length;
            th.scope = "rowgroup";
            th.textContent = (group === "incident" ? row.getAttribute("data-incident-title") : key) || "—";
            head.appendChild(th);
            body.appendChild(head);
            last = key;
          }
        }
        body.appendChild(row);
      });
    });
    var closed = document.getElementById("closed-section");
    if (closed) closed.hidden = show !== "all";
    if (updateUrl) {
      var next = new URLSearchParams();
      if (group) next.set("group", group);
      if (show !== "open") next.set("show", show);
      if (owner) next.set("owner", owner);
      var query = next.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
  };
  form.hidden = false;
  form.addEventListener("change", function () { apply(true); });
  apply(false);
})();
