"""Links in the body: absolute (resolved against the source URL) or no link at all, never a broken one."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from exporter.messages import Message, warning

KEPT_SCHEMES = ("http", "https", "mailto")


def absolutize_links(root: HtmlElement, base_url: str | None) -> list[Message]:
    """Make relative hrefs absolute against ``base_url``; unwrap links that cannot be made absolute.

    In-page links (``#x``) are left for the citations stage. Returns the messages.
    """
    unwrapped = 0
    for a in list(root.iter("a")):
        href = (a.get("href") or "").strip()
        if href.startswith("#"):
            continue
        if href.startswith("//"):
            href = "https:" + href
        scheme = urlsplit(href).scheme.lower() if href else ""
        if not scheme and href and base_url:
            href = urljoin(base_url, href)
            scheme = urlsplit(href).scheme.lower()
        if scheme in KEPT_SCHEMES:
            a.set("href", href)
            continue
        a.drop_tag()
        unwrapped += 1
    if not unwrapped:
        return []
    return [warning("links", "unusable-address", f"{unwrapped} link(s) with no usable address kept as plain text")]
