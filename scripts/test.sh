#!/usr/bin/env bash
# Install what the tests need (Python packages, Debian chromium + chromium-driver) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'
# axe-core (accessibility audit) from the npm registry, kept outside git under .cache/.
if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
  mkdir -p .cache/axe && npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14 >/dev/null
fi
export AXE_JS="$PWD/.cache/axe/node_modules/axe-core/axe.min.js"
# Builds use the town layer shipped in geo/; tests that compare against the reference data in ../shared read
# it themselves (and skip with the reason when it is absent, or fail when CI=true).
exec python3 -m pytest --headless -p no:cacheprovider "$@"
