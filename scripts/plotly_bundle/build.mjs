// node build.mjs OUT_DIR: the two bundles, minified, from the pinned packages in node_modules.
import * as esbuild from 'esbuild';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

const out = process.argv[2];
const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const common = {
    bundle: true, minify: true, format: 'iife', target: 'es2016', legalComments: 'none',
    define: { global: 'window', 'define.amd': 'false' }, logLevel: 'warning',
};
// plotly-partial.min.js: MapLibre, its worker and its style sheet come from the lazy bundle instead.
const leaveMapLibreOut = {
    name: 'leave-maplibre-out',
    setup(build) {
        build.onResolve({ filter: /maplibre-gl\/dist\/maplibre-gl\.mjs$/ },
            () => ({ path: path.join(here, 'maplibre-shim.js') }));
        build.onResolve({ filter: /maplibre_worker$/ }, () => ({ path: 'worker', namespace: 'empty' }));
        build.onResolve({ filter: /\.css$/ }, () => ({ path: 'css', namespace: 'empty' }));
        build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = "";', loader: 'js' }));
    },
};
// Nothing may load from the internet (DESIGN §8): plotly.js's defaults that name other hosts (basemap styles,
// tiles, glyphs, marker icons, the topojson of geo maps) point at this site instead, where they are not found.
// The app draws maps on map_style "white-bg", which needs none of them.
const OFFLINE = /https:\/\/(basemaps\.cartocdn\.com|tile\.openstreetmap\.org|fonts\.openmaptiles\.org|cdn\.jsdelivr\.net|cdn\.plot\.ly)\//g;
const stayOffline = {
    name: 'stay-offline',
    setup(build) {
        build.onLoad({ filter: /plotly\.js[\\/]src[\\/].*\.js$/ }, async (args) => ({
            contents: (await fs.readFile(args.path, 'utf8')).replace(OFFLINE, '/offline/$1/'), loader: 'js',
        }));
    },
};
await esbuild.build({ ...common, entryPoints: [path.join(here, 'entry.js')], globalName: 'Plotly',
    plugins: [leaveMapLibreOut, stayOffline], outfile: path.join(out, 'plotly-partial.min.js') });
await esbuild.build({ ...common, entryPoints: [path.join(here, 'maps.js')], loader: { '.css': 'text' },
    outfile: path.join(out, 'plotly-maps.lazy.js') });
console.log('plotly.js', require('plotly.js/package.json').version, 'maplibre-gl',
    require('maplibre-gl/package.json').version, 'esbuild', esbuild.version);
