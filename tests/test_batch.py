"""Long batches: failures and stuck items recorded while the run goes on, kill -9 and --resume, workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.tools import run_cli

CHROME_ONLY = (
    "<html><body><header><nav><a href='/'>Home</a></nav></header><aside class='sidebar'>Widgets</aside>"
    "<footer>Footer</footer></body></html>"
)


def make_corpus(folder: Path, count: int) -> list[Path]:
    """``count`` small distinct articles as text dumps."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"item-{n:03d}.txt"
        body = "\n\n".join(f"Paragraph {k} of article {n}, with enough words to be a sentence." for k in range(4))
        path.write_text(f"Batch Article Number {n}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_fifty_items_three_broken_the_rest_exported(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_corpus(src, 47)
    (src / "broken-chrome.html").write_text(CHROME_ONLY, encoding="utf-8")
    (src / "broken-binary.txt").write_bytes(b"\x00\x01\x02\xff" * 500)
    huge = "\n\n".join(f"Line {k} of a very long article that takes its time to lay out." for k in range(30000))
    (src / "broken-slow.txt").write_text(f"A Layout That Takes Too Long\n\n{huge}\n", encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    proc = run_cli("export", src, "-o", out, "-j", "2", "--item-timeout", "10", "-q")
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    items = manifest(out)["items"]
    assert len(items) == 50
    errors = {Path(i["source"]["path"]).name: i["error"] for i in items if i["status"] == "error"}
    assert set(errors) == {"broken-chrome.html", "broken-binary.txt", "broken-slow.txt"}
    assert "no article text found" in errors["broken-chrome.html"]
    assert "binary" in errors["broken-binary.txt"]
    assert "item timeout of 10 s" in errors["broken-slow.txt"]
    assert len([i for i in items if i["status"] == "ok"]) == 47
    assert len(list(out.glob("*.epub"))) == 47 and len(list(out.glob("*.pdf"))) == 47
    assert proc.stderr.splitlines()[-1].startswith("47 exported, 3 failed; output in ")
    assert elapsed < 180
    assert not (out / ".exporter-tmp").exists()


def complete(path: Path) -> bool:
    """A whole book: an EPUB that is a readable zip, a PDF that ends with its trailer."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None
    if path.suffix == ".jpg":
        return path.read_bytes().endswith(b"\xff\xd9")  # a cover or thumbnail: a JPEG ends with its EOI marker
    return path.read_bytes().rstrip().endswith(b"%%EOF")


@pytest.mark.slow
def test_kill_9_then_resume_exports_each_item_once(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_corpus(src, 50)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "exporter", "export", str(src), "-o", str(out), "-j", "2", "-q"]
    run = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 12:
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    time.sleep(0.5)
    visible = [p for p in out.iterdir() if not p.name.startswith(".") and p.is_file()]
    assert all(p.suffix in (".epub", ".pdf", ".json") for p in visible)
    assert all(complete(p) for p in visible if p.suffix in (".epub", ".pdf"))
    first_run = {p.name: p.stat().st_mtime_ns for p in visible if p.suffix in (".epub", ".pdf")}
    assert 12 <= len(first_run) < 100, "the run must be killed in the middle"
    # The killed run's catalog is not written yet, but its journal names every item it had renamed into place.
    whole = {p.stem for p in visible if p.suffix == ".epub" and p.with_suffix(".pdf").exists()}

    proc = run_cli("export", src, "-o", out, "-j", "2", "--resume", "-v")
    assert proc.returncode == 0, proc.stderr
    items = manifest(out)["items"]
    assert len(items) == 50 and all(i["status"] == "ok" for i in items)
    resumed = {i["source"]["path"] for i in items if any(w["code"] == "unchanged" for w in i["warnings"])}
    resumed_books = {Path(i["outputs"][0]["path"]).stem for i in items if i["source"]["path"] in resumed}
    # what the killed run had finished is not done again (an item stopped between its renames is redone)
    assert resumed_books <= whole and len(resumed_books) >= len(whole) - 2
    for item in items:
        for output in item["outputs"]:
            path = out / output["path"]
            assert complete(path)
            if item["source"]["path"] in resumed and output["format"] in ("epub", "pdf"):
                assert path.stat().st_mtime_ns == first_run[path.name]  # untouched
    assert len(list(out.glob("*.epub"))) == len(list(out.glob("*.pdf"))) == 50
    assert not (out / ".exporter-tmp").exists()


@pytest.mark.slow
def test_results_are_the_same_whatever_the_number_of_workers(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_corpus(src, 8)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        proc = run_cli("export", src, "-o", out, "-j", jobs, "-q")
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    one, two = outs
    assert manifest(one) == manifest(two)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for rel in files:
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel


def test_resume_cannot_be_combined_with_bundle(tmp_path: Path) -> None:
    proc = run_cli("export", tmp_path, "--resume", "--bundle", "X")
    assert proc.returncode == 2
