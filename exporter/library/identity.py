"""An item's identity: what makes two exports "the same item", so a re-export replaces its own books.

* A WordPress post (WXR): its site and post id, written as WordPress's own short link, ``SITE/?p=ID``.
* A page read from a web archive: ``memento:``, its capture time (14 digits, UTC) and its URL, as the Wayback
  Machine names a capture (``memento:20240501120000/https://example.org/post/``): another capture of the same
  page is another item, and reading the same archive again replaces its own books.
* A saved page or a text file with a source URL: that URL (a page's canonical URL).
* Any other file: ``path:`` and its absolute path; standard input: ``sha256:`` and its bytes' hash.
* A bundle: ``bundle:`` and its title's slug.
* An input that could not be read: ``path:`` and its absolute path.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from exporter.model import Capture, RawArticle, Skipped
from exporter.naming import slugify
from exporter.readers.dispatch import STDIN


def item_id(raw: RawArticle) -> str:
    """The identity of the article ``raw`` (see the module's notes)."""
    if raw.capture is not None:
        return memento_id(raw.capture)
    if raw.post_id and raw.site_url:
        return _short_link(raw.site_url, raw.post_id)
    if raw.source_url:
        return raw.source_url
    if str(raw.source_path) == STDIN:
        return f"sha256:{raw.source_hash}"
    path = f"path:{Path(raw.source_path).resolve()}"
    return f"{path}?p={raw.post_id}" if raw.post_id else path


def skipped_id(item: Skipped) -> str:
    """The identity of a post the run did not export (its status or type was not asked for): as it would have."""
    if item.post_id and item.site_url:
        return _short_link(item.site_url, item.post_id)
    if item.source_url:
        return item.source_url
    return unreadable_id(str(item.source_path)) + (f"?p={item.post_id}" if item.post_id else "")


def memento_id(capture: Capture) -> str:
    """The identity of a web archive's capture: ``memento:YYYYMMDDhhmmss/URL`` (the capture time in UTC)."""
    when = capture.captured.astimezone(UTC) if capture.captured.tzinfo else capture.captured
    return f"memento:{when:%Y%m%d%H%M%S}/{capture.target_uri}"


def _short_link(site_url: str, post_id: str) -> str:
    return f"{site_url.rstrip('/')}/?p={post_id}"


def bundle_id(title: str) -> str:
    """The identity of the bundle titled ``title``."""
    return f"bundle:{slugify(title)}"


def unreadable_id(path: str) -> str:
    """The identity of an input that could not be read."""
    return STDIN if path == STDIN else f"path:{Path(path).resolve()}"
