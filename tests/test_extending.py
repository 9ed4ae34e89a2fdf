"""Extending the exporter in one place: a toy output format and a toy cleaning transform, each registered with
one call, take effect through the real pipeline (worker processes included)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from exporter.clean import TRANSFORMS, CleanDocument, clean
from exporter.messages import Message, info
from exporter.model import Article
from exporter.pipeline import Options, run_export
from exporter.readers.text import read_text
from exporter.writers.registry import WRITERS, WriteOptions, formats, writer_for
from tests.tools import book_files

ARTICLE = "The lighthouse keepers\n\nThe keepers kept a log of every ship that passed the point.\n\nShout it.\n"


class PlainTextWriter:
    """A toy format: the article's title and words as plain text."""

    format = "txt"
    suffix = ".txt"

    def write(self, article: Article, path: Path, options: WriteOptions) -> list[Message]:
        import lxml.html

        text = lxml.html.fragment_fromstring(article.body, create_parent="div").text_content()
        path.write_text(f"{article.title}\n\n{' '.join(text.split())}\n", encoding="utf-8")
        return [info("txt", "written", f"plain text on {options.paper} paper")]

    def write_bundle(self, title: str, articles: Sequence[Article], path: Path, options: WriteOptions) -> list[Message]:
        path.write_text("\n".join(a.title for a in articles), encoding="utf-8")
        return []


@pytest.fixture
def toy_format() -> Iterator[None]:
    WRITERS.register(PlainTextWriter(), "txt", 30)
    yield
    WRITERS.deregister("txt")


def shout(doc: CleanDocument) -> None:
    """Upper-case the paragraphs that ask for it."""
    for p in doc.tree.iter("p"):
        if p.text_content().strip() == "Shout it.":
            p.text = "SHOUT IT."
    doc.report.info("toy", "shouted", "a paragraph was shouted")


@pytest.fixture
def toy_transform() -> Iterator[None]:
    TRANSFORMS.register(shout, "shout", 650)
    yield
    TRANSFORMS.deregister("shout")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "keepers.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_toy_format_registered_in_one_place_is_written(toy_format, source: Path, tmp_path: Path, jobs: int) -> None:
    assert formats() == ("epub", "pdf", "txt")
    out = tmp_path / "out"
    results = run_export([source], Options(output_dir=out, formats=("txt", "epub"), jobs=jobs))
    assert [r.status for r in results] == ["ok"]
    assert book_files(out) == [
        "the-lighthouse-keepers.epub",
        "the-lighthouse-keepers.txt",
    ]
    book = out / "the-lighthouse-keepers.txt"
    assert book.read_text(encoding="utf-8").startswith("The lighthouse keepers\n\nThe keepers kept a log")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (item,) = manifest["items"]
    assert [o["format"] for o in item["outputs"]] == ["txt", "epub", "cover", "thumbnail"]
    assert [o["path"] for o in item["outputs"]] == [
        "the-lighthouse-keepers.txt",
        "the-lighthouse-keepers.epub",
        "covers/the-lighthouse-keepers.jpg",
        "thumbnails/the-lighthouse-keepers.jpg",
    ]
    assert {"stage": "txt", "code": "written", "level": "info", "text": "plain text on a4 paper"} in item["warnings"]


def test_an_unknown_format_is_refused_before_any_work(source: Path, tmp_path: Path) -> None:
    from exporter.errors import UsageError

    with pytest.raises(UsageError, match="unknown format 'txt'"):
        run_export([source], Options(output_dir=tmp_path / "out", formats=("txt",)))
    assert not (tmp_path / "out").exists()


def test_writers_are_imported_only_when_used() -> None:
    assert writer_for("epub").suffix == ".epub"
    assert writer_for("pdf").format == "pdf"


def test_a_toy_transform_registered_in_one_place_runs_in_its_place(toy_transform, source: Path) -> None:
    names = TRANSFORMS.names()
    assert names.index("images") < names.index("shout") < names.index("language")
    article = clean(read_text(source))
    assert "<p>SHOUT IT.</p>" in article.body
    assert any(m.stage == "toy" and m.code == "shouted" for m in article.warnings)


def test_a_toy_transform_reaches_the_books_through_worker_processes(
    toy_transform, source: Path, tmp_path: Path
) -> None:
    import zipfile

    out = tmp_path / "out"
    run_export([source], Options(output_dir=out, formats=("epub",), jobs=2))
    with zipfile.ZipFile(out / "the-lighthouse-keepers.epub") as book:
        assert "SHOUT IT." in book.read("EPUB/article.xhtml").decode("utf-8")


def test_a_transform_set_can_be_given_for_one_call(source: Path) -> None:
    only = TRANSFORMS.copy()
    only.register(shout, "shout", 650)
    assert "SHOUT IT." in clean(read_text(source), transforms=only).body
    assert "SHOUT IT." not in clean(read_text(source)).body
