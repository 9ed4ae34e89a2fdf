"""The data that flows between stages: readers make RawArticle, the cleaner makes Article.

Canonical body conventions (the cleaner produces them, the writers render them):

* ``Article.body`` is an XHTML fragment without namespace declarations: block elements
  (``p``, ``h2``-``h6``, ``blockquote``, ``ul``/``ol``, ``figure``, ``table``, ``pre``, ``hr``...).
  The article title is never in the body; headings start at ``h2``.
* A citation marker whose note text is not in the source (``[5]``, ``[b]``):
  ``<sup class="citation">[5]</sup>``: visible, never a link.
* A reference to a note in ``Article.footnotes``: ``<sup class="noteref" data-note="ID">LABEL</sup>``.
  Writers turn it into EPUB pop-up notes or PDF page-bottom footnotes.
* Right-to-left runs carry ``lang`` and ``dir="rtl"`` on their element (``p`` or ``span``).
* Images: ``<img src="KEY" alt="..."/>`` where KEY is the ``Image.key`` of an entry in
  ``Article.images`` (a local file found by the resolver).
* An image that is not in the book (not found, a refused URL, not a picture…) leaves a placeholder where it
  was, inline (it fits a paragraph, a caption's figure, a gallery item):
  ``<span class="image-missing">Image not in the archive: canola2.jpg</span>``, its text in the article's
  language ("Image left out: NAME" for a file we do not embed: an unsafe SVG, not a picture, too large). NAME is
  the alt text, unless it is a file name or repeats the caption, else the file name of the URL (``data: URI``).
  Each has a ``MissingImage`` in ``Article.missing_images``, in body order. Spacer and tracking pixels
  vanish. A gallery whose images are all missing is ``<figure class="gallery gallery-missing">``: its items hold
  placeholders and captions, shown as a compact list.

Titles: ``RawArticle.title`` and ``Article.title`` are plain text, used for everything that names the article
(metadata, file names, running heads, contents, the manifest, the licence page). A source whose title is HTML
(a WXR ``<title>``, as WordPress themes print it; a saved page's heading) also gives the markup as is in
``RawArticle.title_html``; the cleaner reduces it to ``Article.title_html``, an XHTML fragment of inline
emphasis only (``em strong b i sup sub code small span``; no links, no attribute but ``lang`` and ``dir``),
which only the article's own heading uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from exporter.messages import Message


@dataclass
class Attachment:
    """A media item of a WordPress site (WXR ``attachment``): the image a gallery or caption refers to."""

    id: str
    url: str
    title: str = ""
    caption: str = ""
    alt: str = ""
    parent: str | None = None
    """Post id of the post the file was uploaded to (``wp:post_parent``), if any."""
    file: str = ""
    """The file's path inside the site's uploads folder (``_wp_attached_file``: ``2008/06/canola2.jpg``), if known."""


@dataclass(frozen=True)
class Capture:
    """Where an article read from a web archive (WARC, WACZ) came from: its provenance."""

    archive: Path
    """The archive file (``.warc``, ``.warc.gz``, ``.wacz``)."""
    record_id: str
    """The ``WARC-Record-ID`` of the response record the page was read from."""
    target_uri: str
    """The page's original URL (``WARC-Target-URI``; after a redirect inside the archive, the page it led to)."""
    captured: datetime
    """When the page was captured (``WARC-Date``), timezone-aware UTC."""
    member: str | None = None
    """For a WACZ: the WARC file inside it that holds the record (``archive/data.warc.gz``)."""


class ArchivedImages(Protocol):
    """A web archive's images, by the URL they were captured from (picklable: it crosses to worker processes)."""

    def image(self, url: str) -> tuple[bytes, str] | None:
        """The archived response body of ``url`` (the capture nearest the page's in time, revisits and redirects
        resolved) and the URL it was captured under, or None when the archive holds no capture of it."""
        ...


