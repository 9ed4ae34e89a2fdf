"""The allowlist: what survives of input HTML, and the XHTML serialization of the clean tree."""

from __future__ import annotations

import re
from html import escape

import nh3
from lxml import etree
from lxml.html import HtmlElement

TAGS = frozenset(
    "a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp section small span strong sub summary "
    "sup table tbody td tfoot th thead time tr u ul var".split()
)
DROP_WITH_CONTENT = frozenset(
    "script style template noscript iframe object embed form button select textarea svg math audio video "
    "canvas map head title".split()
)
ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "col": {"span"},
    "sup": {"data-note"},
    "colgroup": {"span"},
}
CLASSES = {"sup": {"reference", "noteref", "citation"}, "hr": {"page-break"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
OUR_CLASSES = frozenset({"citation", "noteref", "image-missing", "page-break", "empty-note"})


def sanitize_html(html: str) -> str:
    """Reduce input HTML to the allowlist: no scripts, handlers, styles, forms, frames or foreign schemes."""
    return nh3.clean(
        strip_xml_invalid(html),
        tags=set(TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        allowed_classes={k: set(v) for k, v in CLASSES.items()},
        strip_comments=True,
        link_rel=None,
        url_schemes=set(URL_SCHEMES),
    )


def strip_xml_invalid(text: str) -> str:
    """Remove characters that cannot appear in XML."""
    return _NOT_XML.sub("", text)


def to_xhtml(root: HtmlElement) -> str:
    """Serialize the children of ``root`` as an XHTML fragment (no namespace declarations)."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        cls = el.get("class")
        if cls is not None:
            kept = [c for c in cls.split() if c in OUR_CLASSES]
            if kept:
                el.set("class", " ".join(kept))
            else:
                del el.attrib["class"]
        if el.tag == "img" and el.get("alt") is None:
            el.set("alt", "")
    parts = [escape(root.text, quote=False)] if root.text else []
    parts.extend(etree.tostring(child, method="xml", encoding="unicode", with_tail=True) for child in root)
    return "".join(parts)
