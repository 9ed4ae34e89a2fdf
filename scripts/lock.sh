#!/usr/bin/env bash
# Regenerates the lock files scripts/setup.sh installs from, for CPython 3.11 on Linux, every file hashed:
#   requirements.lock        what exporting needs (pyproject.toml's dependencies)
#   requirements-test.lock   plus the test extras, with the same versions as requirements.lock
# uv keeps the versions the lock files already pin (it reads them as preferences); to move one package:
#   scripts/lock.sh --upgrade-package weasyprint
# Then run the whole test suite and compare the exports before committing. Needs uv (UV=path/to/uv) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-uv}
# Every 3.11 release (Debian 12 has 3.11.2): uv then keeps out versions that need a later one.
common=(--quiet --generate-hashes --python-version 3.11 --python-platform linux --custom-compile-command scripts/lock.sh)
"$uv" pip compile pyproject.toml "${common[@]}" "$@" -o requirements.lock
"$uv" pip compile pyproject.toml --extra test -c requirements.lock "${common[@]}" "$@" -o requirements-test.lock
