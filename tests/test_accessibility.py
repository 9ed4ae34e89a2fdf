"""Accessible EPUB: metadata derived from the content, and DAISY Ace finding no violation in any book we make.

The metadata tests build small articles in memory (images with and without descriptions, notes, Persian text,
an animated image) and read the package document. The Ace tests export our fixtures through the CLI and run
Ace (npm's @daisy/ace-cli with Debian's Chromium, both installed by `scripts/setup.sh --test`) on every EPUB.
"""

from __future__ import annotations

import itertools
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image as Pillow

from exporter.model import Article, Footnote, Image, Licence
from exporter.writers.epub import CONFORMANCE, write_epub, write_epub_bundle
from tests.conftest import FIXTURES
from tests.tools import AceReport, ace_available, epub_documents, run_ace, run_cli, run_epubcheck

CC = Licence(
    "CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/", ""
)


def picture(folder: Path, name: str, *, frames: int = 1) -> Path:
    """A small PNG (or a GIF with ``frames`` frames) on disk."""
    path = folder / name
    images = [Pillow.new("RGB", (40, 30), (40 * i % 255, 90, 160)) for i in range(frames)]
    if frames > 1:
        images[0].save(path, save_all=True, append_images=images[1:], duration=100, loop=0)
    else:
        images[0].save(path)
    return path


def article(
    tmp_path: Path,
    *,
    alts: tuple[str, ...] = (),
    language: str = "en",
    notes: int = 0,
    title: str = "Harbour lights",
    body: str | None = None,
) -> Article:
    """An article with one image per alt text given, ``notes`` footnotes and a licence."""
    images = [
        Image(key=f"images/pic{n}.png", path=picture(tmp_path, f"pic{n}.png"), media_type="image/png", alt=alt)
        for n, alt in enumerate(alts)
    ]
    figures = "".join(f'<figure><img src="{i.key}" alt="{i.alt}"/></figure>' for i in images)
    refs = "".join(f'<sup class="noteref" data-note="n{n}">{n}</sup>' for n in range(1, notes + 1))
    return Article(
        id="urn:uuid:00000000-0000-5000-8000-000000000001",
        title=title,
        body=body if body is not None else f"<h2>First</h2><p>Text{refs}.</p>{figures}<h4>Deep</h4><p>More.</p>",
        source_path=tmp_path / "src.txt",
        language=language,
        published=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        footnotes=[Footnote(f"n{n}", str(n), f"<p>Note {n}.</p>") for n in range(1, notes + 1)],
        licence=CC,
        images=images,
    )


def metadata(path: Path) -> dict[str, list[str]]:
    """The package document's <meta property=...> values, by property."""
    opf = epub_documents(path)["EPUB/content.opf"]
    found: dict[str, list[str]] = {}
    for prop, value in re.findall(r'<meta property="([^"]+)"[^>]*>([^<]*)</meta>', opf):
        found.setdefault(prop, []).append(value)
    return found


