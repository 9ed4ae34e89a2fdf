"""Runs in another language or script than their context get ``lang``, and ``dir`` where the direction changes.

A block (paragraph, list item, heading, quotation, cell…) whose text is surely in another language than its
context (the nearest ``lang`` above it, else the article's) gets ``lang``; inside text, a run of words in another
script gets a ``<span lang>``. Right to left is marked with ``dir="rtl"``, and a left-to-right block or run inside
right-to-left text with ``dir="ltr"``. A block mostly in a right-to-left script always carries its ``lang`` and
``dir="rtl"``, even in a right-to-left article (as exporter did before runs in every script were marked).

Latin text inside text of another script is marked only when it is a clause (at least four words) that CLD3
surely reads as one language: product names and short terms ("WordPress", "EPUB") stay as they are. Code (``code``,
``pre``, ``kbd``, ``samp``) is never touched, and marking only wraps text: nothing is lost or reordered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from exporter.clean.direction import BLOCKS, RUN, guess_language
from exporter.clean.gallery import MISSING, REPEATED
from exporter.clean.language_detect import BY_SCRIPT, FALLBACK, SURE, Detection, cld3, detect
from exporter.clean.language_scripts import RANGES, dominant, letters_by_script
from exporter.clean.textnodes import make_element, wrap_matches
from exporter.languages import is_rtl, primary, script, script_of_language

CODE = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
OUR_LINES = frozenset({MISSING, REPEATED, "empty-note"})
"""Classes of the lines exporter writes itself (in the book's language): the block as a whole is not marked."""
MIN_CLAUSE_WORDS = 4
"""A Latin run inside text of another script is marked from this many words."""
SURE_BLOCK = 0.9
"""CLD3's probability from which a block in the same script as its context is marked as another language."""
MIN_BLOCK_LETTERS = 60
"""Fewer letters than this: a block in the same script as its context keeps the context's language."""

_JOIN = r"[\s\u00a0.,!?:;'\u2019\u2018\u201c\u201d\"«»()\-–—/&0-9]+"
_CJK_JOIN = r"[\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u30fb\u00b7\u201c\u201d\u2018\u20190-9０-９]+"


def _run(name: str, chars: str, join: str) -> str:
    return f"(?P<{name}>[{chars}]+(?:{join}[{chars}]+)*)"


_CJK = RANGES["Hani"] + RANGES["Kana"]
RUNS = re.compile(
    "|".join(
        [
            f"(?P<Arab>{RUN.pattern})",  # Arabic script: the runs exporter always marked, unchanged
            _run("Jpan", _CJK, _CJK_JOIN),  # Han and kana
            *(_run(name, RANGES[name], _JOIN) for name in RANGES if name not in ("Arab", "Hani", "Kana")),
        ]
    )
)
"""A run of words in one script, with the spaces and punctuation between them (not before or after)."""


def prose(el: HtmlElement) -> str:
    """The element's text outside code, whitespace collapsed."""
    return " ".join(" ".join(_texts(el)).split())


def _texts(el: HtmlElement) -> Iterator[str]:
    if el.text:
        yield el.text
    for child in el:
        if isinstance(child.tag, str) and child.tag not in CODE:
            yield from _texts(child)
        if child.tail:
            yield child.tail


def mark_runs(root: HtmlElement, article_language: str) -> int:
    """Set ``lang``/``dir`` on blocks and wrap runs in ``<span lang>`` where the language or script changes;
    returns how many were marked."""
    count = _mark_blocks(root, article_language)
    contexts = [root, *(el for el in root.iter() if el is not root and el.get("lang") and not _in_code(el, root))]
    for ctx in contexts:
        count += _mark_spans(ctx, ctx.get("lang") or article_language)
    return count


def _mark_blocks(root: HtmlElement, article_language: str) -> int:
    count = 0
    for el in root.iter(*BLOCKS):
        if el.get("dir") or _in_code(el, root) or OUR_LINES & set((el.get("class") or "").split()):
            continue
        context = _context_language(el, root, article_language)
        text = prose(el)
        counts = letters_by_script(text)
        main, _ = dominant(counts)
        cld3_needed = main in ("Latn", "Cyrl", "Deva") and counts[main] >= MIN_BLOCK_LETTERS
        if main not in ("Arab", "Hebr") and _same_script(main, context) and not cld3_needed:
            continue  # nothing to mark, and no need to ask CLD3
        found = detect(text, counts)
        if found is None:
            continue
        if found.script == "Arab" or (found.script == "Hebr" and is_rtl(found.language)):
            if found.confidence >= 0.7 and not _has_dir_ancestor(el, root):  # the rule exporter always had
                default = primary(context) if script(context) == "Arab" else "ar"
                guessed = guess_language(text, default=default) if found.script == "Arab" else found.language
                el.set("lang", el.get("lang") or guessed)
                el.set("dir", "rtl")
                count += 1
            continue
        language = None if el.get("lang") else _block_language(found, context)
        if language is None:
            continue
        el.set("lang", language)
        if is_rtl(context):
            el.set("dir", "ltr")
        count += 1
    return count


def _block_language(found: Detection, context: str) -> str | None:
    """The language a block is marked with, or None to leave it in its context's language."""
    if found.confidence < 0.7:
        return None
    if _same_script(found.script, context):
        if found.script not in ("Latn", "Cyrl", "Deva") or primary(found.language) == primary(context):
            return None
        long_enough = found.sure and found.confidence >= SURE_BLOCK
        return found.language if long_enough and found.letters >= MIN_BLOCK_LETTERS else None
    return found.language if found.sure else None


def _same_script(text_script: str | None, language: str) -> bool:
    expected = script_of_language(language) or "Latn"  # a language not listed is most likely written in Latin
    if expected == "Jpan":
        return text_script in ("Jpan", "Hani")
    if expected == "Kore":
        return text_script in ("Hang", "Hani")
    return text_script == expected


def _mark_spans(ctx: HtmlElement, language: str) -> int:
    rtl_context = is_rtl(language)
    arabic_default = primary(language) if script(language) == "Arab" else "ar"

    def make(match: re.Match[str], before: str) -> HtmlElement | None:
        name = match.lastgroup or ""
        text = match.group(0)
        if name == "Jpan" and not re.search(f"[{RANGES['Kana']}]", text):
            name = "Hani"
        if _same_script(name, language):
            return None
        if name in ("Arab", "Hebr") and rtl_context and script(language) not in ("Arab", "Hebr"):
            return None  # right to left in a script we do not read (Thaana, Syriac…): left to the whole book
        if name == "Arab":
            return make_element("span", text, lang=guess_language(text, before, arabic_default), dir="rtl")
        run_language = _run_language(name, text)
        if run_language is None:
            return None
        if is_rtl(run_language):
            return make_element("span", text, lang=run_language, dir="rtl")
        if rtl_context:
            return make_element("span", text, lang=run_language, dir="ltr")
        return make_element("span", text, lang=run_language)

    def skip(el: HtmlElement) -> bool:
        if el is ctx:
            return False
        return el.tag in CODE or bool(el.get("lang")) or el.get("dir") == "rtl"

    return wrap_matches(ctx, RUNS, make, skip=skip)


def _run_language(name: str, text: str) -> str | None:
    """The language of a run in script ``name``, or None to leave it unmarked."""
    if name in BY_SCRIPT:
        return BY_SCRIPT[name]
    if name == "Latn":
        if len(text.split()) < MIN_CLAUSE_WORDS:
            return None
        language, probability, reliable = cld3(text)
        sure = reliable and probability >= SURE  # an unsure clause is left unmarked, not given a wrong language
        return language if sure and script_of_language(language) in ("Latn", None) else None
    language, probability, reliable = cld3(text)  # Cyrillic, Devanagari
    if reliable and probability >= 0.7 and script_of_language(language) == name:
        return language
    return f"und-{name}" if name in FALLBACK else None


def _context_language(el: HtmlElement, root: HtmlElement, article_language: str) -> str:
    parent = el.getparent()
    while parent is not None:
        if parent.get("lang"):
            return parent.get("lang") or article_language
        if parent is root:
            break
        parent = parent.getparent()
    return article_language


def _in_code(el: HtmlElement, root: HtmlElement) -> bool:
    while el is not None and el is not root:
        if el.tag in CODE:
            return True
        el = el.getparent()
    return False


def _has_dir_ancestor(el: HtmlElement, root: HtmlElement) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.get("dir"):
            return True
        parent = parent.getparent()
    return False
