"""WordPress's ``wpautop`` (the 6.2+ behaviour), for classic post content.

A step-by-step port of the behaviour described in ``shared/wordpress/shortcode-rules.md`` §9 and §10: blank
lines become paragraphs, single newlines become ``<br />``, block-level tags are left outside paragraphs, and
``<pre>`` bodies, newlines inside tags/comments/CDATA and the inside of ``script``/``style``/``svg``/``math``
are left alone. Whitespace classes follow PHP's byte regexes: only ASCII whitespace counts (a no-break space
is text), and names are matched case-sensitively unless a step says otherwise.

Every pass is linear in the length of the text: the few WordPress patterns that would backtrack
quadratically in Python's engine (a ``\\s*`` that may start anywhere inside a long run of spaces, a lazy
``.*?`` to a closing tag that never comes) are written as anchored patterns or small scanners with the same
result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from exporter.clean.htmlscan import WP_SPLIT, tokens

__all__ = ["BLOCK_ELEMENTS", "html_split_spans", "replace_in_html_tags", "wpautop"]

BLOCK_ELEMENTS: tuple[str, ...] = (
    "table",
    "thead",
    "tfoot",
    "caption",
    "col",
    "colgroup",
    "tbody",
    "tr",
    "td",
    "th",
    "div",
    "dl",
    "dd",
    "dt",
    "ul",
    "ol",
    "li",
    "pre",
    "form",
    "map",
    "area",
    "blockquote",
    "address",
    "style",
    "p",
    "h[1-6]",
    "hr",
    "fieldset",
    "legend",
    "section",
    "article",
    "aside",
    "hgroup",
    "header",
    "footer",
    "nav",
    "figure",
    "figcaption",
    "details",
    "menu",
    "summary",
)
"""The block-level names of WordPress ≥ 6.2 (``math`` left the list in 6.2), as regex fragments."""

_B = "(?:" + "|".join(BLOCK_ELEMENTS) + ")"
_W = r"[ \t\n\r\f\v]"  # PCRE's \s on bytes: ASCII whitespace only
_PHP_TRIM = " \t\n\r\0\x0b"  # what PHP's trim() strips by default
_A = re.ASCII

_DOUBLE_BR = re.compile(rf"<br{_W}*/?>{_W}*<br{_W}*/?>")
_BLOCK_OPEN = re.compile(rf"(?=<{_B}[ \t\n\r\f\v/>])")
_BLOCK_CLOSE = re.compile(rf"(</{_B}>)")
_HR = re.compile(rf"(<hr{_W}*?/?>)")

# A leading "\s*" is written "(?:(?<!\s)\s+)?": the same leftmost match, but tried once per run of spaces.
_LEAD = rf"(?:(?<!{_W}){_W}+)?"
_OPTION_BEFORE = re.compile(rf"{_LEAD}<option")
_OPTION_AFTER = re.compile(rf"</option>{_W}*")
_OBJECT_OPEN = re.compile(rf"(<object[^>]*>){_W}*")
_OBJECT_CLOSE = re.compile(rf"{_LEAD}</object>")
_PARAM_EMBED = re.compile(rf"{_LEAD}(</?(?:param|embed)[^>]*>){_W}*")
_MEDIA_OPEN = re.compile(rf"([<\[](?:audio|video)[^>\]]*[>\]]){_W}*")
_MEDIA_CLOSE = re.compile(rf"{_LEAD}([<\[]/(?:audio|video)[>\]])")
_SOURCE_TRACK = re.compile(rf"{_LEAD}(<(?:source|track)[^>]*>){_W}*")
_FIGCAPTION_OPEN = re.compile(rf"{_LEAD}(<figcaption[^>]*>)")
_FIGCAPTION_CLOSE = re.compile(rf"</figcaption>{_W}*")

_MANY_NEWLINES = re.compile(r"\n\n+")
_PARAGRAPH_SPLIT = re.compile(rf"\n{_W}*\n")
_EMPTY_P = re.compile(rf"<p>{_W}*</p>")
_UNCLOSED_P = re.compile(r"<p>([^<]+)</(div|address|form)>")
_P_AROUND_BLOCK = re.compile(rf"<p>{_W}*(</?{_B}[^>]*>){_W}*</p>")
_P_AROUND_LI = re.compile(r"<p>(<li.+?)</p>")
_P_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.IGNORECASE | _A)
_P_BEFORE_BLOCK = re.compile(rf"<p>{_W}*(</?{_B}[^>]*>)")
_BLOCK_START = re.compile(rf"</?{_B}")
_PRESERVE_OPEN = re.compile(r"<(script|style|svg|math)")
_BR_VARIANTS = re.compile(r"<br/?>")
_BR_BEFORE_BLOCK = re.compile(rf"<br />({_W}*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")
_FINAL_NEWLINE_P = re.compile(r"\n</p>$")
_NEWLINE_RUN = re.compile(rf"(?<!{_W})(?<!<br />){_W}*\n")
_NEWLINE_RUN_AFTER_BR = re.compile(rf"(?<=<br />)({_W}){_W}*\n")
_PRE_PLACEHOLDER = re.compile(r"<pre wp-pre-tag-\d+></pre>")

_NEWLINE_MARK = " <!-- wpnl --> "
_PRESERVED_NEWLINE = "<WPPreserveNewline />"


# --------------------------------------------------------------------------------------------------------
# Splitting HTML the WordPress way (§10)


def html_split_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each "element" WordPress's HTML splitter finds, left to right.

    Every ``<`` starts one: a comment ``<!--`` runs to the first ``-->`` (the dashes of the opener count,
    so ``<!-->`` is complete) or to the end; ``<![CDATA[`` runs to the first ``]]>`` or to the end;
    anything else runs to the next ``>`` or to the end. Quotes are not special. This is the shared scanner
    with the grammar of ``wp_html_split`` (:data:`~exporter.clean.htmlscan.WP_SPLIT`) and no raw-text regions:
    WordPress's wpautop protects ``<pre>`` and ``<script>``/``<style>``/``<svg>``/``<math>`` by its own rules
    (:func:`_hide_pre`, :func:`_preserve_newlines`: case-sensitive, found anywhere, even inside a comment or an
    attribute), not by the splitter, and a port must keep those rules as they are.
    """
    for token in tokens(text, WP_SPLIT):
        yield token.start, token.end


