"""Footnotes: every kind of note reference in a post becomes one canonical noteref plus a :class:`Footnote`.

The stage runs on the raw body HTML string, before the shortcode stage and before sanitizing, so ids, classes
and ``data-*`` attributes are still there. Only the note references and the note lists are rewritten; every
other byte of the HTML stays as it was (the later stages see the same text).

Each source of notes is a recognizer (see ``shared/wordpress/plugins.md`` §5), in :data:`RECOGNIZERS`, whose
order is the one place where which source wins a tag is declared:

* :mod:`.core`: the block editor's ``<sup data-fn>`` and its ``footnotes`` post meta;
* :mod:`.modern`: Modern Footnotes' rendered references and their tooltips;
* :mod:`.reflists`: references linked to a rendered list (Wikipedia, the Footnotes plugin, Markdown footnotes,
  Easy Footnotes, the block editor's list);
* :mod:`.shortcode_notes`: the footnote shortcodes (``[efn_note]``, ``[footnote]``, ``[ref]``, ``[mfn]``,
  ``[modern_footnote]``);
* :mod:`.parens`: the Footnotes plugin's ``((…))``.

:mod:`.scan` reads the tags, :mod:`.extract` runs the recognizers and numbers the notes, :mod:`.body` cleans
each note's body. Bare markers in prose (``[5]``, ``[b]``) are left to the citations stage.

Notes are numbered 1, 2… in order of first reference (ids ``n1``, ``n2``…); a note cited again keeps its label.
A note whose body is empty is dropped with its reference.
"""

from __future__ import annotations

from exporter.clean.footnotes.base import Recognizer
from exporter.clean.footnotes.core import BlockEditorFootnotes
from exporter.clean.footnotes.extract import extract
from exporter.clean.footnotes.modern import ModernFootnotes
from exporter.clean.footnotes.parens import DoubleParentheses
from exporter.clean.footnotes.reflists import ReferenceLists
from exporter.clean.footnotes.shortcode_notes import FOOTNOTE_SHORTCODES, FootnoteShortcodes
from exporter.clean.handlers import Registry
from exporter.messages import Message
from exporter.model import Footnote
from exporter.registry import Registry as Recognizers

__all__ = ["FOOTNOTE_SHORTCODES", "RECOGNIZERS", "Recognizer", "extract_footnotes"]

RECOGNIZERS: Recognizers[Recognizer] = Recognizers()
"""The note sources, in order: for a tag two sources could claim, the first wins."""
RECOGNIZERS.register(BlockEditorFootnotes(), BlockEditorFootnotes.name, 100)
RECOGNIZERS.register(ModernFootnotes(), ModernFootnotes.name, 200)
RECOGNIZERS.register(ReferenceLists(), ReferenceLists.name, 300)
RECOGNIZERS.register(FootnoteShortcodes(), FootnoteShortcodes.name, 400)
RECOGNIZERS.register(DoubleParentheses(), DoubleParentheses.name, 500)


def extract_footnotes(
    html: str, footnotes_meta: str | None = None, registry: Registry | None = None
) -> tuple[str, list[Footnote], list[Message]]:
    """Replace every note reference in ``html`` by ``<sup class="noteref" data-note="ID">LABEL</sup>``.

    Returns the new HTML, the notes in reading order (ids ``n1``, ``n2``…, labels ``1``, ``2``… in order of
    first reference) and the messages (stage ``footnotes``; a shortcode's message from a note body keeps its
    code). ``footnotes_meta`` is the block editor's ``footnotes`` post meta (JSON); ``registry`` is the
    shortcode registry the note bodies are processed with (the default one if None).
    Everything that is not a note reference or a note list is left byte for byte as it was.
    """
    if not html:
        return html, [], []
    return extract(html, footnotes_meta, registry, RECOGNIZERS)
