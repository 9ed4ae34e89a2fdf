"""The command line's inputs and summary as a first-time user meets them (issue 9, items 8 to 14): standard
input, URLs, missing paths, inspect's selection options and file names, unsupported files in folders, the
--resume summary, and text files whose first line is too long to be a title."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES
from tests.tools import book_files, run_cli

GOOD = "A Good Title\n\nA first paragraph with enough words to be an article body.\n"
PAGE = (
    "<!DOCTYPE html>\n<html lang='en'><head><title>Piped Page Title</title></head>\n"
    "<body><article><h1>Piped Page Title</h1>\n"
    "<p>This paragraph came through a pipe and is long enough to be the body of an article.</p>\n"
    "</article></body></html>\n"
)


def run_piped(data: bytes, *args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """The CLI with ``data`` on its standard input (run_cli gives none)."""
    return subprocess.run(
        [sys.executable, "-m", "exporter", *map(str, args)], input=data, capture_output=True, timeout=600
    )


def manifest(out: Path) -> dict[str, object]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a folder with its bytes and modification time (ns)."""
    files = (p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in files}


# ---- 8. standard input -----------------------------------------------------------------------------------


def test_stdin_html_is_sniffed_and_named_by_its_title(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_piped(PAGE.encode(), "export", "-", "-o", out, "-f", "epub", "-v")
    stderr = proc.stderr.decode()
    assert proc.returncode == 0, stderr
    assert book_files(out) == ["piped-page-title.epub"]
    (item,) = manifest(out)["items"]
    assert item["source"]["path"] == "-"
    assert item["source"]["sha256"] == hashlib.sha256(PAGE.encode()).hexdigest()
    assert item["title"] == "Piped Page Title"
    codes = {(w["stage"], w["code"]) for w in item["warnings"]}
    assert ("read", "stdin-name") in codes  # says the name came from the title (and how to choose one)
    assert "--name" in stderr


def test_stdin_text_with_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_piped(GOOD.encode(), "export", "-", "--name", "My Notes", "-o", out, "-f", "epub")
    assert proc.returncode == 0, proc.stderr.decode()
    assert sorted(p.name for p in out.glob("*.epub")) == ["my-notes.epub"]
    assert manifest(out)["items"][0]["title"] == "A Good Title"


def test_stdin_wxr_is_sniffed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = (FIXTURES / "collection.wxr.xml").read_bytes()
    proc = run_piped(data, "inspect", "--json", "-")
    assert proc.returncode == 0, proc.stderr.decode()
    items = json.loads(proc.stdout)["items"]
    assert [i["status"] for i in items].count("ok") == 7
    assert {i["source"]["path"] for i in items} == {"-"}
    proc = run_piped(data, "export", "-", "--name", "x", "-o", out)
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == [
        "error: --name: standard input is a WordPress export (WXR): its posts are named by their slugs"
    ]
    assert not out.exists()


def test_stdin_resume_keeps_unchanged_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_piped(GOOD.encode(), "export", "-", "-o", out, "-f", "epub").returncode == 0
    proc = run_piped(GOOD.encode(), "export", "-", "-o", out, "-f", "epub", "--resume")
    assert proc.returncode == 0
    assert "0 exported, 1 unchanged" in proc.stderr.decode()
    other = GOOD.replace("first", "second").encode()
    proc = run_piped(other, "export", "-", "-o", out, "-f", "epub", "--resume")
    assert "1 exported, 0 unchanged" in proc.stderr.decode()


def test_stdin_usage_errors(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "good.txt").write_text(GOOD)
    cases = [
        (("export", "-", "-", "-o", out), GOOD.encode(), "error: -: standard input can be read only once"),
        (("inspect", "-", "-"), GOOD.encode(), "error: -: standard input can be read only once"),
        (("export", "-", "-o", out), b"", "error: -: standard input is empty"),
        (
            ("export", tmp_path / "good.txt", "--name", "x", "-o", out),
            b"",
            "error: --name: names the article read from standard input; give - as an input",
        ),
        (
            ("export", "-", "--name", "!!!", "-o", out),
            GOOD.encode(),
            "error: --name: '!!!' has no ASCII letter or digit for a file name",
        ),
    ]
    for args, data, line in cases:
        proc = run_piped(data, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.decode().splitlines() == [line]
        assert not out.exists()


def test_stdin_from_a_terminal_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "exporter", "export", "-", "-o", str(out)],
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: -: standard input is a terminal: pipe a page, text or WXR export into it"
    ]
    assert not out.exists()


def test_stdin_of_no_supported_type_is_an_item_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_piped(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "export", "-", "-o", out, "-f", "epub")
    assert proc.returncode == 1
    line = "error: -: not a WordPress WXR export, an HTML page or text (judged by its first bytes)"
    assert proc.stderr.decode().splitlines()[0] == line
    assert manifest(out)["items"][0]["source"]["path"] == "-"


