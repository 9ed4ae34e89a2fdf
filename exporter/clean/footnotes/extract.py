"""The extraction: run the recognizers in their order, keep the places that do not overlap, number the notes
and write the noterefs. Every byte of the HTML that is not a reference, a note list or a removal stays."""

from __future__ import annotations

import html as htmllib
from collections import Counter
from collections.abc import Iterable

from exporter.clean.footnotes.base import Context, Recognizer, Ref
from exporter.clean.footnotes.body import clean_body
from exporter.clean.footnotes.core import parse_meta, unused_meta
from exporter.clean.footnotes.reflists import target_html
from exporter.clean.footnotes.scan import Doc
from exporter.clean.footnotes.shortcode_notes import FOOTNOTE_SHORTCODES
from exporter.clean.handlers import Registry
from exporter.messages import Message, info, warning
from exporter.model import Footnote


def extract(
    html: str, footnotes_meta: str | None, registry: Registry | None, recognizers: Iterable[Recognizer]
) -> tuple[str, list[Footnote], list[Message]]:
    """The new HTML, the notes in reading order and the messages (see :func:`~exporter.clean.footnotes.
    extract_footnotes`)."""
    recognizers = list(recognizers)
    meta, messages = parse_meta(footnotes_meta)
    names = registry.note_names() if registry is not None else FOOTNOTE_SHORTCODES
    context = Context(html, Doc(html), meta, messages, note_names=names)
    _find(context, recognizers)
    return _write(context, registry, _source_names(recognizers))


def _find(context: Context, recognizers: list[Recognizer]) -> None:
    for recognizer in recognizers:
        recognizer.targets(context)
    doc = context.doc
    for i, tag in enumerate(doc.tags):
        if not tag.opening or doc.is_protected(tag.start) or context.inside_list(tag.start):
            continue
        for recognizer in recognizers:
            ref = recognizer.reference(context, i, tag)
            if ref is not None:
                context.refs.append(ref)
                break
    for recognizer in recognizers:
        recognizer.finish(context)


def _source_names(recognizers: list[Recognizer]) -> dict[str, str]:
    names: dict[str, str] = {}
    for recognizer in recognizers:
        names.update(recognizer.sources)
    return names


def _source_name(source: str, names: dict[str, str]) -> str:
    if source.startswith("["):
        return f"{source} shortcodes"
    return names.get(source, source)


def _write(
    context: Context, registry: Registry | None, names: dict[str, str]
) -> tuple[str, list[Footnote], list[Message]]:
    html, messages = context.html, context.messages
    accepted: list[Ref] = []
    last_end = 0
    for ref in sorted(context.refs, key=lambda r: (r.start, -r.end)):
        if ref.start < last_end:
            continue
        accepted.append(ref)
        last_end = ref.end

    bodies: dict[str, str | None] = {}
    numbers: dict[str, Footnote] = {}
    notes: list[Footnote] = []
    per_source: Counter[str] = Counter()
    out: list[str] = []
    pos = 0
    for ref in accepted:
        out.append(html[pos : ref.start])
        pos = ref.end
        if ref.remove or ref.key is None:
            continue
        if ref.missing is not None:
            messages.append(ref.missing)
            out.append(f'<sup class="citation">{htmllib.escape(ref.marker, quote=False)}</sup>')
            continue
        if ref.key not in bodies:
            raw = ref.note_html if ref.target is None else target_html(ref.target)
            bodies[ref.key] = clean_body(raw or "", registry, messages)
            if bodies[ref.key] is None:
                text = f"empty footnote from {_source_name(ref.source, names)} dropped"
                messages.append(info("footnotes", "empty-note-dropped", text))
        body = bodies[ref.key]
        if body is None:
            continue
        note = numbers.get(ref.key)
        if note is None:
            n = len(notes) + 1
            note = Footnote(id=f"n{n}", label=str(n), body=body)
            numbers[ref.key] = note
            notes.append(note)
            per_source[ref.source] += 1
        out.append(f'<sup class="noteref" data-note="{note.id}">{note.label}</sup>')
    out.append(html[pos:])

    for source, count in per_source.items():
        text = f"{count} footnote{'s' if count != 1 else ''} from {_source_name(source, names)}"
        messages.append(info("footnotes", "notes-found", text))
    unused = unused_meta(context, set(numbers))
    if unused:
        text = f"{unused} note(s) of the footnotes meta not referenced in the text: dropped"
        messages.append(warning("footnotes", "meta-unreferenced", text))
    return "".join(out), notes, messages
