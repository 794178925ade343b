/* pakn portal service worker, version __VERSION__: keeps the shell on the phone so the report form
   opens without a connection, and keeps a report whose sending failed until the connection returns. */
"use strict";
var CACHE = "pakn-shell-__VERSION__";
var SHELL = {{ shell_json|safe }};
var SUBMIT = "{% url 'portal:submit' %}";
var OFFLINE = "{% url 'portal:offline' %}";
// Private or staff pages are never kept on the phone.
var NEVER = ["/theo-doi/", "/gui-phan-anh/da-gui/", "/console/", "/admin/", "/api/", "/open311/", "/i18n/"];
importScripts("{{ outbox_url }}");

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(SHELL.map(function (u) { return new Request(u, { credentials: "same-origin" }); })); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("pakn-shell-") === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function notify() {
  return self.clients.matchAll({ includeUncontrolled: true }).then(function (clients) {
    clients.forEach(function (c) { c.postMessage({ type: "outbox" }); });
  });
}

/* The form posted while the network failed: keep it in the outbox and show the offline page. */
function postOrKeep(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.formData()
      .then(function (fd) { return self.PaknOutbox.saveFormData(fd); })
      .then(function (key) {
        if (self.registration.sync) { self.registration.sync.register("pakn-outbox").catch(function () {}); }
        return Response.redirect(OFFLINE + "?luu=" + encodeURIComponent(key), 303);
      });
  });
}

function fromNetworkElseShell(request, path) {
  return fetch(request).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(path, { ignoreSearch: true }).then(function (hit) { return hit || cache.match(OFFLINE); });
    });
  });
}

function cachedThenRefresh(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
      return hit || fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }  // map tiles and the like: the network only
  if (request.method === "POST" && url.pathname === SUBMIT && request.mode === "navigate") {
    event.respondWith(postOrKeep(request));
    return;
  }
  if (request.method !== "GET" || NEVER.some(function (p) { return url.pathname.indexOf(p) === 0; })) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fromNetworkElseShell(request, url.pathname));
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) { event.respondWith(cachedThenRefresh(request)); }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "pakn-outbox") {
    event.waitUntil(self.PaknOutbox.syncAll(SUBMIT).then(notify));
  }
});
