"""What WordPress does to raw ``post_content`` before shortcodes run, for an exporter.

See ``shared/wordpress/shortcode-rules.md`` §0 and §11-§12 and ``plugins.md`` (embeds, footnotes):

* ``<!--nextpage-->`` splits a post into pages; we keep every page, with ``<hr class="page-break"/>`` between;
* ``<!--more-->``, ``<!--more text-->`` and ``<!--noteaser-->`` are removed (the teaser is always kept);
* classic content (no ``<!-- wp:``) gets :func:`~exporter.clean.autop.wpautop`;
* block content loses its delimiter comments and keeps the saved HTML between them. Void blocks have no saved
  HTML (dynamic blocks such as latest-posts, archives, search, navigation): they are dropped with a warning,
  except ``wp:footnotes`` (the footnotes stage reads the post meta) which goes silently. ``wp:embed`` keeps its
  URL as a link, ``wp:shortcode`` keeps its shortcode text (run through wpautop, as its render callback does);
* a bare URL alone on its line, or alone in a paragraph, becomes a link (WordPress would fetch oEmbed HTML
  there; we cannot, so we keep what WordPress shows when the provider fails).

Every decision is reported as a message of stage ``content``. All passes are linear in the length of the
content.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from exporter.clean.autop import replace_in_html_tags, wpautop
from exporter.clean.htmlscan import WP_TAGS, tokens
from exporter.messages import Message, info, warning

__all__ = ["PAGE_BREAK", "prepare_post_content"]

PAGE_BREAK = '<hr class="page-break"/>'
"""What each ``<!--nextpage-->`` between two kept pages becomes."""

_NEXTPAGE = "<!--nextpage-->"
_NOTEASER = "<!--noteaser-->"
_MORE_OPEN = "<!--more"

# The inside of a delimiter comment (between "<!--" and the first "-->"), as the block parser reads it.
_DELIMITER = re.compile(
    r"[ \t\n\r\f\v]+(/)?wp:([a-z][a-z0-9_-]*/)?([a-z][a-z0-9_-]*)[ \t\n\r\f\v]+(?:(\{.*\})[ \t\n\r\f\v]+)?(/)?",
    re.DOTALL,
)
_LOOKS_LIKE_DELIMITER = re.compile(r"[ \t\n\r\f\v]*/?wp:")
_LEFTOVER_DELIMITER = re.compile(r"<!--(?=[ \t\n\r\f\v]*/?wp:)")

_URL = r"https?://[^ \t\n\r\f\v<>\"]+"
# WordPress lets the spaces around the URL run over blank lines; which URLs match is the same with spaces
# and tabs only, and this way a long run of blank lines is not rescanned from each of its line starts.
_URL_LINE = re.compile(rf"^([ \t\r\f\v]*)({_URL})([ \t\r\f\v]*)$", re.MULTILINE | re.IGNORECASE)
_URL_PARAGRAPH = re.compile(rf"(<p(?: [^>]*)?>[ \t\n\r\f\v]*)({_URL})([ \t\n\r\f\v]*</p>)", re.IGNORECASE)
_LINE_BREAK_MARK = "<!-- wp-line-break -->"
_RAW = frozenset({"pre", "code", "script", "style", "textarea"})
_EMBED_WRAPPER = re.compile(
    r"(<div[^>]*\bclass=[\"'][^\"']*\bwp-block-embed__wrapper\b[^\"']*[\"'][^>]*>)(.*?)(</div>)",
    re.DOTALL | re.IGNORECASE,
)
_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_TAG = re.compile(r"<[^>]*>")
_FIGURE_OPEN = re.compile(r"<figure\b[^>]*>", re.IGNORECASE)

# Void blocks dropped without a warning: their content lives elsewhere or was handled before.
_SILENT_VOID = frozenset({"core/footnotes", "core/more", "core/nextpage"})


@dataclass
class _Notes:
    """What was changed, summed over the pages of a post and turned into messages at the end."""

    more: int = 0
    noteaser: bool = False
    dropped: Counter[str] = field(default_factory=Counter)
    stray: int = 0
    malformed: int = 0
    unclosed: list[str] = field(default_factory=list)
    embeds: list[Message] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def messages(self) -> list[Message]:
        out: list[Message] = []
        if self.noteaser:
            out.append(
                info("content", "noteaser-removed", "removed <!--noteaser-->: the teaser is kept in the full text")
            )
        if self.more:
            text = f"removed {self.more} <!--more--> marker(s): the whole post is kept"
            out.append(info("content", "more-removed", text))
        out += self.embeds
        for name, count in self.dropped.items():
            times = f" ({count}×)" if count > 1 else ""
            text = f"dropped dynamic block {name}{times}: it has no saved HTML to export"
            out.append(warning("content", "dynamic-block-dropped", text))
        for name in self.unclosed:
            out.append(warning("content", "block-unclosed", f"block {name} is not closed: its content is kept"))
        if self.stray:
            text = f"removed {self.stray} block closing delimiter(s) without an opening one"
            out.append(warning("content", "stray-closer-removed", text))
        if self.malformed:
            text = f"removed {self.malformed} malformed block delimiter comment(s)"
            out.append(warning("content", "malformed-delimiter-removed", text))
        if self.urls:
            shown = ", ".join(self.urls[:5]) + (f" and {len(self.urls) - 5} more" if len(self.urls) > 5 else "")
            text = (
                f"{len(self.urls)} bare URL(s) on a line or in a paragraph of their own kept as links (no oEmbed): "
                f"{shown}"
            )
            out.append(info("content", "bare-urls-linked", text))
        return out


def prepare_post_content(content: str, content_format: str) -> tuple[str, list[Message]]:
    """Turn raw WordPress ``post_content`` into the HTML the shortcode stage expects.

    ``content_format`` is ``"classic"`` (wpautop), ``"blocks"`` (block delimiters, no wpautop) or
    ``"html"`` (already rendered: returned unchanged). As in WordPress, content containing ``<!-- wp:`` is
    block content and other content is classic, whatever the format says (a mismatch is reported).
    Returns the HTML and the messages (stage ``content``) describing every change.
    """
    if content_format == "html":
        return content, []
    if content_format not in ("classic", "blocks"):
        raise ValueError(f"unknown content format {content_format!r} (expected html, classic or blocks)")
    messages: list[Message] = []
    has_blocks = "<!-- wp:" in content
    if content_format == "classic" and has_blocks:
        text = "content marked classic contains block delimiters (<!-- wp:): treated as block content"
        messages.append(info("content", "classic-has-blocks", text))
    elif content_format == "blocks" and not has_blocks:
        text = "content marked as blocks has no block delimiters (<!-- wp:): treated as classic content"
        messages.append(info("content", "blocks-without-delimiters", text))

    pages = _split_pages(content)
    if len(pages) > 1:
        text = f"post has {len(pages)} pages (<!--nextpage-->): kept as one article with section breaks"
        messages.append(info("content", "pages-joined", text))

    notes = _Notes()
    rendered: list[str] = []
    for page in pages:
        page = _remove_more(page, notes)
        if has_blocks:
            page = _render_blocks(page, notes)
            page = _autoembed(page, notes.urls)
        else:
            if "wp:" in page:  # stray closers or malformed delimiters: invisible comments, removed before autop
                page = _render_blocks(page, notes)
            page = wpautop(_autoembed(page, notes.urls))
        if page.strip():
            rendered.append(page)

    messages += notes.messages()
    out = f"\n{PAGE_BREAK}\n".join(rendered)
    if _LEFTOVER_DELIMITER.search(out):
        out = _LEFTOVER_DELIMITER.sub("&lt;!--", out)
        text = "unterminated block delimiter comment kept as text"
        messages.append(warning("content", "unterminated-delimiter", text))
    return out, messages


# --------------------------------------------------------------------------------------------------------
# Pages and teasers (§11)


def _split_pages(content: str) -> list[str]:
    """The pages WordPress makes of a post: newlines around the marker go, its block wrapper goes, a
    marker at the very start is ignored."""
    if _NEXTPAGE not in content:
        return [content]
    for variant in (f"\n{_NEXTPAGE}\n", f"\n{_NEXTPAGE}", f"{_NEXTPAGE}\n"):
        content = content.replace(variant, _NEXTPAGE)
    content = content.replace("<!-- wp:nextpage -->", "").replace("<!-- /wp:nextpage -->", "")
    content = content.removeprefix(_NEXTPAGE)
    return content.split(_NEXTPAGE)


def _remove_more(page: str, notes: _Notes) -> str:
    """Drop ``<!--more…-->`` markers (the text after ``more`` runs to the first ``-->`` on the same line)
    and ``<!--noteaser-->``."""
    if _NOTEASER in page:
        page = page.replace(_NOTEASER, "")
        notes.noteaser = True
    if _MORE_OPEN not in page:
        return page
    out: list[str] = []
    pos = 0
    count = 0
    close = newline = -1
    start = page.find(_MORE_OPEN)
    while start >= 0:
        body = start + len(_MORE_OPEN)
        if close < body:
            close = page.find("-->", body)
            if close < 0:
                break
        if newline < body:
            newline = page.find("\n", body)
            if newline < 0:
                newline = len(page)
        if close < newline:
            out.append(page[pos:start])
            pos = close + 3
            count += 1
            start = page.find(_MORE_OPEN, pos)
        else:
            start = page.find(_MORE_OPEN, body)
    if not count:
        return page
    out.append(page[pos:])
    notes.more += count
    return "".join(out)


# --------------------------------------------------------------------------------------------------------
# Block delimiters (§12)


@dataclass
class _Delimiter:
    start: int
    end: int
    name: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    closer: bool = False
    void: bool = False
    malformed: bool = False


@dataclass
class _Frame:
    name: str
    attrs: dict[str, Any]
    parts: list[str] = field(default_factory=list)


def _delimiters(text: str) -> list[_Delimiter]:
    """Every block delimiter comment, left to right; comments that start like one (``<!-- wp:`` …) but do
    not parse are returned as ``malformed`` so they can be removed too."""
    found: list[_Delimiter] = []
    close = -1
    start = text.find("<!--")
    while start >= 0:
        body = start + 4
        if close < body:
            close = text.find("-->", body)
            if close < 0:
                break
        m = _DELIMITER.fullmatch(text, body, close)
        if m is not None:
            namespace = (m.group(2) or "core/")[:-1]
            found.append(
                _Delimiter(
                    start=start,
                    end=close + 3,
                    name=f"{namespace}/{m.group(3)}",
                    attrs=_attrs(m.group(4)),
                    closer=m.group(1) is not None,
                    void=m.group(5) is not None,
                )
            )
            start = text.find("<!--", close + 3)
        elif _LOOKS_LIKE_DELIMITER.match(text, body, close):
            found.append(_Delimiter(start=start, end=close + 3, malformed=True))
            start = text.find("<!--", close + 3)
        else:
            start = text.find("<!--", body)
    return found


def _attrs(raw: str | None) -> dict[str, Any]:
    """A delimiter's JSON attributes; anything that is not a JSON object counts as none (as in PHP)."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _render_blocks(text: str, notes: _Notes) -> str:
    """Remove the delimiters, keep the saved HTML, and render the few blocks that need it."""
    if "<!--" not in text:
        return text
    root = _Frame("", {})
    stack = [root]
    pos = 0
    for d in _delimiters(text):
        stack[-1].parts.append(text[pos : d.start])
        pos = d.end
        if d.malformed:
            notes.malformed += 1
        elif d.void:
            stack[-1].parts.append(_render_void(d, notes))
        elif not d.closer:
            stack.append(_Frame(d.name, d.attrs))
        elif len(stack) > 1:
            frame = stack.pop()
            stack[-1].parts.append(_render_frame(frame, notes))
        else:
            notes.stray += 1
    stack[-1].parts.append(text[pos:])
    while len(stack) > 1:
        frame = stack.pop()
        notes.unclosed.append(frame.name)
        stack[-1].parts.append(_render_frame(frame, notes))
    return "".join(root.parts)


