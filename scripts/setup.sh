#!/usr/bin/env bash
# Prepares this checkout on Debian: installs system packages only where missing, then the .venv.
#   scripts/setup.sh          what exporting needs (Pango/HarfBuzz for WeasyPrint, the fonts print.css names for every
#                             script, FriBiDi for the covers' right-to-left titles)
#   scripts/setup.sh --test   plus what the tests need: Java for EPUBCheck, poppler-utils, qpdf, Jing (OPDS schema),
#                             test packages, and for the accessibility and determinism tests Chromium + DAISY Ace (npm, into
#                             node_modules from the committed package-lock.json) and faketime
# Python packages come from the lock files (requirements.lock, or requirements-test.lock with --test; every version
# pinned and every file hashed; scripts/lock.sh makes them), then the project itself, editable, without dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
# Fonts (docs/fonts.md): the families exporter/styles/print.css names. DejaVu Serif, Sans, Sans Mono for Latin, Greek
# and Cyrillic (fonts-dejavu-extra has the italics); fonts-noto-core for Arabic/Persian (Noto Naskh Arabic), Hebrew,
# Devanagari, Bengali, Tamil and Thai (Noto Serif/Sans …); fonts-noto-cjk for Chinese, Japanese and Korean with their
# regional forms (Noto Serif/Sans CJK SC, TC, HK, JP, KR); fonts-noto-color-emoji for emoji (in colour).
# libfribidi0: Pillow's raqm layout loads it at run time to shape right-to-left titles on the covers.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfribidi0 fonts-dejavu-core fonts-dejavu-extra
  fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
[ "$mode" = --test ] && packages+=(poppler-utils qpdf chromium faketime jing)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "$mode" = --test ]; then
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "setup: Python 3.11 or newer is needed")'
[ -x .venv/bin/python ] || python3 -m venv .venv

lock=requirements.lock; [ "$mode" = --test ] && lock=requirements-test.lock
# The stamp names the lock file and pyproject.toml (entry points, package data) by their hashes: any change reinstalls.
stamp=".venv/.installed-$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv from $lock" >&2
  pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
  # (pipefail: a failing pip fails the pipeline; grep only drops pip's notes about configured folders that are absent)
  if ! { "${pip[@]}" --require-hashes -r "$lock" && "${pip[@]}" --no-deps -e .; } 2>&1 \
    | { grep -v '^WARNING: Location' >&2 || true; }; then
    echo "setup: Python packages failed to install" >&2; exit 1
  fi
  .venv/bin/python -c 'import exporter.cli, weasyprint, ebooklib, bs4, lxml, click, nh3' \
    || { echo "setup: Python packages failed to install" >&2; exit 1; }
  touch "$stamp"
fi

# DAISY Ace, the EPUB accessibility checker, with the versions package-lock.json pins. Puppeteer must not download
# a browser of its own (it cannot, here): the tests point it at Debian's Chromium.
if [ "$mode" = --test ]; then
  stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
  if [ ! -f "$stamp" ] || [ ! -x node_modules/.bin/ace-cli ]; then
    echo "setup: installing DAISY Ace into node_modules (npm ci)" >&2
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
    [ -x node_modules/.bin/ace-cli ] || { echo "setup: DAISY Ace failed to install" >&2; exit 1; }
    touch "$stamp"
  fi
fi
