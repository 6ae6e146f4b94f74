// The app's plotly.js: only the trace types it draws (scatter is in the core; bar, heatmap, choroplethmap,
// scattermap). MapLibre, which only the map traces need and which is most of a map bundle, is left out: it is
// in plotly-maps.lazy.js, loaded the first time a figure with a map trace is drawn (see maplibre-shim.js).
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choroplethmap'),
    require('plotly.js/lib/scattermap')
]);

var MAP_TRACES = { choroplethmap: true, scattermap: true, densitymap: true };
var here = document.currentScript ? document.currentScript.src : '';
var loading = null;

function hasMap(data) {
    var traces = Array.isArray(data) ? data : (data && data.data) || [];
    return traces.some(function (trace) { return trace && MAP_TRACES[trace.type]; });
}

function loadMaps() {
    if (window.maplibregl) return Promise.resolve();
    if (!loading) {
        loading = new Promise(function (resolve, reject) {
            var script = document.createElement('script');
            script.src = here.replace(/plotly-partial\.min\.js/, 'plotly-maps.lazy.js');
            script.onload = function () { resolve(); };
            script.onerror = function (error) { loading = null; reject(error); };
            document.head.appendChild(script);
        });
    }
    return loading;
}

// dcc.Graph draws with Plotly.react (and newPlot): a figure with a map waits for MapLibre first.
['newPlot', 'react'].forEach(function (name) {
    var draw = Plotly[name];
    Plotly[name] = function (gd, data) {
        var args = arguments;
        if (!window.maplibregl && hasMap(data)) {
            return loadMaps().then(function () { return draw.apply(Plotly, args); });
        }
        return draw.apply(Plotly, args);
    };
});
Plotly.loadMaps = loadMaps;

module.exports = Plotly;