def test_text_only_book_conforms(tmp_path: Path) -> None:
    path = tmp_path / "a.epub"
    write_epub(article(tmp_path, notes=2), path)
    meta = metadata(path)
    assert meta["schema:accessMode"] == ["textual"]
    assert meta["schema:accessModeSufficient"] == ["textual"]
    features = meta["schema:accessibilityFeature"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(features)
    assert "alternativeText" not in features and "printPageNumbers" not in features
    assert meta["schema:accessibilityHazard"] == ["none"]
    (summary,) = meta["schema:accessibilitySummary"]
    assert "2 footnotes" in summary and "no images" in summary and "no print page numbers" in summary
    assert meta["dcterms:conformsTo"] == [CONFORMANCE]
    assert meta["a11y:certifiedBy"] and "automated" in meta["a11y:certifiedBy"][0]
    assert 'refines="#conformance"' in epub_documents(path)["EPUB/content.opf"]


def test_described_images_add_visual_mode_and_alternative_text(tmp_path: Path) -> None:
    path = tmp_path / "b.epub"
    write_epub(article(tmp_path, alts=("A red crane", "An open logbook")), path)
    meta = metadata(path)
    assert meta["schema:accessMode"] == ["textual", "visual"]
    assert meta["schema:accessModeSufficient"] == ["textual,visual", "textual"]
    assert "alternativeText" in meta["schema:accessibilityFeature"]
    assert "2 images all have text descriptions" in meta["schema:accessibilitySummary"][0]
    assert meta["dcterms:conformsTo"] == [CONFORMANCE]


def test_an_undescribed_image_withdraws_the_claim(tmp_path: Path) -> None:
    path = tmp_path / "c.epub"
    write_epub(article(tmp_path, alts=("A red crane", "", "IMG_2041.jpg")), path)
    meta = metadata(path)
    assert meta["schema:accessModeSufficient"] == ["textual,visual"]
    assert "alternativeText" not in meta["schema:accessibilityFeature"]
    assert "2 of its 3 images have no text description" in meta["schema:accessibilitySummary"][0]
    assert "no claim of conformance" in meta["schema:accessibilitySummary"][0]
    assert "dcterms:conformsTo" not in meta and "a11y:certifiedBy" not in meta


def test_animated_image_makes_the_hazard_unknown(tmp_path: Path) -> None:
    gif = Image("images/spin.gif", picture(tmp_path, "spin.gif", frames=3), "image/gif", "A spinning lamp")
    body = f'<h2>Lamp</h2><figure><img src="{gif.key}" alt="{gif.alt}"/></figure>'
    animated = article(tmp_path, body=body)
    animated.images = [gif]
    path = tmp_path / "d.epub"
    write_epub(animated, path)
    meta = metadata(path)
    assert meta["schema:accessibilityHazard"] == ["unknown"]
    assert "animated" in meta["schema:accessibilitySummary"][0]
    assert "dcterms:conformsTo" not in meta


def test_persian_book_says_so_and_its_own_pages_are_persian(tmp_path: Path) -> None:
    path = tmp_path / "e.epub"
    write_epub(article(tmp_path, language="fa", title="فانوس‌ها"), path)
    docs = epub_documents(path)
    assert "Persian, written right to left" in metadata(path)["schema:accessibilitySummary"][0]
    assert re.search(r'<html [^>]*lang="fa"[^>]*dir="rtl"', docs["EPUB/article.xhtml"])
    assert re.search(r'<html [^>]*lang="fa"[^>]*dir="rtl"', docs["EPUB/licence.xhtml"])  # Persian labels
    assert "<dd>فانوس‌ها</dd>" in docs["EPUB/licence.xhtml"]
    assert 'lang="en"' not in docs["EPUB/title.xhtml"] and 'lang="en"' not in docs["EPUB/nav.xhtml"]


def test_a_right_to_left_book_without_a_catalog_marks_the_english_parts(tmp_path: Path) -> None:
    path = tmp_path / "u.epub"
    write_epub(article(tmp_path, language="ur", title="لالٹینیں"), path)
    docs = epub_documents(path)
    assert re.search(r'<html [^>]*lang="en"', docs["EPUB/licence.xhtml"])  # the page the writer composes
    assert '<span lang="ur" dir="rtl">لالٹینیں</span>' in docs["EPUB/licence.xhtml"]
    assert '<p class="date" lang="en" dir="ltr">' in docs["EPUB/title.xhtml"]
    assert '<a href="licence.xhtml" lang="en" xml:lang="en" dir="ltr">' in docs["EPUB/nav.xhtml"]


def test_right_to_left_passages_are_mentioned(tmp_path: Path) -> None:
    body = '<h2>Names</h2><p>The keeper, <span lang="ar" dir="rtl">حارس المنارة</span>, kept a log.</p>'
    path = tmp_path / "p.epub"
    write_epub(article(tmp_path, body=body), path)
    assert "Passages in Arabic are marked" in metadata(path)["schema:accessibilitySummary"][0]


def test_headings_never_skip_a_level(tmp_path: Path) -> None:
    path = tmp_path / "f.epub"
    write_epub(article(tmp_path), path)
    article_page = epub_documents(path)["EPUB/article.xhtml"]
    assert '<h2 id="section-1">First</h2>' in article_page and '<h3 id="section-2">Deep</h3>' in article_page
    bundle = tmp_path / "g.epub"
    write_epub_bundle("Two", [article(tmp_path), article(tmp_path, title="Other")], bundle)
    chapter = epub_documents(bundle)["EPUB/article-001.xhtml"]
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", chapter)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert 'role="doc-chapter"' in chapter


@pytest.mark.slow
def test_metadata_variants_pass_epubcheck(tmp_path: Path) -> None:
    """The non-conforming and Persian variants are valid EPUB with no warnings, like the conforming ones."""
    path = tmp_path / "h.epub"
    write_epub(article(tmp_path, alts=("", "A logbook"), language="fa", notes=1), path)
    report = run_epubcheck(path)
    assert (report.errors, report.warnings) == (0, 0), report.messages


# ---- DAISY Ace -------------------------------------------------------------------------------------------

ACE_MISSING_OK = {"a11y:certifierCredential", "a11y:certifierReport"}  # optional: there is no third party


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every EPUB we make from our fixtures: harbour, theme page, the collection, a bundle, and one with an
    undescribed image."""
    out = tmp_path_factory.mktemp("ace")
    wxr = [FIXTURES / "collection.wxr.xml", "--media", FIXTURES / "collection-media"]
    runs = [
        [FIXTURES / "harbour-archive.txt", FIXTURES / "theme-page.html", "-o", out / "pages"],
        [*wxr, "-o", out / "collection"],
        [*wxr, "-o", out / "bundle", "--bundle", "Lantern Quarterly: Collected"],
    ]
    for args in runs:
        proc = run_cli("export", *args, "-f", "epub", "-q")
        assert proc.returncode == 0, proc.stderr
    undescribed = out / "undescribed.epub"
    write_epub(article(out, alts=("", "A logbook"), notes=1), undescribed)
    epubs = sorted(out.rglob("*.epub"))
    assert len(epubs) == 2 + 7 + 1 + 1
    return epubs


@pytest.fixture(scope="module")
def ace_reports(books: list[Path]) -> dict[str, AceReport]:
    problem = ace_available()
    if problem:
        pytest.fail(problem)
    first = run_ace(books[0])  # alone: Chromium's first start on a fresh machine is the slow one
    with ThreadPoolExecutor(max_workers=2) as pool:
        rest = dict(zip((p.name for p in books[1:]), pool.map(run_ace, books[1:]), strict=True))
    return {books[0].name: first, **rest}


@pytest.mark.slow
def test_ace_finds_no_violation_in_any_epub(ace_reports: dict[str, AceReport]) -> None:
    for name, report in ace_reports.items():
        assert report.violations == [], (name, report.violations)


@pytest.mark.slow
def test_ace_finds_the_accessibility_metadata(ace_reports: dict[str, AceReport]) -> None:
    for name, report in ace_reports.items():
        if name == "undescribed.epub":
            assert set(report.missing_metadata) == ACE_MISSING_OK | {"dcterms:conformsTo", "a11y:certifiedBy"}
        else:
            assert set(report.missing_metadata) <= ACE_MISSING_OK, (name, report.missing_metadata)


@pytest.mark.slow
@pytest.mark.conformance
def test_ace_finds_no_violation_in_the_seed(shared: Path, tmp_path: Path) -> None:
    """The seed article from ../shared/seeds, exported as a user would, passes Ace too."""
    problem = ace_available()
    if problem:
        pytest.fail(problem)
    seeds = sorted((shared / "seeds").glob("*.txt"))
    assert seeds
    proc = run_cli("export", *seeds, "-o", tmp_path, "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    for epub in sorted(tmp_path.glob("*.epub")):
        report = run_ace(epub)
        assert report.violations == [], (epub.name, report.violations)
        assert set(report.missing_metadata) <= ACE_MISSING_OK, (epub.name, report.missing_metadata)
