"""Detect the Creative Commons licence of an article from links, URLs and statements."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from exporter.clean.textnodes import block_text
from exporter.messages import Message, info, warning
from exporter.model import Licence

_ELEMENTS = {"by": "Attribution", "nc": "NonCommercial", "nd": "NoDerivatives", "sa": "ShareAlike"}
_WORDS = {
    "attribution": "by",
    "noncommercial": "nc",
    "non-commercial": "nc",
    "noderivatives": "nd",
    "noderivs": "nd",
    "sharealike": "sa",
    "share-alike": "sa",
}
_PORT = {"4.0": "International", "3.0": "Unported", "2.5": "Generic", "2.0": "Generic", "1.0": "Generic"}
CC_URL = re.compile(
    r"(?:https?:)?//(?:www\.)?creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/(\d\.\d)(?:/([a-z]{2}))?",
    re.IGNORECASE,
)
STATEMENT = re.compile(
    r"licen[cs]ed under (?:a|the) Creative Commons ((?:Attribution|NonCommercial|Non-Commercial|NoDerivatives|"
    r"NoDerivs|ShareAlike|Share-Alike)(?:[\s-]+(?:NonCommercial|Non-Commercial|NoDerivatives|NoDerivs|ShareAlike|"
    r"Share-Alike))*)\s+(\d\.\d)(?:\s+(International|Unported|Generic))?(?:\s+Licen[cs]e)?",
    re.IGNORECASE,
)
CC0 = re.compile(r"\bCC0\b|publicdomain/zero/1\.0", re.IGNORECASE)
BADGE_LABELS = frozenset({"creative commons license", "creative commons licence", "creative commons"})


def licence_from_parts(codes: list[str], version: str, statement: str) -> Licence:
    """Build a Licence from element codes (['by', 'nc']) and a version ('4.0')."""
    slug = "-".join(codes)
    name = "Creative Commons " + "-".join(_ELEMENTS[c] for c in codes) + f" {version} {_PORT.get(version, '')}"
    return Licence(
        id=f"CC-{slug.upper()}-{version}",
        name=name.strip(),
        url=f"https://creativecommons.org/licenses/{slug}/{version}/",
        statement=statement,
    )


def licence_from_url(url: str, statement: str = "") -> Licence | None:
    """The licence a Creative Commons URL names, or None."""
    m = CC_URL.search(url)
    if not m:
        return None
    kind, slug, version = m.group(1).lower(), m.group(2).lower(), m.group(3)
    if kind == "publicdomain":
        if slug == "zero":
            return Licence(
                "CC0-1.0",
                "CC0 1.0 Universal (Public Domain Dedication)",
                "https://creativecommons.org/publicdomain/zero/1.0/",
                statement,
            )
        if slug == "mark":
            return Licence(
                "PDM-1.0", "Public Domain Mark 1.0", "https://creativecommons.org/publicdomain/mark/1.0/", statement
            )
        return None
    codes = slug.split("-")
    if not codes or any(c not in _ELEMENTS for c in codes) or codes[0] != "by":
        return None
    return licence_from_parts(codes, version, statement)


def licence_from_statement(text: str) -> Licence | None:
    """The licence a sentence such as 'licensed under a Creative Commons Attribution 4.0 ...' names."""
    m = STATEMENT.search(text)
    if not m:
        return None
    words = re.split(r"[\s-]+(?=[A-Z])|\s+", m.group(1))
    codes: list[str] = []
    for word in words:
        code = _WORDS.get(word.lower())
        if code and code not in codes:
            codes.append(code)
    if not codes or codes[0] != "by":
        return None
    order = [c for c in ("by", "nc", "nd", "sa") if c in codes]
    return licence_from_parts(order, m.group(2), _sentence_around(text, m))


def _sentence_around(text: str, m: re.Match[str]) -> str:
    start = text.rfind(".", 0, m.start()) + 1
    end = text.find(". ", m.end())
    return " ".join(text[start : end + 1 if end != -1 else len(text)].split()).strip()


def detect_licence(root: HtmlElement, hints: list[str]) -> tuple[Licence | None, list[Message]]:
    """Find the licence in the body (statements, rel=license and CC links) or the reader's hints.

    Removes the statement's block and the CC badge from the body, since the licence page carries them.
    Returns the licence (or None) and the messages.
    """
    warnings: list[Message] = []
    found: Licence | None = None
    statement_block: HtmlElement | None = None
    best_len = None
    for el in root.iter("p", "div", "h2", "h3", "h4", "h5", "h6", "li", "small", "span", "blockquote"):
        text = block_text(el)
        if best_len is not None and len(text) >= best_len:
            continue
        lic = licence_from_statement(text)
        if lic:  # the innermost block holding the statement wins
            found, statement_block, best_len = lic, el, len(text)
    link_lic = None
    for a in root.iter("a"):
        lic = licence_from_url(a.get("href", ""))
        if lic:
            link_lic = lic
            break
    if link_lic is None:
        for hint in hints:
            link_lic = licence_from_url(hint) or licence_from_statement(hint)
            if link_lic:
                break
    if found and link_lic and found.id != link_lic.id:
        warnings.append(
            warning(
                "licence",
                "statement-link-mismatch",
                f"licence statement says {found.id} but its link says {link_lic.id}; used the statement",
            )
        )
    if found is None and link_lic is not None:
        found = link_lic
        if not found.statement:
            found.statement = f"This work is licensed under a {found.name} License."
    if statement_block is not None:
        _remove_statement(root, statement_block, warnings)
    if found is None and CC0.search(" ".join(hints)):
        found = licence_from_url("https://creativecommons.org/publicdomain/zero/1.0/")
    if found is not None:
        warnings.append(info("licence", "detected", f"licence detected: {found.id} ({found.url})"))
    else:
        warnings.append(info("licence", "none-found", "no licence statement found in the source"))
    return found, warnings


def _remove_statement(root: HtmlElement, block: HtmlElement, warnings: list[Message]) -> None:
    """Remove the statement's block (when it holds little else) and a CC badge label just before it."""
    text = block_text(block)
    m = STATEMENT.search(text)
    own = len(text) - (m.end() - m.start()) if m else len(text)
    if own > 160:
        warnings.append(
            info("licence", "statement-kept", "licence statement kept in the body: its paragraph holds other text")
        )
        return
    prev = block.getprevious()
    if prev is not None and block_text(prev).lower() in BADGE_LABELS:
        _drop(prev)
    for img in block.iter("img"):
        if img.get("alt", "").strip().lower() in BADGE_LABELS:
            img.drop_tree()
    _drop(block)
    warnings.append(info("licence", "statement-moved", "licence statement moved from the body to the licence page"))


def _drop(el: HtmlElement) -> None:
    """Remove an element, keeping its tail text in place."""
    el.drop_tree()
