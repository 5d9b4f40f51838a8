// Draws the boundary GeoJSON of a region's children with Leaflet, without any tile layer: the
// app runs offline, so the polygons themselves are the map.
(function () {
  "use strict";
  const el = document.getElementById("region-map");
  if (!el || !window.L) { return; }
  const detailUrl = (code) => el.dataset.detailUrl.replace("/00/", "/" + code + "/");
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("cahyadsn/wilayah_boundaries (MIT)");
  fetch(el.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then((response) => {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then((collection) => {
      if (!collection.features.length) {
        el.classList.add("d-none");
        document.getElementById("map-empty").classList.remove("d-none");
        return;
      }
      const layer = L.geoJSON(collection, {
        style: () => ({ color: "#146c43", weight: 1, fillColor: "#75b798", fillOpacity: 0.45 }),
        onEachFeature: (feature, shape) => {
          const p = feature.properties;
          shape.bindTooltip(p.name + " (" + p.code + ")", { sticky: true });
          shape.on("mouseover", () => shape.setStyle({ fillOpacity: 0.75 }));
          shape.on("mouseout", () => shape.setStyle({ fillOpacity: 0.45 }));
          if (p.code !== el.dataset.code) {
            shape.on("click", () => { window.location.href = detailUrl(p.code); });
          }
        },
      }).addTo(map);
      // Leaflet creates the SVG paths only once the map has a view, so fit first.
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      layer.eachLayer((shape) => {
        const path = shape.getElement && shape.getElement();
        if (path) { path.setAttribute("data-code", shape.feature.properties.code); }
      });
      el.dataset.features = String(collection.features.length);
    })
    .catch(() => {
      el.classList.add("d-none");
      document.getElementById("map-empty").classList.remove("d-none");
    });
})();
