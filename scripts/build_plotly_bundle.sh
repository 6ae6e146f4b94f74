#!/usr/bin/env bash
# Rebuild assets/plotly-partial.min.js from the npm registry (DESIGN §8).
#
# plotly.js's own partial-bundle mechanism: an entry file registers only the trace modules the app draws
# (lib/bar, lib/heatmap, and lib/choropleth, lib/scattergeo for the town map, drawn by d3-geo in SVG: no
# MapLibre, no tiles; scatter is in lib/core) and esbuild bundles it, as plotly.js's CUSTOM_BUNDLE.md build
# does. Versions are pinned by scripts/plotly_bundle/package.json and package-lock.json (`npm ci`); plotly.js
# matches the Python plotly package, which kaleido uses for PNGs. The same inputs give the same bytes.
# Needs node and npm; run from anywhere: scripts/build_plotly_bundle.sh [OUT_DIR, default assets/]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$(cd "${1:-$root/assets}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here"/plotly_bundle/{package.json,package-lock.json,entry.js,build.mjs} "$work"/
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && node build.mjs "$out")
ls -l "$out"/plotly-partial.min.js
