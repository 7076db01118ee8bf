// Site search in the browser: loads the language's search-index.json and
// ranks documents exactly as engage's Rust `search::Index::query` does
// (fold accents and case, drop stop words, stem by truncation; every word
// must match, title hits weigh 3, text hits 1; the last word may be a
// prefix). No network call other than the index, no dependency.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form || !window.fetch) return;
  var STOP = ("au aux avec ce ces cette dans de des du elle en est et il je la le les leur ma mes mon ne nous on ou par pas pour qu que qui sa se ses son sont sur ta tes ton tu un une vous " +
    "a an and are as at be by for from in is it not of on or our that the this to we with you your").split(" ");
  var input = form.querySelector("input");
  var status = document.querySelector(".search-status");
  var list = document.querySelector(".search-results");
  var index = null;

  function words(text) {
    var folded = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/æ/g, "ae").replace(/Æ/g, "AE").replace(/ß/g, "ss")
      .toLowerCase();
    return folded.split(/[^a-z0-9]+/).filter(function (w) { return w.length > 1 && STOP.indexOf(w) < 0; });
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
  function show(q) {
    list.textContent = "";
    if (!q.trim()) { status.textContent = ""; return; }
    var results = query(q);
    status.textContent = results.length ? form.dataset.count.replace("{n}", results.length) : form.dataset.none;
    results.slice(0, 50).forEach(function (doc) {
      var li = document.createElement("li"), a = document.createElement("a"), p = document.createElement("p");
      a.href = doc[0]; a.textContent = doc[1]; p.textContent = doc[2]; p.className = "search-section";
      li.appendChild(a); li.appendChild(p); list.appendChild(li);
    });
  }
  fetch(form.dataset.index).then(function (r) { return r.json(); }).then(function (data) {
    index = data;
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