def _is_embed(name: str) -> bool:
    return name == "core/embed" or name.startswith("core-embed/")


def _render_void(d: _Delimiter, notes: _Notes) -> str:
    if d.name in _SILENT_VOID:
        return ""
    if _is_embed(d.name) and isinstance(d.attrs.get("url"), str):
        return _render_embed(d.name, d.attrs, "", notes)
    label = d.name
    if d.name == "core/block" and "ref" in d.attrs:
        label = f"core/block (reusable block {d.attrs['ref']})"
    notes.dropped[label] += 1
    return ""


def _render_frame(frame: _Frame, notes: _Notes) -> str:
    inner = "".join(frame.parts)
    if frame.name == "core/footnotes":
        return ""
    if _is_embed(frame.name):
        return _render_embed(frame.name, frame.attrs, inner, notes)
    if frame.name == "core/shortcode":
        return wpautop(inner)
    return inner


def _link(url: str) -> str:
    """``<a href="URL">URL</a>``; entities already in the URL are kept as written, a bare ``&`` is escaped."""
    href = _BARE_AMPERSAND.sub("&amp;", url).replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<a href="{href}">{href}</a>'


def _render_embed(name: str, attrs: dict[str, Any], inner: str, notes: _Notes) -> str:
    """An embed block keeps its figure (and caption); the URL inside becomes a paragraph with a link.

    The URL comes from the ``url`` attribute, else from the text of ``div.wp-block-embed__wrapper``. A
    wrapper that holds just the URL (the saved form) gets the link instead; any other wrapper content is
    kept and the link is added after it.
    """
    url = attrs.get("url") if isinstance(attrs.get("url"), str) else None
    wrapper = _EMBED_WRAPPER.search(inner)
    wrapper_text = html.unescape(_TAG.sub("", wrapper.group(2))).strip() if wrapper else ""
    if url is None and re.fullmatch(_URL, wrapper_text, re.IGNORECASE):
        url = wrapper_text
    provider = attrs.get("providerNameSlug") or name.partition("/")[2]
    if not url:
        text = f"embed block ({provider}) has no URL: its saved HTML is kept"
        notes.embeds.append(warning("content", "embed-without-url", text))
        return inner
    notes.embeds.append(info("content", "embed-as-link", f"embed block ({provider}): {url} kept as a link"))
    paragraph = f"<p>{_link(url)}</p>"
    if wrapper is not None:
        if wrapper_text in ("", url, html.unescape(url)):
            return inner[: wrapper.start(2)] + paragraph + inner[wrapper.end(2) :]
        return inner[: wrapper.end(2)] + paragraph + inner[wrapper.end(2) :]
    figure = _FIGURE_OPEN.search(inner)
    if figure is not None:
        return inner[: figure.end()] + paragraph + inner[figure.end() :]
    return paragraph + inner


