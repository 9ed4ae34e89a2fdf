"""The cleaner's transforms and their order: the one place the order of cleaning is declared.

Priorities (lower runs first): text stage 100-400 (WordPress's rules work on the text), ``parse`` at 450,
tree stage 500-900. ``docs/architecture.md`` lists the same table; ``TRANSFORMS.table()`` prints it.
"""

from __future__ import annotations

import lxml.html

from exporter.clean.blocks import prepare_post_content
from exporter.clean.citations import mark_citations, unlink_dangling
from exporter.clean.document import CleanDocument
from exporter.clean.footnotes import extract_footnotes
from exporter.clean.gallery import canonical_galleries, mark_galleries, mark_missing, separate_file_button
from exporter.clean.handlers import apply_shortcodes
from exporter.clean.image_candidates import choose_sources, served_by
from exporter.clean.images import resolve_cover_image, resolve_images, word_placeholders
from exporter.clean.labels import drop_image_labels
from exporter.clean.language_item import item_language
from exporter.clean.language_runs import mark_runs, prose
from exporter.clean.licence import detect_licence
from exporter.clean.links import absolutize_links
from exporter.clean.sanitize import sanitize_with_warnings
from exporter.clean.structure import demote_h1, drop_empty, expand_details, fix_nesting, wrap_loose_inline
from exporter.clean.textnodes import make_element
from exporter.clean.title import clean_title
from exporter.transforms import Transforms

TRANSFORMS = Transforms()
"""The cleaner's transforms. Register your own with ``TRANSFORMS.add(name, priority)``."""

EMPTY_NOTE = "The source holds no text for this article."


@TRANSFORMS.add("title", 50)
def title(doc: CleanDocument) -> None:
    """The title's plain text; its HTML (a WXR title, a page's heading) reduced to inline emphasis for the heading."""
    doc.title, doc.title_html = " ".join(doc.raw.title.split()), None
    if doc.raw.title_html is not None:
        text, inline = clean_title(doc.raw.title_html)
        if text:  # else nothing of the markup shows, and the reader's title stands
            doc.title, doc.title_html = text, inline


@TRANSFORMS.add("post-content", 100)
def post_content(doc: CleanDocument) -> None:
    """WordPress post content: wpautop for classic posts, block delimiters removed, more/nextpage."""
    doc.html, messages = prepare_post_content(doc.raw.html, doc.raw.content_format)
    doc.report.extend(messages)


@TRANSFORMS.add("footnotes", 200)
def footnotes(doc: CleanDocument) -> None:
    """Notes from every plugin and reference list become noterefs and one list of notes."""
    doc.html, doc.notes, messages = extract_footnotes(doc.html, doc.raw.footnotes_meta, doc.shortcodes)
    doc.report.extend(messages)


@TRANSFORMS.add("shortcodes", 300)
def shortcodes(doc: CleanDocument) -> None:
    """Shortcodes parsed as WordPress parses them: expanded, converted, or removed."""
    doc.html, messages = apply_shortcodes(doc.html, doc.shortcodes)
    doc.report.extend(messages)


@TRANSFORMS.add("media-blocks", 350)
def media_blocks(doc: CleanDocument) -> None:
    """Gallery containers marked for the sanitizer; a file block's download button set apart from its link; each
    image's source chosen among its candidates (srcset, lazy-loading attributes, a noscript fallback)."""
    doc.html = choose_sources(separate_file_button(mark_galleries(doc.html)), served_by(doc.resolver, doc.raw.base_dir))


@TRANSFORMS.add("sanitize", 400)
def sanitize(doc: CleanDocument) -> None:
    """The allowlist sanitizer (nh3): scripts, frames, styles and unsafe URLs go, each named."""
    doc.html, messages = sanitize_with_warnings(doc.html)
    doc.report.extend(messages)


@TRANSFORMS.add("parse", 450)
def parse(doc: CleanDocument) -> None:
    """The text becomes a tree; every later transform works on the tree."""
    doc.root = lxml.html.fragment_fromstring(doc.html or "<p></p>", create_parent="div")
    doc.html = ""


@TRANSFORMS.add("galleries", 460)
def galleries(doc: CleanDocument) -> None:
    """Every gallery (shortcode, block, rendered) becomes one figure of figures, each image with its caption; a
    repeat of a gallery above is one line."""
    if count := canonical_galleries(doc.tree):
        doc.report.info(
            "images",
            "gallery-repeated",
            f"{count} galler{'ies' if count != 1 else 'y'} showing the same images as one above: one line each",
        )


