"""Whole WordPress exports from ../shared/corpus through the command line, as an archivist would run them."""

from __future__ import annotations

import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.tools import epub_text, pdftotext, run_cli, run_epubcheck

pytestmark = pytest.mark.conformance
DEBRIS = ("[gallery", "[caption", "[audio", "[video", "[embed", "[/caption]")


def export(src: Path, out: Path, *args: str) -> tuple[int, str, dict]:
    proc = run_cli("export", src, "-o", out, *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text()) if (out / "manifest.json").exists() else {}
    return proc.returncode, proc.stderr, manifest


@pytest.fixture(scope="module")
def theme_unit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict]:
    from tests.conftest import SHARED

    src = SHARED / "corpus" / "wptrt" / "themeunittestdata.wordpress.xml"
    if not src.is_file():
        pytest.skip(f"corpus not found at {src}")
    out = tmp_path_factory.mktemp("wptrt")
    code, stderr, manifest = export(src, out)
    assert code == 0, stderr
    return out, stderr, manifest


def test_theme_unit_every_published_post_and_page_exported(theme_unit: tuple[Path, str, dict]) -> None:
    out, stderr, manifest = theme_unit
    ok = [i for i in manifest["items"] if i["status"] == "ok"]
    skipped = {i["source"]["post_id"]: i["reason"] for i in manifest["items"] if i["status"] == "skipped"}
    assert len(ok) == 70 and len(list(out.glob("*.epub"))) == 70 and len(list(out.glob("*.pdf"))) == 70
    assert skipped == {
        "1153": "status future not exported (use --status)",
        "1164": "status draft not exported (use --status)",
    }
    assert "70 exported; 2 skipped by status or type; output in " in stderr
    titles = {i["title"] for i in ok}
    assert "Scheduled" not in " ".join(titles) and "Draft" not in " ".join(titles)
    assert not [i for i in ok if i["title"] in ("Home", "Menu item")]


def test_theme_unit_no_shortcode_debris_and_prose_brackets_kept(theme_unit: tuple[Path, str, dict]) -> None:
    out, _, _ = theme_unit
    texts = {p.name: epub_text(p) for p in out.glob("*.epub")}
    for epub in out.glob("*.epub"):  # block delimiters gone (a code block may still show one as text)
        with zipfile.ZipFile(epub) as zf:
            assert b"<!-- wp:" not in zf.read("EPUB/article.xhtml"), epub.name
    for name, text in texts.items():
        for debris in DEBRIS:
            assert debris not in text, (name, debris)
    assert any("[simple boat]" in t for t in texts.values())
    for pdf in sorted(out.glob("*.pdf"))[:70:7]:
        text = pdftotext(pdf)
        assert not [d for d in DEBRIS if d in text], pdf.name


@pytest.mark.slow
def test_theme_unit_every_epub_passes_epubcheck(theme_unit: tuple[Path, str, dict]) -> None:
    out, _, _ = theme_unit
    epubs = sorted(out.glob("*.epub"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(run_epubcheck, epubs))
    failures = {p.name: r.messages for p, r in zip(epubs, reports, strict=True) if r.errors}
    warnings = sum(r.warnings for r in reports)
    print(f"EPUBCheck on {len(epubs)} theme-unit EPUBs: {len(failures)} with errors, {warnings} warnings")
    assert not failures
    assert warnings == 0, [m for r in reports for m in r.messages]


@pytest.mark.parametrize(
    ("name", "code", "needle"),
    [
        ("malformed.xml", 1, "not well-formed XML"),
        ("crazy-cdata.xml", 1, "not well-formed XML"),
        ("missing-version-tag.xml", 1, "missing or invalid WXR version number"),
        ("invalid-version-tag.xml", 1, "missing or invalid WXR version number"),
    ],
)
def test_importer_bad_files_get_one_line_and_exit_1(
    shared: Path, tmp_path: Path, name: str, code: int, needle: str
) -> None:
    src = shared / "corpus" / "wordpress-importer" / name
    rc, stderr, manifest = export(src, tmp_path)
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert rc == code and len(errors) == 1 and needle in errors[0] and name in errors[0]
    assert manifest["items"][0]["status"] == "error"


@pytest.mark.parametrize(
    ("name", "articles"),
    [
        ("valid-wxr-1.0.xml", 6),
        ("valid-wxr-1.1.xml", 2),
        ("crazy-cdata-escaped.xml", 1),
        ("namespace-edge-cases.xml", 5),
        ("wxr-utf-8-challenges.xml", 1),
        ("small-export.xml", 9),
    ],
)
def test_importer_valid_files_export_their_posts(shared: Path, tmp_path: Path, name: str, articles: int) -> None:
    src = shared / "corpus" / "wordpress-importer" / name
    rc, stderr, manifest = export(src, tmp_path, "-f", "epub")
    assert rc == 0, stderr
    assert len([i for i in manifest["items"] if i["status"] == "ok"]) == articles
    assert len(list(tmp_path.glob("*.epub"))) == articles


def test_utf8_challenges_keep_their_strings(shared: Path, tmp_path: Path) -> None:
    src = shared / "corpus" / "wordpress-importer" / "wxr-utf-8-challenges.xml"
    raw = src.read_text(encoding="utf-8")
    title = re.search(r"<item>.*?<title>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>", raw, re.S).group(1)
    rc, stderr, manifest = export(src, tmp_path, "-f", "epub")
    assert rc == 0, stderr
    (epub,) = tmp_path.glob("*.epub")
    with zipfile.ZipFile(epub) as zf:
        opf = zf.read("EPUB/content.opf").decode("utf-8")
    assert manifest["items"][0]["title"] == title
    assert title.replace("&", "&amp;").replace("<", "&lt;") in opf


def test_wordpress_com_block_export_exports_every_item(shared: Path, tmp_path: Path) -> None:
    (src,) = (shared / "corpus" / "jekyll-import").glob("*.xml")
    rc, stderr, manifest = export(src, tmp_path)
    assert rc == 0, stderr
    ok = [i for i in manifest["items"] if i["status"] == "ok"]
    assert len(ok) == 8 and not [i for i in manifest["items"] if i["status"] == "error"]
    for epub in tmp_path.glob("*.epub"):
        assert "<!-- wp:" not in epub_text(epub) and "wp:paragraph" not in epub_text(epub)
    report = run_epubcheck(sorted(tmp_path.glob("*.epub"))[0])
    assert report.errors == 0, report.messages