def replace_in_html_tags(text: str, needle: str, replacement: str) -> str:
    """Replace ``needle`` only inside HTML elements (tags, comments, CDATA), like ``wp_replace_in_html_tags``."""
    if needle not in text:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in html_split_spans(text):
        element = text[start:end]
        if needle in element:
            parts.append(text[pos:start])
            parts.append(element.replace(needle, replacement))
            pos = end
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


# --------------------------------------------------------------------------------------------------------
# Steps that are scanners rather than one regex


def _hide_pre(text: str) -> tuple[str, dict[str, str]]:
    """Swap each ``<pre…>…</pre>`` for a placeholder (step 2). A ``</pre>`` with no ``<pre`` before it in
    its piece is dropped, as in WordPress."""
    pre_tags: dict[str, str] = {}
    if "<pre" not in text:
        return text, pre_tags
    pieces = text.split("</pre>")
    last = pieces.pop()
    out: list[str] = []
    for piece in pieces:
        start = piece.find("<pre")
        if start < 0:
            out.append(piece)
            continue
        name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[name] = piece[start:] + "</pre>"
        out.append(piece[:start])
        out.append(name)
    out.append(last)
    return "".join(out), pre_tags


def _restore_pre(text: str, pre_tags: dict[str, str]) -> str:
    """Put the ``<pre>`` bodies back. WordPress replaces the placeholders one after another over the whole
    text; a single pass gives the same result unless a ``<pre>`` body itself spells a placeholder."""
    if any("<pre wp-pre-tag-" in body for body in pre_tags.values()):
        for name, body in pre_tags.items():
            text = text.replace(name, body)
        return text
    return _PRE_PLACEHOLDER.sub(lambda m: pre_tags.get(m.group(), m.group()), text)


def _preserve_newlines(text: str) -> str:
    """Inside ``<script|style|svg|math …>…</name>`` (lazy, case-sensitive), hide the newlines (step 11)."""
    if "\n" not in text:
        return text
    out: list[str] = []
    pos = 0
    search = 0
    no_closer: set[str] = set()  # names whose closer does not occur after the search point
    while True:
        m = _PRESERVE_OPEN.search(text, search)
        if m is None:
            break
        name = m.group(1)
        if name in no_closer:
            search = m.start() + 1
            continue
        close = text.find(f"</{name}>", m.end())
        if close < 0:
            no_closer.add(name)
            search = m.start() + 1
            continue
        end = close + len(name) + 3
        out.append(text[pos : m.start()])
        out.append(text[m.start() : end].replace("\n", _PRESERVED_NEWLINE))
        pos = search = end
    out.append(text[pos:])
    return "".join(out)


