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
