/* Every portal page: the service worker, the offline outbox's notices, copy buttons, and the lazy Leaflet loader. */
(function () {
  "use strict";
  var me = document.getElementById("portal-js");
  var submitUrl = me.getAttribute("data-submit");
  var T = JSON.parse(document.getElementById("portal-i18n").textContent);
  window.PaknText = T;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }
  window.PaknFmt = fmt;

  /* Leaflet is only downloaded on pages and at moments that need a map. */
  var leafletPromise = null;
  window.PaknLeaflet = function (el) {
    if (window.L) { return Promise.resolve(window.L); }
    if (!leafletPromise) {
      leafletPromise = new Promise(function (resolve, reject) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = el.getAttribute("data-leaflet-css");
        document.head.appendChild(css);
        var js = document.createElement("script");
        js.src = el.getAttribute("data-leaflet-js");
        js.onload = function () { resolve(window.L); };
        js.onerror = function () { leafletPromise = null; reject(new Error("leaflet")); };
        document.head.appendChild(js);
      });
    }
    return leafletPromise;
  };
  window.PaknTiles = function (L, map, el, onFail) {
    var url = el.getAttribute("data-tiles");
    if (!url) { onFail(); return; }
    var failures = 0;
    var layer = L.tileLayer(url, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" });
    layer.on("tileerror", function () { failures += 1; if (failures === 4) { onFail(); } });
    layer.addTo(map);
  };
  window.PaknWhenVisible = function (el, run) {
    if (!("IntersectionObserver" in window)) { run(); return; }
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); run(); }
    }, { rootMargin: "200px" });
    seen.observe(el);
  };

  /* Copy buttons (the follow-up link). */
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) { return; }
    var input = document.querySelector(btn.getAttribute("data-copy"));
    input.select();
    var done = function () { btn.textContent = T.copied; };
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); }); }
    else { document.execCommand("copy"); done(); }
  });

  /* The outbox's notices: what waits to be sent, what was sent, what needs fixing. */
  var box = document.getElementById("outbox");
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) { e.textContent = text; }
    return e;
  }
  function render() {
    if (!box || !window.PaknOutbox) { return Promise.resolve(); }
    return PaknOutbox.all().then(function (items) {
      box.textContent = "";
      var pending = items.filter(function (i) { return i.status === "pending"; });
      if (pending.length) {
        var p = el("div", { "class": "notice notice-warn", "data-outbox": "pending" });
        p.appendChild(el("p", {}, pending.length + " " + T.pending_many));
        var list = el("ul", { "class": "waiting-list" });
        pending.forEach(function (item) {
          var content = "";
          (item.fields || []).forEach(function (pair) { if (pair[0] === "content") { content = pair[1]; } });
          content = content.replace(/\s+/g, " ").trim();
          if (content.length > 80) { content = content.slice(0, 79) + "…"; }
          var when = new Date(item.created).toLocaleString("vi-VN", { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" });
          list.appendChild(el("li", { "data-outbox-item": item.key }, (content || T.no_text) + " — " + T.saved_at + " " + when));
        });
        p.appendChild(list);
        box.appendChild(p);
      }
      items.filter(function (i) { return i.status === "sent"; }).forEach(function (item) {
        var n = el("div", { "class": "notice notice-ok", "data-outbox": "sent" });
        var para = el("p", {}, T.sent + " ");
        para.appendChild(el("strong", { "class": "code" }, item.result.tracking_code));
        n.appendChild(para);
        var actions = el("p", { "class": "actions" });
        if (item.result.follow_up_url) { actions.appendChild(el("a", { "class": "btn", href: item.result.follow_up_url }, T.follow)); }
        var ok = el("button", { type: "button", "class": "btn btn-secondary" }, "OK");
        ok.addEventListener("click", function () { PaknOutbox.remove(item.key).then(render); });
        actions.appendChild(ok);
        n.appendChild(actions);
        box.appendChild(n);
      });
      items.filter(function (i) { return i.status === "error"; }).forEach(function (item) {
        var n = el("div", { "class": "notice notice-bad", "data-outbox": "error" });
        n.appendChild(el("p", {}, T.needs_fix));
        var list = el("ul");
        Object.keys(item.errors || {}).forEach(function (f) {
          (item.errors[f] || []).forEach(function (m) { list.appendChild(el("li", {}, m)); });
        });
        n.appendChild(list);
        var actions = el("p", { "class": "actions" });
        var edit = el("a", { "class": "btn", href: submitUrl + "?ban-luu=" + encodeURIComponent(item.key) }, T.edit);
        var drop = el("button", { type: "button", "class": "btn btn-secondary" }, T.discard);
        drop.addEventListener("click", function () { PaknOutbox.remove(item.key).then(render); });
        actions.appendChild(edit);
        actions.appendChild(drop);
        n.appendChild(actions);
        box.appendChild(n);
      });
    });
  }
  function sync() {
    if (!window.PaknOutbox) { return Promise.resolve(); }
    return render().then(function () {
      if (navigator.onLine === false) { return null; }
      return PaknOutbox.syncAll(submitUrl);
    }).then(render);
  }
  /* The offline page after a report was kept (?luu=…): say plainly it is saved and will be sent. */
  if (/[?&]luu=/.test(window.location.search)) {
    var saved = document.getElementById("offline-saved");
    var plain = document.getElementById("offline-page");
    if (saved && plain) {
      saved.hidden = false;
      plain.hidden = true;
      document.title = saved.querySelector("h1").textContent + " · " + document.title.split(" · ").pop();
    }
  }
  window.PaknOutboxRender = render;
  window.PaknOutboxSync = sync;
  window.addEventListener("online", sync);
  if (window.PaknOutbox) { sync(); }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(me.getAttribute("data-sw"), { scope: "/" }).catch(function () { /* no offline mode */ });
    navigator.serviceWorker.addEventListener("message", function (ev) {
      if (ev.data && ev.data.type === "outbox") { render(); }
    });
  }
})();