# --------------------------------------------------------------------------------------------------------
# Auto-embeds (§0, priority 8)


def _autoembed(text: str, urls: list[str]) -> str:
    """A URL alone on its line, or alone in a ``<p>``, becomes a link (WordPress would embed it).

    Newlines inside tags and comments do not count as line ends, and the contents of ``pre``, ``code``,
    ``script``, ``style`` and ``textarea`` are left alone.
    """
    if "http" not in text.lower():
        return text
    out: list[str] = []
    pos = 0
    for start, end in _raw_regions(text):
        out.append(_autoembed_part(text[pos:start], urls))
        out.append(text[start:end])
        pos = end
    out.append(_autoembed_part(text[pos:], urls))
    return "".join(out)


def _autoembed_part(text: str, urls: list[str]) -> str:
    if "://" not in text:
        return text
    text = replace_in_html_tags(text, "\n", _LINE_BREAK_MARK)

    def line(m: re.Match[str]) -> str:
        urls.append(m.group(2))
        return m.group(1) + _link(m.group(2)) + m.group(3)

    def paragraph(m: re.Match[str]) -> str:
        urls.append(m.group(2))
        return m.group(1) + _link(m.group(2)) + m.group(3)

    text = _URL_LINE.sub(line, text)
    text = _URL_PARAGRAPH.sub(paragraph, text)
    return text.replace(_LINE_BREAK_MARK, "\n")


def _raw_regions(text: str) -> list[tuple[int, int]]:
    """Spans of ``<pre>``, ``<code>``, ``<script>``, ``<style>`` and ``<textarea>`` elements (to their closing
    tag, or to the end of the text when unclosed).

    WordPress's autoembed skips none of these (it would embed a URL on its own line inside a ``<pre>``); we
    keep their text as written. They are found by the shared scanner with the grammar the shortcode stage
    uses (:data:`~exporter.clean.htmlscan.WP_TAGS`), so a ``<pre>`` written inside a comment or an attribute
    opens nothing.
    """
    if "<" not in text:
        return []
    return [(t.start, t.region_end) for t in tokens(text, WP_TAGS, _RAW) if t.raw]
