// The app's plotly.js: only the trace types it draws (scatter is in the core; bar, heatmap, and the town map's
// d3-geo traces choropleth and scattergeo, drawn in SVG with no map library and no tiles).
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo')
]);

module.exports = Plotly;
