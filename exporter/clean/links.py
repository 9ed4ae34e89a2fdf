"""Links in the body: absolute (resolved against the source URL) or no link at all, never a broken one."""

from __future__ import annotations

from lxml.html import HtmlElement

from exporter.messages import Message, warning
from exporter.urls import LINK_SCHEMES, absolute, scheme


def absolutize_links(root: HtmlElement, base_url: str | None) -> list[Message]:
    """Make relative hrefs absolute against ``base_url`` (:func:`exporter.urls.absolute`); unwrap links that
    cannot be made absolute, keep no scheme but http, https and mailto, and unwrap an ``<a>`` with no address.

    In-page links (``#x``) are left for the citations stage. Returns the messages.
    """
    unwrapped = 0
    for a in list(root.iter("a")):
        href = (a.get("href") or "").strip()
        if href.startswith("#"):
            continue
        url = absolute(href, base_url)
        if url is not None and scheme(url) in LINK_SCHEMES:
            a.set("href", url)
            continue
        a.drop_tag()
        unwrapped += 1
    if not unwrapped:
        return []
    return [warning("links", "unusable-address", f"{unwrapped} link(s) with no usable address kept as plain text")]
