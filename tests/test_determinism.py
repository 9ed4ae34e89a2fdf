"""Same bytes every time: two runs on different days, in different time zones, give identical files.

Each run is the CLI in its own process. The second runs under Debian's `faketime` (libfaketime via LD_PRELOAD,
so the clock is moved for the whole process tree: the exporter and its worker processes) at a later date, in
a time zone 14 hours ahead of UTC. Monkeypatching the clock would not reach the subprocesses.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from exporter.cli import main
from tests.conftest import FIXTURES, ROOT

export_command = main.commands["export"]  # type: ignore[attr-defined]

INPUTS = [
    FIXTURES / "harbour-archive.txt",
    FIXTURES / "theme-page.html",
    FIXTURES / "collection.wxr.xml",
    FIXTURES / "languages" / "volunteer-small-joys.txt",  # colour emoji: fonts fontTools subsets (and stamps)
]
MEDIA = FIXTURES / "collection-media"
LATER = "2031-05-17 23:59:30"  # a later day, and close to midnight: a date taken from the clock would show
ZONES = ("UTC", "Pacific/Kiritimati")  # UTC+14: a different calendar day from UTC for ten hours of each day

pytestmark = pytest.mark.slow


OPTIONS = {opt for param in export_command.params for opt in getattr(param, "opts", [])}
VARIANTS = [v for v in ("pdf/a-3b", "pdf/ua-1") if "--pdf-variant" in OPTIONS]
"""PDF variants the CLI offers (checked when present)."""


def export(out: Path, *args: str, zone: str, fake_date: str | None = None, epoch: str | None = None) -> None:
    """Run `exporter export` into ``out`` as a separate process in time zone ``zone``, under a faked clock."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "LD_PRELOAD")}
    env["TZ"] = zone
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    cmd = [sys.executable, "-m", "exporter", "export", *args, "-o", str(out), "-q"]
    if fake_date is not None:
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"  # timeouts keep working
        cmd = ["faketime", fake_date, *cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_same(first: Path, second: Path) -> None:
    """Both folders hold the same files, byte for byte, and at least one EPUB or PDF."""
    a, b = digests(first), digests(second)
    assert sorted(a) == sorted(b)
    assert any(name.endswith((".epub", ".pdf")) for name in a)
    changed = [name for name in a if a[name] != b[name]]
    assert not changed, f"differ between runs: {changed}"


@pytest.fixture(scope="module")
def faketime() -> str:
    """The faketime command (Debian's faketime package, installed by scripts/setup.sh --test)."""
    path = shutil.which("faketime")
    if path is None:
        pytest.fail("faketime not found: run scripts/setup.sh --test")
    probe = subprocess.run(
        ["faketime", LATER, sys.executable, "-c", "import time; print(time.gmtime().tm_year)"],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC", "FAKETIME_DONT_FAKE_MONOTONIC": "1"},
    )
    assert probe.stdout.strip() == LATER[:4], "faketime does not move the clock here"
    return path


# Each case: CLI arguments beyond the inputs; compared across the two clocks and zones.
CASES = {
    "books": [*map(str, INPUTS), "--media", str(MEDIA)],
    "bundle": [*map(str, INPUTS), "--media", str(MEDIA), "--bundle", "Collected"],
    **{
        f"pdf-{v.replace('/', '')}": [*map(str, INPUTS), "--media", str(MEDIA), "-f", "pdf", "--pdf-variant", v]
        for v in VARIANTS
    },
}
if "--bag" in OPTIONS:
    CASES["bag"] = [*map(str, INPUTS), "--media", str(MEDIA), "--bag"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_days_two_zones_same_bytes(case: str, faketime: str, tmp_path: Path) -> None:
    args = CASES[case]
    export(tmp_path / "today", *args, zone=ZONES[0])
    export(tmp_path / "later", *args, zone=ZONES[1], fake_date=LATER)
    assert_same(tmp_path / "today", tmp_path / "later")


def test_source_date_epoch_fixes_the_dates(faketime: str, tmp_path: Path) -> None:
    """With SOURCE_DATE_EPOCH set, runs agree too, and the EPUB dates are that moment, not the source's."""
    args = CASES["books"]
    epoch = "1700000000"  # 2023-11-14T22:13:20Z
    export(tmp_path / "today", *args, zone=ZONES[0], epoch=epoch)
    export(tmp_path / "later", *args, zone=ZONES[1], fake_date=LATER, epoch=epoch)
    assert_same(tmp_path / "today", tmp_path / "later")
    for epub in (tmp_path / "today").glob("*.epub"):
        with zipfile.ZipFile(epub) as zf:
            opf = zf.read("EPUB/content.opf").decode()
            assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}, epub.name
        assert '<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>' in opf, epub.name
