"""Plain-text dumps of articles (copied from a browser or a feed): title, dek, paragraphs, headings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

from exporter.errors import InputError
from exporter.messages import info, warning
from exporter.model import RawArticle, Skipped
from exporter.readers.decode import read_text_file
from exporter.readers.registry import Selection
from exporter.readers.sniff import is_plain_text
from exporter.readers.title import humanise

_BLANK = re.compile(r"^[\s\u00a0\u200b\ufeff]*$")
_SHORTCODE_LINE = re.compile(r"^\[/?[A-Za-z][\w-]*(?:\s[^\]]*)?/?\]$")
_CJK_MARKS = ("。", "，", "；", "：", "！", "？", "．", "、")
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""Letters of scripts written without spaces between words: Thai, Lao, Burmese, Khmer, kana, Chinese characters."""
HEADING_MAX_WORDS = 10
DEK_MAX_WORDS = 10
TITLE_MAX_WORDS = 40
"""A first line longer than this is body text, not a title: the title comes from the file name."""


def read_text(path: Path) -> RawArticle:
    """Read a plain-text dump: first line title, a short line under it the subtitle, blank-line paragraphs.

    Short standalone lines that read as titles become ``<h2>``; shortcodes stay as text for the cleaner. A first
    line of over TITLE_MAX_WORDS words is body text: the title is the file name's, with a warning.
    """
    decoded = read_text_file(path)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks = _blocks(text)
    if not blocks:
        raise InputError("no article text found", path)
    warnings = list(decoded.warnings)
    subtitle = None
    if len(blocks[0].split()) > TITLE_MAX_WORDS:
        title = humanise(path.stem)
        text = (
            f"first line is over {TITLE_MAX_WORDS} words, not a title: title {title!r} taken from the file name; "
            "every line kept as text"
        )
        warnings.append(warning("read", "title-from-file-name", text))
    else:
        title = blocks.pop(0)
        if len(blocks) > 1 and _is_dek(blocks[0]):
            subtitle = blocks.pop(0)
    html_parts: list[str] = []
    previous = None
    for block in _paragraphs(blocks):
        if block == previous and len(block.split()) <= 25:
            text = f"repeated line dropped (image alt text and caption): {block[:60]!r}"
            warnings.append(info("read", "repeated-line", text))
            continue
        previous = block
        body = escape(block, quote=False)
        if _is_heading(block):
            html_parts.append(f"<h2>{body}</h2>")
        else:
            html_parts.append(f"<p>{body}</p>")
    return RawArticle(
        source_path=path,
        html="\n".join(html_parts),
        title=title,
        subtitle=subtitle,
        base_dir=path.parent,
        warnings=warnings,
        source_hash=decoded.sha256,
    )


def _blocks(text: str) -> list[str]:
    """Paragraph blocks: runs of non-blank lines, each line stripped, separated by blank lines."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if _BLANK.match(line):
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(" ".join(line.split()))
    if current:
        blocks.append("\n".join(current))
    return blocks


def _paragraphs(blocks: list[str]) -> list[str]:
    """Split blocks into paragraphs: hard-wrapped lines are joined, other single lines stand alone.

    Browser copies put each element (caption, badge label, shortcode) on its own line with no blank
    line between; e-mail style dumps wrap long paragraphs at a fixed width.
    """
    out: list[str] = []
    for block in blocks:
        lines = block.split("\n")
        if len(lines) > 1 and _hard_wrapped(lines):
            out.append(" ".join(lines))
        else:
            out.extend(lines)
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    """True when every line but the last is long and of similar width (a wrapped paragraph)."""
    widths = [len(line) for line in lines[:-1]]
    return min(widths) >= 50 and max(widths) - min(widths) <= 25


def _ends_sentence(block: str, marks: tuple[str, ...] = (".", ",", ";", ":", "!", "?", "…", *_CJK_MARKS)) -> bool:
    """True when the block ends with one of ``marks`` (closing quotes and brackets ignored)."""
    return block.rstrip("\"”’'»)]」』）").endswith(marks)


def _word_count(block: str) -> int:
    """The block's words: its space-separated parts, plus about one per three characters of a script written
    without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese), so a whole paragraph in one of
    them is not taken for a short line."""
    parts = block.split()
    return len(parts) + sum(len(_UNSPACED.findall(part)) // 3 for part in parts)


def _is_dek(block: str) -> bool:
    """A short one-line standfirst under the title ('A Dispatch from ...')."""
    return "\n" not in block and 1 < _word_count(block) <= DEK_MAX_WORDS and not _ends_sentence(block)


def _is_heading(block: str) -> bool:
    """A short standalone line without closing punctuation that reads as a title (mostly capitalised)."""
    if _SHORTCODE_LINE.match(block) or block.startswith("["):
        return False
    words = block.split()
    if not 2 <= _word_count(block) <= HEADING_MAX_WORDS or _ends_sentence(block, (".", ",", ";", ":", "…")):
        return False
    letters = [c for c in block if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return False  # shouted editorial notes stay paragraphs
    long_words = [w.strip("‘’'\"“”(") for w in words if len(w.strip("‘’'\"“”(:")) >= 4]
    if not long_words:
        return False
    capitalised = sum(1 for w in long_words if w[:1].isupper())
    return capitalised * 2 >= len(long_words) and words[0][:1].isupper()


class TextReader:
    """Plain-text dumps: ``.txt``, or a file of another suffix that holds text not beginning with markup."""

    name = "text"
    suffixes = (".txt",)

    def sniff(self, head: bytes) -> bool:
        """True for text (not binary) whose first character is not the start of a tag."""
        return is_plain_text(head)

    def read(self, path: Path, selection: Selection) -> Iterator[RawArticle | Skipped]:
        """The one article of the file."""
        yield read_text(path)

    def count(self, path: Path, selection: Selection) -> int:
        """Always one article."""
        return 1


READER = TextReader()
