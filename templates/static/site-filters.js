// The index page's filter chips narrow the list of incidents. Values within a group are
// alternatives (OR), groups narrow each other (AND). The choice is kept in the URL
// (site-url-state.js) so it can be shared. Without the script the chips stay hidden and
// the list shows every incident.
(function () {
  "use strict";
  var urlState = (window.postmortem || {}).urlState;
  var form = document.getElementById("filters");
  var list = document.getElementById("incident-list");
  if (!urlState || !form || !list) return;
  var rows = Array.prototype.slice.call(list.querySelectorAll(".incident-row"));
  var countEl = document.getElementById("filter-count");
  var noMatch = document.getElementById("no-match");
  // Also the order of the groups in the URL.
  var groups = ["severity", "status", "services", "tags"];

  var chosenEl = document.getElementById("filter-chosen");
  var box = document.getElementById("filter-box");
  var values = function (row, group) { return (row.getAttribute("data-" + group) || "").split(" "); };
  var matches = function (row, chosen, except) {
    return groups.every(function (group) {
      if (group === except || chosen[group].length === 0) return true;
      var have = values(row, group);
      return chosen[group].some(function (v) { return have.indexOf(v) !== -1; });
    });
  };
  // Each chip's count is the rows it would show with the other groups' choices kept.
  var updateCounts = function (chosen) {
    groups.forEach(function (group) {
      var inGroup = rows.filter(function (row) { return matches(row, chosen, group); });
      form.querySelectorAll("input[name='" + group + "']").forEach(function (input) {
        var count = input.parentNode.querySelector(".count");
        if (!count) return;
        var n = inGroup.filter(function (row) { return values(row, group).indexOf(input.value) !== -1; }).length;
        count.textContent = String(n);
      });
    });
  };

  var apply = function (updateUrl) {
    var chosen = urlState.chosen(form, groups);
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
    updateCounts(chosen);
    if (chosenEl) {
      var n = groups.reduce(function (sum, g) { return sum + chosen[g].length; }, 0);
      chosenEl.textContent = n ? "(" + n + ")" : "";
    }
    if (noMatch) noMatch.hidden = shown !== 0;
    if (updateUrl) urlState.replace(urlState.write(new URLSearchParams(), chosen, groups));
  };

  urlState.read(new URLSearchParams(window.location.search), form, groups);
  form.hidden = false;
  // A chosen chip among the folded ones shows its fold open.
  form.querySelectorAll(".facet-more").forEach(function (more) {
    if (more.querySelector("input:checked")) more.open = true;
  });
  if (box && (window.matchMedia("(min-width: 40rem)").matches || form.querySelector("input:checked"))) box.open = true;
  form.addEventListener("change", function () { apply(true); });
  // "reset" fires before the form clears its boxes: filter once they are clear.
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  apply(false);
})();
