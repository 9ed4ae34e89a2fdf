"""WordPress shortcode grammar on an HTML string: discovery, matching, attributes, unautop.

The matcher follows the rules WordPress's ``get_shortcode_regex`` implements (see
``shared/wordpress/shortcode-rules.md`` §1-§4 and §8), written here as a small scanner:

* a tag is ``[`` NAME ATTRTEXT (``/]`` | ``]`` [CONTENT ``[/NAME]``]), optionally inside one more pair of
  brackets; ``[[x]]`` is an escaped tag, printed as ``[x]``;
* after NAME there is no ASCII letter, digit, ``_`` or ``-``; names are case-sensitive;
* ATTRTEXT runs to the first ``]``, even inside quotes; a ``/`` right before that ``]`` closes the tag;
* the tag encloses content only when a literal ``[/NAME]`` comes later; the first such closer wins, so the
  same tag cannot nest; matches never overlap and are found left to right.

Unlike WordPress, whether a bracket is a shortcode at all is decided by the caller's ``accept`` predicate
(archives are full of bracketed prose), and brackets inside HTML tags, comments, CDATA and the content of
``pre``/``code``/``script``/``style`` are never matched.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from exporter.clean.htmlscan import WP_TAGS, tokens

__all__ = [
    "ShortcodeMatch",
    "absorb_paragraph",
    "discover_names",
    "find_shortcodes",
    "has_shortcode",
    "is_valid_name",
    "mask_protected",
    "paragraph_state",
    "parse_atts",
    "plain_text",
    "rename_shortcode",
    "repair_quotes",
    "replace_shortcodes",
    "shortcode_unautop",
    "stripcslashes",
]

Accept = Callable[["ShortcodeMatch"], bool]

_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_FORBIDDEN_NAME = re.compile(r"[<>&/\[\]=\x00-\x20]")
_DISCOVER = re.compile(r"\[([^<>&/\[\]\x00-\x20=]+)")
_WORD_RUN = re.compile(r"[A-Za-z0-9_-]+")

# Placeholders for brackets that must never take part in a match (same length as the bracket, so
# offsets in the masked copy equal offsets in the original).
_MASK_OPEN = "\ue000"
_MASK_CLOSE = "\ue001"
_MASK_TABLE = str.maketrans({"[": _MASK_OPEN, "]": _MASK_CLOSE})

# Brackets are never matched inside these (WordPress itself protects none of them; archives quote shortcodes
# in code samples). textarea and xmp are left out, as they always were here: a shortcode in a textarea is
# expanded, as WordPress does.
_PROTECTED_RAW = frozenset({"pre", "code", "script", "style"})
_P_TAG = re.compile(r"<(/?)p(?=[\s/>])[^>]*>?", re.IGNORECASE)


def is_valid_name(name: str) -> bool:
    """True if WordPress's ``add_shortcode`` would accept ``name`` (no ``<>&/[]=``, spaces or controls)."""
    return bool(name) and not _FORBIDDEN_NAME.search(name)


def discover_names(text: str) -> set[str]:
    """The strings WordPress collects as possible tag names: ``[`` + the longest run of name characters."""
    return set(_DISCOVER.findall(text)) if "[" in text else set()


def _elements(text: str) -> Iterator[tuple[int, int, int]]:
    """``(start, tag_end, region_end)`` for each HTML element; ``region_end`` also covers the content of
    ``pre``/``code``/``script``/``style`` (to the closing tag, or to the end of the text when unclosed).

    Elements are read by the shared scanner's WordPress grammar (:data:`~exporter.clean.htmlscan.WP_TAGS`):
    a tag runs to the first ``>``, quotes or not, as in WordPress's ``do_shortcodes_in_html_tags``, but only
    where ``<`` starts something tag-like. WordPress's own matcher (``get_shortcode_regex``) is the scanner
    below (:class:`_Scanner`): it reads brackets, not HTML, and has no place in the HTML scanner.
    """
    for token in tokens(text, WP_TAGS, _PROTECTED_RAW):
        yield token.start, token.end, token.region_end


