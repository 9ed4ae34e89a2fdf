#!/usr/bin/env bash
# Prepares this checkout on Debian: installs system packages only where missing, then the .venv.
#   scripts/setup.sh          what exporting needs (Pango/HarfBuzz for WeasyPrint, fonts)
#   scripts/setup.sh --test   plus what the tests need (Java for EPUBCheck, poppler-utils, test packages)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra)
[ "$mode" = --test ] && packages+=(poppler-utils)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "$mode" = --test ] && ! command -v java >/dev/null 2>&1; then missing+=(default-jre-headless); fi
python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "setup: Python 3.11 or newer is needed")'
[ -x .venv/bin/python ] || python3 -m venv .venv

extra=""; [ "$mode" = --test ] && extra="[test]"
stamp=".venv/.installed$extra-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c 'import weasyprint, ebooklib, bs4, lxml, click, nh3' || { echo "setup: Python packages failed to install" >&2; exit 1; }
  touch "$stamp"
fi
