"""Modern Footnotes as saved pages render it: ``sup.modern-footnotes-footnote`` followed by the note in a
``span.modern-footnotes-footnote__note`` (the tooltip). The shortcode form ``[mfn]`` is a footnote shortcode
(:mod:`~exporter.clean.footnotes.shortcode_notes`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from exporter.clean.footnotes.base import Context, Recognizer, Ref, marker_of
from exporter.clean.footnotes.scan import Tag
from exporter.messages import warning


class ModernFootnotes(Recognizer):
    """The rendered reference and its tooltip span become one note; the tooltip goes with the reference."""

    name = "modern-footnotes"
    sources: ClassVar[Mapping[str, str]] = {"mfn-rendered": "Modern Footnotes tooltips"}

    def reference(self, context: Context, i: int, tag: Tag) -> Ref | None:
        if tag.name != "sup" or not tag.has_class("modern-footnotes-footnote"):
            return None
        doc = context.doc
        span = doc.element(i)
        if span is None:
            return None
        marker = marker_of(context.html[span[0] : span[1]])
        ref = Ref(*span, key=f"mfn:{span[0]}", marker=marker or "*", source="mfn-rendered")
        j = doc.next_tag(span[1])
        if j is not None and doc.tags[j].name == "span" and doc.tags[j].has_class("modern-footnotes-footnote__note"):
            inner, outer = doc.inner(j), doc.element(j)
            if inner is not None and outer is not None:
                ref.end = outer[1]
                ref.note_html = context.html[inner[0] : inner[1]]
                return ref
        ref.missing = warning(
            "footnotes", "no-tooltip", "Modern Footnotes reference without its note: kept as a citation marker"
        )
        return ref