def mask_protected(text: str) -> str:
    """A copy of ``text`` with the brackets inside protected regions replaced by placeholders.

    Protected: HTML tags (attribute values included), comments, CDATA, and the content of
    ``pre``, ``code``, ``script`` and ``style`` (to their closing tag, or to the end when unclosed).
    """
    if ("[" not in text and "]" not in text) or "<" not in text:
        return text
    parts: list[str] = []
    pos = 0
    for start, _, end in _elements(text):
        parts.append(text[pos:start])
        parts.append(text[start:end].translate(_MASK_TABLE))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


# --------------------------------------------------------------------------------------------------------
# Attributes (§4)

_WS = " \t\n\r\f\v"
_ATTS = re.compile(
    r"""([A-Za-z0-9_-]+)[ \t\n\r\f\v]*=[ \t\n\r\f\v]*"([^"]*)"(?:[ \t\n\r\f\v]|$)"""
    r"""|([A-Za-z0-9_-]+)[ \t\n\r\f\v]*=[ \t\n\r\f\v]*'([^']*)'(?:[ \t\n\r\f\v]|$)"""
    r"""|([A-Za-z0-9_-]+)[ \t\n\r\f\v]*=[ \t\n\r\f\v]*([^ \t\n\r\f\v'"]+)(?:[ \t\n\r\f\v]|$)"""
    r"""|"([^"]*)"(?:[ \t\n\r\f\v]|$)"""
    r"""|'([^']*)'(?:[ \t\n\r\f\v]|$)"""
    r"""|([^ \t\n\r\f\v]+)(?:[ \t\n\r\f\v]|$)"""
)
_UTF8_SPACES = re.compile("[\u00a0\u200b]+")
_COMPLETE_HTML = re.compile(r"[^<]*(?:<[^>]*>[^<]*)*\Z")
_INT_KEY = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")
_CSLASH = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_CSLASH_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "v": "\v", "b": "\b", "f": "\f"}


def _cslash(m: re.Match[str]) -> str:
    s = m.group(1)
    if s[0] == "x" and len(s) > 1:
        return chr(int(s[1:], 16))
    if s[0] in "01234567":
        return chr(int(s, 8) & 0xFF)
    return _CSLASH_SIMPLE.get(s, s)


def stripcslashes(value: str) -> str:
    """Decode C-style backslash escapes like PHP's ``stripcslashes`` (``\\n``, ``\\x41``, ``\\101``...)."""
    return _CSLASH.sub(_cslash, value) if "\\" in value else value


def parse_atts(text: str) -> dict[str, str]:
    """Parse shortcode attribute text (what follows the tag name) exactly as WordPress 6.5+ does.

    Names are lowercased and the last duplicate wins; positional values get keys ``"0"``, ``"1"``...;
    values are ``stripcslashes``-decoded; a value with an unclosed HTML tag becomes ``""``.
    No tokens at all gives ``{}``. Typographic quotes are *not* quotes here: see :func:`repair_quotes`.
    """
    text = _UTF8_SPACES.sub(" ", text)
    atts: dict[str, str] = {}
    next_index = 0

    def put(key: str, value: str) -> None:
        nonlocal next_index
        atts[key] = value
        if _INT_KEY.match(key):
            next_index = max(next_index, int(key) + 1)

    for m in _ATTS.finditer(text):
        if m.group(1) is not None:
            put(m.group(1).lower(), stripcslashes(m.group(2)))
        elif m.group(3) is not None:
            put(m.group(3).lower(), stripcslashes(m.group(4)))
        elif m.group(5) is not None:
            put(m.group(5).lower(), stripcslashes(m.group(6)))
        else:
            value = next((g for g in (m.group(7), m.group(8), m.group(9)) if g is not None), "")
            if value:
                put(str(next_index), stripcslashes(value))
    for key, value in atts.items():
        if "<" in value and not _COMPLETE_HTML.match(value):
            atts[key] = ""
    return atts


# --------------------------------------------------------------------------------------------------------
# Texturized quotes (§7.3)

