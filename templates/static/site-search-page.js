// The search page: a query, filters with counts, a sort order and every result, a page of
// them at a time. The query, filters and sort are kept in the URL (the filters as the index
// keeps its chips, site-url-state.js), so a search can be shared and opened again. Without the script the page says that search needs it.
(function () {
  "use strict";
  var search = (window.postmortem || {}).search;
  var urlState = (window.postmortem || {}).urlState;
  var header = document.getElementById("site-search");
  var form = document.getElementById("search-page");
  if (!search || !urlState || !header || !form || !window.URL) return;
  var engine = search.connect(header);
  var load = engine.load;
  var root = engine.root;
  var el = search.el;

  var input = document.getElementById("search-q");
  var clear = document.getElementById("search-clear");
  var sortSelect = document.getElementById("search-sort");
  var results = document.getElementById("search-results");
  var summary = document.getElementById("search-summary");
  var moreButton = document.getElementById("search-more");
  var groups = Array.prototype.slice.call(form.querySelectorAll("[data-facet]")).map(function (f) {
    return f.getAttribute("data-facet");
  });
  var pageSize = 10;
  // Each search takes a number; an answer that comes back after a newer search started is
  // dropped, so a slow early query never overwrites the results of a later one.
  var seq = 0;
  var timer = null;
  var current = null;
  // Pagefind counts filter values only once their filter index is loaded, and on a large
  // site that index weighs more than a search. So the page shows each value's count over
  // all incidents (written into the page) until someone turns to the filters; from then
  // on the counts follow the query.
  var aside = form.querySelector(".search-facets");
  var note = document.getElementById("facets-note");
  var liveCounts = false;
  var withFilters = null;
  var loadAll = function () {
    if (!withFilters) {
      withFilters = load().then(function (pagefind) {
        return pagefind.filters().then(function () { return pagefind; });
      });
      withFilters.catch(function () { withFilters = null; });
    }
    return withFilters;
  };
  var wantCounts = function () {
    if (liveCounts) return;
    liveCounts = true;
    if (current) refreshCounts(current);
  };

  // The chosen filters as Pagefind takes them: only groups with a value, each value an
  // alternative.
  var chosen = function () {
    var choice = urlState.chosen(form, groups);
    var filters = {};
    groups.forEach(function (group) {
      if (choice[group].length) filters[group] = { any: choice[group] };
    });
    return filters;
  };
  var sortOption = function () {
    var value = sortSelect.value;
    return value === "newest" ? { date: "desc" } : value === "oldest" ? { date: "asc" } : {};
  };

  var fromUrl = function () {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    sortSelect.value = params.get("sort") || "";
    urlState.read(params, form, groups);
  };
  var toUrl = function () {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    if (sortSelect.value) params.set("sort", sortSelect.value);
    urlState.replace(urlState.write(params, urlState.chosen(form, groups), groups));
  };

  // Counts beside each filter value: how many results it would give with the other
  // groups as chosen (a group's own choice is left out, as its values are alternatives).
  var refreshCounts = function (shown) {
    var mine = seq;
    return loadAll().then(function (pagefind) {
      if (mine !== seq) return null;
      return updateCounts(pagefind, shown.query, shown.filters, shown.found);
    });
  };
  var updateCounts = function (pagefind, query, filters, found) {
    // The closest matches come from several searches, which give no counts to show.
    if (found.relaxed) {
      form.classList.add("counts-unknown");
      return Promise.resolve();
    }
    form.classList.remove("counts-unknown");
    if (note) note.textContent = search.text("counts_search");
    return Promise.all(groups.map(function (group) {
      if (!filters[group]) return Promise.resolve(found.filters || {});
      var others = {};
      Object.keys(filters).forEach(function (g) { if (g !== group) others[g] = filters[g]; });
      return pagefind.search(search.normalizeQuery(query) || null, { filters: others }).then(function (r) { return r.filters || {}; });
    })).then(function (perGroup) {
      groups.forEach(function (group, i) {
        var counts = perGroup[i][group] || {};
        Array.prototype.forEach.call(form.querySelectorAll('[data-facet="' + group + '"] [data-count-for]'), function (span) {
          var n = counts[span.getAttribute("data-count-for")] || 0;
          span.textContent = String(n);
          span.parentNode.classList.toggle("chip-empty", n === 0);
        });
      });
    });
  };

  var showMore = function () {
    if (!current) return Promise.resolve();
    var mine = seq;
    var start = results.children.length;
    var batch = current.found.results.slice(start, start + pageSize);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (data) {
      if (mine !== seq) return;
      data.forEach(function (d) {
        var item = el("li", "search-result");
        var link = el("a", "result-link");
        link.href = search.resultHref(d, root);
        search.resultContent(link, d, current.query);
        item.appendChild(link);
        results.appendChild(item);
      });
      moreButton.hidden = results.children.length >= current.found.results.length;
    });
  };

  var describe = function (query, filters, found) {
    var total = found.results.length;
    var words = query.trim();
    var filtered = Object.keys(filters).length > 0;
    if (!words && !filtered) return search.text("prompt");
    var vars = { count: total, query: words };
    // The message for what was asked: words, filters, or both.
    var asked = (filtered ? "filtered" : "") + (filtered && words ? "_" : "") + (words ? "query" : "");
    if (!total) return search.text("none" + (asked ? "_" + asked : ""), vars);
    if (found.relaxed) return search.text("relaxed", vars);
    return search.text("found" + (asked ? "_" + asked : ""), vars);
  };

  var update = function () {
    var mine = ++seq;
    var query = input.value;
    var filters = chosen();
    toUrl();
    clear.hidden = !Object.keys(filters).length;
    if (!search.normalizeQuery(query) && !Object.keys(filters).length) {
      current = null;
      results.textContent = "";
      moreButton.hidden = true;
      summary.textContent = describe(query, filters, { results: [] });
      return;
    }
    summary.textContent = search.text("searching");
    if (Object.keys(filters).length) liveCounts = true;
    load()
      .then(function (pagefind) {
        return search.run(pagefind, query, filters, sortOption()).then(function (found) {
          if (mine !== seq) return null;
          current = { found: found, query: query, filters: filters };
          results.textContent = "";
          summary.textContent = describe(query, filters, found);
          return Promise.all([showMore(), liveCounts ? refreshCounts(current) : null]);
        });
      })
      .catch(function (error) {
        if (mine !== seq) return;
        results.textContent = "";
        moreButton.hidden = true;
        summary.textContent = search.unavailable(error);
      });
  };

  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); update(); });
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
  form.addEventListener("change", function (event) { if (event.target !== input) update(); });
  moreButton.addEventListener("click", function () { showMore(); });
  if (aside) {
    aside.addEventListener("focusin", wantCounts);
    aside.addEventListener("pointerenter", wantCounts);
  }
  clear.addEventListener("click", function () {
    Array.prototype.forEach.call(form.querySelectorAll("[data-facet] input:checked"), function (box) {
      box.checked = false;
    });
    update();
  });

  // Arrow keys move between the query and the results.
  var links = function () { return Array.prototype.slice.call(results.querySelectorAll("a.result-link")); };
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && links().length) { event.preventDefault(); links()[0].focus(); }
  });
  results.addEventListener("keydown", function (event) {
    var all = links();
    var index = all.indexOf(document.activeElement);
    if (index === -1) return;
    if (event.key === "ArrowDown" && index + 1 < all.length) { event.preventDefault(); all[index + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (index === 0 ? input : all[index - 1]).focus(); }
  });
  search.focusOnSlash(function () { input.focus(); input.select(); });

  fromUrl();
  // On a narrow screen the filters fold away unless some are chosen, so results show first.
  var box = document.getElementById("search-filters");
  if (box && window.matchMedia && window.matchMedia("(max-width: 52rem)").matches) {
    box.open = Object.keys(chosen()).length > 0;
  }
  update();
})();
