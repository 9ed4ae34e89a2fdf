"""The one place that reads WeasyPrint's private page boxes, guarded against a change of their shape.

WeasyPrint has no public API that tells on which page a footnote was set. The PDF writer needs that to keep each
note on the page of its call (see ``pdf._layout``), so this module walks the laid-out page boxes of a rendered
document (``Page._page_box`` and the classes of ``weasyprint.formatting_structure.boxes``), as WeasyPrint 70
shapes them; pyproject.toml holds WeasyPrint to that major version.

If another WeasyPrint shapes them differently, :func:`footnote_pages` does not guess: it returns no pages (the
writer then lays the document out once, as if it had no notes to check) with a ``weasyprint-internals`` warning
record for the item's manifest, and warns once per process through Python's :mod:`warnings`.
``tests/test_weasyprint_pages.py`` runs :func:`shape_problem` against the installed WeasyPrint.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Any

from exporter.messages import Message, warning


class WeasyPrintShapeWarning(RuntimeWarning):
    """WeasyPrint's page boxes are not the shape this exporter reads; footnote placement is not checked."""


@dataclass(frozen=True)
class PageNotes:
    """One laid-out page, as far as footnote placement goes."""

    away: tuple[str | None, ...]
    """The ``data-label`` of each footnote called on this page but not set in this page's footnote area."""
    first_block: str | None
    """The ``data-b`` index of the block holding the page's first line of text (None: no such block or index)."""
    first_orphans: int
    """That block's ``orphans`` value (0 when the page has no line of text)."""


class _ShapeError(Exception):
    """The page boxes lack something this module reads."""


# What reading an unexpected shape raises; anything else is a real error and propagates.
_SHAPE_ERRORS = (_ShapeError, ImportError, AttributeError, KeyError, TypeError, IndexError, ValueError)
_warned = False
_warned_lock = threading.Lock()


def _box_classes() -> tuple[type, type, type]:
    """FootnoteAreaBox, LineBox and MarginBox, after checking the box attributes the walk relies on."""
    from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox, LineBox, MarginBox

    # A footnote call is the box whose ``footnote`` attribute holds the note's box: the class default is None.
    if "footnote" not in vars(Box) or Box.footnote is not None:
        raise _ShapeError("boxes have no 'footnote' attribute")
    for cls in (FootnoteAreaBox, LineBox, MarginBox):
        if not issubclass(cls, Box):
            raise _ShapeError(f"{cls.__name__} is not a Box")
    return FootnoteAreaBox, LineBox, MarginBox


def _read(document: Any, expected_calls: int) -> list[PageNotes]:
    """Walk every page's boxes; raises one of ``_SHAPE_ERRORS`` when they are not the expected shape."""
    footnote_area, line_box, margin_box = _box_classes()
    pages: list[PageNotes] = []
    calls_found = 0
    for page in document.pages:
        calls: list[Any] = []
        notes: set[int] = set()
        first = None  # the block holding the page's first line of text
        for child in page._page_box.children:
            if isinstance(child, footnote_area):
                notes.update(id(box.element) for box in child.children)
            elif not isinstance(child, margin_box):
                stack = [(child, None)]
                while stack:
                    box, parent = stack.pop()
                    if getattr(box, "footnote", None) is not None:
                        calls.append(box.footnote.element)
                    if first is None and isinstance(box, line_box):
                        first = parent
                    stack.extend((c, box) for c in reversed(getattr(box, "children", None) or []))
        calls_found += len(calls)
        element = first.element if first is not None else None
        pages.append(
            PageNotes(
                away=tuple(el.get("data-label") for el in calls if id(el) not in notes),
                first_block=element.get("data-b") if element is not None else None,
                first_orphans=int(first.style["orphans"]) if first is not None else 0,
            )
        )
    if expected_calls and not calls_found:
        raise _ShapeError(f"no footnote call found in the page boxes, {expected_calls} expected")
    return pages


def _describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, _ShapeError) else f"{type(exc).__name__}: {exc}"


def shape_problem(document: Any, expected_calls: int) -> str | None:
    """None when ``document``'s page boxes have the shape :func:`footnote_pages` reads, else what differs.

    ``document`` is a rendered WeasyPrint document; ``expected_calls`` the number of ``float: footnote``
    elements in its HTML (at least one call box must then be found).
    """
    try:
        _read(document, expected_calls)
    except _SHAPE_ERRORS as exc:
        return _describe(exc)
    return None


def _warn_once(text: str) -> None:
    global _warned
    with _warned_lock:
        if _warned:
            return
        _warned = True
    warnings.warn(text, WeasyPrintShapeWarning, stacklevel=3)


def footnote_pages(document: Any, expected_calls: int) -> tuple[list[PageNotes], list[Message]]:
    """Each page's footnotes set away from their calls, and its first block; or, if WeasyPrint's page boxes
    changed shape, no pages and a warning (given to every caller; Python's warning is issued once per process).
    """
    try:
        return _read(document, expected_calls), []
    except _SHAPE_ERRORS as exc:
        import weasyprint

        text = (
            f"footnotes were not checked against the pages of their calls: WeasyPrint {weasyprint.__version__}'s "
            f"page boxes are not the shape this exporter reads ({_describe(exc)})"
        )
        _warn_once(text)
        return [], [warning("pdf", "weasyprint-internals", text)]
