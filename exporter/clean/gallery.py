"""Galleries: the [gallery] shortcode's figures built from the site's attachments (WXR), never fetched, and one
canonical markup for every gallery WordPress writes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

import lxml.html
from lxml.html import HtmlElement

from exporter.clean.handlers import Action, Handler, Registry, default_registry
from exporter.clean.shortcodes import ShortcodeMatch
from exporter.model import Attachment, RawArticle


def gallery_figures(attachments: list[Attachment]) -> str:
    """A gallery figure holding one <figure> per attachment: the image (resolved later, like any <img>) and its
    caption."""
    parts = []
    for att in attachments:
        caption = f"<figcaption>{escape(att.caption)}</figcaption>" if att.caption.strip() else ""
        # WordPress uses only the alt text meta; a title is often a camera file name, not a description.
        parts.append(f'<figure><img src="{escape(att.url)}" alt="{escape(att.alt)}"/>{caption}</figure>')
    return f'<figure class="{GALLERY}">{"".join(parts)}</figure>'


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


# ---- One canonical markup for every gallery ---------------------------------------------------------------
#
#   <figure class="gallery">
#     <figure class="gallery-item"><img src="…" alt="…"/><figcaption>…</figcaption></figure> …
#     <figcaption>the gallery's own caption</figcaption>
#   </figure>
#
# It comes from the [gallery] shortcode (above), the block editor's gallery (``figure.wp-block-gallery`` with a
# list of items, or with nested image blocks; ``ul.wp-block-gallery`` before WordPress 5.3) and the gallery HTML
# WordPress renders for the shortcode (``div.gallery`` of ``dl``/``figure`` items). A missing image is a
# placeholder in its item (exporter/clean/images.py); a gallery whose images are all missing is also
# ``class="gallery gallery-missing"``, a compact list of placeholders and captions.

GALLERY = "gallery"
ITEM = "gallery-item"
MISSING = "gallery-missing"
REPEATED = "gallery-repeated"
CLASSES = frozenset({GALLERY, ITEM, MISSING, REPEATED})
"""The classes of the canonical gallery markup (kept by the sanitizer and the serializer)."""

_SPACES = re.compile(r"\s+")
_OPEN_TAG = re.compile(r"<(figure|ul|div)\b[^>]*>", re.IGNORECASE)
_CLASS = re.compile(r"""(\sclass\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_FILE_BUTTON = re.compile(
    r"""(<a\b[^>]*\bclass\s*=\s*["'][^"']*\bwp-block-file__button\b[^>]*>)(.*?)(</a\s*>)""",
    re.IGNORECASE | re.DOTALL,
)


def mark_galleries(html: str) -> str:
    """Give every gallery container of WordPress's markup the one class the sanitizer keeps: ``gallery``."""

    def mark(match: re.Match[str]) -> str:
        tag = match.group(0)
        found = _CLASS.search(tag)
        if found is None:
            return tag
        classes = found.group(3).split()
        name = match.group(1).lower()
        is_gallery = "wp-block-gallery" in classes or (name == "div" and GALLERY in classes)
        if not is_gallery or (name == "figure" and classes == [GALLERY]):
            return tag
        return tag[: found.start()] + f'{found.group(1)}"{GALLERY}"' + tag[found.end() :]

    return _OPEN_TAG.sub(mark, html)


def separate_file_button(html: str) -> str:
    """The file block's download button follows its file link in brackets: "Report.pdf (Download)", not
    "Report.pdfDownload" (both are links; neither label is dropped)."""
    return _FILE_BUTTON.sub(lambda m: f" ({m.group(1)}{m.group(2)}{m.group(3)})", html)


def canonical_galleries(root: HtmlElement) -> int:
    """Rewrite every gallery container (class ``gallery``) as the canonical figure of figures.

    Each image becomes an item with its caption (the ``figcaption`` or ``dd`` of the list item, figure or
    definition list that holds it); links around images (to attachment pages or the full-size file) are
    unwrapped; the gallery's own caption follows the items. Text outside any item is kept after them.

    A gallery showing exactly the images and captions of an earlier one (WordPress's ``[gallery]`` with other
    ``columns``, say) becomes one line saying so, keeping its own caption: a book has no use for the layout
    variants. Returns how many galleries were such repeats.
    """
    seen: set[tuple[str, ...]] = set()
    repeated = 0
    for container in [el for el in root.iter("figure", "ul", "div") if _has_class(el, GALLERY)]:
        if container.getparent() is None or any(_has_class(a, GALLERY) for a in container.iterancestors()):
            continue  # a gallery inside a gallery is read as part of the outer one
        gallery = lxml.html.Element("figure")
        gallery.set("class", GALLERY)
        for img in list(container.iter("img")):
            item = _item_of(img, container)
            figure = lxml.html.Element("figure")
            figure.set("class", ITEM)
            caption = (
                next((c for c in item.iter("figcaption", "dd") if c is not item), None) if item is not img else None
            )
            _detach(img)
            figure.append(img)
            if caption is not None:
                caption = _as_figcaption(caption)
            if item is not img:
                _detach(item)
                if leftover := " ".join(item.text_content().split()):  # text of the item beside image and caption
                    figure.append(lxml.html.Element("p"))
                    figure[-1].text = leftover
            if caption is not None:
                figure.append(caption)
            gallery.append(figure)
        own = [c for c in container if c.tag == "figcaption"]
        for caption in own:
            _detach(caption)
        rest = " ".join(container.text_content().split())
        if rest:
            extra = lxml.html.Element("p")
            extra.text = rest
            gallery.append(extra)
        for caption in own:
            gallery.append(caption)
        gallery.tail = container.tail
        container.getparent().replace(container, gallery)
        items = tuple(lxml.html.tostring(item, encoding="unicode") for item in gallery if _has_class(item, ITEM))
        if items and items in seen:
            repeated += 1
            gallery.getparent().replace(gallery, _repeat_line(gallery, len(items)))
        seen.add(items)
    return repeated


def _repeat_line(gallery: HtmlElement, count: int) -> HtmlElement:
    """The line standing for a gallery that shows again the images (and captions) of one above it."""
    line = lxml.html.Element("p")
    line.set("class", REPEATED)
    line.text = f"[Gallery: the same {count} image{'s' if count != 1 else ''} as above]"
    line.tail = gallery.tail
    _own_caption(line, None, gallery)
    return line


def mark_missing(root: HtmlElement) -> int:
    """After the images are resolved: items left with nothing (a spacer gone) go, and a gallery with no image
    found (each item holds a placeholder, ``span.image-missing``, and its caption) gets the class
    ``gallery-missing``: the styles show it as a compact list, one line per image, not a grid of empty frames.

    Returns how many galleries were so marked.
    """
    marked = 0
    for gallery in [el for el in root.iter("figure") if _has_class(el, GALLERY)]:
        items = [el for el in gallery if _has_class(el, ITEM)]
        for item in items:
            if not item.text_content().strip() and next(item.iter("img"), None) is None and not _placeholder(item):
                _detach(item)
        if next(gallery.iter("img"), None) is not None or not any(_has_class(el, ITEM) for el in gallery):
            continue
        gallery.set("class", f"{GALLERY} {MISSING}")
        marked += 1
    return marked


def _placeholder(item: HtmlElement) -> bool:
    """True when ``item`` holds a missing image's placeholder (``span.image-missing``, worded later)."""
    return any(_has_class(el, "image-missing") for el in item.iter("span"))


def _has_class(el: HtmlElement, name: str) -> bool:
    return isinstance(el.tag, str) and name in (el.get("class") or "").split()


def _item_of(img: HtmlElement, container: HtmlElement) -> HtmlElement:
    """The list item, figure or definition list of the gallery that holds ``img`` (else the image itself)."""
    item = img
    for ancestor in img.iterancestors():
        if ancestor is container:
            break
        if ancestor.tag in ("li", "figure", "dl"):
            item = ancestor
    return item


def _detach(el: HtmlElement) -> None:
    """Take ``el`` out of the tree to be reused elsewhere; its tail stays where it was (lxml's ``drop_tree``)."""
    if el.getparent() is not None:
        el.drop_tree()
        el.tail = None


def _as_figcaption(caption: HtmlElement) -> HtmlElement:
    """The caption as a ``figcaption`` (a ``dd`` of the rendered gallery becomes one), its markup kept."""
    _detach(caption)
    caption.tag = "figcaption"
    caption.attrib.clear()
    return caption


def _inline_parts(el: HtmlElement) -> list[str | HtmlElement]:
    """The content of ``el`` as text and inline elements, blocks flattened (images are gone by now)."""
    parts: list[str | HtmlElement] = []

    def walk(node: HtmlElement) -> None:
        if node.text:
            parts.append(node.text)
        for child in list(node):
            if isinstance(child.tag, str) and child.tag in ("figure", "figcaption", "p", "div", "dd", "dt", "dl"):
                if parts and not (isinstance(parts[-1], str) and parts[-1].endswith(" ")):
                    parts.append(" ")
                walk(child)
            else:
                tail, child.tail = child.tail, None
                parts.append(child)
                if tail:
                    parts.append(tail)
            node.remove(child)

    walk(el)
    spaced = [_SPACES.sub(" ", p) if isinstance(p, str) else p for p in parts]  # captions break lines in the source
    return _strip_ends(spaced)


def _strip_ends(parts: list[str | HtmlElement]) -> list[str | HtmlElement]:
    while parts and isinstance(parts[0], str) and not parts[0].strip():
        parts.pop(0)
    while parts and isinstance(parts[-1], str) and not parts[-1].strip():
        parts.pop()
    if parts and isinstance(parts[0], str):
        parts[0] = parts[0].lstrip()
    if parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    return parts


def _extend(line: HtmlElement, last: HtmlElement | None, parts: list[str | HtmlElement]) -> HtmlElement | None:
    """Append text and inline elements to ``line`` after its child ``last``; returns the new last child."""
    for part in parts:
        if isinstance(part, str):
            _append_text(line, last, part)
        else:
            line.append(part)
            last = part
    return last


def _own_caption(line: HtmlElement, last: HtmlElement | None, gallery: HtmlElement) -> HtmlElement | None:
    """The gallery's own caption (and any text beside its items) at the end of ``line``."""
    for other in [el for el in gallery if not _has_class(el, ITEM)]:
        _append_text(line, last, " ")
        last = _extend(line, last, _inline_parts(other))
    return last


def _append_text(parent: HtmlElement, last: HtmlElement | None, text: str) -> None:
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text
