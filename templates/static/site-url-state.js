// Filter choices kept in the URL, for the index page's chips (site-filters.js) and the
// search page's filters (site-search-page.js), so a link to either shows the same choice.
//
// A choice is a group of checkboxes per filter (`name` is the group, `value` the value); in
// the URL each checked value is one `group=value` pair (`?severity=high&severity=critical`),
// because a group may hold several values and URLSearchParams reads them back with getAll.
(function () {
  "use strict";
  var site = window.postmortem || (window.postmortem = {});

  function boxes(form, group) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="' + group + '"]'));
  }

  // The checked values of each group, in page order: { severity: ["high"], tags: [] }.
  function chosen(form, groups) {
    var choice = {};
    groups.forEach(function (group) {
      choice[group] = boxes(form, group)
        .filter(function (box) { return box.checked; })
        .map(function (box) { return box.value; });
    });
    return choice;
  }

  // Checks exactly the boxes that `params` names: the URL is the choice, whatever state the
  // browser restored. A value without a box (a tag no incident has any more) is ignored. A
  // checked box inside a folded <details> unfolds it, so no chosen filter is out of sight.
  function read(params, form, groups) {
    groups.forEach(function (group) {
      var values = params.getAll(group);
      boxes(form, group).forEach(function (box) {
        box.checked = values.indexOf(box.value) !== -1;
        var more = box.closest("details");
        if (box.checked && more) more.open = true;
      });
    });
  }

  // Appends one pair per value of `choice` (as `chosen` returns it), groups in the order
  // given, so the same choice always reads the same. Returns `params`.
  function write(params, choice, groups) {
    groups.forEach(function (group) {
      (choice[group] || []).forEach(function (value) { params.append(group, value); });
    });
    return params;
  }

  // Shows `params` in the address bar. It replaces the current history entry rather than
  // adding one: every click on a filter would otherwise be one more step back. With no
  // pairs the address is the bare path, without a lone `?`.
  function replace(params) {
    if (!window.history || !window.history.replaceState) return;
    var query = params.toString();
    window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }

  site.urlState = { chosen: chosen, read: read, write: write, replace: replace };
})();
