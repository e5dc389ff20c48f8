/* Find the nearest open point without the server: the static snapshot's search.
 * Reads ?q= from the address, resolves it against window.SOT_INDEX (written by
 * `sot publish` next to this file as index.js) and lists the nearest open points.
 * The rules mirror sot.public.core.search (Python): postcodes with or without the
 * space, WGS84 in either order, SWEREF 99 TM, names without diacritics or with one
 * typo (two from seven letters). Vanilla JavaScript, no library. */
(function () {
  "use strict";
  var X = window.SOT_INDEX, out = document.getElementById("results");
  if (!X || !out) return;
  var lang = document.documentElement.lang === "en" ? "en" : "sv";
  var T = X.t[lang], prefix = lang === "en" ? "/en" : "";
  document.getElementById("nojs").hidden = true;

  function fold(s) {
    s = s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    s = s.replace(/æ/g, "ae").replace(/ø/g, "o");
    return s.replace(/[-_.,:;'’"()\/]+/g, " ").replace(/\s+/g, " ").trim();
  }
  function exact(s) { return s.toLowerCase().replace(/-/g, " ").replace(/\s+/g, " ").trim(); }
  function typos(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = [], prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      var cur = [i], best = i;
      for (j = 1; j <= b.length; j++) {
        var c = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) c = Math.min(c, prev2[j - 2] + 1);
        cur.push(c); best = Math.min(best, c);
      }
      if (best > limit) return limit + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }
  function haversine(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, dp = (lat2 - lat1) * r, dl = (lon2 - lon1) * r;
    var a = Math.pow(Math.sin(dp / 2), 2) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.sqrt(Math.min(1, a)));
  }
  /* SWEREF 99 TM -> WGS84, Lantmäteriet's Gauss-Krüger formulas (as sot.geo.crs). */
  function fromSweref(e, n) {
    var a = 6378137, f = 1 / 298.257222101, k0 = 0.9996, fe = 500000, lon0 = 15 * Math.PI / 180;
    var e2 = f * (2 - f), m = f / (2 - f), ah = a / (1 + m) * (1 + m * m / 4 + Math.pow(m, 4) / 64);
    var d = [m / 2 - 2 * m * m / 3 + 37 * Math.pow(m, 3) / 96 - Math.pow(m, 4) / 360,
      m * m / 48 + Math.pow(m, 3) / 15 - 437 * Math.pow(m, 4) / 1440,
      17 * Math.pow(m, 3) / 480 - 37 * Math.pow(m, 4) / 840, 4397 * Math.pow(m, 4) / 161280];
    var as = e2 + e2 * e2 + Math.pow(e2, 3) + Math.pow(e2, 4),
      bs = -(7 * e2 * e2 + 17 * Math.pow(e2, 3) + 30 * Math.pow(e2, 4)) / 6,
      cs = (224 * Math.pow(e2, 3) + 889 * Math.pow(e2, 4)) / 120, ds = -4279 * Math.pow(e2, 4) / 1260;
    var xi = n / (k0 * ah), eta = (e - fe) / (k0 * ah), xp = xi, ep = eta;
    for (var i = 1; i <= 4; i++) {
      xp -= d[i - 1] * Math.sin(2 * i * xi) * Math.cosh(2 * i * eta);
      ep -= d[i - 1] * Math.cos(2 * i * xi) * Math.sinh(2 * i * eta);
    }
    var ps = Math.asin(Math.sin(xp) / Math.cosh(ep)), dl = Math.atan2(Math.sinh(ep), Math.cos(xp));
    var s2 = Math.pow(Math.sin(ps), 2);
    var phi = ps + Math.sin(ps) * Math.cos(ps) * (as + bs * s2 + cs * s2 * s2 + ds * s2 * s2 * s2);
    return [phi * 180 / Math.PI, (lon0 + dl) * 180 / Math.PI];
  }
  function inSweden(lat, lon) { return lat >= 55 && lat <= 69.5 && lon >= 10 && lon <= 24.5; }
  function coordinates(q) {
    q = q.replace(/[°º'′"″]/g, " ").replace(/(^|[\s,;])[NnEeÖö]\s*(?=\d)/g, "$1").replace(/(\d)\s*[NnEeÖö](?=[\s,;]|$)/g, "$1");
    var m = /^\s*([-+]?\d+(?:[.,]\d+)?)\s*(?:[;,\/]\s*|\s+)([-+]?\d+(?:[.,]\d+)?)\s*$/.exec(q);
    if (!m) return null;
    var a = parseFloat(m[1].replace(",", ".")), b = parseFloat(m[2].replace(",", "."));
    if (Math.abs(a) > 1000 || Math.abs(b) > 1000) {
      var pairs = [[a, b], [b, a]];
      for (var i = 0; i < 2; i++) {
        var n = pairs[i][0], e = pairs[i][1];
        if (n >= 6100000 && n <= 7700000 && e >= 200000 && e <= 1000000) return fromSweref(e, n);
      }
      return null;
    }
    if (inSweden(a, b)) return [a, b];
    if (inSweden(b, a)) return [b, a];
    if (Math.abs(a) <= 90 && Math.abs(b) <= 180) return [a, b];
    if (Math.abs(b) <= 90 && Math.abs(a) <= 180) return [b, a];
    return null;
  }
  function matchName(q) {
    var ex = exact(q), fq = fold(q), limit = fq.length < 7 ? 1 : 2, found = [];
    X.places.forEach(function (p) {
      var name = fold(p[0]), tier = null, t = 0;
      if (exact(p[0]) === ex) tier = 0;
      else if (name === fq) tier = 1;
      else if (fq.length >= 3 && name.indexOf(fq) === 0) tier = 2;
      else if (fq.length >= 4 && (name[0] === fq[0] || name[1] === fq[1])) {
        t = typos(fq, name, limit);
        if (t <= limit) tier = 3;
      }
      if (tier !== null) found.push([tier, t, X.area.indexOf(p[4]) < 0 ? 1 : 0, p[3], -p[5], p[0].length, p]);
    });
    found.sort(function (x, y) {
      for (var i = 0; i < 6; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
      return 0;
    });
    return found.length ? found[0][6] : null;
  }
  function inArea(lat, lon) {
    return X.points.some(function (p) { return haversine(lat, lon, p[2], p[3]) <= X.border_m; });
  }
  function distance(m) {
    if (m < 1000) return Math.round(m / 10) * 10 + " m";
    var km = m / 1000, s = km < 10 ? km.toFixed(1) : km.toFixed(0);
    return (lang === "en" ? s : s.replace(".", ",")) + " km";
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function say(text) { out.innerHTML += "<p role=\"status\" class=\"note\">" + esc(text) + "</p>"; }
  function fmt(text, values) { return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }

  function resolve(q) {
    var m = /^\s*(\d{3})\s?(\d{2})\s*$/.exec(q);
    if (m) {
      var code = m[1] + m[2], pc = X.postcodes[code];
      if (!pc) return { status: "postcode_not_found" };
      var label = m[1] + " " + m[2] + " " + pc[0];
      // pc[3]: 1 at the town, 0 the municipality's centre, 2 GeoNames' rough estimate
      return { lat: pc[1], lon: pc[2], label: label, inside: true, approximate: pc[3] === 0, estimated: pc[3] === 2 };
    }
    var c = coordinates(q);
    if (c) return { lat: c[0], lon: c[1], label: c[0].toFixed(4) + ", " + c[1].toFixed(4), inside: inArea(c[0], c[1]) };
    var p = matchName(q);
    if (!p) return { status: "not_found" };
    return { lat: p[1], lon: p[2], label: p[0], inside: p[4] ? X.area.indexOf(p[4]) >= 0 : inArea(p[1], p[2]), estimated: p[6] === 1 };
  }

  var q = (new URLSearchParams(location.search).get("q") || "").replace(/\s+/g, " ").trim().slice(0, 100);
  var box = document.getElementById("q");
  box.value = q;
  out.innerHTML = "";
  if (!q) { say(T.ask_again); box.focus(); return; }
  var r = resolve(q);
  if (r.status) { say(fmt(T[r.status], { q: q })); box.focus(); return; }
  if (!r.inside) say(fmt(T.outside, { place: r.label, area: X.county[lang] || T.this_area }));
  if (r.approximate) say(T.approximate);
  if (r.estimated) say(fmt(T.estimated, { place: r.label }));
  var ranked = X.points.map(function (p) { return [p, haversine(r.lat, r.lon, p[2], p[3])]; })
    .sort(function (a, b) { return a[1] - b[1]; });
  var open = ranked.filter(function (x) { return x[0][5]; });
  var list = (open.length ? open : ranked).slice(0, 5);
  if (!r.inside && list.length && list[0][1] > X.border_m) return;
  var html = "<h2>" + esc(fmt(open.length ? T.results : T.results_any, { place: r.label })) + "</h2><ul class=\"pts\">";
  list.forEach(function (x) {
    var p = x[0];
    html += "<li><a href=\"" + prefix + "/punkt/" + p[0] + "/\"><strong>" + esc(p[1]) + "</strong></a><br>" +
      "<span class=\"st st-" + p[4] + "\">" + esc(T.states[p[4]] || p[4]) + "</span> · " + distance(x[1]) +
      (p[lang === "en" ? 9 : 8] ? "<br><small>" + esc(T.hours_today) + ": " + esc(p[lang === "en" ? 9 : 8]) + "</small>" : "") +
      "<br><small>" + esc(p[6]) + (p[6] ? ", " : "") + esc(p[7]) + " " + esc(T.municipality) + "</small></li>";
  });
  out.innerHTML += html + "</ul><p><small>" + esc(T.distance) + ": " + esc(T.as_crow) + ".</small></p>";
})();
