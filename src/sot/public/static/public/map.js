/* The map page's slippy map (issue #4): a progressive enhancement of the static
 * tile mosaic (#tiles). Without JavaScript, or if Leaflet did not load, the page
 * keeps the mosaic and the list of points. With it, the mosaic is replaced by a
 * Leaflet map on the configured tile server, the points read from the mosaic's own
 * links (data-lat, data-lon, data-state), coloured and shaped as on the SVG map,
 * each opening a popup with a link to the point's page. Nothing but the tiles comes
 * from another host: Leaflet is vendored under /static/public/leaflet/. */
(function () {
  "use strict";
  var mosaic = document.getElementById("tiles");
  if (!mosaic || !window.L || !mosaic.dataset.tileUrl) return;
  var d = mosaic.dataset;

  var STYLE =
    ".sot-map{height:min(70vh,32rem);max-width:100%;border:1px solid #c9cfd6}" +
    ".sot-map.leaflet-container{font:inherit;font-size:.9375rem}" +
    ".sot-mark{background:#fff;padding:0 .25em;border-radius:3px;" +
    "white-space:nowrap;margin:-.75em 0 0 -.45em;line-height:1.5;cursor:pointer;" +
    "box-shadow:0 0 0 1px rgba(0,0,0,.25)}" +
    ".sot-mark:focus-visible{outline:3px solid #f2a900;outline-offset:2px}" +
    ".sot-map .leaflet-popup-content{font:inherit;margin:.5rem .75rem}" +
    // links told apart by more than colour (WCAG 1.4.1), as elsewhere on the site
    ".sot-map .leaflet-control-attribution a{text-decoration:underline}";

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text || "";
    return div.innerHTML;
  }

  function build() {
    var style = document.createElement("style");
    style.textContent = STYLE;
    document.head.appendChild(style);

    var el = document.createElement("div");
    el.className = "sot-map";
    el.id = "slippy-map";
    el.setAttribute("role", "region");
    el.setAttribute("aria-label", d.label || "");
    mosaic.parentNode.insertBefore(el, mosaic);

    var map = L.map(el, { zoomControl: false });
    L.control
      .zoom({ zoomInTitle: d.zoomIn, zoomOutTitle: d.zoomOut })
      .addTo(map);
    L.tileLayer(d.tileUrl, {
      attribution: escapeHtml(d.attribution),
      maxZoom: 18,
    }).addTo(map);

    var bounds = [];
    var links = mosaic.querySelectorAll("a[data-lat]");
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var latlng = [parseFloat(a.dataset.lat), parseFloat(a.dataset.lon)];
      if (isNaN(latlng[0]) || isNaN(latlng[1])) continue;
      bounds.push(latlng);
      var icon = L.divIcon({
        className: "sot-mark st st-" + a.dataset.state,
        html: a.innerHTML, // symbol, name and the state as hidden text
        iconSize: null,
      });
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = a.getAttribute("href");
      link.textContent = a.textContent; // "● Kall: Öppen"
      popup.appendChild(link);
      L.marker(latlng, { icon: icon, riseOnHover: true })
        .bindPopup(popup)
        .addTo(map);
    }
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [32, 32], maxZoom: 14 });
    } else {
      map.setView([62.5, 16], 4);
    }
    mosaic.parentNode.removeChild(mosaic);
    el.classList.add("sot-map-ready");
  }

  // Leaflet's stylesheet is fetched only now, so that a browser without JavaScript
  // downloads nothing more than before.
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = d.leafletCss;
  var done = false;
  function once() {
    if (!done) {
      done = true;
      build();
    }
  }
  css.onload = once;
  css.onerror = once;
  document.head.appendChild(css);
})();