def _insert_breaks(text: str) -> str:
    """Each newline not right after ``<br />`` becomes ``<br />\\n``, eating the spaces before it (step 11).

    WordPress does this with one pattern (optional whitespace then a newline, not directly after
    ``<br />``). In a run of whitespace that pattern matches from the run's start to its last newline; when
    the run follows ``<br />`` the match starts one character later, so it needs a newline after the run's
    first character. Matching from run starts only keeps this linear on long runs of spaces.
    """
    if "\n" not in text:
        return text
    text = _NEWLINE_RUN.sub("<br />\n", text)
    if "<br />" in text:
        text = _NEWLINE_RUN_AFTER_BR.sub(r"\1<br />\n", text)
    return text


def _drop_after_block(text: str, what: str) -> str:
    """Delete ``what`` (and the whitespace before it) right after a block tag: ``(</?BLOCK[^>]*>)\\s*what``.

    The regex would rescan to the next ``>`` from every ``<`` of a run of unclosed tags. Here each ``>``
    followed by ``what`` is visited once: it closes a block tag if a block tag starts between it and the
    previous ``>`` (the leftmost such start is where the regex match begins).
    """
    if what not in text:
        return text
    follower = re.compile(rf">(?=({_W}*{re.escape(what)}))")
    out: list[str] = []
    pos = 0
    for m in follower.finditer(text):
        gt = m.start()
        if gt < pos:
            continue
        region = max(pos, text.rfind(">", 0, gt) + 1)
        if _BLOCK_START.search(text, region, gt) is None:
            continue
        out.append(text[pos : gt + 1])
        pos = m.end(1)
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------------------
# wpautop


def wpautop(text: str, br: bool = True) -> str:
    """Turn double line breaks into paragraphs and single ones into ``<br />``, as WordPress 6.2+ does.

    ``br=False`` leaves single newlines alone. Empty or whitespace-only input gives ``""``.
    """
    if text.strip(_PHP_TRIM) == "":
        return ""
    text += "\n"

    # 2. <pre> bodies are swapped out and restored verbatim at the end.
    text, pre_tags = _hide_pre(text)

    # 3-5. Two <br>s make a blank line; blank lines around block-level tags and after <hr>.
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _BLOCK_OPEN.sub("\n\n", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    text = _HR.sub(r"\1\n\n", text)

    # 6-7. One newline style; newlines inside tags, comments and CDATA are hidden.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = replace_in_html_tags(text, "\n", _NEWLINE_MARK)

    # 8. Whitespace that must not turn into paragraphs or breaks.
    if "<option" in text:
        text = _OPTION_BEFORE.sub("<option", text)
        text = _OPTION_AFTER.sub("</option>", text)
    if "</object>" in text:
        text = _OBJECT_OPEN.sub(r"\1", text)
        text = _OBJECT_CLOSE.sub("</object>", text)
        text = _PARAM_EMBED.sub(r"\1", text)
    if "<source" in text or "<track" in text:
        text = _MEDIA_OPEN.sub(r"\1", text)
        text = _MEDIA_CLOSE.sub(r"\1", text)
        text = _SOURCE_TRACK.sub(r"\1", text)
    if "<figcaption" in text:
        text = _FIGCAPTION_OPEN.sub(r"\1", text)
        text = _FIGCAPTION_CLOSE.sub("</figcaption>", text)

    # 9. Paragraph chunks at every blank line.
    text = _MANY_NEWLINES.sub("\n\n", text)
    chunks = [c for c in _PARAGRAPH_SPLIT.split(text) if c]
    text = "".join(f"<p>{chunk.strip(chr(10))}</p>\n" for chunk in chunks)

    # 10. Cleanups.
    text = _EMPTY_P.sub("", text)
    text = _UNCLOSED_P.sub(r"<p>\1</p></\2>", text)
    text = _P_AROUND_BLOCK.sub(r"\1", text)
    text = _P_AROUND_LI.sub(r"\1", text)
    text = _P_BLOCKQUOTE.sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _P_BEFORE_BLOCK.sub(r"\1", text)
    text = _drop_after_block(text, "</p>")

    # 11. Line breaks.
    if br:
        text = _preserve_newlines(text)
        text = _BR_VARIANTS.sub("<br />", text)
        text = _insert_breaks(text)
        text = text.replace(_PRESERVED_NEWLINE, "\n")

    # 12. Breaks next to block tags; the final newline inside the last paragraph.
    text = _drop_after_block(text, "<br />")
    text = _BR_BEFORE_BLOCK.sub(r"\1", text)
    text = _FINAL_NEWLINE_P.sub("</p>", text)

    # 13. Put back what was hidden.
    if pre_tags:
        text = _restore_pre(text, pre_tags)
    if "<!-- wpnl -->" in text:
        text = text.replace(_NEWLINE_MARK, "\n").replace("<!-- wpnl -->", "\n")
    return text
