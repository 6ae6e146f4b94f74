// plotly-maps.lazy.js: MapLibre for the map traces of plotly-partial.min.js, with its worker (run from a blob,
// as plotly.js does; CSP worker-src allows blob:) and its style sheet.
import * as maplibregl from 'maplibre-gl/dist/maplibre-gl.mjs';
import workerSource from 'plotly.js/build/maplibre_worker.js';
import css from 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })));
var style = document.createElement('style');
style.textContent = css;
document.head.appendChild(style);
window.maplibregl = maplibregl;
