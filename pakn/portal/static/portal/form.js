/* The report form: a pin on the map (Leaflet loaded only when the map comes into view), the phone's location,
   a commune suggested from the pin, early file checks, and keeping the report on the phone when offline. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var T = window.PaknText;
  var fmt = window.PaknFmt;
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  var area = document.getElementById("id_area");
  var keyInput = form.querySelector("[name=submission_key]");
  var mapEl = document.getElementById("pick-map");
  var statusEl = document.getElementById("pick-status");
  var suggestionEl = document.getElementById("area-suggestion");
  var map = null;
  var marker = null;

  /* A fresh page gets a fresh key (a cached copy of the form must not reuse an old one); a form that came
     back with an error keeps its key, under which its files are already kept on the server. */
  if (!form.hasAttribute("data-bound") && window.PaknOutbox) { keyInput.value = PaknOutbox.newKey(); }

  function status(text) { statusEl.textContent = text || ""; }
  function current() {
    var la = parseFloat((lat.value || "").replace(",", "."));
    var lo = parseFloat((lng.value || "").replace(",", "."));
    return isNaN(la) || isNaN(lo) ? null : [la, lo];
  }
  function placeMarker() {
    var p = current();
    if (!map || !p) { return; }
    if (marker) { marker.setLatLng(p); }
    else {
      marker = window.L.circleMarker(p, { radius: 11, color: "#7c1014", weight: 3, fillColor: "#ffd21f", fillOpacity: 0.9 }).addTo(map);
    }
    map.setView(p, Math.max(map.getZoom(), 16));
  }
  function ensureMap() {
    return window.PaknLeaflet(mapEl).then(function (L) {
      if (map) { return map; }
      mapEl.textContent = "";
      var c = mapEl.getAttribute("data-center").split(",");
      map = L.map(mapEl, { scrollWheelZoom: false }).setView([+c[0], +c[1]], +mapEl.getAttribute("data-zoom"));
      window.PaknTiles(L, map, mapEl, function () { status(T.map_failed); });
      map.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng); });
      placeMarker();
      return map;
    }).catch(function () { status(T.map_failed); });
  }
  /* The commune follows the pin until the person chooses one: only imported boundaries name it (the server
     answers nothing without them), and the hint never contradicts what is selected. */
  var chosenByPerson = area.value !== "" && form.hasAttribute("data-bound");
  var settingArea = false;
  area.addEventListener("change", function () { if (!settingArea) { chosenByPerson = true; } });
  function suggest(la, lo) {
    fetch(form.getAttribute("data-suggest-url") + "?lat=" + la + "&lng=" + lo, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (!chosenByPerson) {
          area.value = d.area ? String(d.area) : "";
          settingArea = true;
          area.dispatchEvent(new Event("change", { bubbles: true }));
          settingArea = false;
        }
        if (!d.area) { suggestionEl.textContent = ""; return; }
        var same = area.value === String(d.area);
        suggestionEl.textContent = fmt(same ? T.suggested : T.suggested_other, { name: d.name });
      })
      .catch(function () { suggestionEl.textContent = ""; });
  }
  function setPin(la, lo) {
    lat.value = la.toFixed(6);
    lng.value = lo.toFixed(6);
    placeMarker();
    status(T.pin_set);
    document.body.dispatchEvent(new CustomEvent("pin"));
    suggest(lat.value, lng.value);
  }

  window.PaknWhenVisible(mapEl, ensureMap);
  [lat, lng].forEach(function (input) {
    input.addEventListener("change", function () { if (current()) { ensureMap().then(placeMarker); } });
  });

  var locate = document.getElementById("use-location");
  if (navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status(T.locating);
      navigator.geolocation.getCurrentPosition(function (pos) {
        ensureMap().then(function () {
          setPin(pos.coords.latitude, pos.coords.longitude);
          status(T.located);
        });
      }, function () { status(T.no_location); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
    });
  }

  /* Files: say at once what the server would refuse (the server still checks the bytes). */
  var files = document.getElementById("id_attachments");
  var chosen = document.getElementById("chosen-files");
  var fileErrors = document.getElementById("id_attachments_error");
  var limits = JSON.parse(form.getAttribute("data-limits"));
  var maxFiles = +form.getAttribute("data-max-files");
  // Sizes as people read them, with the Vietnamese decimal comma: "40 kB", "1,5 MB" (never "0,0 MB").
  function fileSize(n) {
    if (n < 1024) { return n + " B"; }
    if (n < 1048576) { return Math.max(Math.round(n / 1024), 1) + " kB"; }
    return (n / 1048576).toFixed(1).replace(".", ",") + " MB";
  }
  function checkFiles() {
    var errors = [];
    chosen.textContent = "";
    var kept = form.querySelectorAll("[name=remove_stash]:not(:checked)").length;
    Array.prototype.forEach.call(files.files, function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + " (" + fileSize(f.size) + ")";
      chosen.appendChild(li);
      var kind = (f.type || "").split("/")[0];
      if (f.type && !limits[kind]) { errors.push(fmt(T.file_type, { name: f.name })); }
      else if (limits[kind] && f.size > limits[kind]) {
        errors.push(fmt(T.file_too_large, { name: f.name, limit: Math.floor(limits[kind] / 1048576) }));
      }
    });
    if (files.files.length + kept > maxFiles) { errors.push(fmt(T.too_many, { n: maxFiles })); }
    fileErrors.textContent = "";
    errors.forEach(function (m) { var li = document.createElement("li"); li.textContent = m; fileErrors.appendChild(li); });
    files.setAttribute("aria-invalid", errors.length ? "true" : "false");
    return errors.length === 0;
  }
  files.addEventListener("change", checkFiles);
  /* A photo taken on the spot knows where: read its GPS in the browser (the server strips it from every public
     copy) and pin it, unless the person already placed the pin. */
  files.addEventListener("change", function () {
    if (current() || !window.exifr) { return; }
    var photos = Array.prototype.filter.call(files.files, function (f) { return /^image\//.test(f.type); });
    photos.reduce(function (found, f) {
      return found.then(function (g) { return g || window.exifr.gps(f).catch(function () { return null; }); });
    }, Promise.resolve(null)).then(function (g) {
      if (!g || !isFinite(g.latitude) || !isFinite(g.longitude) || current()) { return; }
      ensureMap().then(function () { setPin(g.latitude, g.longitude); status(T.photo_place); });
    });
  });
  form.addEventListener("change", function (ev) { if (ev.target.name === "remove_stash") { checkFiles(); } });

  /* A report kept on the phone that the server refused: put it back into the form to fix it. */
  var fromOutbox = new URLSearchParams(location.search).get("ban-luu");
  if (fromOutbox && window.PaknOutbox) {
    PaknOutbox.get(fromOutbox).then(function (item) {
      if (!item) { return; }
      item.fields.forEach(function (pair) {
        var field = form.elements[pair[0]];
        if (!field || pair[0] === "csrfmiddlewaretoken") { return; }
        if (field instanceof RadioNodeList) {
          Array.prototype.forEach.call(field, function (r) { r.checked = r.value === pair[1]; });
        } else if (field.type === "checkbox") { field.checked = true; }
        else { field.value = pair[1]; }
      });
      if (item.files && item.files.length && window.DataTransfer) {
        var dt = new DataTransfer();
        item.files.forEach(function (f) { dt.items.add(f); });
        files.files = dt.files;
        checkFiles();
      }
      keyInput.value = item.key;
      form.setAttribute("data-from-outbox", item.key);
      if (current()) { ensureMap().then(placeMarker); }
    });
  }

  form.addEventListener("submit", function (ev) {
    if (!checkFiles()) { ev.preventDefault(); fileErrors.scrollIntoView({ block: "center" }); return; }
    var outboxKey = form.getAttribute("data-from-outbox");
    if (navigator.onLine !== false || !window.PaknOutbox) {
      // Online: the ordinary post. If the network fails on the way, the service worker keeps the report.
      if (outboxKey) { PaknOutbox.remove(outboxKey); }
      return;
    }
    ev.preventDefault();
    if (!form.checkValidity()) { form.reportValidity(); return; }
    PaknOutbox.saveFormData(new FormData(form)).then(function () {
      if (navigator.serviceWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) { return reg.sync.register("pakn-outbox"); } }).catch(function () {});
      }
      form.reset();
      chosen.textContent = "";
      keyInput.value = PaknOutbox.newKey();
      form.removeAttribute("data-from-outbox");
      var note = document.createElement("div");
      note.className = "notice notice-warn";
      note.setAttribute("role", "status");
      note.setAttribute("data-saved-offline", "1");
      note.textContent = T.saved_offline;
      form.parentNode.insertBefore(note, form);
      window.PaknOutboxRender();
      window.scrollTo(0, 0);
    });
  });
})();
