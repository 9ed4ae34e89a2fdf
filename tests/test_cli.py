"""The command line as a user meets it: exit codes, one-line errors, batches that go on, the manifest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.tools import book_files, run_cli

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


def test_empty_folder_is_an_item_error(tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "notes.doc").write_text("x")
    (tmp_path / "good.txt").write_text(GOOD)
    proc = run_cli("export", tmp_path / "good.txt", empty, "-o", tmp_path / "out", "-f", "epub")
    assert proc.returncode == 1
    assert_one_line_error(proc.stderr, "nothing-here: folder holds no supported")
    assert (tmp_path / "out" / "a-good-title.epub").is_file()


@pytest.mark.parametrize("command", ["export", "inspect"])
def test_missing_path_is_a_usage_error_before_any_work(tmp_path: Path, command: str) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    out = tmp_path / "out"
    extra = ("-o", out) if command == "export" else ()
    proc = run_cli(command, tmp_path / "good.txt", tmp_path / "missing.txt", *extra)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"error: {tmp_path / 'missing.txt'}: no such file or folder"]
    assert not proc.stdout
    assert not out.exists()


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
    assert proc.stderr.splitlines()[-1].startswith("2 exported, 1 failed; output in ")
    assert "read as cp1252" in proc.stderr  # -v shows the guessed-encoding warning
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tool"].startswith("exporter ")
    statuses = {Path(i["source"]["path"]).name: i["status"] for i in manifest["items"]}
    assert statuses == {"a-good.txt": "ok", "b-empty.txt": "error", "c-legacy.txt": "ok"}
    good = next(i for i in manifest["items"] if i["status"] == "ok")
    assert good["outputs"][0]["format"] == "epub"
    assert (out / good["outputs"][0]["path"]).stat().st_size == good["outputs"][0]["bytes"]
    assert book_files(out) == ["a-good-title.epub", "cafe-stories.epub"]


def test_same_titles_get_distinct_names(tmp_path: Path) -> None:
    for n in (1, 2):
        (tmp_path / f"{n}.txt").write_text(GOOD)
    proc = run_cli("export", tmp_path / "1.txt", tmp_path / "2.txt", "-o", tmp_path / "out", "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.epub")) == ["a-good-title-2.epub", "a-good-title.epub"]
    assert proc.stderr.strip().startswith("2 exported; output in ")


@pytest.mark.parametrize(
    ("options", "line"),
    [
        (("--paper", "b5"), "error: unknown paper 'b5' (choose from a4, letter, a5)"),
        (("--pdf-variant", "pdf/x"), "error: unknown PDF variant 'pdf/x' (choose from pdf/a-3b, pdf/ua-1, or none"),
        (("--type", "post,attachment"), "error: --type: not an article post type: attachment"),
        (("--type", "Post"), "error: --type: 'Post' is not a WordPress name"),
        (("--status", "publish,Draft"), "error: --status: 'Draft' is not a WordPress name"),
        (("--status", " , "), "error: Invalid value for --status: give at least one name"),
        (("-f", "docx"), "error: Invalid value for '-f' / '--format': 'docx' is not one of 'epub', 'pdf'."),
        (("--resume", "--bundle", "B"), "error: Invalid value for --resume: cannot be combined with --bundle"),
        (("-j", "0"), "error: Invalid value for '-j' / '--jobs': 0 is not in the range x>=1."),
    ],
)
def test_usage_errors_are_one_line_exit_2_and_nothing_is_written(
    shared: Path, tmp_path: Path, options: tuple[str, ...], line: str
) -> None:
    seed = shared / "seeds" / "000_f1c2ba31d823f406.txt"
    for out in (tmp_path / "new", tmp_path / "existing"):
        if out.name == "existing":
            out.mkdir()
        proc = run_cli("export", seed, "-o", out, *options)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith(line), proc.stderr
        assert not proc.stdout
        assert not out.exists() if out.name == "new" else not any(out.iterdir())


def test_missing_arguments_are_one_line_exit_2() -> None:
    proc = run_cli("export")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["error: Missing argument 'INPUTS...'."]
    assert run_cli("inspect", FIXTURES, "--json", "--media").returncode == 2


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
    assert "    shortcodes:\n      - info expanded: shortcode [bg_collapse] expanded inline (" in out
    assert "      - info removed: shortcode [premium_newsticker] removed (inactive plugin leftover)" in out


def _inspect_json(*inputs: Path) -> list[dict[str, object]]:
    proc = run_cli("inspect", "--json", *inputs)
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert document["tool"].startswith("exporter ")
    return document["items"]


def _assert_records(records: list[dict[str, str]]) -> None:
    assert records
    for record in records:
        assert {"stage", "code", "level", "text"} <= record.keys() <= {"stage", "code", "level", "text", "where"}
        assert record["stage"] and record["code"] and record["text"], record
        assert record["level"] in ("info", "warning", "error")


def test_inspect_json_on_the_seed(shared: Path) -> None:
    (item,) = _inspect_json(shared / "seeds" / "000_f1c2ba31d823f406.txt")
    assert item["status"] == "ok"
    assert item["title"] == "Iran: Tens of Thousands Join Pro-Government Rallies"
    assert item["licence"] == {
        "id": "CC-BY-NC-4.0",
        "url": "https://creativecommons.org/licenses/by-nc/4.0/",
        "name": "Creative Commons Attribution-NonCommercial 4.0 International",
    }
    _assert_records(item["warnings"])
    shortcodes = [(r["code"], r["level"], r["text"]) for r in item["warnings"] if r["stage"] == "shortcodes"]
    assert shortcodes == [
        ("expanded", "info", "shortcode [bg_collapse] expanded inline"),
        (
            "typographic-quotes",
            "info",
            "shortcode [premium_newsticker]: typographic quotes in attributes read as ASCII",
        ),
        ("removed", "info", "shortcode [premium_newsticker] removed (inactive plugin leftover)"),
    ]
    assert {"shortcodes", "licence", "language"} <= {r["stage"] for r in item["warnings"]}


def test_inspect_json_on_the_collection() -> None:
    items = _inspect_json(FIXTURES / "collection.wxr.xml")
    statuses = [i["status"] for i in items]
    assert statuses.count("ok") == 7 and statuses.count("skipped") == 2
    for item in items:
        if item["status"] == "ok":
            _assert_records(item["warnings"])
        else:
            assert "not exported" in item["reason"]
    crane = next(i for i in items if i["title"] == "The Crane at the North Quay")
    assert crane["source"]["post_id"] == "101" and crane["notes"] == 3
    codes = {(r["stage"], r["code"]) for r in crane["warnings"]}
    assert {("shortcodes", "converted"), ("shortcodes", "expanded-with-title")} <= codes


def test_verbose_groups_messages_by_stage(tmp_path: Path) -> None:
    proc = run_cli("export", FIXTURES / "harbour-archive.txt", "-o", tmp_path, "-f", "epub", "-v")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    stages = [line.strip().rstrip(":") for line in lines if line.startswith("    ") and not line.startswith("     ")]
    assert {"shortcodes", "licence", "language"} <= set(stages)
    assert len(stages) == len(set(stages))  # each stage once
    at = lines.index("    shortcodes:")
    assert lines[at + 1].startswith("      info expanded: shortcode [bg_collapse] expanded inline")
    quiet = run_cli("export", FIXTURES / "harbour-archive.txt", "-o", tmp_path / "q", "-f", "epub")
    assert "shortcodes:" not in quiet.stderr and "expanded" not in quiet.stderr


BROKEN = """
import sys
from exporter.clean import TRANSFORMS