_DOUBLE_CODEPOINTS = frozenset({0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB, 0x22})
_SINGLE_CODEPOINTS = frozenset({0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x2039, 0x203A, 0x27})
_NAMED_QUOTES = {
    "quot": '"',
    "ldquo": '"',
    "rdquo": '"',
    "bdquo": '"',
    "laquo": '"',
    "raquo": '"',
    "Prime": '"',
    "apos": "'",
    "lsquo": "'",
    "rsquo": "'",
    "sbquo": "'",
    "lsaquo": "'",
    "rsaquo": "'",
    "prime": "'",
}
_QUOTE_UNIT = re.compile(
    "[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2018\u2019\u201a\u201b\u2032\u2039\u203a]"
    r"|&(?:#0*([0-9]{1,7})|#[xX]0*([0-9A-Fa-f]{1,6})|([A-Za-z]+));"
)
_SEPARATORS = frozenset(_WS + "\u00a0\u200b")


def _ascii_quote(m: re.Match[str]) -> str | None:
    """The ASCII quote a typographic quote character or quote entity stands for, else None."""
    unit = m.group()
    if len(unit) == 1:
        cp = ord(unit)
    elif m.group(1) is not None:
        cp = int(m.group(1))
    elif m.group(2) is not None:
        cp = int(m.group(2), 16)
    else:
        return _NAMED_QUOTES.get(m.group(3))
    if cp in _DOUBLE_CODEPOINTS:
        return '"'
    if cp in _SINGLE_CODEPOINTS:
        return "'"
    return None


def repair_quotes(attr_text: str) -> tuple[str, bool]:
    """Read typographic quotes in shortcode attribute text as ASCII quotes; also report whether any was.

    Only quotes in quote positions are replaced: an opening one after the start, whitespace or ``=``, a
    closing one before whitespace or the end. So ``id=”154171″`` reads ``id="154171"`` while the
    apostrophe in ``title="Don’t"`` stays. Entities (``&#8221;``, ``&quot;``, ``&rdquo;``...) count too.
    """
    if "&" not in attr_text and not any(0x2000 <= ord(c) <= 0x203A or c in "«»" for c in attr_text):
        return attr_text, False
    out: list[str] = []
    pos = 0
    changed = False
    n = len(attr_text)
    for m in _QUOTE_UNIT.finditer(attr_text):
        ascii_quote = _ascii_quote(m)
        if ascii_quote is None:
            continue
        start, end = m.span()
        before = attr_text[start - 1] if start > 0 else " "
        after = attr_text[end] if end < n else " "
        opening = before in _SEPARATORS or before == "="
        closing = after in _SEPARATORS
        if not (opening or closing):
            continue
        if m.group() == ascii_quote:
            continue
        out.append(attr_text[pos:start])
        out.append(ascii_quote)
        pos = end
        changed = True
    if not changed:
        return attr_text, False
    out.append(attr_text[pos:])
    return "".join(out), True


# --------------------------------------------------------------------------------------------------------
# Matching (§1, §2)


@dataclass
class ShortcodeMatch:
    """One shortcode found in a string (offsets are into that string).

    ``span`` is the whole match as WordPress sees it, extra brackets included; ``tag_span`` leaves them out.
    ``content`` is None for a self-closing or standalone tag. ``attrs`` are parsed from the attribute text
    after :func:`repair_quotes`; ``attr_text`` is the raw text. ``outer_open`` and ``outer_close`` are the
    spans of the opening and closing tags including a ``<p>…</p>`` they stand alone in (when the matcher
    was asked to unwrap paragraphs), otherwise the bare tag spans.
    """

    name: str
    attrs: dict[str, str]
    content: str | None
    raw: str
    span: tuple[int, int]
    attr_text: str = ""
    self_closing: bool = False
    extra_open: bool = False
    extra_close: bool = False
    quotes_repaired: bool = False
    open_tag: tuple[int, int] = (0, 0)
    close_tag: tuple[int, int] | None = None
    outer_open: tuple[int, int] = (0, 0)
    outer_close: tuple[int, int] | None = None

    @property
    def escaped(self) -> bool:
        """``[[tag]]``: both extra brackets present, so the tag is printed (minus one bracket pair)."""
        return self.extra_open and self.extra_close

    @property
    def enclosing(self) -> bool:
        """True when a closing ``[/name]`` was found."""
        return self.content is not None

    @property
    def tag_span(self) -> tuple[int, int]:
        """The match without its one-sided or escaping extra brackets."""
        return self.span[0] + self.extra_open, self.span[1] - self.extra_close

    @property
    def inner_span(self) -> tuple[int, int] | None:
        """Span of the content between the (outer) opening and closing tags, or None."""
        if self.outer_close is None:
            return None
        return self.outer_open[1], self.outer_close[0]

    @property
    def wp_groups(self) -> tuple[str, str, str, str, str, str, str]:
        """The seven groups WordPress passes to handlers and filters (empty string when absent)."""
        return (
            self.raw,
            "[" if self.extra_open else "",
            self.name,
            self.attr_text,
            "/" if self.self_closing else "",
            self.content or "",
            "]" if self.extra_close else "",
        )


