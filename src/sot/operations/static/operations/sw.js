/* sot: the service worker of the operator's pages (scope /drift/).
 * Pages are fetched from the network first and kept; without a network the kept
 * copy is shown. Posts are not touched here: the page's outbox keeps them, and
 * Background Sync (where the browser has it) sends them when the network is back. */
"use strict";
importScripts("__OUTBOX_JS__");

var CACHE = "sot-drift-v1";
var PRECACHE = __PRECACHE__;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(PRECACHE.map(function (url) {
        return cache.add(url).catch(function () {});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function kept(request) {
  var url = new URL(request.url);
  return url.origin === self.location.origin &&
    (url.pathname.indexOf("/drift/") === 0 || url.pathname.indexOf("/static/") === 0) &&
    url.pathname !== "/drift/sw.js";
}

function offlinePage() {
  return new Response(
    "<!doctype html><html lang=\"sv\"><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Inget nät – sot</title><main><h1>Inget nät</h1>" +
    "<p>Sidan finns inte sparad på telefonen. " +
    "<a href=\"/drift/punkt/\">Till mina punkter</a></p></main></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !kept(request)) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) {
        return hit || (request.mode === "navigate" ? offlinePage() : Response.error());
      });
    })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "cache" && Array.isArray(data.urls)) {
    /* Keep the operator's pages the phone has not kept yet (pages visited are
     * refreshed by the fetch handler), then tell the page it works offline. */
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(data.urls.filter(function (u) {
        return u.indexOf("/drift/") === 0;
      }).map(function (u) {
        return cache.match(u).then(function (hit) {
          if (hit) return;
          return fetch(u, { credentials: "same-origin" }).then(function (r) {
            if (r.ok && !r.redirected) return cache.put(u, r);
          });
        }).catch(function () {});
      }));
    }).then(function () {
      if (event.source) event.source.postMessage({ type: "cached" });
    }));
  }
  if (data.type === "forget") {
    event.waitUntil(caches.delete(CACHE));
  }
});

function tellPages() {
  return self.clients.matchAll().then(function (clients) {
    clients.forEach(function (c) { c.postMessage({ type: "outbox" }); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === self.SotOutbox.SYNC_TAG) {
    event.waitUntil(self.SotOutbox.flush().then(function (state) {
      return tellPages().then(function () {
        /* Still waiting: reject so the browser tries the sync again later. */
        if (state === "waiting") throw new Error("still waiting for the network");
      });
    }));
  }
});