# ---- 9. a URL as input -----------------------------------------------------------------------------------


def test_url_is_never_fetched_and_says_how_to_get_the_page(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for command in ("export", "inspect"):
        proc = run_cli(command, "https://wptavern.com/some-post", *(("-o", out) if command == "export" else ()))
        assert proc.returncode == 2, proc.stderr
        (line,) = proc.stderr.splitlines()
        assert line.startswith("error: https://wptavern.com/some-post: URLs are never fetched")
        assert "HTML" in line and "WXR" in line and "web archive" in line
        assert not out.exists()


# ---- 10. missing inputs ----------------------------------------------------------------------------------


def test_missing_input_changes_nothing_in_an_existing_output_folder(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    out = tmp_path / "out"
    assert run_cli("export", tmp_path / "good.txt", "-o", out, "-f", "epub").returncode == 0
    before = snapshot(out)
    assert "a-good-title.epub" in before and "manifest.json" in before
    for extra in (("--resume",), ("--bag",), ()):
        proc = run_cli("export", tmp_path / "good.txt", tmp_path / "missing.txt", "-o", out, *extra)
        assert proc.returncode == 2
        assert proc.stderr.splitlines() == [f"error: {tmp_path / 'missing.txt'}: no such file or folder"]
        assert snapshot(out) == before


# ---- 11. inspect takes the selection options and shows each item's file name ---------------------------


def test_inspect_takes_status_and_type() -> None:
    proc = run_cli("inspect", "--json", "--status", "publish,draft", "--type", "post", FIXTURES / "collection.wxr.xml")
    assert proc.returncode == 0, proc.stderr
    items = json.loads(proc.stdout)["items"]
    titles = {i["title"]: i["status"] for i in items}
    assert titles["Breakwater Survey (unfinished)"] == "ok"  # a draft
    assert titles["About Lantern Quarterly"] == "skipped"  # a page


def test_inspect_names_are_the_names_export_gives(tmp_path: Path) -> None:
    for n in (1, 2):
        (tmp_path / f"{n}.txt").write_text(GOOD)
    inputs = (tmp_path / "1.txt", tmp_path / "2.txt", FIXTURES / "collection.wxr.xml")
    proc = run_cli("inspect", "--json", "--status", "publish,draft", *inputs)
    assert proc.returncode == 0, proc.stderr
    inspected = [(i["source"]["path"], i["source"]["post_id"], i.get("name")) for i in json.loads(proc.stdout)["items"]]
    out = tmp_path / "out"
    proc = run_cli("export", *inputs, "--status", "publish,draft", "-o", out, "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    exported = [
        (i["source"]["path"], i["source"]["post_id"], Path(i["outputs"][0]["path"]).stem if i["outputs"] else None)
        for i in manifest(out)["items"]
    ]
    assert inspected == exported
    assert inspected[0][2] == "a-good-title" and inspected[1][2] == "a-good-title-2"
    text = run_cli("inspect", *inputs[:2]).stdout
    assert "  files:     a-good-title.epub, a-good-title.pdf" in text
    assert "  files:     a-good-title-2.epub, a-good-title-2.pdf" in text


# ---- 12. unsupported files in folders --------------------------------------------------------------------


def test_unsupported_files_are_counted_and_named(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "post.txt").write_text(GOOD)
    for name in ("notes.md", "data.json", "photo.png", "backup.zip"):
        (src / name).write_bytes(b"x")
    (src / ".hidden.md").write_bytes(b"x")
    out = tmp_path / "out"
    proc = run_cli("export", src, "-o", out, "-f", "epub", "-v")
    assert proc.returncode == 0, proc.stderr
    assert "4 unsupported file(s) skipped" in proc.stderr.splitlines()[-1]
    for name in ("notes.md", "data.json", "photo.png", "backup.zip"):
        assert f"skipped: {src / name}: unsupported file type" in proc.stderr
    assert ".hidden.md" not in proc.stderr
    skipped = manifest(out)["runs"][-1]["skipped_files"]
    assert sorted(Path(s["path"]).name for s in skipped) == ["backup.zip", "data.json", "notes.md", "photo.png"]
    quiet = run_cli("export", src, "-o", out, "-f", "epub")
    assert "skipped: " not in quiet.stderr and "4 unsupported file(s) skipped" in quiet.stderr
    inspected = json.loads(run_cli("inspect", "--json", src).stdout)
    assert len(inspected["skipped_files"]) == 4
    assert f"{src / 'notes.md'}: skipped (unsupported file type '.md')" in run_cli("inspect", src).stdout


def test_media_and_output_folders_inside_the_input_are_not_counted(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "uploads").mkdir(parents=True)
    (src / "post.txt").write_text(GOOD)
    (src / "notes.md").write_bytes(b"x")
    (src / "uploads" / "photo.png").write_bytes(b"x")
    for _ in range(2):  # the second run finds the first run's books and manifest in in/books
        proc = run_cli("export", src, "--media", src / "uploads", "-o", src / "books", "-f", "epub")
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.splitlines()[-1] == f"1 exported; 1 unsupported file(s) skipped; output in {src / 'books'}/"
    inspected = json.loads(run_cli("inspect", "--json", "--media", src / "uploads", src).stdout)
    # inspect has no -o, but the library the exports made in in/books is no input either
    assert sorted(Path(s["path"]).name for s in inspected["skipped_files"]) == ["notes.md"]
    assert [Path(i["source"]["path"]).name for i in inspected["items"]] == ["post.txt"]


def test_images_a_page_shows_are_used_not_skipped(tmp_path: Path) -> None:
    """A saved page's images beside it (``page_files/``) are embedded in its books: they are neither counted nor
    named as skipped, in a first run, a --resume run, or inspect; an image no page shows still is."""
    from PIL import Image

    src = tmp_path / "in"
    (src / "page_files").mkdir(parents=True)
    Image.new("RGB", (40, 30), (200, 90, 40)).save(src / "page_files" / "shown.png")
    Image.new("RGB", (40, 30), (40, 90, 200)).save(src / "page_files" / "unshown.png")
    page = PAGE.replace(
        "</article>", "<figure><img src='page_files/shown.png' alt='A shown picture'/></figure></article>"
    )
    (src / "page.html").write_text(page, encoding="utf-8")
    out = tmp_path / "out"
    for extra in ((), ("--resume",)):
        proc = run_cli("export", src, "-o", out, "-f", "epub", "-v", *extra)
        assert proc.returncode == 0, proc.stderr
        assert "; 1 unsupported file(s) skipped;" in proc.stderr.splitlines()[-1], proc.stderr
        assert "unshown.png: unsupported" in proc.stderr and "shown.png: unsupported" not in proc.stderr.replace(
            "unshown.png", ""
        )
        data = manifest(out)
        assert [Path(s["path"]).name for s in data["runs"][-1]["skipped_files"]] == ["unshown.png"]
        assert [Path(r).name for r in data["items"][0]["resources"]] == ["shown.png"]
    inspected = json.loads(run_cli("inspect", "--json", src).stdout)
    assert [Path(s["path"]).name for s in inspected["skipped_files"]] == ["unshown.png"]


# ---- 13. the summary line --------------------------------------------------------------------------------


def test_resume_summary_says_unchanged(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(3):
        (src / f"{n}.txt").write_text(GOOD.replace("A Good", f"Number {n}"))
    (src / "bad.txt").write_text("")
    out = tmp_path / "out"
    first = run_cli("export", src, "-o", out, "-f", "epub", "-q")
    assert first.returncode == 1
    assert first.stderr.splitlines()[-1] == f"3 exported, 1 failed; output in {out}/; failed: {src / 'bad.txt'}"
    (src / "1.txt").write_text(GOOD.replace("A Good", "Number 1 changed"))
    again = run_cli("export", src, "-o", out, "-f", "epub", "-q", "--resume")
    assert again.stderr.splitlines()[-1].startswith("1 exported, 2 unchanged, 1 failed; output in ")
    (src / "bad.txt").unlink()
    last = run_cli("export", src, "-o", out, "-f", "epub", "-q", "--resume")
    assert last.returncode == 0
    assert last.stderr.splitlines() == [f"0 exported, 3 unchanged; output in {out}/"]


# ---- 14. a text file whose first line is too long to be a title ------------------------------------------


def test_long_first_line_takes_the_title_from_the_file_name(tmp_path: Path) -> None:
    first = " ".join(["word"] * 45) + "."
    src = tmp_path / "my_long-post.txt"
    src.write_text(f"{first}\n\nA second paragraph.\n")
    out = tmp_path / "out"
    proc = run_cli("export", src, "-o", out, "-f", "epub", "-v")
    assert proc.returncode == 0, proc.stderr
    (item,) = manifest(out)["items"]
    assert item["title"] == "My long post"
    assert item["outputs"][0]["path"] == "my-long-post.epub"
    records = [w for w in item["warnings"] if (w["stage"], w["code"]) == ("read", "title-from-file-name")]
    assert records and records[0]["level"] == "warning"
    inspected = json.loads(run_cli("inspect", "--json", src).stdout)["items"][0]
    assert inspected["words"] >= 45  # the long line is body text
