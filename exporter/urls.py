"""URL facts every stage shares: the schemes a book keeps, a URL's scheme as a browser reads it, and the one way
an address is made absolute.

Nothing here opens a connection.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
"""The schemes a link in a book may keep (a relative link is made absolute, or unwrapped)."""
WEB_SCHEMES = frozenset({"http", "https"})
"""The schemes of a web page's address (a source URL, a canonical URL, a licence URL)."""
IMAGE_ONLY_SCHEMES = frozenset(
    {"data", "file", "ftp", "ftps", "sftp", "smb", "nfs", "gopher", "ws", "wss", "blob", "cid"}
)
"""Schemes the sanitizer lets through on ``<img src>`` only, for the resolver to refuse by name (or serve, for
``data:`` images); ``javascript:``, ``vbscript:`` and unknown schemes never get past the sanitizer."""
LOCAL_SCHEMES = frozenset({"", "file"})
"""A relative address or a ``file:`` URL: a place on this machine."""
SCHEME_RELATIVE_AS = "https"
"""The scheme a scheme-relative address (``//host/path``) gets: a book has no page to inherit one from."""

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# What browsers strip from a URL before reading it: leading/trailing C0 controls and spaces, and every
# tab or newline inside (so "jav\tascript:" is "javascript:").
_URL_TRIM = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_URL_INNER = re.compile(r"[\t\n\r]")


def trim(url: str) -> str:
    """``url`` without the C0 controls and spaces browsers strip from its ends."""
    return _URL_TRIM.sub("", url)


def as_browser_reads(url: str) -> str:
    """``url`` with what browsers strip before reading it removed: C0 controls and spaces at the ends, tabs and
    newlines inside."""
    return _URL_INNER.sub("", trim(url))


def scheme(url: str) -> str:
    """The lower-case scheme of a URL as a browser reads it ('' for relative URLs)."""
    m = _SCHEME.match(as_browser_reads(url))
    return m.group(1).lower() if m else ""


def is_url(text: str) -> bool:
    """Whether ``text`` is written as a URL with an authority (``https://host/…``, ``ftp://…``), as a user may
    give one on the command line in place of a file."""
    found = scheme(text)
    return bool(found) and as_browser_reads(text)[len(found) :].startswith("://")


def is_safe_link(href: str) -> bool:
    """True for a link a book may keep: http, https, mailto, or relative (no scheme)."""
    found = scheme(href)
    return found == "" or found in LINK_SCHEMES


def absolute(href: str, base: str | None) -> str | None:
    """The absolute address ``href`` names, read against the page at ``base``; None when it names none.

    Surrounding whitespace goes. An address with a scheme is kept as it is; a scheme-relative one (``//host/x``)
    gets ``https:``; a relative one is resolved against ``base`` (None without a base). An empty href or a
    fragment alone (``#x``) names no other address: None.
    """
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    if href.startswith("//"):
        return f"{SCHEME_RELATIVE_AS}:{href}"
    if scheme(href):
        return href
    return urljoin(base, href) if base else None


def web_url(href: str, base: str | None) -> str | None:
    """:func:`absolute`, when it is a web page's address (http or https, with a host); else None."""
    url = absolute(href, base)
    if url is None or scheme(url) not in WEB_SCHEMES or not urlsplit(as_browser_reads(url)).netloc:
        return None
    return url
