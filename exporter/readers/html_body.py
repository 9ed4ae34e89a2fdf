"""A saved page's post body: the post container found, and the theme's chrome removed from it.

Chrome (menus, sidebars, share buttons, comments, related posts, footers, scripts, ads...) is recognised by
element names, ARIA roles and class/id *tokens* (``sd-sharing-enabled`` holds the token ``sharing``;
``shareholder-letter`` holds no chrome token), never by substrings. The container is the first of
:data:`BODY_SELECTORS` that matches outside chrome, else the whole body when the page has no chrome (a
fragment), else the element whose paragraphs hold the most text.

The small tree helpers the metadata reader shares (:func:`text_of`, :func:`within`, :func:`excluded`...) live
here too, as the chrome they skip is defined here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from urllib.parse import urlsplit

import soupsieve
from bs4 import Tag
from bs4.element import NavigableString, PreformattedString

from exporter.messages import Message, info
from exporter.urls import web_url

BODY_SELECTORS = (
    ".entry-content",
    ".td-post-content",
    ".post-content",
    ".article-content",
    "[itemprop=articleBody]",
    "#mw-content-text",
    "article .content",
    "article",
    "main",
    "#content",
)


@cache
def compiled(css: str) -> soupsieve.SoupSieve:
    """``css`` compiled once per process (soupsieve, bs4's own selector engine): ``compiled(css).select(tag)``
    matches without parsing the selector again, as bs4's ``tag.select(css)`` would on each call."""
    return soupsieve.compile(css)


# Elements that never belong in an article body, whatever their class.
DROP_TAGS = frozenset(
    "script style template form button input select textarea option object embed applet frame frameset"
    " link meta nav dialog canvas".split()
)
# Landmark elements that are chrome unless they hold most of the body's text.
SOFT_TAGS = frozenset({"header", "footer"})
CHROME_ROLES = frozenset("navigation banner contentinfo complementary search dialog alertdialog menu menubar".split())
# Class/id tokens that always mark chrome (whole tokens: "sharing" in sd-sharing, not in "timesharing").
HARD_WORDS = frozenset(
    # share buttons, likes, related posts
    "share shares sharing sharedaddy sharethis shareaholic addtoany a2a essb heateor likes relatedposts yarpp"
    # comments and reply forms
    " comments commentlist commentform respond disqus discussion"
    # cookie banners, subscription boxes, ads
    " cookie cookies consent gdpr cmplz newsletter subscribe subscription subscriptions optin mc4wp mailchimp"
    " ad ads adsense adsbygoogle advert adverts advertisement advertising"
    # navigation, menus, MediaWiki furniture, author boxes
    " breadcrumb breadcrumbs pagination pager nav navbar navigation navbox menu menus toc editsection noprint"
    " printfooter catlinks saboxplugin".split()
)
# Token sequences that always mark chrome: ("related", "posts") matches td_block_related_posts.
HARD_SEQUENCES = tuple(
    tuple(words.split("-"))
    for words in (
        "related-posts related-articles related-stories related-content related-links"
        " social-links social-icons social-buttons social-media social-share social-panel social-follow"
        " comment-respond comment-form comment-list comments-area skip-link edit-link"
        " next-prev prev-next previous-next adjacent-posts a-rec"
        " author-box author-bio author-info author-card author-block author-wrap author-description"
        " author-profile about-author about-the-author"
    ).split()
)
# Tokens that mark chrome unless the element also names itself content or holds most of the text.
SOFT_WORDS = frozenset(
    "sidebar widget widgets header footer masthead meta byline authorbox tags tagcloud categories".split()
)
SOFT_SEQUENCES = (("tag", "links"), ("tag", "list"), ("tag", "cloud"), ("cat", "links"), ("category", "links"))
CONTENT_WORDS = frozenset({"content", "body", "text", "prose", "story"})
# A token after one of these is a state, not a part: has-sidebar, no-comments.
STATE_WORDS = frozenset({"has", "no", "with", "without", "is", "hide", "show", "toggle"})

_PAGE_MARKUP = re.compile(r"<(?:html|body|head)[\s>/]", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_WS = re.compile(r"\s+")
_AD_HOSTS = re.compile(r"(?:^|\.)(?:doubleclick|googlesyndication|adservice|adnxs|amazon-adsystem|ads?)\.", re.I)
_HTML5_VOIDS = re.compile(r"<(embed|source|track|wbr|keygen)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)/?>", re.IGNORECASE)


def looks_like_page(text: str) -> bool:
    """True for a whole page (an ``<html>``, ``<head>`` or ``<body>`` tag in its first 200,000 characters),
    False for a post fragment."""
    return bool(_PAGE_MARKUP.search(text[:200_000]))


def close_html5_voids(text: str) -> str:
    """Close the HTML5 void elements libxml2's HTML4 parser does not know (``<embed>``, ``<source>``...).

    Left open, libxml2 nests everything after them inside them, and the text would go with the element.
    """
    return _HTML5_VOIDS.sub(lambda m: f"<{m.group(1)}{m.group(2)}></{m.group(1)}>", text)


def text_of(el: Tag) -> str:
    """An element's text, its white space collapsed."""
    return clean_space(el.get_text(" "))


def _text_len(el: Tag) -> int:
    return len(el.get_text().strip())


def clean_space(text: str) -> str:
    """``text`` with runs of white space made one space, and trimmed."""
    return _WS.sub(" ", text).strip()


def norm(text: str) -> str:
    """``text`` for comparison: white space collapsed, case folded."""
    return clean_space(text).casefold()


def has_words(el: Tag) -> bool:
    """True when the element holds a letter or digit."""
    return any(ch.isalnum() for ch in el.get_text())


def within(el: Tag, container: Tag) -> bool:
    """True when ``el`` is ``container`` or inside it."""
    return el is container or any(p is container for p in el.parents)


def _tokens(name: str) -> list[str]:
    """Lower-case word tokens of a class or id: ``sd-sharing_enabled`` → sd, sharing, enabled."""
    return [t for t in _TOKEN_SPLIT.split(_CAMEL.sub("-", name).lower()) if t]


def _names(el: Tag) -> list[list[str]]:
    """The token lists of an element's classes and id."""
    names = list(el.get("class") or [])
    ident = el.get("id")
    if isinstance(ident, str):
        names.append(ident)
    return [_tokens(n) for n in names if isinstance(n, str)]


def _has_word(tokens: list[str], words: frozenset[str], sequences: Iterable[tuple[str, ...]]) -> bool:
    """True when a token (or token sequence) is present and not a state modifier (``has-sidebar``)."""
    for i, tok in enumerate(tokens):
        if i and tokens[i - 1] in STATE_WORDS:
            continue
        if tok in words:
            return True
        for seq in sequences:
            if tokens[i : i + len(seq)] == list(seq):
                return True
    return False


def _chrome_kind(el: Tag) -> str | None:
    """'hard' for certain chrome, 'soft' for likely chrome, None for anything else."""
    if el.name in DROP_TAGS:
        return "hard"
    role = el.get("role")
    if isinstance(role, str) and role.strip().lower() in CHROME_ROLES:
        return "hard"
    names = _names(el)
    if any(_has_word(t, HARD_WORDS, HARD_SEQUENCES) for t in names):
        return "hard"
    soft = el.name in SOFT_TAGS or any(_has_word(t, SOFT_WORDS, SOFT_SEQUENCES) for t in names)
    if soft and not any(CONTENT_WORDS.intersection(t) for t in names):
        return "soft"
    return None


def _is_area_chrome(el: Tag) -> bool:
    """Chrome that a post container cannot sit inside: hard chrome, sidebars, widgets, asides, footers."""
    if el.name in ("aside", "nav", "footer", "form"):
        return True
    kind = _chrome_kind(el)
    if kind == "hard":
        return True
    return any(t[:1] in (["sidebar"], ["widget"], ["widgets"]) for t in _names(el))


def _looks_like_chrome(el: Tag) -> bool:
    """Page furniture that shows a body is a whole page, not one post (scripts and styles do not count)."""
    if el.name in ("header", "footer", "nav", "aside", "form"):
        return True
    return el.name not in DROP_TAGS and _chrome_kind(el) is not None


def _inside_area_chrome(el: Tag) -> bool:
    return any(_is_area_chrome(a) for a in _ancestors(el))


def _ancestors(el: Tag) -> Iterator[Tag]:
    """Ancestors up to, not including, body and html."""
    for parent in el.parents:
        if parent.name in ("body", "html", "[document]"):
            return
        yield parent


def excluded(el: Tag) -> bool:
    """Metadata search skips comments, sidebars, widgets and related posts (but not the post header)."""
    return any(_is_area_chrome(a) and a.name != "footer" for a in _ancestors(el))


def find_container(body: Tag, is_page: bool) -> tuple[Tag | None, str]:
    """The post body element and how it was found ('fragment', a selector, or 'largest')."""
    if not is_page:
        return body, "fragment"
    for selector in BODY_SELECTORS:
        best, best_len = None, 0
        for el in compiled(selector).select(body):
            if _inside_area_chrome(el):
                continue
            n = _content_len(el)
            if n > best_len:
                best, best_len = el, n
        if best is not None:
            return best, selector
    if not any(_looks_like_chrome(el) for el in body.find_all(True)):
        return body, "fragment"
    block = _largest_text_block(body)
    return (block, "largest") if block is not None else (None, "")


def _content_len(el: Tag) -> int:
    """Length of the text an element keeps once its chrome is removed."""
    total = 0
    stack: list[Tag] = [el]
    while stack:
        for child in stack.pop().children:
            if isinstance(child, Tag):
                if child.name == "aside" or _chrome_kind(child) is None:
                    stack.append(child)
            elif type(child) is NavigableString:
                total += len(child.strip())
    return total


def _largest_text_block(body: Tag) -> Tag | None:
    """The element whose paragraphs hold the most text, outside chrome (a Readability-style score)."""
    scores: dict[int, tuple[Tag, float]] = {}
    for p in body.find_all(["p", "pre"]):
        if any(_chrome_kind(a) or a.name == "aside" for a in [p, *_ancestors(p)]):
            continue
        n = len(text_of(p))
        if not n:
            continue
        for weight, anc in zip((1.0, 0.5), p.parents, strict=False):
            key = id(anc)
            scores[key] = (anc, scores.get(key, (anc, 0.0))[1] + n * weight)
    if scores:
        return max(scores.values(), key=lambda pair: pair[1])[0]
    best, best_len = None, 0
    for el in body.find_all(True):
        if _chrome_kind(el) or any(_chrome_kind(a) for a in _ancestors(el)):
            continue
        n = sum(len(s.strip()) for s in el.find_all(string=True, recursive=False) if type(s) is NavigableString)
        if n > best_len:
            best, best_len = el, n
    return best


def post_scope(container: Tag, body: Tag) -> Tag:
    """Where the post's own header lives: the container's article (or .hentry/.post) ancestor, else body."""
    for el in [container, *container.parents]:
        if not isinstance(el, Tag) or el.name in ("body", "html", "[document]"):
            break
        classes = el.get("class") or []
        if el.name == "article" or "hentry" in classes or "type-post" in classes:
            return el
    return body


def clean_container(container: Tag, title: str, drop_title: bool, warnings: list[Message]) -> None:
    """Remove chrome, scripts, ads and (when ``drop_title``) a heading repeating the title, in place.

    Lazy-loading attributes and ``<noscript>`` image fallbacks are left for the cleaner
    (``exporter/clean/image_candidates.py``); a ``<noscript>`` with no image left is removed.

    An ``aside`` without a chrome class or role stays: in a post it is a note box, not a sidebar.
    """
    for node in container.find_all(string=True):
        if isinstance(node, PreformattedString):  # comments, CDATA, processing instructions, doctypes
            node.extract()
    frames = []
    for frame in container.find_all("iframe"):
        src = absolute_url(str(frame.get("src") or ""), None)
        if src and not _AD_HOSTS.search(urlsplit(src).hostname or "") and not _inside_area_chrome(frame):
            link = container.new_tag("a", href=src)
            link.string = src
            frame.replace_with(link)
            frames.append(src)
        else:
            frame.decompose()
    if frames:
        warnings.append(info("read", "frames-as-links", f"embedded frame(s) replaced by links: {', '.join(frames)}"))
    total = _content_len(container) or 1
    for el in container.find_all(True):
        if el.decomposed:
            continue
        kind = _chrome_kind(el)
        icon = (el.name == "svg" and el.get("aria-hidden") == "true") or (el.name == "img" and _is_pixel(el))
        if icon or kind == "hard" or (kind == "soft" and _text_len(el) < total * 0.5):
            el.decompose()
    for noscript in container.find_all("noscript"):
        if noscript.find("img") is None:  # nothing left a book could show (a tracking pixel went above)
            noscript.decompose()
    if drop_title:
        wanted = norm(title)
        for heading in container.find_all(["h1", "h2"], limit=3):
            if norm(text_of(heading)) == wanted:
                heading.decompose()
                break
    for el in container.find_all(True):
        for attr in [a for a in el.attrs if a.lower().startswith("on")]:
            del el[attr]


def _is_pixel(img: Tag) -> bool:
    """A tracking pixel: an image declared at most 2×2 pixels."""
    sizes = [str(img.get(a) or "").strip() for a in ("width", "height")]
    return all(s.isdigit() and int(s) <= 2 for s in sizes)


def serialise(container: Tag) -> str:
    """Inner HTML of the container, wrapped in a div when the container carries lang or dir."""
    inner = container.decode_contents().strip()
    attrs = {k: container.get(k) for k in ("lang", "dir") if isinstance(container.get(k), str)}
    if container.name in ("body", "html") or not attrs:
        return inner
    open_tag = "<div" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">"
    return f"{open_tag}{inner}</div>"


def absolute_url(href: str, base: str | None) -> str | None:
    """An absolute http(s) URL for an href, or None (fragments, other schemes, relative links without a base)."""
    return web_url(href, base)
