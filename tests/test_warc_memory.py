"""A 2 GB web archive is never held in memory: a synthetic WARC of repeated records (16 MiB binary responses,
a few article pages among them) written in the test's temporary folder, exported in a subprocess, peak RSS
measured by ``/usr/bin/time -v``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.warc_fixtures import write_big_warc

pytestmark = pytest.mark.slow
LIMIT_KB = 300 * 1024


@pytest.mark.skipif(shutil.which("/usr/bin/time") is None, reason="GNU time (/usr/bin/time) is not installed")
def test_a_2_gb_warc_exports_its_articles_under_300_mb(tmp_path: Path) -> None:
    warc = tmp_path / "big.warc"
    articles = write_big_warc(warc, "127.0.0.1:9", 2 * 2**30, articles=3)
    assert warc.stat().st_size >= 2 * 2**30
    out = tmp_path / "out"
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "exporter", "export", warc, "-o", out, "-f", "epub", "-q"]
    proc = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert len(list(out.glob("*.epub"))) == articles == 3
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    assert peak < LIMIT_KB, f"peak RSS {peak} kB"