@TRANSFORMS.add("details", 500)
def details(doc: CleanDocument) -> None:
    """Collapsed ``<details>`` sections expanded inline, their summaries as headings."""
    doc.report.extend(expand_details(doc.tree))


@TRANSFORMS.add("demote-h1", 510)
def demote_h1s(doc: CleanDocument) -> None:
    """Headings start at h2: the title is the book's h1."""
    demote_h1(doc.tree)


@TRANSFORMS.add("image-labels", 520)
def image_labels(doc: CleanDocument) -> None:
    """Stray image labels (file names, badge captions) dropped."""
    doc.report.extend(drop_image_labels(doc.tree))


@TRANSFORMS.add("licence", 530)
def licence(doc: CleanDocument) -> None:
    """The Creative Commons licence detected; its statement moves to the licence page."""
    doc.licence, messages = detect_licence(doc.tree, doc.raw.licence_hints)
    doc.report.extend(messages)


@TRANSFORMS.add("citations", 540)
def citations(doc: CleanDocument) -> None:
    """Bare citation markers such as ``[5]`` become visible superscripts."""
    mark_citations(doc.tree)


@TRANSFORMS.add("links", 550)
def links(doc: CleanDocument) -> None:
    """Relative links made absolute against the source URL, or unwrapped."""
    doc.report.extend(absolutize_links(doc.tree, doc.raw.source_url))


@TRANSFORMS.add("unlink-dangling", 560)
def dangling(doc: CleanDocument) -> None:
    """Links to anchors that are not in the article are unwrapped."""
    unlink_dangling(doc.tree)


@TRANSFORMS.add("images", 600)
def images(doc: CleanDocument) -> None:
    """Each image served from the allowed folders, or a placeholder naming it (its alt text or file name)."""
    doc.images, messages = resolve_images(
        doc.tree, doc.resolver, doc.raw.base_dir, source_path=doc.raw.source_path, missing=doc.missing_images
    )
    doc.report.extend(messages)


@TRANSFORMS.add("cover-image", 605)
def cover_image(doc: CleanDocument) -> None:
    """The featured image found locally for the cover, by the same resolver; when it is not found, said once."""
    doc.cover_image, messages = resolve_cover_image(
        doc.raw.featured_image, doc.resolver, doc.raw.base_dir, source_path=doc.raw.source_path
    )
    doc.report.extend(messages)


@TRANSFORMS.add("gallery-missing", 610)
def gallery_missing(doc: CleanDocument) -> None:
    """A gallery with no image found is marked as such: a compact list of its placeholders and captions."""
    if count := mark_missing(doc.tree):
        doc.report.info(
            "images",
            "gallery-missing",
            f"{count} galler{'ies' if count != 1 else 'y'} with no image found: each shows a compact list of"
            " placeholders with their captions",
        )


@TRANSFORMS.add("language", 700)
def language(doc: CleanDocument) -> None:
    """The article's language: declared, else detected from the title and text; a sure other script wins."""
    doc.language, messages = item_language(doc.raw.language, f"{doc.title}\n{prose(doc.tree)}")
    doc.report.extend(messages)


@TRANSFORMS.add("image-placeholders", 705)
def image_placeholders(doc: CleanDocument) -> None:
    """Each missing image's placeholder worded in the article's language ("Image not in the archive: NAME")."""
    word_placeholders(doc.tree, doc.language)


@TRANSFORMS.add("language-runs", 710)
def language_runs(doc: CleanDocument) -> None:
    """Blocks and runs in another language or script get ``lang``, and ``dir`` where the direction changes."""
    mark_runs(doc.tree, doc.language)


@TRANSFORMS.add("wrap-inline", 800)
def wrap_inline(doc: CleanDocument) -> None:
    """Loose inline content at the top level wrapped in paragraphs."""
    wrap_loose_inline(doc.tree)


@TRANSFORMS.add("nesting", 810)
def nesting(doc: CleanDocument) -> None:
    """Blocks nested where XHTML does not allow them are lifted out."""
    fix_nesting(doc.tree)


@TRANSFORMS.add("drop-empty", 820)
def empty_blocks(doc: CleanDocument) -> None:
    """Empty paragraphs and wrappers removed."""
    drop_empty(doc.tree)


@TRANSFORMS.add("empty-note", 900)
def empty_note(doc: CleanDocument) -> None:
    """An article with no text left says so, instead of being an empty book."""
    if not doc.tree.text_content().strip() and not doc.images:
        doc.tree.append(make_element("p", EMPTY_NOTE, **{"class": "empty-note"}))
        doc.report.warning(
            "structure", "empty-article", "the source holds no article text: the book says so instead of being empty"
        )
