// Stands in for maplibre-gl inside plotly-partial.min.js: plotly.js only touches MapLibre when it draws a map,
// by which time plotly-maps.lazy.js has set window.maplibregl (and its worker).
'use strict';

module.exports = new Proxy({}, {
    get: function (_target, key) {
        if (key === 'setWorkerUrl') return function () {};  // plotly-maps.lazy.js sets the worker itself
        if (!window.maplibregl) throw new Error('MapLibre is not loaded (plotly-maps.lazy.js)');
        return window.maplibregl[key];
    }
});