@dataclass
class RawArticle:
    """What a reader found: raw body HTML (shortcodes still in it) and the source's metadata."""

    source_path: Path
    html: str
    title: str
    """The title as plain text (a title given as HTML is read as a browser shows it: tags gone, entities
    decoded)."""
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    source_url: str | None = None
    site_name: str | None = None
    site_url: str | None = None
    """The site's home address (WXR ``wp:base_blog_url``): with ``post_id``, the item's identity."""
    language: str | None = None
    post_id: str | None = None
    subjects: list[str] = field(default_factory=list)
    licence_hints: list[str] = field(default_factory=list)
    """Licence URLs or statements found outside the body (``rel="license"`` links, meta tags)."""
    base_dir: Path | None = None
    """Folder that relative image paths resolve against (the input file's folder)."""
    warnings: list[Message] = field(default_factory=list)
    """What the reader decided or met, as message records."""
    source_hash: str = ""
    """SHA-256 of the input bytes this article came from (stable identifiers, resume)."""
    slug: str | None = None
    """The post's own slug (WordPress ``post_name``), preferred for output names."""
    post_type: str = "post"
    status: str = "publish"
    content_format: str = "html"
    """``html``: rendered HTML (saved pages, text dumps); ``classic``: raw post_content that WordPress would run
    through wpautop; ``blocks``: block-editor post_content (``<!-- wp:`` delimiters, no wpautop)."""
    footnotes_meta: str | None = None
    """The block editor's ``footnotes`` post meta: a JSON list of {"id", "content"}."""
    attachments: Mapping[str, Attachment] = field(default_factory=dict)
    """The site's attachments by post id (shared between the articles of one export)."""
    source_xml: str | None = None
    """The original ``<item>`` XML of a WXR post, kept for archival packaging."""
    title_html: str | None = None
    """The title's markup as the source holds it, when the source's title is HTML (a WXR ``<title>``, a saved
    page's heading); None when the title is plain text (text files, ``<title>``, ``og:title``, file names).
    Unsanitized: the cleaner makes ``Article.title_html`` of it."""
    featured_image: str | None = None
    """The post's featured image as the source names it (a URL or a path): a WXR post's ``_thumbnail_id``
    attachment, a saved page's ``og:image``. Nothing is fetched: the cleaner looks for it locally."""
    capture: Capture | None = None
    """For a page read from a web archive: the record it came from and when it was captured."""
    archive: ArchivedImages | None = None
    """For a page read from a web archive: the archive's images, which the resolver serves by URL."""


@dataclass
class Skipped:
    """A post the reader saw but does not export (its status or type was not asked for)."""

    source_path: Path
    post_id: str | None
    title: str
    post_type: str
    status: str
    reason: str
    site_url: str | None = None
    """The site's home address, as ``RawArticle.site_url``."""
    source_url: str | None = None
    """A web archive's page: its URL (each skipped page of an archive is its own item)."""
    warnings: list[Message] = field(default_factory=list)
    """What the reader met on the way (a web archive's broken record), kept in the skipped item's entry."""


@dataclass
class Footnote:
    """A note: ``body`` is an XHTML fragment, or None for a bare citation marker."""

    id: str
    label: str
    body: str | None = None


@dataclass
class Licence:
    """A detected licence; ``id`` is SPDX-style, e.g. ``CC-BY-NC-4.0``."""

    id: str
    name: str
    url: str
    statement: str

    @property
    def is_non_commercial(self) -> bool:
        """True for licences with a NonCommercial condition."""
        return "-NC" in self.id


@dataclass
class Image:
    """A local image file the body refers to by ``key``."""

    key: str
    path: Path
    media_type: str
    alt: str = ""
    data: bytes | None = None
    """The bytes to embed when they are not the file's as is: a ``data:`` URI's image (``path`` is then the
    input file that held it) or a cleaned SVG."""
    content: bytes | None = None
    """The file's own bytes, read by the client for a worker that holds no input files (a Dask worker); a
    writer reads them instead of ``path``, and the book is the same."""

    def read_bytes(self) -> bytes:
        """The bytes to embed: ``data`` when set, else the file's bytes (``content``, else read from ``path``)."""
        if self.data is not None:
            return self.data
        return self.content if self.content is not None else self.path.read_bytes()


@dataclass(frozen=True)
class MissingImage:
    """An image the source named that is not in the book: where it was looked for, and what the placeholder says."""

    url: str
    """The URL (or path) as the source names it."""
    label: str
    """What the placeholder shows: the alt text, else the file name."""
    looked_for: tuple[str, ...] = ()
    """Every place it was looked for (the --media paths, the archive URLs), for ``exporter inspect``."""

    def to_json(self) -> dict[str, object]:
        """As ``exporter inspect --json`` and the manifest list it: ``url``, ``label``, ``looked_for``."""
        return {"url": self.url, "label": self.label, "looked_for": list(self.looked_for)}


@dataclass
class Article:
    """One clean article, ready for any writer."""

    id: str
    title: str
    """Plain text, white space collapsed: metadata, file names, running heads, contents, the manifest."""
    body: str
    source_path: Path
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    source_url: str | None = None
    site_name: str | None = None
    language: str = "en"
    post_id: str | None = None
    subjects: list[str] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    licence: Licence | None = None
    images: list[Image] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    """Every message of the reader and the cleaner, as records."""
    source_hash: str = ""
    source_xml: str | None = None
    """The original WXR ``<item>``, attached to archival PDFs."""
    title_html: str | None = None
    """The title as sanitized inline XHTML (``<em>``, ``<sup>``...; see the module's notes) for the article's
    own heading; None when the title has no markup worth keeping (writers then escape ``title``). Its text is
    ``title``."""
    cover_image: Image | None = None
    """The featured image (``RawArticle.featured_image``) when the resolver found it locally (input folder,
    ``--media``) and it is a picture Pillow reads: the generated cover shows it. Not in ``images`` (the body's),
    and never embedded as is: the cover is drawn from it."""
    capture: Capture | None = None
    """``RawArticle.capture``: the licence page says "Captured from URL on DATE"; ``dc:source`` and
    ``dcterms:created`` in the metadata."""
    missing_images: list[MissingImage] = field(default_factory=list)
    """Every image the body named that was not found: each left a placeholder in the body."""
