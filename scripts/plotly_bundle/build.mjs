// node build.mjs OUT_DIR: plotly-partial.min.js, minified, from the pinned packages in node_modules.
import * as esbuild from 'esbuild';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

const out = process.argv[2];
const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
// Nothing may load from the internet (DESIGN §8): plotly.js's defaults that name other hosts (the topojson of
// geo maps, and the basemaps, tiles and fonts of the map traces the app does not draw) point at this site
// instead, where they are not found. The town map draws no base layer, and assets/plotly-geo-offline.js
// gives plotly the empty topojson it asks for anyway, so even that request is never made.
const OFFLINE = /https:\/\/(basemaps\.cartocdn\.com|tile\.openstreetmap\.org|fonts\.openmaptiles\.org|cdn\.jsdelivr\.net|cdn\.plot\.ly)\//g;
const stayOffline = {
    name: 'stay-offline',
    setup(build) {
        build.onLoad({ filter: /plotly\.js[\\/]src[\\/].*\.js$/ }, async (args) => ({
            contents: (await fs.readFile(args.path, 'utf8')).replace(OFFLINE, '/offline/$1/'), loader: 'js',
        }));
    },
};
// plotly.js's registry requires MapLibre's style sheet for the map traces the app does not draw: left out.
const noStyleSheets = {
    name: 'no-style-sheets',
    setup(build) {
        build.onResolve({ filter: /\.css$/ }, () => ({ path: 'css', namespace: 'empty' }));
        build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '', loader: 'js' }));
    },
};
await esbuild.build({
    entryPoints: [path.join(here, 'entry.js')], outfile: path.join(out, 'plotly-partial.min.js'),
    bundle: true, minify: true, format: 'iife', target: 'es2016', legalComments: 'none', globalName: 'Plotly',
    define: { global: 'window', 'define.amd': 'false' }, logLevel: 'warning', plugins: [noStyleSheets, stayOffline],
});
console.log('plotly.js', require('plotly.js/package.json').version, 'esbuild', esbuild.version);
