// plotly.js's geo maps ask for a world topojson (their base layers: land, coastlines, countries, …) from
// cdn.plot.ly before they draw anything, even with every base layer off, as on the town map. This gives
// every scope an empty one, so nothing is fetched (DESIGN §8); a base layer turned on would draw nothing.
// Loaded on every page (Dash assets) and in the PNG renderer's page (web/png.py), before or after plotly.js.
(function () {
  "use strict";
  var assets = window.PlotlyGeoAssets = window.PlotlyGeoAssets || {};
  var topojson = assets.topojson = assets.topojson || {};
  var layers = ["land", "ocean", "lakes", "rivers", "coastlines", "countries", "subunits"];
  var scopes = ["world", "usa", "europe", "asia", "africa", "north-america", "south-america", "antarctica",
                "oceania"];
  scopes.forEach(function (scope) {
    [50, 110].forEach(function (resolution) {
      var objects = {};
      layers.forEach(function (layer) {
        objects[layer] = {type: "GeometryCollection", geometries: []};
      });
      topojson[scope + "_" + resolution + "m"] = {type: "Topology", objects: objects, arcs: []};
    });
  });
})();
