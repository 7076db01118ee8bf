// Site search in the browser: loads the language's search-index.json and
// ranks documents exactly as engage's Rust `search::Index::query` does
// (fold accents and case, drop stop words, stem by truncation; every word
// must match, title hits weigh 3, text hits 1; the last word may be a
// prefix). The folding table and the stop words come from the index, where
// engage writes its own: both sides fold alike. No network call other than
// the index, no dependency. Under Node (tests) it exports `searcher`.
(function () {
  "use strict";

  // The search functions over one loaded index.
  function searcher(index) {
    var fold = Object.create(null), stop = Object.create(null);
    Object.keys(index.fold).forEach(function (to) {
      Array.from(index.fold[to]).forEach(function (c) { fold[c] = to; });
    });
    index.stop.forEach(function (w) { stop[w] = true; });

    // Mirrors search.rs `fold_words`: ASCII letters and digits lowercased,
    // other characters folded by the table or separating words.
    function words(text) {
      var out = [], w = "";
      function emit() {
        if (w.length > 1 && !stop[w]) out.push(w);
        w = "";
      }
      Array.from(text).forEach(function (c) {
        if (/^[A-Za-z0-9]$/.test(c)) w += c.toLowerCase();
        else if (fold[c] !== undefined) w += fold[c];
        else emit();
      });
      emit();
      return out;
    }
    function stem(w) {
      if (w.length > 3 && /[sx]$/.test(w) && !/ss$/.test(w)) w = w.slice(0, -1);
      return w.slice(0, index.stem);
    }
    // Posting lists are delta-encoded ascending document ids.
    function ids(deltas) {
      var out = [], prev = 0;
      for (var i = 0; i < deltas.length; i++) { prev += deltas[i]; out.push(prev); }
      return out;
    }
    function query(q) {
      var ws = words(q), scores = null;
      ws.forEach(function (w, i) {
        var last = i === ws.length - 1, s = stem(w), hits = {};
        [[index.title, 3], [index.text, 1]].forEach(function (pair) {
          var map = pair[0], weight = pair[1];
          var keys = last && w.length < index.stem
            ? Object.keys(map).filter(function (k) { return k.indexOf(w) === 0; })
            : (Object.prototype.hasOwnProperty.call(map, s) ? [s] : []);
          keys.forEach(function (k) {
            ids(map[k]).forEach(function (d) { hits[d] = Math.max(hits[d] || 0, weight); });
          });
        });
        if (scores === null) { scores = hits; return; }
        var next = {};
        Object.keys(scores).forEach(function (d) { if (hits[d]) next[d] = scores[d] + hits[d]; });
        scores = next;
      });
      return Object.keys(scores || {}).map(Number)
        .sort(function (a, b) { return (scores[b] - scores[a]) || (a - b); })
        .map(function (d) { return index.docs[d]; });
    }
    return { words: words, stem: stem, query: query };
  }

  if (typeof module === "object" && module.exports) {
    module.exports = searcher;
    return;
  }
  var form = document.querySelector(".search-form");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input");
  var status = document.querySelector(".search-status");
  var list = document.querySelector(".search-results");
  var search = null;

  function show(q) {
    list.textContent = "";
    if (!q.trim()) { status.textContent = ""; return; }
    var results = search.query(q);
    status.textContent = results.length ? form.dataset.count.replace("{n}", results.length) : form.dataset.none;
    results.slice(0, 50).forEach(function (doc) {
      var li = document.createElement("li"), a = document.createElement("a"), p = document.createElement("p");
      a.href = doc[0]; a.textContent = doc[1]; p.textContent = doc[2]; p.className = "search-section";
      li.appendChild(a); li.appendChild(p); list.appendChild(li);
    });
  }
  fetch(form.dataset.index).then(function (r) { return r.json(); }).then(function (data) {
    search = searcher(data);
    form.hidden = false;
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    show(q);
    input.addEventListener("input", function () { show(input.value); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
      show(input.value);
    });
  });
})();
