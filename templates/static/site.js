// postmortem site script: progressive enhancement only. Every page works without it.
(function () {
  "use strict";

  // Index filters: chips narrow the list. Values within a group are alternatives (OR),
  // groups narrow each other (AND). The choice is kept in the URL so it can be shared.
  var form = document.getElementById("filters");
  var list = document.getElementById("incident-list");
  if (form && list) {
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
  }

  search();

  // Search: the header box on every page and the search page, both on Pagefind's browser
  // API (pagefind/pagefind.js, built by `postmortem build` next to the pages). It is loaded
  // only when someone starts to search. Everything shown comes from the index as text and is
  // inserted as text nodes; only Pagefind's <mark> around matched words becomes markup.
  function search() {
    var header = document.getElementById("site-search");
    if (!header || !window.URL) return;
    var root = new URL(header.getAttribute("data-root") || "./", document.baseURI);
    var engine = null;
    var load = function () {
      if (!engine) {
        var bundle = new URL("pagefind/", root);
        engine = import(new URL("pagefind.js", bundle).href).then(function (pagefind) {
          return pagefind
            .options({
              basePath: bundle.pathname,
              // Searching a few chunks is quick on the page itself; a worker would cost
              // another 43 KB download for every first search.
              noWorker: true,
              excerptLength: 24,
              // Result fields that are searched (see src/search/record.rs): the title weighs
              // as much as the error line; keywords (the error line split at punctuation,
              // tags, services) a little less; the rest are only shown.
              ranking: { metaWeights: { title: 10, keywords: 6, date: 0, severity: 0, status: 0 } }
            })
            .then(function () { return pagefind; });
        });
        engine.catch(function () { engine = null; });
      }
      return engine;
    };
    var page = document.getElementById("search-page");
    var ui = page ? searchPage(page, load, root) : headerBox(header, load, root);
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      event.preventDefault();
      ui.focus();
    });
  }

  // Pagefind drops punctuation from a query but keeps symbols such as = < > + | that the
  // indexer drops; remove them too, so `code=403` matches `code=403` in an incident.
  function normalizeQuery(text) {
    return text.replace(/[\p{S}\p{C}]/gu, "").replace(/\s+/g, " ").trim();
  }

  // The query split at punctuation, as the index holds code (see src/search/record.rs):
  // `redis/connection.py:747` becomes `redis connection py 747`.
  function splitQuery(text) {
    return text.replace(/[^\p{L}\p{N}_\s]/gu, " ").replace(/\s+/g, " ").trim();
  }

  // Each word of a query fetches the part of the index that holds it, a few dozen KB on a
  // large site. A pasted line of twenty words would fetch twenty parts, mostly for words
  // like "at" and "the" that tell incidents apart least, so a long query keeps its most
  // telling words: without common English words, and the longest ones if still too many.
  var MAX_TERMS = 8;
  var MAX_CLOSEST = 6;
  var COMMON = {};
  ("a an and are as at be but by can could did do does for from got had has have if in into is " +
   "it its no not of on or out so than that the their then there these this to too was were " +
   "when where which while who will with would you your").split(" ").forEach(function (w) { COMMON[w] = true; });

  function significant(text, max) {
    var words = text.split(" ").filter(Boolean);
    if (words.length <= 3) return text;
    var telling = words.filter(function (w) { return !COMMON[w.toLowerCase()]; });
    if (telling.length > max) {
      var longest = telling.slice().sort(function (a, b) { return b.length - a.length; }).slice(0, max);
      telling = telling.filter(function (w) { return longest.indexOf(w) !== -1; }).slice(0, max);
    }
    return telling.length ? telling.join(" ") : text;
  }

  // Runs a search in up to three steps, so that a pasted error line finds its incident
  // even when it does not match word for word: the query as typed; then split at
  // punctuation (code is indexed as plain words); then, for several words, the incidents
  // that contain most of them (a log line with another timestamp or id, say).
  function runSearch(pagefind, query, filters, sort) {
    var options = { filters: filters, sort: sort };
    var exact = /^\s*".*"\s*$/.test(query);
    var q = exact ? normalizeQuery(query) : significant(normalizeQuery(query), MAX_TERMS);
    var done = function (found, relaxed) {
      return { results: found.results, filters: found.filters, relaxed: relaxed };
    };
    return pagefind.search(q || null, options).then(function (found) {
      if (!q || found.results.length || exact) return done(found, false);
      var split = significant(splitQuery(query), MAX_TERMS);
      var retry = split && split !== q ? pagefind.search(split, options) : Promise.resolve(found);
      return retry.then(function (again) {
        var terms = significant(split, MAX_CLOSEST).split(" ").filter(function (t) { return t.length > 1; });
        if (again.results.length || terms.length < 2) return done(again, false);
        return closest(pagefind, terms, options).then(function (results) {
          return { results: results, filters: null, relaxed: true };
        });
      });
    });
  }

  function closest(pagefind, terms, options) {
    var unique = terms.filter(function (t, i) { return terms.indexOf(t) === i; });
    return Promise.all(unique.map(function (term) { return pagefind.search(term, options); }))
      .then(function (searches) {
        var byId = {};
        searches.forEach(function (found) {
          found.results.forEach(function (result) {
            var entry = byId[result.id] || (byId[result.id] = { result: result, hits: 0, score: 0 });
            entry.hits += 1;
            entry.score += result.score;
          });
        });
        var needed = Math.max(2, Math.ceil(unique.length / 2));
        return Object.keys(byId)
          .map(function (id) { return byId[id]; })
          .filter(function (e) { return e.hits >= needed; })
          .sort(function (a, b) { return b.hits - a.hits || b.score - a.score; })
          .map(function (e) { return e.result; });
      });
  }

  // ---- Rendering: text nodes only ----

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, function (all, name) {
      var lower = name.toLowerCase();
      if (lower.charAt(0) === "#") {
        var code = lower.charAt(1) === "x" ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
        try { return String.fromCodePoint(code); } catch (e) { return all; }
      }
      return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[lower];
    });
  }

  // Pagefind's excerpt is escaped text with <mark> around matches: keep the marks, and
  // turn everything else into text.
  function appendExcerpt(parent, excerpt) {
    var marked = false;
    excerpt.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      if (!part) return;
      var text = document.createTextNode(decodeEntities(part));
      if (marked) {
        var mark = el("mark");
        mark.appendChild(text);
        parent.appendChild(mark);
      } else {
        parent.appendChild(text);
      }
    });
  }

  // Marks the words of a title that start with a word of the query.
  function appendTitle(parent, title, query) {
    var simple = function (word) { return word.toLowerCase().replace(/[^\p{L}\p{N}_]/gu, ""); };
    var terms = normalizeQuery(query).split(" ").map(simple).filter(function (t) { return t.length > 1; });
    title.split(/(\s+)/).forEach(function (word) {
      var plain = simple(word);
      var hit = plain && terms.some(function (t) { return plain.indexOf(t) === 0 || t.indexOf(plain) === 0 && plain.length > 3; });
      parent.appendChild(hit ? el("mark", "", word) : document.createTextNode(word));
    });
  }

  function resultHref(data, root) {
    var raw = data.raw_url || data.url || "";
    return new URL(raw.replace(/^\//, ""), root).href;
  }

  // One result: title, date, severity, status, excerpt. `tag` is the element that links.
  function resultContent(container, data, query) {
    var meta = data.meta || {};
    var title = el("span", "result-title");
    appendTitle(title, meta.title || data.url, query);
    container.appendChild(title);
    var facts = el("span", "result-meta");
    if (meta.date) {
      var time = el("time", "", meta.date);
      time.setAttribute("datetime", meta.date);
      facts.appendChild(time);
    }
    ["severity", "status"].forEach(function (kind) {
      var value = meta[kind];
      if (value && /^[a-z-]+$/.test(value)) facts.appendChild(el("span", "badge " + kind + "-" + value, value));
    });
    container.appendChild(facts);
    var excerpt = el("span", "result-excerpt");
    appendExcerpt(excerpt, data.excerpt || "");
    container.appendChild(excerpt);
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function unavailable(error) {
    if (window.console) console.error("postmortem search:", error);
    return location.protocol === "file:"
      ? "Search works once the site is served over HTTP (postmortem serve, or any static host)."
      : "Search is unavailable: its index could not be loaded.";
  }

  // ---- The header box: a combobox with the best few results ----

  function headerBox(form, load, root) {
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
      var mine = ++seq;
      if (!normalizeQuery(query)) { list.textContent = ""; open(false); return; }
      open(true);
      status.textContent = "Searching…";
      load()
        .then(function (pagefind) { return runSearch(pagefind, query, {}, {}); })
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
            option.href = resultHref(data, root);
            resultContent(option, data, query);
            list.appendChild(option);
          });
          var total = got.found.results.length;
          status.textContent = "";
          if (!total) {
            status.appendChild(document.createTextNode("No incidents match “" + query.trim() + "”."));
          } else {
            var note = got.found.relaxed ? "No incident has every word; closest matches. " : "";
            status.appendChild(document.createTextNode(note));
            var more = el("a", "search-all", total > shown ? "All " + plural(total, "result") + " →" : "Search page with filters →");
            more.href = allResults(query);
            status.appendChild(more);
          }
          setActive(-1);
        })
        .catch(function (error) {
          if (mine !== seq) return;
          list.textContent = "";
          status.textContent = unavailable(error);
        });
    };

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
    return { focus: function () { input.focus(); input.select(); } };
  }

  // ---- The search page: query, filters and sort in the URL ----

  function searchPage(form, load, root) {
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

    var chosen = function () {
      var filters = {};
      groups.forEach(function (group) {
        var values = Array.prototype.slice
          .call(form.querySelectorAll('input[name="' + group + '"]:checked'))
          .map(function (box) { return box.value; });
        if (values.length) filters[group] = { any: values };
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
      groups.forEach(function (group) {
        var values = params.getAll(group);
        Array.prototype.forEach.call(form.querySelectorAll('input[name="' + group + '"]'), function (box) {
          box.checked = values.indexOf(box.value) !== -1;
          var more = box.closest("details");
          if (box.checked && more) more.open = true;
        });
      });
    };
    var toUrl = function () {
      var params = new URLSearchParams();
      if (input.value.trim()) params.set("q", input.value.trim());
      if (sortSelect.value) params.set("sort", sortSelect.value);
      var filters = chosen();
      groups.forEach(function (group) {
        (filters[group] ? filters[group].any : []).forEach(function (v) { params.append(group, v); });
      });
      var query = params.toString();
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
      }
    };

    // Counts beside each filter value: how many results it would give with the other
    // groups as chosen (a group's own choice is left out, as its values are alternatives).
    var refreshCounts = function (search) {
      var mine = seq;
      return loadAll().then(function (pagefind) {
        if (mine !== seq) return null;
        return updateCounts(pagefind, search.query, search.filters, search.found);
      });
    };
    var updateCounts = function (pagefind, query, filters, found) {
      if (found.relaxed) {
        form.classList.add("counts-unknown");
        return Promise.resolve();
      }
      form.classList.remove("counts-unknown");
      if (note) note.textContent = "Counts are for this search.";
      return Promise.all(groups.map(function (group) {
        if (!filters[group]) return Promise.resolve(found.filters || {});
        var others = {};
        Object.keys(filters).forEach(function (g) { if (g !== group) others[g] = filters[g]; });
        return pagefind.search(normalizeQuery(query) || null, { filters: others }).then(function (r) { return r.filters || {}; });
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
          link.href = resultHref(d, root);
          resultContent(link, d, current.query);
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
      if (!words && !filtered) return "Type words or paste an error message, or choose filters.";
      if (!total) {
        return (words ? "No incidents match “" + words + "”" : "No incidents match") +
          (filtered ? " with these filters. Try removing a filter." : ". Try fewer or other words.");
      }
      var text = plural(total, "incident") + (words ? " match “" + words + "”" : " match") + (filtered ? " with these filters." : ".");
      return found.relaxed ? "No incident contains every word; " + plural(total, "incident") + " contain most of them." : text;
    };

    var update = function () {
      var mine = ++seq;
      var query = input.value;
      var filters = chosen();
      toUrl();
      clear.hidden = !Object.keys(filters).length;
      if (!normalizeQuery(query) && !Object.keys(filters).length) {
        current = null;
        results.textContent = "";
        moreButton.hidden = true;
        summary.textContent = describe(query, filters, { results: [] });
        return;
      }
      summary.textContent = "Searching…";
      if (Object.keys(filters).length) liveCounts = true;
      load()
        .then(function (pagefind) {
          return runSearch(pagefind, query, filters, sortOption()).then(function (found) {
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
          summary.textContent = unavailable(error);
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

    fromUrl();
    // On a narrow screen the filters fold away unless some are chosen, so results show first.
    var box = document.getElementById("search-filters");
    if (box && window.matchMedia && window.matchMedia("(max-width: 52rem)").matches) {
      box.open = Object.keys(chosen()).length > 0;
    }
    update();
    return { focus: function () { input.focus(); input.select(); } };
  }
})();
