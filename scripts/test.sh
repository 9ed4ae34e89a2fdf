#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, then unit, integration and conformance tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check exporter tests bench
.venv/bin/ruff format --check exporter tests bench
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
