"""Footnote shortcodes: ``[efn_note]``, ``[footnote]``, ``[ref]``, ``[mfn]``, ``[modern_footnote]``.

Enclosing only: the note is the content. The names are the handlers with action ``note`` in the default
shortcode registry (:func:`~exporter.clean.handlers.default_registry`), the one list of them. A footnote
shortcode inside a note stays inline, in parentheses.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from exporter.clean.footnotes.base import Context, Recognizer, Ref
from exporter.clean.handlers import MAX_ATTR_LEN, default_registry
from exporter.clean.shortcodes import ShortcodeMatch, find_shortcodes, replace_shortcodes
from exporter.messages import Message, info

FOOTNOTE_SHORTCODES = default_registry().note_names()
"""The built-in footnote shortcodes (``efn_note``, ``footnote``, ``ref``, ``mfn``, ``modern_footnote``): the
handlers with action ``note`` in the default registry, the one list of them."""


def _is_note_of(names: Collection[str]) -> Callable[[ShortcodeMatch], bool]:
    return lambda m: m.name in names and m.content is not None


class FootnoteShortcodes(Recognizer):
    """Each enclosing footnote shortcode is a reference whose note is its content (``source`` ``[name]``)."""

    name = "shortcodes"

    def finish(self, context: Context) -> None:
        names = context.note_names or FOOTNOTE_SHORTCODES
        for m in find_shortcodes(context.html, _is_note_of(names), names, max_attr_len=MAX_ATTR_LEN):
            if m.escaped:
                continue
            start, end = m.tag_span
            context.refs.append(
                Ref(start, end, key=f"sc:{start}", source=f"[{m.name}]", note_html=m.content, marker=m.raw)
            )


def unnest_footnote_shortcodes(raw: str, messages: list[Message], names: Collection[str] = FOOTNOTE_SHORTCODES) -> str:
    """A footnote shortcode (one of ``names``) inside a note: its text stays inline, in parentheses."""
    if "[" not in raw:
        return raw

    def render(m: ShortcodeMatch) -> str:
        text = f"[{m.name}] inside a footnote kept inline in parentheses"
        messages.append(info("footnotes", "nested-note-inline", text))
        return f" ({unnest_footnote_shortcodes(m.content or '', messages, names).strip()})"

    return replace_shortcodes(raw, _is_note_of(names), render, names)