def broken(doc):
    raise ZeroDivisionError("a toy bug")

TRANSFORMS.register(broken, "broken", 650)
from exporter.cli import main
main(sys.argv[1:], prog_name="exporter")
"""


@pytest.mark.parametrize("command", ["export", "inspect"])
def test_internal_error_traceback_only_with_verbose(tmp_path: Path, command: str) -> None:
    """A bug in a transform (registered through the public API) fails the item; -v shows its traceback."""
    extra = ("-o", tmp_path / "out", "-f", "epub") if command == "export" else ()

    def run(*flags: str) -> subprocess.CompletedProcess[str]:
        args = [command, str(FIXTURES / "harbour-archive.txt"), *map(str, extra), *flags]
        return subprocess.run([sys.executable, "-c", BROKEN, *args], capture_output=True, text=True, timeout=300)

    plain, verbose = run(), run("-v")
    assert plain.returncode == verbose.returncode == 1
    assert_one_line_error(plain.stderr, "harbour-archive.txt: internal error while", "ZeroDivisionError: a toy bug")
    assert "in broken" not in plain.stderr
    errors = [line for line in verbose.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "internal error while" in errors[0] and "ZeroDivisionError: a toy bug" in errors[0]
    assert "        Traceback (most recent call last):" in verbose.stderr
    assert 'File "<string>", line 6, in broken' in verbose.stderr
    assert "internal-error: internal error while" in verbose.stderr