class _Scanner:
    """Precomputed lookups over one string: masked copy, ']' positions, closers, discovered names."""

    def __init__(self, text: str, known: Iterable[str], max_attr_len: int | None = None) -> None:
        self.text = text
        self.max_attr_len = max_attr_len
        self.masked = mask_protected(text)
        self.n = len(text)
        self.discovered = discover_names(text)
        self.known = [k for k in dict.fromkeys(known) if k in self.discovered]
        self.close_brackets = [i for i, c in enumerate(self.masked) if c == "]"]
        self._closers: dict[str, list[int]] = {}
        for m in re.finditer(r"\[/([^\[\]]+)\]", self.masked):
            self._closers.setdefault(m.group(1), []).append(m.start())

    def next_bracket(self, pos: int) -> int:
        i = bisect.bisect_left(self.close_brackets, pos)
        return self.close_brackets[i] if i < len(self.close_brackets) else -1

    def next_closer(self, name: str, pos: int) -> int:
        positions = self._closers.get(name)
        if not positions:
            return -1
        i = bisect.bisect_left(positions, pos)
        return positions[i] if i < len(positions) else -1

    def candidates(self, j: int) -> list[str]:
        text = self.text
        names = []
        for k in self.known:
            end = j + len(k)
            if text.startswith(k, j) and (end >= self.n or text[end] not in _WORD_CHARS):
                names.append(k)
        w = _WORD_RUN.match(text, j)
        if w is not None and w.group() in self.discovered and w.group() not in names:
            names.append(w.group())
        return names

    def match_at(self, i: int, accept: Accept) -> ShortcodeMatch | None:
        text, masked, n = self.text, self.masked, self.n
        j = i + 1
        extra_open = j < n and masked[j] == "["
        if extra_open:
            j += 1
        for name in self.candidates(j):
            name_end = j + len(name)
            close = self.next_bracket(name_end)
            if close < 0 or (self.max_attr_len is not None and close - name_end > self.max_attr_len):
                continue
            self_closing = close > name_end and masked[close - 1] == "/"
            attr_text = text[name_end : close - 1] if self_closing else text[name_end:close]
            tag_end = close + 1
            content = None
            close_tag = None
            end = tag_end
            if not self_closing:
                k = self.next_closer(name, tag_end)
                if k >= 0:
                    content = text[tag_end:k]
                    end = k + len(name) + 3
                    close_tag = (k, end)
            extra_close = end < n and masked[end] == "]"
            if extra_close:
                end += 1
            repaired, was_repaired = repair_quotes(attr_text)
            m = ShortcodeMatch(
                name=name,
                attrs=parse_atts(repaired),
                content=content,
                raw=text[i:end],
                span=(i, end),
                attr_text=attr_text,
                self_closing=self_closing,
                extra_open=extra_open,
                extra_close=extra_close,
                quotes_repaired=was_repaired,
                open_tag=(i + extra_open, tag_end),
                close_tag=close_tag,
                outer_open=(i + extra_open, tag_end),
                outer_close=close_tag,
            )
            if accept(m):
                return m
        return None


