// What the header search box (site-search-box.js) and the search page
// (site-search-page.js) share: loading Pagefind, running a query, and showing a result.
//
// Both use Pagefind's browser API (pagefind/pagefind.js, built by `postmortem build` next to
// the pages). It is loaded only when someone starts to search. Everything shown comes from
// the index as text and is inserted as text nodes; only Pagefind's <mark> around matched
// words becomes markup.
//
// The parts of the site script share what they offer through one global, `postmortem`,
// because they are separate files (each replaceable by name) joined into one script.
(function () {
  "use strict";
  var site = window.postmortem || (window.postmortem = {});

  // How much each result field counts (title, keywords, ...): Pagefind's `ranking` option,
  // which the build writes into the header's search form (`data-ranking`) from the values
  // the index was built with (RANKING in src/search/record.rs), so no copy is kept here.
  // A form without it (a base.html override from before) leaves Pagefind's own ranking.
  function ranking(header) {
    var text = header.getAttribute("data-ranking");
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      if (window.console) console.error("postmortem search: data-ranking is not JSON:", error);
      return null;
    }
  }

  // The site root and a loader for Pagefind, from the header's search form, which is on
  // every page and says where the root is (`data-root`), so search works under any base URL.
  function connect(header) {
    var root = new URL(header.getAttribute("data-root") || "./", document.baseURI);
    var bundle = new URL("pagefind/", root);
    var options = {
      basePath: bundle.pathname,
      // Searching a few chunks is quick on the page itself; a worker would cost another
      // 43 KB download for every first search.
      noWorker: true,
      excerptLength: 24
    };
    var weights = ranking(header);
    if (weights) options.ranking = weights;
    var engine = null;
    var load = function () {
      if (!engine) {
        var module = import(new URL("pagefind.js", bundle).href);
        engine = Promise.all([module, shardList(bundle)]).then(function (loaded) {
          return openBundle(loaded[0], loaded[1], bundle, options);
        });
        // A failed load (offline, opened from disk) is tried again at the next search.
        engine.catch(function () { engine = null; });
      }
      return engine;
    };
    return { root: root, load: load };
  }

  // The bundle is several Pagefind indexes (src/search/shards.rs): the newest at the
  // bundle's root, which loads the search engine, and older ones in numbered folders, which
  // Pagefind merges into it. `shards.json` lists them, newest first, and names the filter
  // that tells them apart. A bundle without the list is one index.
  function shardList(bundle) {
    return fetch(new URL("shards.json", bundle).href)
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (list) {
        var valid = list && typeof list.filter === "string" && Array.isArray(list.shards);
        return valid ? list : { filter: "", shards: [] };
      });
  }

  function openBundle(pagefind, list, bundle, options) {
    var sharded = list.shards.length > 1;
    var tag = function (name) {
      var filter = {};
      filter[list.filter] = name;
      return filter;
    };
    var primary = Object.assign({}, options, sharded ? { mergeFilter: tag(list.shards[0]) } : {});
    return pagefind.options(primary).then(function () {
      return Promise.all(list.shards.slice(1).map(function (name) {
        var merged = { excerptLength: options.excerptLength, mergeFilter: tag(name) };
        if (options.ranking) merged.ranking = options.ranking;
        return pagefind.mergeIndex(new URL(name + "/", bundle).pathname, merged);
      }));
    }).then(function () {
      return {
        filters: function () { return pagefind.filters(); },
        search: function (term, searchOptions) {
          var sort = searchOptions && searchOptions.sort;
          var key = sort && Object.keys(sort)[0];
          if (!sharded || !key) return pagefind.search(term, searchOptions);
          // Pagefind merges the answers of several indexes by score, which a sorted search
          // does not have; shards hold consecutive incidents, so searching them one by one
          // and appending the answers in shard order keeps the sort.
          var order = sort[key] === "asc" ? list.shards.slice().reverse() : list.shards;
          return Promise.all(order.map(function (name) {
            var filters = Object.assign({}, searchOptions.filters, tag(name));
            return pagefind.search(term, Object.assign({}, searchOptions, { filters: filters }));
          })).then(appendAnswers);
        }
      };
    });
  }

  // Several answers of Pagefind as one: results in the order given, filter counts summed.
  function appendAnswers(answers) {
    var sum = function (field) {
      var total = {};
      answers.forEach(function (answer) {
        var groups = answer[field] || {};
        Object.keys(groups).forEach(function (group) {
          var counts = total[group] || (total[group] = {});
          Object.keys(groups[group]).forEach(function (value) {
            counts[value] = (counts[value] || 0) + groups[group][value];
          });
        });
      });
      return total;
    };
    return {
      results: [].concat.apply([], answers.map(function (answer) { return answer.results; })),
      filters: sum("filters"),
      totalFilters: sum("totalFilters")
    };
  }

  // `/` moves to search from anywhere on the page, except while someone types in a field.
  function focusOnSlash(focus) {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      event.preventDefault();
      focus();
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

  // One result: title, date, severity, status, excerpt, into `container` (the element that
  // links to the incident).
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

  // The messages in the site's language: the build writes the `script` table of
  // templates/i18n/<language>.toml into the header's search form (`data-strings`). A value
  // with `one` and `other` is chosen by vars.count; `{name}` is filled from vars.
  var strings = (function () {
    var header = document.getElementById("site-search");
    try {
      return JSON.parse((header && header.getAttribute("data-strings")) || "{}");
    } catch (error) {
      return {};
    }
  })();

  function text(key, vars) {
    vars = vars || {};
    var value = strings[key];
    if (value && typeof value === "object") value = vars.count === 1 ? value.one : value.other;
    if (typeof value !== "string") return key;
    return value.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : all;
    });
  }

  function unavailable(error) {
    if (window.console) console.error("postmortem search:", error);
    return text(location.protocol === "file:" ? "needs_http" : "unavailable");
  }

  site.search = {
    connect: connect,
    focusOnSlash: focusOnSlash,
    normalizeQuery: normalizeQuery,
    run: runSearch,
    el: el,
    resultHref: resultHref,
    resultContent: resultContent,
    text: text,
    unavailable: unavailable
  };
})();
