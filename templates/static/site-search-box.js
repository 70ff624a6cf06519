// The header's search box on every page: a combobox with the best few results as someone
// types, and a link to the search page for all of them. Without the script the box is a
// plain form that opens the search page.
(function () {
  "use strict";
  var search = (window.postmortem || {}).search;
  var form = document.getElementById("site-search");
  // The search page has a box of its own that takes `/` and shows every result
  // (site-search-page.js); there the header box stays the plain form.
  if (!search || !form || !window.URL || document.getElementById("search-page")) return;
  var engine = search.connect(form);
  var load = engine.load;
  var root = engine.root;
  var el = search.el;

  var input = form.querySelector("input[name=q]");
  var popup = document.getElementById("site-search-popup");
  var list = document.getElementById("site-search-list");
  var status = document.getElementById("site-search-status");
  var shown = 6;
  var seq = 0;
  var active = -1;
  var timer = null;

  var options = function () { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); };
  var open = function (yes) {
    popup.hidden = !yes;
    input.setAttribute("aria-expanded", yes ? "true" : "false");
    if (!yes) setActive(-1);
  };
  var setActive = function (index) {
    var all = options();
    active = all.length ? Math.max(-1, Math.min(index, all.length - 1)) : -1;
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  var allResults = function (query) {
    var url = new URL(form.getAttribute("action") || "search/", document.baseURI);
    url.search = "?q=" + encodeURIComponent(query);
    return url.href;
  };

  var update = function () {
    var query = input.value;
    // Typing on while a search runs starts another; only the newest may change the list.
    var mine = ++seq;
    if (!search.normalizeQuery(query)) { list.textContent = ""; open(false); return; }
    open(true);
    status.textContent = search.text("searching");
    load()
      .then(function (pagefind) { return search.run(pagefind, query, {}, {}); })
      .then(function (found) {
        return Promise.all(found.results.slice(0, shown).map(function (r) { return r.data(); }))
          .then(function (data) { return { found: found, data: data }; });
      })
      .then(function (got) {
        if (mine !== seq) return;
        list.textContent = "";
        got.data.forEach(function (data, i) {
          var option = el("a", "search-option");
          option.id = "site-search-option-" + i;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.href = search.resultHref(data, root);
          search.resultContent(option, data, query);
          list.appendChild(option);
        });
        var total = got.found.results.length;
        status.textContent = "";
        if (!total) {
          status.appendChild(document.createTextNode(search.text("no_match_query", { query: query.trim() })));
        } else {
          var note = got.found.relaxed ? search.text("closest") : "";
          status.appendChild(document.createTextNode(note));
          var more = el("a", "search-all", total > shown ? search.text("all_results", { count: total }) : search.text("search_page"));
          more.href = allResults(query);
          status.appendChild(more);
        }
        setActive(-1);
      })
      .catch(function (error) {
        if (mine !== seq) return;
        list.textContent = "";
        status.textContent = search.unavailable(error);
      });
  };

  // Focus starts loading the index, so the first results come sooner.
  input.addEventListener("focus", function () { load().catch(function () {}); if (input.value) update(); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  input.addEventListener("keydown", function (event) {
    var count = options().length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      open(true);
      setActive(active + 1 >= count ? 0 : active + 1);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      setActive(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !popup.hidden) {
      event.preventDefault();
      window.location.href = options()[active].href;
    } else if (event.key === "Escape") {
      if (!popup.hidden) { open(false); } else { input.value = ""; input.blur(); }
    }
  });
  form.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !form.contains(event.relatedTarget)) open(false);
  });
  search.focusOnSlash(function () { input.focus(); input.select(); });
})();
