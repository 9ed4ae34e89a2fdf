"""What the first bytes of a file say it is: markup (its doctype and first element), a web archive, or plain text.

The readers' ``sniff`` methods use these when a file's suffix names no reader. The prolog is skipped by hand
(an XML declaration, comments, a doctype with its internal subset), in one linear pass: it may be hostile.
"""

from __future__ import annotations

import re
import zlib

from exporter.readers.decode import decode_head

_NAME = re.compile(r"[A-Za-z][\w:.-]*")
_DOCTYPE = re.compile(r"<!doctype\s+([A-Za-z][\w:.-]*)?", re.IGNORECASE)
_MARKUP_START = re.compile(r"<[!?A-Za-z]")


def head_markup(head: bytes) -> tuple[str, str] | None:
    """(doctype name, first element name), lower-cased, ``""`` where absent, for markup; None for text that does
    not begin with markup (after white space and a byte-order mark) and for binary data."""
    text = decode_head(head)
    if text is None:
        return None
    text = text.lstrip("\ufeff \t\r\n")
    if not _MARKUP_START.match(text):
        return None
    doctype, pos = "", 0
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            pos = len(text) if end < 0 else end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            pos = len(text) if end < 0 else end + 3
        elif text[pos : pos + 9].lower() == "<!doctype":
            name = _DOCTYPE.match(text, pos)
            doctype = (name.group(1) or "").lower() if name else ""
            pos = _doctype_end(text, pos)
        else:
            break
    element = _NAME.match(text, pos + 1) if text.startswith("<", pos) else None
    return doctype, element.group().lower() if element else ""


def _doctype_end(text: str, pos: int) -> int:
    """Where the doctype at ``pos`` ends: after its ``>``, past quoted strings and an internal subset ``[...]``."""
    quote, depth = "", 0
    for i in range(pos + 2, len(text)):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == ">" and not depth:
            return i + 1
    return len(text)


def is_warc(head: bytes) -> bool:
    """True for a web archive: a ``WARC/1.x`` version line first, as it is or in a first gzip member."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/1.")


def is_plain_text(head: bytes) -> bool:
    """True for text (not binary data) that does not begin with markup, and is no web archive."""
    if is_warc(head):
        return False
    text = decode_head(head)
    return text is not None and not _MARKUP_START.match(text.lstrip("\ufeff \t\r\n"))