def find_shortcodes(
    text: str,
    accept: Accept,
    known: Iterable[str] = (),
    *,
    unwrap_paragraphs: bool = False,
    max_attr_len: int | None = None,
) -> list[ShortcodeMatch]:
    """All top-level shortcodes in ``text``, left to right, never overlapping (no recursion into content).

    ``known`` lists registered names in priority order: these may contain characters other than
    ``[A-Za-z0-9_-]`` and are tried first. Otherwise the candidate name is the run of letters, digits,
    ``_`` and ``-`` after the bracket. Like WordPress, a name must also appear as ``[name`` + a non-name
    character somewhere in the text (the discovery step). ``accept`` decides whether a candidate tag
    is a shortcode; a refused candidate leaves its ``[`` as text and scanning goes on at the next one.

    With ``unwrap_paragraphs`` the ``outer_open``/``outer_close`` spans take in a ``<p>…</p>`` around a
    tag that stands alone in its paragraph (§8). ``max_attr_len`` (None: no limit, as in WordPress) skips
    candidates whose attribute text is longer: such a tag has almost surely lost its ``]``, and the limit
    keeps the scan linear on text full of unclosed brackets.
    """
    if "[" not in text:
        return []
    scanner = _Scanner(text, known, max_attr_len)
    matches: list[ShortcodeMatch] = []
    pos = 0
    floor = 0
    masked = scanner.masked
    while True:
        i = masked.find("[", pos)
        if i < 0:
            break
        m = scanner.match_at(i, accept)
        if m is None:
            pos = i + 1
            continue
        if unwrap_paragraphs and not (m.extra_open or m.extra_close):
            _unwrap(text, m, floor)
        matches.append(m)
        pos = m.span[1]
        floor = max(pos, (m.outer_close or m.outer_open)[1])
    return matches


def replace_shortcodes(
    text: str,
    accept: Accept,
    render: Callable[[ShortcodeMatch], str],
    known: Iterable[str] = (),
) -> str:
    """WordPress's ``do_shortcode`` over ``text``: each accepted match is replaced by ``render(match)``.

    An escaped ``[[tag]]`` becomes ``[tag]`` without calling ``render``; a one-sided extra bracket is kept
    around the rendered output. ``render`` recurses into the content itself if it wants to.
    """
    out: list[str] = []
    pos = 0
    for m in find_shortcodes(text, accept, known):
        start, end = m.span
        out.append(text[pos:start])
        if m.escaped:
            out.append(m.raw[1:-1])
        else:
            out.append(("[" if m.extra_open else "") + render(m) + ("]" if m.extra_close else ""))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def has_shortcode(text: str, name: str, accept: Accept, known: Iterable[str] = ()) -> bool:
    """True if a shortcode called ``name`` is in ``text``, also inside other shortcodes' content."""
    for m in find_shortcodes(text, accept, known):
        if m.name == name:
            return True
        if m.content and has_shortcode(m.content, name, accept, known):
            return True
    return False


# --------------------------------------------------------------------------------------------------------
# Paragraphs (§8)

_BLANK = r"(?:[ \t\r\n\u00a0]|&nbsp;|&#160;|&#xa0;)"
_SPACE = rf"(?:{_BLANK}|<br\s*/?>)"
_P_BEFORE = re.compile(rf"<p(?:\s[^<>]*)?>{_SPACE}*\Z", re.IGNORECASE)
_P_AFTER = re.compile(rf"{_SPACE}*</p\s*>", re.IGNORECASE)
_LINE_START = re.compile(rf"(?:<p(?:\s[^<>]*)?>|<br\s*/?>){_BLANK}*\Z", re.IGNORECASE)
_BR_BEFORE = re.compile(rf"<br\s*/?>{_BLANK}*\Z", re.IGNORECASE)
_BR_AFTER = re.compile(rf"{_BLANK}*<br\s*/?>", re.IGNORECASE)
_P_END = re.compile(rf"{_BLANK}*</p\s*>", re.IGNORECASE)
_WINDOW = 400


def absorb_paragraph(text: str, start: int, end: int, floor: int = 0, ceil: int | None = None) -> tuple[int, int]:
    """Grow the tag span ``[start, end)`` over the markup that exists only because of the tag (§8).

    A tag alone in a paragraph (spaces, nbsp and ``<br>`` around it) takes the ``<p>…</p>``; a tag alone
    on a line (after ``<p>`` or ``<br>``, before ``<br>``) takes the following ``<br>``; a tag at the end of
    a paragraph after a ``<br>`` takes that ``<br>``. The result stays within ``[floor, ceil)``.
    """
    ceil = len(text) if ceil is None else ceil
    lo = max(floor, start - _WINDOW)
    before = _P_BEFORE.search(text, lo, start)
    if before is not None:
        after = _P_AFTER.match(text, end, ceil)
        if after is not None:
            return before.start(), after.end()
    if _LINE_START.search(text, lo, start) is not None:
        br = _BR_AFTER.match(text, end, ceil)
        if br is not None:
            return start, br.end()
    if _P_END.match(text, end, ceil) is not None:
        br_before = _BR_BEFORE.search(text, lo, start)
        if br_before is not None:
            return br_before.start(), end
    return start, end


