#!/usr/bin/env bash
# The main job on the bundled fixtures: every file in fixtures/ becomes an EPUB and a PDF in output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/exporter export fixtures --media fixtures/collection-media -o output "$@"
