#!/usr/bin/env bash
# scripts/extract-messages.sh: rewrite exporter/locale/exporter.pot from the source (the fixed texts of our books)
# and merge new messages into every catalog (new ones come in empty: translate them). See docs/translations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
"$PYBABEL" extract -F babel.cfg -k _ -k text -k plural:1,2 --no-default-keywords --no-location --sort-output \
  --omit-header --no-wrap -o exporter/locale/exporter.pot .
"$PYBABEL" update -i exporter/locale/exporter.pot -d exporter/locale -D exporter \
  --no-wrap --no-fuzzy-matching --ignore-obsolete
