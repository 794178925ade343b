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

  var reportsMap = document.getElementById("reports-map");
  if (reportsMap) {
    var statusEl = document.getElementById("map-status");
    start(reportsMap, function (L, map) {
      fetch(reportsMap.getAttribute("data-points"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
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
            L.circleMarker([p.lat, p.lng], {
              radius: 8, color: "#222", weight: 1, fillColor: COLOURS[p.tone] || COLOURS["new"], fillOpacity: 0.9
            }).bindPopup(popup).addTo(map);
            bounds.push([p.lat, p.lng]);
          });
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
