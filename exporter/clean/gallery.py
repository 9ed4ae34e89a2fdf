"""The [gallery] shortcode: figures built from the site's attachments (WXR), never fetched."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from exporter.clean.handlers import Action, Handler, Registry, default_registry
from exporter.clean.shortcodes import ShortcodeMatch
from exporter.model import Attachment, RawArticle


def gallery_figures(attachments: list[Attachment]) -> str:
    """One <figure> per attachment: the image (resolved later, like any <img>) and its caption."""
    parts = []
    for att in attachments:
        caption = f"<figcaption>{escape(att.caption)}</figcaption>" if att.caption.strip() else ""
        # WordPress uses only the alt text meta; a title is often a camera file name, not a description.
        parts.append(f'<figure><img src="{escape(att.url)}" alt="{escape(att.alt)}"/>{caption}</figure>')
    return "".join(parts)


def make_gallery_converter(attachments: Mapping[str, Attachment], post_id: str | None):
    """A converter for [gallery]: ``ids``/``include`` in order, else the images attached to the post."""

    def convert(match: ShortcodeMatch, content: str) -> str | None:
        ids = re.findall(r"\d+", match.attrs.get("ids", "") or match.attrs.get("include", ""))
        if ids:
            chosen = [attachments[i] for i in ids if i in attachments]
        else:
            chosen = sorted(
                (a for a in attachments.values() if post_id is not None and a.parent == post_id),
                key=lambda a: int(a.id) if a.id.isdigit() else 0,
            )
        exclude = set(re.findall(r"\d+", match.attrs.get("exclude", "")))
        chosen = [a for a in chosen if a.id not in exclude]
        return gallery_figures(chosen) + content if chosen else None

    return convert


def registry_for(raw: RawArticle) -> Registry | None:
    """The handler registry for one article: the defaults, plus [gallery] when the site's attachments are known."""
    if not raw.attachments:
        return None
    registry = default_registry().copy()
    registry.register(
        Handler(
            "gallery",
            Action.CONVERT,
            converter=make_gallery_converter(raw.attachments, raw.post_id),
            reason="figures from the site's attachments",
            plugin="WordPress core",
            options={"fallback": "remove"},
        ),
        priority=60,
    )
    return registry
