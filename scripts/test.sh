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
# Real town boundaries and ACS data live beside the repository in ../shared (never copied in).
export CT_EQUITY_BOUNDARIES="${CT_EQUITY_BOUNDARIES:-$(cd .. && pwd)/shared/geo/ct_towns.geojson}"
exec python3 -m pytest --headless -p no:cacheprovider "$@"