def _unwrap(text: str, m: ShortcodeMatch, floor: int) -> None:
    n = len(text)
    if m.close_tag is None:
        m.outer_open = absorb_paragraph(text, m.open_tag[0], m.open_tag[1], floor, n)
        return
    m.outer_open = absorb_paragraph(text, m.open_tag[0], m.open_tag[1], floor, m.close_tag[0])
    m.outer_close = absorb_paragraph(text, m.close_tag[0], m.close_tag[1], m.outer_open[1], n)


def paragraph_state(text: str, initial: bool = False) -> Callable[[int], bool]:
    """A function telling whether a position of ``text`` is inside an open ``<p>`` element.

    ``initial`` is the state at position 0 (for content cut out of a larger document). Tags inside
    comments and the content of ``pre``, ``code``, ``script`` and ``style`` are ignored.
    """
    events: list[int] = []
    states: list[bool] = []
    for start, end, _ in _elements(text):
        p = _P_TAG.match(text, start, end)
        if p is not None and p.end() == end:
            events.append(end)
            states.append(not p.group(1))

    def inside(pos: int) -> bool:
        i = bisect.bisect_right(events, pos) - 1
        return states[i] if i >= 0 else initial

    return inside


# --------------------------------------------------------------------------------------------------------
# WordPress's own shortcode_unautop and a rename pass


def shortcode_unautop(text: str, accept: Accept, known: Iterable[str] = ()) -> str:
    """WordPress's ``shortcode_unautop``: drop the ``<p>…</p>`` around a shortcode standing alone in it.

    The shortcode may be self-closing, standalone or enclosing (the enclosing form may span paragraphs,
    leaving the content starting with ``</p>``). Spaces, U+00A0 and ``&nbsp;`` may surround it.
    """
    if "<p>" not in text:
        return text
    scanner = _Scanner(text, known)
    out: list[str] = []
    pos = 0
    search = 0
    spaces = re.compile(r"(?:[ \t\r\n\u00a0]|&nbsp;)*")
    while True:
        p = text.find("<p>", search)
        if p < 0:
            break
        i = spaces.match(text, p + 3).end()
        replaced = False
        if i < len(text) and scanner.masked[i] == "[" and not text.startswith("[[", i):
            for enclosing in (True, False):

                def pick(m: ShortcodeMatch, enclosing: bool = enclosing) -> bool:
                    return (m.content is not None or not enclosing) and accept(m)

                m = scanner.match_at(i, pick)
                if m is None:
                    continue
                end = m.close_tag[1] if (enclosing and m.close_tag) else m.open_tag[1]
                after = re.compile(r"(?:[ \t\r\n\u00a0]|&nbsp;)*</p>").match(text, end)
                if after is None:
                    continue
                out.append(text[pos:p])
                out.append(text[i:end])
                pos = search = after.end()
                replaced = True
                break
        if not replaced:
            search = p + 3
    out.append(text[pos:])
    return "".join(out)


def rename_shortcode(text: str, old: str, new: str) -> str:
    """Rename tag ``old`` to ``new`` (openers and exact closers) outside protected regions."""
    if f"[{old}" not in text and f"[/{old}]" not in text:
        return text
    masked = mask_protected(text)
    pattern = re.compile(rf"\[(/?){re.escape(old)}(?![A-Za-z0-9_-])")
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(masked):
        if m.group(1) and not masked.startswith("]", m.end()):
            continue
        out.append(text[pos : m.start()])
        out.append(f"[{m.group(1)}{new}")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def plain_text(value: str) -> str:
    """An attribute value as plain text for a heading: entities decoded, tags dropped, then re-escaped."""
    value = re.sub(r"<[^>]*>", "", html.unescape(value))
    return html.escape(" ".join(value.split()), quote=False)
