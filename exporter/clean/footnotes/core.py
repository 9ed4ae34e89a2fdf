"""The block editor's core footnotes: ``<sup data-fn="ID">`` and the ``footnotes`` post meta.

The note texts come from the ``footnotes`` post meta (JSON ``[{"id", "content"}]``; the quoting damage of core
ticket 59103 is repaired). When the meta has no entry, the rendered ``ol.wp-block-footnotes`` item with that
id is used (see :mod:`~exporter.clean.footnotes.reflists`); else the label stays as a citation marker. The early
form ``<a data-fn>`` counts too. The ``<!-- wp:footnotes -->`` comment goes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import ClassVar

from exporter.clean.footnotes.base import Context, Recognizer, Ref, marker_of
from exporter.clean.footnotes.scan import Tag
from exporter.messages import Message, info, warning

_WP_FOOTNOTES_COMMENT = re.compile(r"<!--\s*/?wp:footnotes\b.*?-->", re.DOTALL)
_UNESCAPED_QUOTE = re.compile(r'(?<!\\)"')
_CONTENT_QUOTES = re.compile(r'("content"\s*:\s*")(.*?)("\s*,\s*"id"\s*:|"\s*\}\s*(?:,\s*\{|\]))', re.DOTALL)


class BlockEditorFootnotes(Recognizer):
    """``<sup data-fn>`` references, their texts from the post meta or the rendered list."""

    name = "block-editor"
    sources: ClassVar[Mapping[str, str]] = {
        "core": "the block editor's footnotes meta",
        "core-list": "the block editor's rendered footnotes list",
    }

    def reference(self, context: Context, i: int, tag: Tag) -> Ref | None:
        if tag.name not in ("sup", "a") or "data-fn" not in tag.attrs:
            return None
        span = context.doc.element(i)
        if span is None:
            return None
        fn_id = tag.attrs["data-fn"]
        ref = Ref(*span, key=f"fn:{fn_id}", marker=marker_of(context.html[span[0] : span[1]]) or "*")
        if fn_id in context.meta:
            ref.note_html, ref.source = context.meta[fn_id], "core"
        elif fn_id in context.targets:
            ref.target, ref.source = context.targets[fn_id][0], "core-list"
            ref.key = f"el:{id(ref.target)}"
        else:
            ref.missing = warning(
                "footnotes",
                "no-meta-entry",
                f"block editor footnote {fn_id!r} has no entry in the footnotes meta: kept as a citation marker",
            )
        return ref

    def finish(self, context: Context) -> None:
        for m in _WP_FOOTNOTES_COMMENT.finditer(context.html):
            context.refs.append(Ref(m.start(), m.end(), remove=True))


def parse_meta(meta: str | None) -> tuple[dict[str, str], list[Message]]:
    """The block editor's ``footnotes`` meta as {id: content HTML}, and messages."""
    if meta is None or not meta.strip():
        return {}, []
    messages: list[Message] = []
    try:
        data = json.loads(meta)
    except ValueError:
        repaired = _CONTENT_QUOTES.sub(
            lambda m: m.group(1) + _UNESCAPED_QUOTE.sub(lambda _: '\\"', m.group(2)) + m.group(3), meta
        )
        try:
            data = json.loads(repaired)
        except ValueError as exc:
            text = f"footnotes meta is not valid JSON ({exc.msg}): its notes are lost"
            return {}, [warning("footnotes", "meta-not-json", text)]
        messages.append(
            info("footnotes", "meta-repaired", "footnotes meta had unescaped quotes (core ticket 59103): repaired")
        )
    if not isinstance(data, list):
        return {}, [warning("footnotes", "meta-not-list", "footnotes meta is not a JSON list: its notes are lost")]
    entries: dict[str, str] = {}
    for entry in data:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            content = entry.get("content")
            entries.setdefault(entry["id"], content if isinstance(content, str) else "")
    if len(entries) < len(data):
        text = f"{len(data) - len(entries)} malformed entries in the footnotes meta ignored"
        messages.append(warning("footnotes", "meta-malformed-entries", text))
    return entries, messages


def unused_meta(context: Context, cited_keys: set[str]) -> int:
    """How many notes of the meta no reference cites."""
    return len(set(context.meta) - {k[3:] for k in cited_keys if k.startswith("fn:")})
