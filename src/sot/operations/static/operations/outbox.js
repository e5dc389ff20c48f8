/* sot: the operator's outbox. A form marked data-outbox is kept on the phone
 * (IndexedDB) before it is sent, and sent again until the server has answered.
 * The server stores each client-made id (uid) once, so sending twice is harmless.
 * Used by the pages (forms, the "waiting" line) and by the service worker
 * (Background Sync), which loads this file with importScripts.
 * Without JavaScript the forms post as plain HTML forms. */
(function (global) {
  "use strict";

  var DB_NAME = "sot-outbox";
  var WAITING = "waiting";
  var DONE = "done";
  var SYNC_TAG = "sot-outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = global.indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore(WAITING, { keyPath: "uid" });
        db.createObjectStore(DONE, { keyPath: "uid" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(name, mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result = fn(tx.objectStore(name));
        tx.oncomplete = function () {
          db.close();
          resolve(result && "result" in result ? result.result : result);
        };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function put(name, item) {
    return withStore(name, "readwrite", function (s) { s.put(item); });
  }
  function remove(name, uid) {
    return withStore(name, "readwrite", function (s) { s.delete(uid); });
  }
  function all(name) {
    return withStore(name, "readonly", function (s) { return s.getAll(); })
      .then(function (items) {
        return (items || []).sort(function (a, b) { return a.created - b.created; });
      });
  }

  function newUid() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    var b = new Uint8Array(16);
    global.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" +
      h.slice(16, 20) + "-" + h.slice(20);
  }

  /* Send one kept item. Resolves to "sent", "refused", "conflict" or "waiting". */
  function send(item) {
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.set("sent_at", new Date().toISOString());
    if (item.tries > 0) body.set("queued", "1");
    return global.fetch(item.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Sot-Outbox": "1" }
    }).then(function (response) {
      if (response.ok) {
        return response.json().then(function (answer) {
          return remove(WAITING, item.uid).then(function () {
            return put(DONE, {
              uid: item.uid, created: item.created, label: item.label || answer.label,
              observed_at: answer.observed_at, received_at: answer.received_at,
              redirect: answer.redirect || ""
            });
          }).then(function () { return "sent"; });
        });
      }
      if (response.status === 409 && item.tries === 0) {
        return remove(WAITING, item.uid).then(function () { return "conflict"; });
      }
      if (response.status >= 400 && response.status < 500 &&
          response.status !== 401 && response.status !== 408 &&
          response.status !== 429) {
        return response.json().catch(function () { return {}; }).then(function (a) {
          return remove(WAITING, item.uid).then(function () {
            return put(DONE, {
              uid: item.uid, created: item.created, label: item.label,
              error: a.error || ("HTTP " + response.status)
            });
          }).then(function () { return "refused"; });
        });
      }
      /* A redirect (logged out), a 5xx or 429: keep it and try again later. */
      item.tries += 1;
      item.problem = response.type === "opaqueredirect" ? "login" : "server";
      return put(WAITING, item).then(function () { return "waiting"; });
    }, function () {
      item.tries += 1;
      item.problem = "network";
      return put(WAITING, item).then(function () { return "waiting"; });
    });
  }

  var flushing = null;
  /* Send everything kept, oldest first; stop at the first that has to wait. */
  function flush() {
    if (flushing) return flushing;
    flushing = all(WAITING).then(function (items) {
      var chain = Promise.resolve("sent");
      items.forEach(function (item) {
        chain = chain.then(function (state) {
          return state === "waiting" ? state : send(item);
        });
      });
      return chain;
    }).then(function (state) {
      flushing = null;
      return state;
    }, function (err) {
      flushing = null;
      throw err;
    });
    return flushing;
  }

  global.SotOutbox = {
    all: all, put: put, remove: remove, send: send, flush: flush, newUid: newUid,
    WAITING: WAITING, DONE: DONE, SYNC_TAG: SYNC_TAG
  };

  if (typeof document === "undefined") return;  /* in the service worker */

  /* ---------------------------------------------------------------- the page */

  function sv(n, one, many) { return n === 1 ? one : many; }

  function time(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function render() {
    var box = document.getElementById("outbox");
    if (!box) return Promise.resolve();
    return Promise.all([all(WAITING), all(DONE)]).then(function (lists) {
      var waiting = lists[0];
      var done = lists[1].slice(-5).reverse();
      box.textContent = "";
      if (waiting.length) {
        var p = document.createElement("p");
        p.className = "waiting";
        p.textContent = waiting.length + " " +
          sv(waiting.length, "rapport väntar på nät", "rapporter väntar på nät");
        if (waiting.some(function (i) { return i.problem === "login"; })) {
          p.textContent += " – logga in igen så skickas de.";
        }
        box.appendChild(p);
        var ul = document.createElement("ul");
        waiting.forEach(function (i) {
          var li = document.createElement("li");
          li.textContent = i.label + " (" + time(i.observed_at) + ")";
          ul.appendChild(li);
        });
        box.appendChild(ul);
      }
      if (done.length) {
        var h = document.createElement("p");
        h.textContent = "Servern har bekräftat:";
        box.appendChild(h);
        var ok = document.createElement("ul");
        done.forEach(function (i) {
          var li = document.createElement("li");
          li.className = i.error ? "refused" : "confirmed";
          li.textContent = i.error
            ? "Kunde inte tas emot: " + i.label + " – " + i.error
            : "Mottagen " + time(i.received_at) + ": " + i.label +
              " (observerad " + time(i.observed_at) + ")";
          ok.appendChild(li);
        });
        box.appendChild(ok);
      }
    });
  }

  function syncLater() {
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) return reg.sync.register(SYNC_TAG);
    }).catch(function () { /* no Background Sync: the page load retries */ });
  }

  function flushAndRender() {
    return flush().catch(function () {}).then(render);
  }

  function label(form) {
    return form.getAttribute("data-outbox-label") || document.title.split(" – ")[0];
  }

  function onSubmit(event) {
    var form = event.target;
    if (form.getAttribute("data-native") === "1") return;
    event.preventDefault();
    var observed = form.querySelector("input[name=observed_at]");
    var now = new Date().toISOString();
    if (observed && !observed.value) observed.value = now;
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    var fields = [];
    data.forEach(function (value, key) { fields.push([key, String(value)]); });
    var uid = data.get("uid") || newUid();
    var item = {
      uid: String(uid), action: form.action, fields: fields, created: Date.now(),
      observed_at: observed ? observed.value : now, label: label(form), tries: 0
    };
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    put(WAITING, item).then(function () { return send(item); }).then(function (state) {
      if (state === "conflict") {
        /* Someone reported meanwhile: let the server show the new values. */
        form.setAttribute("data-native", "1");
        form.submit();
        return;
      }
      if (state === "waiting") syncLater();
      var target = form.getAttribute("data-outbox-next");
      if (state === "sent" && item.fields) {
        return all(DONE).then(function (done) {
          var answer = done.filter(function (d) { return d.uid === item.uid; })[0];
          global.location.href = (answer && answer.redirect) || target ||
            global.location.href;
        });
      }
      global.location.href = target || global.location.href;
    }).catch(function () {
      /* IndexedDB unavailable (private mode): post the form as plain HTML. */
      buttons.forEach(function (b) { b.disabled = false; });
      form.setAttribute("data-native", "1");
      form.submit();
    });
  }

  function freshUids() {
    /* A page from the cache carries the uid it was first served with: give each
     * form a fresh one, so two reports from the same cached page stay two. */
    document.querySelectorAll("form[data-outbox] input[name=uid]").forEach(
      function (input) { input.value = newUid(); }
    );
  }

  function cacheLinks(reg) {
    var worker = reg && (reg.active || reg.waiting || reg.installing);
    if (!worker) return;
    var urls = [global.location.pathname];
    document.querySelectorAll("main a[href^='/drift/']").forEach(function (a) {
      urls.push(a.getAttribute("href"));
    });
    worker.postMessage({ type: "cache", urls: urls });
  }

  function start() {
    freshUids();
    document.querySelectorAll("form[data-outbox]").forEach(function (form) {
      form.addEventListener("submit", onSubmit);
    });
    if ("serviceWorker" in navigator) {
      var sw = document.documentElement.getAttribute("data-sw");
      if (sw) {
        navigator.serviceWorker.register(sw, { scope: "/drift/" })
          .then(function () { return navigator.serviceWorker.ready; })
          .then(cacheLinks).catch(function () {});
        navigator.serviceWorker.addEventListener("message", function (e) {
          if (e.data && e.data.type === "outbox") render();
          if (e.data && e.data.type === "cached") {
            document.documentElement.setAttribute("data-offline-ready", "1");
          }
        });
      }
    }
    global.addEventListener("online", flushAndRender);
    flushAndRender();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(typeof self !== "undefined" ? self : this);
