/* Statistics pages: show only the period fields that apply, and draw the density map (Leaflet). */
(function () {
  "use strict";
  var kind = document.querySelector("[data-period-kind]");
  function toggle() {
    if (!kind) return;
    document.querySelectorAll(".s-filter [data-for]").forEach(function (field) {
      var shown = field.getAttribute("data-for").split(" ").indexOf(kind.value) !== -1;
      field.hidden = !shown;
      field.querySelectorAll("input, select").forEach(function (input) { input.disabled = !shown; });
    });
  }
  if (kind) { kind.addEventListener("change", toggle); toggle(); }

  var mapBox = document.getElementById("s-map");
  if (!mapBox || typeof L === "undefined") return;
  var cells = JSON.parse(document.getElementById("s-map-cells").textContent);
  var config = JSON.parse(document.getElementById("s-map-config").textContent);
  var map = L.map(mapBox, { scrollWheelZoom: false }).setView(config.center, config.zoom);
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 18, attribution: config.attribution }).addTo(map);
  }
  var top = cells.reduce(function (m, c) { return Math.max(m, c[2]); }, 1);
  var bounds = [];
  cells.forEach(function (c) {
    var radius = 6 + 24 * Math.sqrt(c[2] / top);
    L.circleMarker([c[0], c[1]], {
      radius: radius, color: "#0b4f8a", weight: 1, fillColor: "#2f6fb0", fillOpacity: 0.55
    }).bindTooltip(c[2] + " phản ánh").addTo(map);
    bounds.push([c[0], c[1]]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
})();
