"""The allowlist: what survives of input HTML, and the XHTML serialization of the clean tree.

The maintained sanitizer nh3 (ammonia) does the work: only the elements in :data:`TAGS` and attributes in
:data:`ATTRIBUTES` survive, scripts, styles, frames, forms, SVG and MathML are dropped with their content, and
URLs are checked after entity decoding (``jav&#x09;ascript:`` is ``javascript:``). Links keep only http,
https, mailto or relative addresses. An ``<img src>`` keeps its address whatever the scheme, so that the image
stage can judge it with the one resolver and name a refused URL in a warning; every ``<img>`` leaves that stage
pointing at a served image or not at all. Nothing else that loads a resource (``srcset``, ``<source>``,
``<link>``, ``@import``, ``style`` attributes, SVG ``href``) survives.
"""

from __future__ import annotations

import re
from html import escape

import nh3
from bs4 import BeautifulSoup, Tag
from lxml import etree
from lxml.html import HtmlElement

from exporter.clean.gallery import CLASSES as GALLERY_CLASSES
from exporter.messages import Message, warning
from exporter.resources import shown
from exporter.urls import IMAGE_ONLY_SCHEMES, LINK_SCHEMES, is_safe_link

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
CLASSES = {
    "sup": {"reference", "noteref", "citation"},
    "hr": {"page-break"},
    **{tag: {"gallery"} for tag in ("figure", "ul", "div")},  # gallery containers (clean/gallery.py)
}
MAX_REFERENCE_WARNINGS = 20
# Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
OUR_CLASSES = frozenset({"citation", "noteref", "image-missing", "page-break", "empty-note", *GALLERY_CLASSES})


def sanitize_html(html: str) -> str:
    """Reduce input HTML to the allowlist: no scripts, handlers, styles, forms, frames or foreign schemes."""
    return nh3.clean(
        strip_xml_invalid(html),
        tags=set(TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        allowed_classes={k: set(v) for k, v in CLASSES.items()},
        strip_comments=True,
        link_rel=None,
        url_schemes=set(LINK_SCHEMES | IMAGE_ONLY_SCHEMES),
    )


def sanitize_with_warnings(html: str) -> tuple[str, list[Message]]:
    """:func:`sanitize_html`, and a warning naming each outside resource the input referred to and the
    sanitizer dropped unfetched (stylesheets, ``@import``, ``url()`` in styles, scripts, frames, SVG links)."""
    return sanitize_html(html), dropped_references(html)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's last word on an allowed attribute: a link's address must be http, https, mailto or relative."""
    if attribute == "href" and not is_safe_link(value):
        return None
    return value


_REFERENCING = re.compile(
    r"<(?:link|style|script|i?frame|embed|object|svg|math|meta|base|form|video|audio)\b|\b(?:style|background|"
    r"formaction|action|poster)\s*=",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\s+(["'])(.*?)\3""", re.IGNORECASE | re.DOTALL)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)
_LOADING = {  # element: (attribute, what it is)
    "link": ("href", "<link>"),
    "script": ("src", "<script>"),
    "iframe": ("src", "<iframe>"),
    "frame": ("src", "<frame>"),
    "embed": ("src", "<embed>"),
    "object": ("data", "<object>"),
    "video": ("src", "<video>"),
    "audio": ("src", "<audio>"),
    "base": ("href", "<base>"),
    "form": ("action", "form action"),
}


def dropped_references(html: str) -> list[Message]:
    """Warnings naming the outside resources of ``html`` that the sanitizer drops without fetching them.

    ``srcset`` alternatives are not listed (the image's ``src`` is what counts). At most
    :data:`MAX_REFERENCE_WARNINGS` URLs are named; the rest are counted.
    """
    if not _REFERENCING.search(html):
        return []
    found: dict[str, str] = {}
    for el in BeautifulSoup(html, "html.parser").find_all(True):
        for what, url in _references(el):
            url = url.strip()
            if url and not url.startswith("#"):
                found.setdefault(url, what)
    warnings = [
        warning("sanitize", "reference-dropped", f"dropped {what} (never fetched): {shown(url)}")
        for url, what in found.items()
    ]
    if len(warnings) > MAX_REFERENCE_WARNINGS:
        rest = len(warnings) - MAX_REFERENCE_WARNINGS
        text = f"and {rest} more outside reference(s) dropped (never fetched)"
        more = warning("sanitize", "more-references-dropped", text)
        warnings = [*warnings[:MAX_REFERENCE_WARNINGS], more]
    return warnings


def _references(el: Tag) -> list[tuple[str, str]]:
    """(what, URL) for each resource one element would load."""
    refs: list[tuple[str, str]] = []
    name = el.name.lower()
    if name in _LOADING:
        attr, what = _LOADING[name]
        value = el.get(attr)
        if isinstance(value, str):
            refs.append((what, value))
    if name == "style":
        refs += [("style sheet reference", m.group(2) or m.group(4)) for m in _CSS_URL.finditer(el.get_text())]
    if name == "meta" and str(el.get("http-equiv", "")).lower() == "refresh":
        m = _REFRESH_URL.search(str(el.get("content", "")))
        if m:
            refs.append(("<meta> refresh", m.group(1)))
    in_svg = name in ("svg", "math") or el.find_parent(["svg", "math"]) is not None
    for attr, value in el.attrs.items():
        if not isinstance(value, str):
            continue
        key = attr.lower()
        if key == "style":
            refs += [("style url()", m.group(2) or m.group(4)) for m in _CSS_URL.finditer(value)]
        elif key in ("background", "poster", "formaction"):
            refs.append((f"{key} attribute", value))
        elif in_svg and key.rpartition(":")[2] in ("href", "src"):
            refs.append(("SVG reference", value))
    return refs


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
