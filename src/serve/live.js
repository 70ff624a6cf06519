// postmortem serve: live reload and the error overlay. The preview server adds this to
// the HTML it serves; it is never part of a built site.
//
// The server sends its state over server-sent events whenever the site changes: `build`
// moves, `changed` lists the pages (relative to the site) whose files changed, or
// `everything` says all may have; `error` holds the diagnostics of a broken save. This
// page reloads in place (scroll position kept) when it is among the changed pages, when
// it missed an update, when it is a "not found" page (its page may exist now), or when
// an error was fixed; it shows the overlay, which the server rendered hidden, while there
// is an error. A line at the bottom says so while file watching fails (`watcher`). Error
// text is only ever set with textContent, never parsed as HTML.
(function (build, notFound) {
  "use strict";
  var overlay = document.getElementById("postmortem-overlay");
  var key = "postmortem-scroll:" + location.pathname;
  var hadError = !!(overlay && !overlay.hidden);

  var self = location.pathname.replace(/^\//, "");
  if (self === "" || /\/$/.test(self)) self += "index.html";
  try { self = decodeURIComponent(self); } catch (e) { /* keep it encoded */ }

  var saved = null;
  try {
    saved = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
  } catch (e) { /* storage disabled: reload without keeping the position */ }
  if (saved) {
    var xy = saved.split(",");
    var restore = function () { window.scrollTo(Number(xy[0]) || 0, Number(xy[1]) || 0); };
    restore();
    window.addEventListener("load", restore);
  }

  if (overlay) {
    var close = overlay.querySelector("button");
    if (close) close.addEventListener("click", function () { overlay.hidden = true; });
  }

  function show(text) {
    hadError = true;
    if (!overlay) return;
    overlay.querySelector("pre").textContent = text;
    overlay.hidden = false;
  }

  function reload() {
    try {
      sessionStorage.setItem(key, window.scrollX + "," + window.scrollY);
    } catch (e) { /* see above */ }
    location.reload();
  }

  function concerns(state) {
    return notFound || hadError || state.everything || state.build !== build + 1 ||
      (state.changed || []).indexOf(self) >= 0;
  }

  if (!window.EventSource) return;
  var source = new EventSource("/__postmortem/events");
  // Says the page is listening, for whoever drives it (the browser test waits for it).
  source.addEventListener("open", function () {
    document.documentElement.setAttribute("data-live", "connected");
  });
  source.addEventListener("state", function (event) {
    var state;
    try { state = JSON.parse(event.data); } catch (e) { return; }
    var banner = document.getElementById("postmortem-watch");
    if (banner && state.watcher) {
      banner.querySelector("span").textContent = state.watcher;
      banner.hidden = false;
    }
    if (state.error) {
      show(state.error);
    } else if (hadError || state.build !== build) {
      if (concerns(state)) {
        source.close();
        reload();
      } else {
        build = state.build; // another page changed; this one is still current
      }
    }
  });
})(__POSTMORTEM_PAGE__);
