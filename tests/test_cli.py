"""The command line as a user meets it: exit codes, one-line errors, batches that go on, the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.tools import run_cli

GOOD = "A Good Title\n\nA first paragraph with enough words to be an article body.\n"


def assert_one_line_error(stderr: str, *needles: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert errors, stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert any(needle in line for line in errors), (needle, stderr)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "file is empty"),
        ("binary.txt", bytes(range(256)) * 4, "not a text file (binary data)"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "unsupported file type '.jpg'"),
        ("site.xml", b"<rss/>", "not a WordPress WXR export"),
        ("feed.xml", b"<rss><channel><item><title>x</title></item></channel></rss>", "not a WordPress WXR export"),
        ("broken.xml", b"<rss><channel>", "not well-formed XML"),
    ],
)
def test_bad_file_gets_one_line_and_exit_1(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    proc = run_cli("export", bad, "-o", tmp_path / "out", "-f", "epub")
    assert proc.returncode == 1
    assert_one_line_error(proc.stderr, str(bad), message)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["items"][0]["status"] == "error"
    assert message in manifest["items"][0]["error"]


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "notes.doc").write_text("x")
    proc = run_cli("export", tmp_path / "missing.txt", empty, "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert_one_line_error(proc.stderr, "missing.txt: no such file or folder", "nothing-here: folder holds no supported")


def test_batch_goes_on_after_a_failure_and_the_summary_names_it(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a-good.txt").write_text(GOOD)
    (src / "b-empty.txt").write_text("")
    (src / "c-legacy.txt").write_bytes(
        "Caf\u00e9 Stories\n\nNa\u00efve fa\u00e7ade \u2013 d\u00e9j\u00e0 vu.\n".encode("cp1252")
    )
    out = tmp_path / "out"
    proc = run_cli("export", src, "-o", out, "-f", "epub", "-v")
    assert proc.returncode == 1, proc.stderr
    assert_one_line_error(proc.stderr, "b-empty.txt: file is empty")
    assert "exported 2 of 3 item(s)" in proc.stderr and "1 failed" in proc.stderr
    assert "read as cp1252" in proc.stderr  # -v shows the guessed-encoding warning
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tool"].startswith("exporter ")
    statuses = {Path(i["source"]["path"]).name: i["status"] for i in manifest["items"]}
    assert statuses == {"a-good.txt": "ok", "b-empty.txt": "error", "c-legacy.txt": "ok"}
    good = next(i for i in manifest["items"] if i["status"] == "ok")
    assert good["outputs"][0]["format"] == "epub"
    assert (out / good["outputs"][0]["path"]).stat().st_size == good["outputs"][0]["bytes"]
    assert sorted(p.name for p in out.iterdir()) == ["a-good-title.epub", "cafe-stories.epub", "manifest.json"]


def test_same_titles_get_distinct_names(tmp_path: Path) -> None:
    for n in (1, 2):
        (tmp_path / f"{n}.txt").write_text(GOOD)
    proc = run_cli("export", tmp_path / "1.txt", tmp_path / "2.txt", "-o", tmp_path / "out", "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.epub")) == ["a-good-title-2.epub", "a-good-title.epub"]
    assert proc.stderr.strip().startswith("exported 2 of 2")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("export").returncode == 2
    assert run_cli("export", FIXTURES, "-f", "docx").returncode == 2
    assert run_cli("export", FIXTURES, "--paper", "b5").returncode == 2


def test_help_shows_an_example() -> None:
    proc = run_cli("export", "--help")
    assert proc.returncode == 0
    assert "exporter export article.txt" in proc.stdout and "--paper" in proc.stdout


def test_inspect_lists_title_licence_and_decisions() -> None:
    proc = run_cli("inspect", FIXTURES / "harbour-archive.txt")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "title:     Harbour Town Opens Its Community Archive to the Public" in out
    assert "licence:   CC-BY-NC-4.0 <https://creativecommons.org/licenses/by-nc/4.0/>" in out
    assert "bg_collapse" in out and "expanded" in out
    assert "premium_newsticker" in out and "removed" in out
