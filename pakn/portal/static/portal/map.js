/* Maps of public reports: the map page (markers from the JSON endpoint) and a report's place on its page.
   Leaflet is loaded only when the map comes into view; without tiles the markers still show. */
(function () {
  "use strict";
  var T = window.PaknText;
  var fmt = window.PaknFmt;
  var COLOURS = { "new": "#3b4bc8", wait: "#e0a800", work: "#1769c2", done: "#23863f", closed: "#888888" };

  function start(el, draw) {
    window.PaknWhenVisible(el, function () {
      window.PaknLeaflet(el).then(function (L) {
        el.textContent = "";
        var c = el.getAttribute("data-center").split(",");
        var map = L.map(el, { scrollWheelZoom: false }).setView([+c[0], +c[1]], +el.getAttribute("data-zoom"));
        window.PaknTiles(L, map, el, function () {});
        draw(L, map);
      }).catch(function () {});
    });
  }
  function text(tag, value, cls) {
    var e = document.createElement(tag);
    e.textContent = value;
    if (cls) { e.className = cls; }
    return e;
  }

  /* Many reports in one place are drawn as clusters (leaflet.markercluster, loaded with the map); if it cannot
     be loaded the markers are drawn one by one. */
  var clusterPromise = null;
  function clusters(el) {
    if (!clusterPromise) {
      clusterPromise = new Promise(function (resolve) {
        (el.getAttribute("data-cluster-css") || "").split(" ").forEach(function (href) {
          if (!href) { return; }
          var css = document.createElement("link");
          css.rel = "stylesheet";
          css.href = href;
          document.head.appendChild(css);
        });
        var js = document.createElement("script");
        js.src = el.getAttribute("data-cluster-js");
        js.onload = function () { resolve(typeof window.L.markerClusterGroup === "function"); };
        js.onerror = function () { resolve(false); };
        document.head.appendChild(js);
      });
    }
    return clusterPromise;
  }
  function pin(L, p) {
    return L.marker([p.lat, p.lng], {
      title: p.code,
      icon: L.divIcon({ className: "report-pin tone-" + (COLOURS[p.tone] ? p.tone : "new"), iconSize: [18, 18] })
    });
  }

  var reportsMap = document.getElementById("reports-map");
  if (reportsMap) {
    var statusEl = document.getElementById("map-status");
    start(reportsMap, function (L, map) {
      Promise.all([
        fetch(reportsMap.getAttribute("data-points"), { credentials: "same-origin" }).then(function (r) { return r.json(); }),
        clusters(reportsMap)
      ])
        .then(function (both) {
          var data = both[0];
          var layer = both[1]
            ? L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 48 })
            : L.layerGroup();
          var bounds = [];
          data.reports.forEach(function (p) {
            var popup = document.createElement("div");
            popup.appendChild(text("strong", p.code, "code"));
            popup.appendChild(text("div", p.category + (p.area ? " · " + p.area : "")));
            popup.appendChild(text("div", p.state_label + " · " + p.date));
            popup.appendChild(text("p", p.summary));
            var a = text("a", T.view);
            a.href = p.url;
            popup.appendChild(a);
            pin(L, p).bindPopup(popup).addTo(layer);
            bounds.push([p.lat, p.lng]);
          });
          layer.addTo(map);
          if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 }); }
          statusEl.textContent = !data.count ? T.map_none
            : (data.truncated ? fmt(T.map_truncated, { n: data.count }) : fmt(T.map_count, { n: data.count }));
          reportsMap.setAttribute("data-loaded", String(data.count));
        })
        .catch(function () { statusEl.textContent = T.map_failed; });
    });
  }

  /* The home page's "Gần tôi": the browser's position (asked only on the button), rounded to about a
     kilometre for the request; exact distances are computed here and never leave the phone. */
  var nearBtn = document.getElementById("near-me");
  if (nearBtn) {
    var nearMap = document.getElementById("near-map");
    var nearStatus = document.getElementById("near-status");
    var nearList = document.getElementById("near-list");
    var near = null;
    var km = function (a, b, c, d) {
      var r = Math.PI / 180;
      var x = Math.sin((c - a) * r / 2), y = Math.sin((d - b) * r / 2);
      var h = x * x + Math.cos(a * r) * Math.cos(c * r) * y * y;
      return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
    };
    var distanceText = function (d) {
      return d < 1 ? fmt(T.near_m, { n: Math.max(10, Math.round(d * 100) * 10) }) : fmt(T.near_km, { n: d.toFixed(1).replace(".", ",") });
    };
    var listNear = function (reports) {
      nearList.textContent = "";
      reports.slice(0, 10).forEach(function (p) {
        var li = document.createElement("li");
        li.className = "report-item";
        var a = text("a", p.summary || p.category);
        a.href = p.url;
        var h = document.createElement("h3");
        h.appendChild(a);
        li.appendChild(text("span", p.code, "code small"));
        li.appendChild(h);
        li.appendChild(text("div", distanceText(p.km) + " · " + p.category + " · " + p.state_label, "meta"));
        nearList.appendChild(li);
      });
      nearList.hidden = !reports.length;
    };
    var drawNear = function (lat, lng, reports) {
      nearMap.hidden = false;
      window.PaknLeaflet(nearMap).then(function (L) {
        return clusters(nearMap).then(function (clustered) {
          if (!near) {
            var m = L.map(nearMap, { scrollWheelZoom: false });
            window.PaknTiles(L, m, nearMap, function () {});
            near = { map: m, layer: null, me: null };
          }
          if (near.layer) { near.map.removeLayer(near.layer); near.map.removeLayer(near.me); }
          near.layer = clustered
            ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 })
            : L.layerGroup();
          reports.forEach(function (p) {
            var popup = document.createElement("div");
            popup.appendChild(text("strong", p.code, "code"));
            popup.appendChild(text("div", p.category + " · " + distanceText(p.km)));
            popup.appendChild(text("p", p.summary));
            var a = text("a", T.view);
            a.href = p.url;
            popup.appendChild(a);
            pin(L, p).bindPopup(popup).addTo(near.layer);
          });
          near.me = L.circleMarker([lat, lng], { radius: 9, color: "#fff", weight: 3, fillColor: "#c62828", fillOpacity: 1 })
            .bindTooltip(T.near_you);
          near.layer.addTo(near.map);
          near.me.addTo(near.map);
          near.map.setView([lat, lng], 14);
          nearMap.setAttribute("data-loaded", String(reports.length));
        });
      }).catch(function () {});
    };
    var showNear = function (lat, lng) {
      var url = nearBtn.getAttribute("data-near") + "?lat=" + lat.toFixed(2) + "&lng=" + lng.toFixed(2);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (data) {
          var reports = data.reports.map(function (p) { p.km = km(lat, lng, p.lat, p.lng); return p; })
            .filter(function (p) { return p.km <= data.radius_km; })
            .sort(function (a, b) { return a.km - b.km; });
          nearStatus.textContent = reports.length
            ? fmt(T.near_count, { n: reports.length, km: String(data.radius_km).replace(".", ",") })
            : fmt(T.near_none, { km: String(data.radius_km).replace(".", ",") });
          listNear(reports);
          drawNear(lat, lng, reports);
        })
        .catch(function () { nearStatus.textContent = T.near_failed; });
    };
    nearBtn.addEventListener("click", function () {
      if (!navigator.geolocation) { nearStatus.textContent = T.near_denied; return; }
      nearStatus.textContent = T.locating;
      navigator.geolocation.getCurrentPosition(
        function (pos) { showNear(pos.coords.latitude, pos.coords.longitude); },
        function (err) { nearStatus.textContent = err && err.code === 1 ? T.near_denied : T.near_unknown; },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  var detailMap = document.getElementById("detail-map");
  if (detailMap) {
    start(detailMap, function (L, map) {
      var p = detailMap.getAttribute("data-point").split(",").map(Number);
      L.circleMarker(p, {
        radius: 10, color: "#222", weight: 2,
        fillColor: COLOURS[detailMap.getAttribute("data-tone")] || COLOURS["new"], fillOpacity: 0.9
      }).addTo(map);
      map.setView(p, 16);
    });
  }
})();
