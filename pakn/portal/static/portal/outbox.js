/* The offline outbox: reports written without a connection are kept in IndexedDB and sent when the
   connection returns, exactly once: each carries the submission_key its form was given, and the server
   answers a repeated key with the first result instead of making a second report.
   Used by the pages (portal.js, form.js) and by the service worker (importScripts). */
(function (scope) {
  "use strict";
  var DB_NAME = "pakn-portal";
  var STORE = "outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        if (!req.result.objectStoreNames.contains(STORE)) {
          req.result.createObjectStore(STORE, { keyPath: "key" });
        }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        var req = work(tx.objectStore(STORE));
        if (req) { req.onsuccess = function () { result = req.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() {
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.created - b.created; });
    });
  }
  function get(key) { return withStore("readonly", function (s) { return s.get(key); }); }
  function put(item) { return withStore("readwrite", function (s) { return s.put(item); }); }
  function remove(key) { return withStore("readwrite", function (s) { return s.delete(key); }); }

  function newKey() {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    scope.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* Keep a filled form: its text fields and its files, under its submission key. */
  function saveFormData(fd) {
    var fields = [];
    var files = [];
    var key = fd.get("submission_key") || newKey();
    fd.forEach(function (value, name) {
      if (name === "submission_key") { return; }
      if (typeof value === "string") { fields.push([name, value]); }
      else if (value && value.size) { files.push(value); }
    });
    return get(key).then(function (existing) {
      if (existing && existing.status === "sent") { return key; }
      return put({ key: key, created: Date.now(), fields: fields, files: files, status: "pending", errors: null, result: null })
        .then(function () { return key; });
    });
  }

  function cookie(name) {
    if (typeof document === "undefined") { return ""; }
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }

  function post(url, item) {
    var fd = new FormData();
    var token = cookie("csrftoken");
    item.fields.forEach(function (pair) {
      // In a page the current cookie's token is sent in the header; the service worker sends the form's own.
      if (!(token && pair[0] === "csrfmiddlewaretoken")) { fd.append(pair[0], pair[1]); }
    });
    fd.append("submission_key", item.key);
    (item.files || []).forEach(function (f) { fd.append("attachments", f, f.name || "tep"); });
    var headers = { "Accept": "application/json" };
    if (token) { headers["X-CSRFToken"] = token; }
    // A stalled connection must not hold the outbox lock for ever: give up after two minutes (the report
    // stays pending and is sent on the next try).
    var signal = typeof AbortSignal !== "undefined" && AbortSignal.timeout ? AbortSignal.timeout(120000) : undefined;
    return fetch(url, { method: "POST", body: fd, credentials: "same-origin", headers: headers, signal: signal });
  }

  /* Send one kept report. Resolves to "sent", "error" (the server refused a field), or "later". */
  function sendOne(url, item, retried) {
    return post(url, item).then(function (response) {
      if (response.status === 403 && !retried && typeof document !== "undefined") {
        // An expired CSRF cookie: fetch the form once to get a fresh one, then try again.
        return fetch(url, { credentials: "same-origin" }).then(function () { return sendOne(url, item, true); });
      }
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (body) {
          item.status = "sent";
          item.result = body;
          item.files = [];
          item.fields = [];
          return put(item).then(function () { return "sent"; });
        });
      }
      if (response.status === 400) {
        return response.json().then(function (body) {
          item.status = "error";
          item.errors = body.errors || {};
          return put(item).then(function () { return "error"; });
        });
      }
      return "later";  // 429, 5xx: keep it and try again later
    });
  }

  var syncing = null;
  /* Send every pending report, one after another; stops quietly when the connection drops again. */
  function syncAll(url) {
    if (syncing) { return syncing; }
    var run = function () {
      return all().then(function (items) {
        var pending = items.filter(function (i) { return i.status === "pending"; });
        return pending.reduce(function (chain, item) {
          return chain.then(function () { return sendOne(url, item); });
        }, Promise.resolve());
      });
    };
    var locks = scope.navigator && scope.navigator.locks;
    syncing = (locks ? locks.request("pakn-outbox", run) : run())
      .catch(function () { return null; })
      .then(function (r) { syncing = null; return r; });
    return syncing;
  }

  scope.PaknOutbox = { all: all, get: get, put: put, remove: remove, saveFormData: saveFormData, syncAll: syncAll, newKey: newKey };
})(typeof self !== "undefined" ? self : window);
