// The index page's filter chips narrow the list of incidents. Values within a group are
// alternatives (OR), groups narrow each other (AND). The choice is kept in the URL so it can
// be shared. Without the script the chips stay hidden and the list shows every incident.
(function () {
  "use strict";

  var form = document.getElementById("filters");
  var list = document.getElementById("incident-list");
  if (!form || !list) return;
  var rows = Array.prototype.slice.call(list.querySelectorAll(".incident-row"));
  var countEl = document.getElementById("filter-count");
  var noMatch = document.getElementById("no-match");
  var groups = ["severity", "status", "services", "tags"];

  var selected = function () {
    var chosen = {};
    groups.forEach(function (group) {
      chosen[group] = Array.prototype.slice
        .call(form.querySelectorAll('input[name="' + group + '"]:checked'))
        .map(function (input) { return input.value; });
    });
    return chosen;
  };

  var apply = function (updateUrl) {
    var chosen = selected();
    var shown = 0;
    rows.forEach(function (row) {
      var visible = groups.every(function (group) {
        if (chosen[group].length === 0) return true;
        var values = (row.getAttribute("data-" + group) || "").split(" ");
        return chosen[group].some(function (v) { return values.indexOf(v) !== -1; });
      });
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    if (countEl) countEl.textContent = String(shown);
    if (noMatch) noMatch.hidden = shown !== 0;
    if (updateUrl && window.history && window.history.replaceState) {
      var params = new URLSearchParams();
      groups.forEach(function (group) {
        chosen[group].forEach(function (v) { params.append(group, v); });
      });
      var query = params.toString();
      window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
    }
  };

  var params = new URLSearchParams(window.location.search);
  groups.forEach(function (group) {
    params.getAll(group).forEach(function (value) {
      var input = form.querySelector('input[name="' + group + '"][value="' + CSS.escape(value) + '"]');
      if (input) input.checked = true;
    });
  });
  form.hidden = false;
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  apply(false);
})();
