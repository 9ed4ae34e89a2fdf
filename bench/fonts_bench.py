"""Fonts bench: PDF size and render time before and after the fonts for every script, on Latin articles.

Run from the project root:  .venv/bin/python bench/fonts_bench.py --before CHECKOUT [--repeat N]

A checkout from before the fonts for every script:  git worktree add /tmp/before ea4e3dc && (cd /tmp/before &&
scripts/setup.sh)

Exports the seed (``../shared/seeds/000_f1c2ba31d823f406.txt``, when ../shared exists) and the collection fixture
(``fixtures/collection.wxr.xml --media fixtures/collection-media``) to PDF with this checkout's exporter and with
the one at ``--before`` (a checkout from before the new fonts, with its own ``.venv``), alternately in the same
run, one worker (``-j 1``), each into a fresh folder. Reports, per input and side, the total PDF bytes and the
median wall clock of the whole ``exporter export`` process, and the change. Subsetting should keep a Latin
article within 10% of its size before. Writes only under a temporary folder; needs no network.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_f1c2ba31d823f406.txt"
FIXTURES = ROOT / "fixtures"


def inputs() -> dict[str, list[str]]:
    """The bench's inputs by label: exporter arguments relative to any checkout (absolute paths)."""
    found = {"collection": [str(FIXTURES / "collection.wxr.xml"), "--media", str(FIXTURES / "collection-media")]}
    if SEED.exists():
        found = {"seed": [str(SEED)], **found}
    return found


def export(checkout: Path, args: list[str], out: Path) -> tuple[float, int, int]:
    """Export ``args`` to PDF with ``checkout``'s exporter: (seconds, total PDF bytes, number of PDFs)."""
    command = [str(checkout / ".venv" / "bin" / "exporter"), "export", *args, "-o", str(out), "-f", "pdf", "-q"]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=checkout, capture_output=True)
    seconds = time.perf_counter() - start
    pdfs = list(out.glob("*.pdf"))
    return seconds, sum(p.stat().st_size for p in pdfs), len(pdfs)


def main() -> int:
    """Run the bench and print one line per input and side, then the change."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout from before the fonts, with its .venv")
    parser.add_argument("--repeat", type=int, default=3, help="exports per input and side (median time)")
    options = parser.parse_args()
    sides = {"before": options.before.resolve(), "after": ROOT}
    for side, checkout in sides.items():
        if not (checkout / ".venv" / "bin" / "exporter").exists():
            print(f"fonts_bench: no .venv/bin/exporter in {checkout} ({side})", file=sys.stderr)
            return 2
    print(f"{'input':<11} {'side':<7} {'PDFs':>4} {'bytes':>10} {'seconds (median)':>17}")
    with tempfile.TemporaryDirectory(prefix="fonts-bench-") as work:
        for label, args in inputs().items():
            results: dict[str, tuple[list[float], int, int]] = {side: ([], 0, 0) for side in sides}
            for run in range(options.repeat):
                for side, checkout in sides.items():  # alternately, so that load on the machine hits both alike
                    seconds, size, count = export(checkout, args, Path(work) / f"{label}-{side}-{run}")
                    times, _, _ = results[side]
                    results[side] = ([*times, seconds], size, count)
            for side, (times, size, count) in results.items():
                print(f"{label:<11} {side:<7} {count:>4} {size:>10} {statistics.median(times):>17.2f}")
            (before, size_before, _), (after, size_after, _) = results["before"], results["after"]
            size_change = 100 * (size_after - size_before) / size_before
            time_change = 100 * (statistics.median(after) - statistics.median(before)) / statistics.median(before)
            print(f"{label:<11} change  {'':>4} {size_change:>+9.1f}% {time_change:>+16.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
