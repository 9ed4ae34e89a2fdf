"""The guarded reading of WeasyPrint's private page boxes (exporter/writers/weasyprint_pages.py).

The first tests run the guard's shape check against the installed WeasyPrint: they fail when an upgrade changes
the boxes the PDF writer reads (then footnotes would silently stop being kept on the page of their call). The
others give a real rendered document a page box of another shape and check the fallback and its warnings.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace
from typing import Any

import pytest

from exporter.writers import pdf as pdf_writer
from exporter.writers import weasyprint_pages
from exporter.writers.weasyprint_pages import WeasyPrintShapeWarning, footnote_pages, shape_problem

PARA = "The harbour had been quiet for most of the winter, and the fishermen went out before dawn. " * 12
NOTES = 3


def notes_html(notes: int = NOTES) -> str:
    """A few pages of paragraphs, the first ``notes`` of them with a footnote float as the writer makes them."""
    paragraphs = []
    for n in range(12):
        note = f'<span class="footnote" data-label="{n + 1}">Note {n + 1}.</span>' if n < notes else ""
        paragraphs.append(f'<p data-b="{n}">{PARA}{note} End.</p>')
    return f'<!DOCTYPE html><html lang="en"><body><div class="article-body">{"".join(paragraphs)}</div></body></html>'


def render(html: str) -> Any:
    """A real WeasyPrint document laid out with the print styles, as the PDF writer lays it out."""
    return pdf_writer._render(html, pdf_writer.make_url_fetcher([]), "a4")


@pytest.fixture(scope="module")
def document() -> Any:
    return render(notes_html())


@pytest.fixture
def fresh_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard as in a new process: it has not warned yet."""
    monkeypatch.setattr(weasyprint_pages, "_warned", False)


def test_installed_weasyprint_has_the_page_box_shape_the_writer_reads(document: Any) -> None:
    assert shape_problem(document, NOTES) is None
    pages, messages = footnote_pages(document, NOTES)
    assert messages == []
    assert len(pages) == len(document.pages) >= 2
    # The first page starts with the first paragraph, at print.css's orphans value; every note sits with its call.
    assert (pages[0].first_block, pages[0].first_orphans) == ("0", 3)
    assert all(page.first_block is not None for page in pages)
    assert [page.away for page in pages] == [()] * len(pages)


def test_a_document_without_notes_needs_no_call() -> None:
    assert shape_problem(render(notes_html(notes=0)), 0) is None


def test_calls_that_cannot_be_found_are_a_shape_problem() -> None:
    # The layout has three footnote floats; expecting them while reading a page box without them must not pass.
    problem = shape_problem(SimpleNamespace(pages=[SimpleNamespace(_page_box=SimpleNamespace(children=[]))]), 3)
    assert problem == "no footnote call found in the page boxes, 3 expected"


def changed_shape(document: Any, page_box: object) -> Any:
    """``document`` with each page's private page box replaced by ``page_box``; the pages are otherwise real."""
    pages = []
    for page in document.pages:
        fake = SimpleNamespace(**{k: v for k, v in vars(page).items() if k != "_page_box"})
        if page_box is not None:
            fake._page_box = page_box
        pages.append(fake)
    return SimpleNamespace(pages=pages)


@pytest.mark.parametrize(
    ("page_box", "problem"),
    [
        (None, "AttributeError"),  # the attribute renamed
        (SimpleNamespace(boxes=[]), "AttributeError"),  # its children renamed
        (SimpleNamespace(children=[]), "no footnote call found in the page boxes, 3 expected"),  # calls unlinked
    ],
)
def test_a_changed_shape_warns_once_per_process_and_in_every_result(
    document: Any, page_box: object, problem: str, fresh_guard: None
) -> None:
    changed = changed_shape(document, page_box)
    assert problem in (shape_problem(changed, NOTES) or "")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [footnote_pages(changed, NOTES) for _ in range(3)]
    assert [w.category for w in caught] == [WeasyPrintShapeWarning]
    assert problem in str(caught[0].message)
    for pages, messages in results:
        assert pages == []
        assert [(m.stage, m.code, m.level) for m in messages] == [("pdf", "weasyprint-internals", "warning")]
        assert problem in messages[0].text and "WeasyPrint 70" in messages[0].text


def test_the_writer_falls_back_to_one_layout_and_reports_it(monkeypatch: pytest.MonkeyPatch, fresh_guard: None) -> None:
    renders: list[Any] = []
    real_render = pdf_writer._render

    def render_with_changed_boxes(html: str, fetcher: Any, paper: str) -> Any:
        renders.append(changed_shape(real_render(html, fetcher, paper), SimpleNamespace(children=[])))
        return renders[-1]

    monkeypatch.setattr(pdf_writer, "_render", render_with_changed_boxes)
    with pytest.warns(WeasyPrintShapeWarning):
        result, messages = pdf_writer._layout(notes_html, {}, NOTES, pdf_writer.make_url_fetcher([]), "a4")
    assert result is renders[0] and len(renders) == 1
    assert [m.code for m in messages] == ["weasyprint-internals"]
