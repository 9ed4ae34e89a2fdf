"""Memory bench of the web archive reader: a large synthetic WARC exported, its peak memory measured.

Run from the project root:  .venv/bin/python bench/warc_bench.py [--size-gb 2] [--articles 3] [--formats epub]
                                                                [--block-kb 16384]

Writes a WARC of repeated records (16 MiB binary responses by default, as video files are; ``--block-kb 64``
makes a crawl's many small records instead, which tests the index's size), with a few article pages
among them: ``tests.warc_fixtures.write_big_warc``) into a temporary folder (or --workdir), exports its
articles with ``/usr/bin/time -v exporter export`` and prints the archive's size, the seconds taken and the
peak resident memory ("Maximum resident set size": the largest single process, the exporter or one of its
workers). Needs no network: every URL names 127.0.0.1:9, which nothing listens on.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.warc_fixtures import write_big_warc  # noqa: E402 (after the path is set)

HOST = "127.0.0.1:9"


@dataclass
class Figures:
    """What one run measured."""

    size_bytes: int
    write_seconds: float
    export_seconds: float
    peak_rss_kb: int
    books: int
    returncode: int


def measure(workdir: Path, size: int, articles: int, formats: list[str], block: int = 16 * 2**20) -> Figures:
    """Write the WARC into ``workdir``, export it under ``/usr/bin/time -v`` and return the figures."""
    warc = workdir / "big.warc"
    start = time.perf_counter()
    write_big_warc(warc, HOST, size, articles=articles, block=block)
    written = time.perf_counter() - start
    out = workdir / "out"
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "exporter", "export", str(warc), "-o", str(out), "-q"]
    for fmt in formats:
        command += ["-f", fmt]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    seconds = time.perf_counter() - start
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    books = sum(1 for p in out.glob("*") if p.suffix in {f".{f}" for f in formats})
    return Figures(warc.stat().st_size, written, seconds, int(peak.group(1)) if peak else -1, books, proc.returncode)


def main() -> None:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--articles", type=int, default=3)
    parser.add_argument("--formats", default="epub", help="comma-separated formats (default: epub)")
    parser.add_argument("--block-kb", type=int, default=16384, help="size of each binary record (default 16 MiB)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    with tempfile.TemporaryDirectory(prefix="warc-bench-", dir=args.workdir) as folder:
        figures = measure(Path(folder), int(args.size_gb * 2**30), args.articles, formats, args.block_kb * 1024)
    gib = figures.size_bytes / 2**30
    records = int(args.size_gb * 2**30) // (args.block_kb * 1024)
    print(f"archive: {gib:.2f} GiB ({figures.size_bytes} bytes, ~{records} records)", end="")
    print(f", written in {figures.write_seconds:.1f} s")
    print(f"export: {figures.export_seconds:.1f} s, exit {figures.returncode}, {figures.books} book(s)")
    print(f"peak RSS (/usr/bin/time -v, largest process): {figures.peak_rss_kb / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
