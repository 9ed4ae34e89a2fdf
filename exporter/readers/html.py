"""Saved web pages (WordPress above all) and bare post fragments: the post body and its metadata.

A full page is parsed once; the metadata is read from the whole page (meta tags, JSON-LD, the post's
header), then the post container is found and the theme's chrome (menus, sidebars, share buttons,
comments, related posts, footers, scripts, ads...) is removed from it. The body stays an HTML string with
shortcodes untouched: the cleaner parses them.

Chrome is recognised by element names, ARIA roles and class/id *tokens* (``sd-sharing-enabled`` holds the
token ``sharing``; ``shareholder-letter`` holds no chrome token), never by substrings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PreformattedString

from exporter.errors import InputError
from exporter.model import RawArticle
from exporter.readers.decode import DecodedText, read_text_file

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
TITLE_SELECTORS = (
    "h1.entry-title",
    "h1.post-title",
    ".td-post-title h1",
    "h1.article-title",
    "h1[itemprop=headline]",
    "h1.headline",
    ".entry-title",
    "[itemprop=headline]",
    "article h1",
)
SUBTITLE_SELECTORS = (
    ".td-post-sub-title",
    ".entry-subtitle",
    ".post-subtitle",
    ".article-subtitle",
    ".subtitle",
    ".sub-title",
    ".standfirst",
    ".dek",
    ".wp-block-post-excerpt",
)
AUTHOR_SELECTORS = (
    ".author .fn",
    ".byline .author",
    ".td-post-author-name a",
    "[itemprop=author] [itemprop=name]",
    "a[rel~=author]",
    ".author-name",
)
DATE_SELECTORS = ("[itemprop=datePublished]", "time.published", "time.entry-date", "time[datetime]")
SITE_TITLE_SELECTORS = (".site-title", "#site-title", ".site-name", ".td-logo-text", "#logo")
DATE_METAS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "pubdate",
    "publish-date",
    "date",
)
RIGHTS_METAS = ("dc.rights", "dcterms.rights", "dc.license", "dcterms.license", "copyright", "rights", "license")
ARTICLE_TYPES = frozenset(
    "Article NewsArticle BlogPosting TechArticle ScholarlyArticle Report SocialMediaPosting LiveBlogPosting"
    " OpinionNewsArticle AnalysisNewsArticle ReportageNewsArticle".split()
)

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
_POST_ID = re.compile(r"^post-(\d+)$")
_BODY_POST_ID = re.compile(r"^(?:postid|page-id|singular-post|singular-page)-(\d+)$")
_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_CC = re.compile(r"(?:https?:)?//(?:[\w-]+\.)?creativecommons\.org/", re.IGNORECASE)
_TITLE_SEPARATORS = (" – ", " — ", " | ", " - ", " :: ", " · ", " » ", " « ", " • ")
_STRONG_SEPARATORS = (" – ", " — ", " | ", " :: ", " · ", " » ", " • ")
_BY_PREFIX = re.compile(r"^(?:by|written by|posted by|author:)\s+", re.IGNORECASE)
_AD_HOSTS = re.compile(r"(?:^|\.)(?:doubleclick|googlesyndication|adservice|adnxs|amazon-adsystem|ads?)\.", re.I)


_HTML5_VOIDS = re.compile(r"<(embed|source|track|wbr|keygen)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)/?>", re.IGNORECASE)


def close_html5_voids(text: str) -> str:
    """Close the HTML5 void elements libxml2's HTML4 parser does not know (``<embed>``, ``<source>``...).

    Left open, libxml2 nests everything after them inside them, and the text would go with the element.
    """
    return _HTML5_VOIDS.sub(lambda m: f"<{m.group(1)}{m.group(2)}></{m.group(1)}>", text)


def read_html(path: Path) -> RawArticle:
    """Read one saved page or post fragment (``.html``/``.htm``) into a RawArticle.

    Full pages: the post container is found, chrome removed from it, metadata read from meta tags,
    JSON-LD and the post header. Fragments (no ``<html>``/``<body>``, or a body without chrome): the whole
    document is the body. Raises InputError for unreadable files and pages without article text.
    """
    decoded = read_text_file(path, is_html=True)
    try:
        return _read(path, decoded)
    except RecursionError:
        raise InputError("HTML nested too deeply to read", path) from None


def _read(path: Path, decoded: DecodedText) -> RawArticle:
    text = decoded.text.lstrip("\ufeff")
    warnings = list(decoded.warnings)
    try:
        soup = BeautifulSoup(close_html5_voids(text), "lxml")
    except Exception as exc:  # lxml refuses very few inputs; never show a traceback for them
        raise InputError(f"cannot parse HTML ({exc})", path) from None
    body = soup.body
    if body is None or not _text(body):
        raise InputError("no article text found", path)

    metas = _collect_metas(soup)
    ld = _JsonLd(soup)
    is_page = bool(_PAGE_MARKUP.search(text[:200_000]))
    container, how = _find_container(body, is_page)
    if container is None:
        raise InputError("no article text found (only menus, sidebars, comments or footers)", path)
    if how == "largest":
        warnings.append("no post container found; used the largest text block")
    scope = _post_scope(container, body)

    source_url = _source_url(soup, metas, ld)
    site_name, site_guessed = _site_name(soup, metas, ld)
    title, title_el, tail_site = _title(soup, scope, container, metas, ld, site_name, how)
    if title is None:
        title = _humanise(path.stem)
        warnings.append("title taken from the file name")
    if site_name is None and tail_site:
        site_name = tail_site
        warnings.append(f"site name {tail_site!r} taken from the page title's tail and removed from the title")
    elif site_guessed and site_name:
        warnings.append(f"site name {site_name!r} taken from the page header")
    subtitle, subtitle_el = _subtitle(scope, container, title)
    hints = _licence_hints(soup, metas, ld, container, source_url)

    if title_el is not None and _within(title_el, container):
        title_el.decompose()
    if subtitle_el is not None and _within(subtitle_el, container):
        subtitle_el.decompose()
    _clean_container(container, title, title_el is None, warnings)
    html = _serialise(container)
    if not _has_words(container):
        raise InputError("no article text found", path)

    return RawArticle(
        source_path=path,
        html=html,
        title=title,
        subtitle=subtitle,
        authors=_authors(scope, metas, ld),
        published=_published(scope, metas, ld, warnings),
        source_url=source_url,
        site_name=site_name,
        language=_language(soup, metas, ld),
        post_id=_post_id(soup, container),
        subjects=_subjects(scope, metas, ld),
        licence_hints=hints,
        base_dir=path.parent,
        warnings=warnings,
        source_hash=decoded.sha256,
    )


# --- chrome recognition -------------------------------------------------------------------------


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


def _excluded(el: Tag) -> bool:
    """Metadata search skips comments, sidebars, widgets and related posts (but not the post header)."""
    return any(_is_area_chrome(a) and a.name != "footer" for a in _ancestors(el))


# --- container --------------------------------------------------------------------------------


def _find_container(body: Tag, is_page: bool) -> tuple[Tag | None, str]:
    """The post body element and how it was found ('fragment', a selector, or 'largest')."""
    if not is_page:
        return body, "fragment"
    for selector in BODY_SELECTORS:
        best, best_len = None, 0
        for el in body.select(selector):
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
        n = len(_text(p))
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


def _post_scope(container: Tag, body: Tag) -> Tag:
    """Where the post's own header lives: the container's article (or .hentry/.post) ancestor, else body."""
    for el in [container, *container.parents]:
        if not isinstance(el, Tag) or el.name in ("body", "html", "[document]"):
            break
        classes = el.get("class") or []
        if el.name == "article" or "hentry" in classes or "type-post" in classes:
            return el
    return body


def _within(el: Tag, container: Tag) -> bool:
    return el is container or any(p is container for p in el.parents)


# --- cleaning ---------------------------------------------------------------------------------


def _clean_container(container: Tag, title: str, drop_title: bool, warnings: list[str]) -> None:
    """Remove chrome, scripts, ads and (when ``drop_title``) a heading repeating the title, in place.

    An ``aside`` without a chrome class or role stays: in a post it is a note box, not a sidebar.
    """
    for node in container.find_all(string=True):
        if isinstance(node, PreformattedString):  # comments, CDATA, processing instructions, doctypes
            node.extract()
    for img in container.find_all("img"):
        _fix_lazy_image(img)
    for noscript in container.find_all("noscript"):
        _resolve_noscript(noscript)
    frames = []
    for frame in container.find_all("iframe"):
        src = _absolute(str(frame.get("src") or ""), None)
        if src and not _AD_HOSTS.search(urlsplit(src).hostname or "") and not _inside_area_chrome(frame):
            link = container.new_tag("a", href=src)
            link.string = src
            frame.replace_with(link)
            frames.append(src)
        else:
            frame.decompose()
    if frames:
        warnings.append(f"embedded frame(s) replaced by links: {', '.join(frames)}")
    total = _content_len(container) or 1
    for el in container.find_all(True):
        if el.decomposed:
            continue
        kind = _chrome_kind(el)
        icon = (el.name == "svg" and el.get("aria-hidden") == "true") or (el.name == "img" and _is_pixel(el))
        if icon or kind == "hard" or (kind == "soft" and _text_len(el) < total * 0.5):
            el.decompose()
    if drop_title:
        wanted = _norm(title)
        for heading in container.find_all(["h1", "h2"], limit=3):
            if _norm(_text(heading)) == wanted:
                heading.decompose()
                break
    for el in container.find_all(True):
        for attr in [a for a in el.attrs if a.lower().startswith("on")]:
            del el[attr]


def _is_pixel(img: Tag) -> bool:
    """A tracking pixel: an image declared at most 2×2 pixels."""
    sizes = [str(img.get(a) or "").strip() for a in ("width", "height")]
    return all(s.isdigit() and int(s) <= 2 for s in sizes)


def _fix_lazy_image(img: Tag) -> None:
    """Lazy-loading themes keep the real address in data-* attributes and a placeholder in src."""
    src = str(img.get("src") or "")
    if not src or src.startswith("data:"):
        for attr in ("data-src", "data-lazy-src", "data-original", "data-orig-file"):
            if img.get(attr):
                img["src"] = img[attr]
                break
    if not img.get("srcset"):
        for attr in ("data-srcset", "data-lazy-srcset"):
            if img.get(attr):
                img["srcset"] = img[attr]
                break


def _resolve_noscript(noscript: Tag) -> None:
    """Keep a ``<noscript>`` image when it stands in for a lazy placeholder; otherwise drop the element."""
    img = noscript.find("img")
    prev = noscript.find_previous_sibling()
    if img is None:
        noscript.decompose()
        return
    if isinstance(prev, Tag) and prev.name == "img":
        if str(prev.get("src") or "").startswith("data:") or not prev.get("src"):
            prev.decompose()
            noscript.unwrap()
        else:
            noscript.decompose()
        return
    noscript.unwrap()


def _serialise(container: Tag) -> str:
    """Inner HTML of the container, wrapped in a div when the container carries lang or dir."""
    inner = container.decode_contents().strip()
    attrs = {k: container.get(k) for k in ("lang", "dir") if isinstance(container.get(k), str)}
    if container.name in ("body", "html") or not attrs:
        return inner
    open_tag = "<div" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">"
    return f"{open_tag}{inner}</div>"


# --- metadata ---------------------------------------------------------------------------------


def _collect_metas(soup: BeautifulSoup) -> dict[str, list[str]]:
    """``<meta>`` contents by lower-cased name/property/http-equiv (itemprop ones only outside chrome)."""
    metas: dict[str, list[str]] = {}
    for meta in soup.find_all("meta"):
        content = meta.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        keys = [meta.get("name"), meta.get("property"), meta.get("http-equiv")]
        if meta.get("itemprop") and not _excluded(meta):
            keys.append(meta.get("itemprop"))
        for key in keys:
            if isinstance(key, str) and key.strip():
                metas.setdefault(key.strip().lower(), []).append(content.strip())
    return metas


def _first_meta(metas: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        for value in metas.get(name, []):
            if value:
                return value
    return None


class _JsonLd:
    """The page's JSON-LD objects, flattened (lists and @graph), with @id references resolvable."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.objects: list[dict[str, Any]] = []
        for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
            raw = (script.string or "").strip()
            raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", raw)
            try:
                data = json.loads(raw, strict=False)
            except ValueError:
                continue
            self._flatten(data)
        self.by_id = {o["@id"]: o for o in self.objects if isinstance(o.get("@id"), str)}
        self.article = next((o for o in self.objects if self.types(o) & ARTICLE_TYPES), None)
        self.webpage = next((o for o in self.objects if "WebPage" in self.types(o)), None)

    def _flatten(self, data: Any) -> None:
        if isinstance(data, list):
            for item in data:
                self._flatten(item)
        elif isinstance(data, dict):
            self.objects.append(data)
            if "@graph" in data:
                self._flatten(data["@graph"])

    @staticmethod
    def types(obj: dict[str, Any]) -> set[str]:
        """The object's @type values."""
        t = obj.get("@type")
        return {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)} if isinstance(t, list) else set()

    def resolve(self, value: Any) -> Any:
        """Follow an ``{"@id": ...}`` reference to the full object when the graph holds it."""
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.by_id.get(value["@id"], value)
        return value

    def get(self, key: str) -> Any:
        """A property of the article object (or, failing that, of the WebPage object)."""
        for obj in (self.article, self.webpage):
            if obj is not None and obj.get(key) not in (None, "", []):
                return obj[key]
        return None

    def names(self, key: str) -> list[str]:
        """Display names of a person/organisation property (``author``, ``publisher``)."""
        value = self.get(key)
        items = value if isinstance(value, list) else [value]
        names: list[str] = []
        for item in items:
            item = self.resolve(item)
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str) and name.strip():
                names.append(_clean_space(name))
        return names


def _text(el: Tag) -> str:
    return _clean_space(el.get_text(" "))


def _text_len(el: Tag) -> int:
    return len(el.get_text().strip())


def _clean_space(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _norm(text: str) -> str:
    return _clean_space(text).casefold()


def _has_words(el: Tag) -> bool:
    return any(ch.isalnum() for ch in el.get_text())


def _select_first(scope: Tag, selectors: Iterable[str]) -> Iterator[Tag]:
    """Elements matching the selectors in order of preference, skipping comments, sidebars and widgets."""
    for selector in selectors:
        for el in scope.select(selector):
            if not _excluded(el):
                yield el


def _title(
    soup: BeautifulSoup,
    scope: Tag,
    container: Tag,
    metas: dict[str, list[str]],
    ld: _JsonLd,
    site_name: str | None,
    how: str,
) -> tuple[str | None, Tag | None, str | None]:
    """The title, the element it came from (to drop from the body), and a site name read off its tail."""
    if how == "fragment":
        lead = _leading_heading(container)
        if lead is not None:
            return _text(lead), lead, None
    else:
        for el in _select_first(scope, TITLE_SELECTORS):
            if _text(el):
                return _text(el), el, None
    page_title = _first_meta(metas, "og:title", "twitter:title")
    if page_title is None and soup.title is not None and soup.title.string:
        page_title = str(soup.title.string)
    if page_title and _clean_space(page_title):
        h1s = [_text(h) for h in soup.find_all("h1") if not _excluded(h) and _text(h)]
        title, tail = _split_site_tail(_clean_space(page_title), site_name, h1s)
        return title, None, tail if site_name is None else None
    headline = ld.get("headline") or ld.get("name")
    if isinstance(headline, str) and headline.strip():
        return _clean_space(headline), None, None
    lead = _leading_heading(container)
    if lead is not None:
        return _text(lead), lead, None
    return None, None, None


def _leading_heading(container: Tag) -> Tag | None:
    """A fragment's title: its first ``h1``, or an ``h1``/``h2`` that comes before any other text."""
    for node in container.descendants:
        if type(node) is not NavigableString or not node.strip():
            continue
        heading = node.find_parent(["h1", "h2"])
        if heading is not None and _within(heading, container):
            return heading
        break
    h1 = container.find("h1")
    return h1 if isinstance(h1, Tag) and _text(h1) else None


def _split_site_tail(title: str, site_name: str | None, h1s: list[str]) -> tuple[str, str | None]:
    """Remove a " – Site Name" tail (or "Site Name | " head) from a page title; returns title and tail.

    With the site name known only that name is removed; otherwise a tail after an h1 of the page, or
    a short tail after a strong separator (| – — ...), is taken for the site name.
    """
    folded = title.casefold()
    if site_name:
        site = _clean_space(site_name)
        for sep in _TITLE_SEPARATORS:
            tail, head = (sep + site).casefold(), (site + sep).casefold()
            if folded.endswith(tail) and title[: -len(tail)].strip():
                return title[: -len(tail)].strip(), site
            if folded.startswith(head) and title[len(head) :].strip():
                return title[len(head) :].strip(), site
    for h1 in h1s:
        if _norm(title).startswith(_norm(h1)) and len(h1) < len(title):
            rest = title[len(h1) :]  # the h1 matched case-insensitively; keep its own spelling
            for sep in _TITLE_SEPARATORS:
                if rest.startswith(sep) and rest[len(sep) :].strip():
                    return h1, rest[len(sep) :].strip()
    for sep in () if site_name else _STRONG_SEPARATORS:
        if sep in title:
            head, tail = title.rsplit(sep, 1)
            if head.strip() and 0 < len(tail.split()) <= 5 and len(head.split()) >= 2:
                return head.strip(), tail.strip()
    return title, None


def _subtitle(scope: Tag, container: Tag, title: str) -> tuple[str | None, Tag | None]:
    """A dek the theme marks; inside the body only when no paragraph comes before it."""
    for el in _select_first(scope, SUBTITLE_SELECTORS):
        text = _text(el)
        if not text or _norm(text) == _norm(title) or len(text) > 600:
            continue
        if _within(el, container) and el is not container:
            before = el.find_previous("p")
            if before is not None and _within(before, container):
                continue
        elif el is container:
            continue
        return text, el
    return None, None


def _authors(scope: Tag, metas: dict[str, list[str]], ld: _JsonLd) -> list[str]:
    """Display names: meta author, article:author (when not a URL), byline markup, JSON-LD author."""
    found: list[str] = []
    for name in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
        for value in metas.get(name, []):
            if not re.match(r"^(?:https?:)?//", value):
                found.append(value)
        if found:
            return _unique(_author_name(v) for v in found)
    for selector in AUTHOR_SELECTORS:
        names = [_text(el) for el in _select_first(scope, (selector,))]
        names = [n for n in names if n and len(n) <= 100]
        if names:
            return _unique(_author_name(n) for n in names)
    return _unique(_author_name(n) for n in ld.names("author"))


def _author_name(name: str) -> str:
    return _BY_PREFIX.sub("", _clean_space(name)).strip(" ,;")


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _published(scope: Tag, metas: dict[str, list[str]], ld: _JsonLd, warnings: list[str]) -> datetime | None:
    """Publication date: date metas, then JSON-LD datePublished, then the post header's ``time``."""
    candidates: list[str] = []
    candidates += [v for name in DATE_METAS for v in metas.get(name, [])]
    value = ld.get("datePublished")
    if isinstance(value, str):
        candidates.append(value)
    for el in _select_first(scope, DATE_SELECTORS):
        for attr in ("datetime", "content"):
            if isinstance(el.get(attr), str):
                candidates.append(el[attr])
    for candidate in candidates:
        parsed = _parse_date(candidate)
        if parsed is None:
            continue
        if parsed.tzinfo is None:
            warnings.append(f"publication date {candidate!r} has no time zone; assumed UTC")
            parsed = parsed.replace(tzinfo=UTC)
        return parsed
    return None


def _parse_date(value: str) -> datetime | None:
    """ISO 8601 (``2017-03-09T23:16:02+00:00``, ``...Z``, ``2017-03-09``) or RFC 2822; None otherwise."""
    value = value.strip()
    if not re.search(r"\d{4}", value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _source_url(soup: BeautifulSoup, metas: dict[str, list[str]], ld: _JsonLd) -> str | None:
    """Canonical URL: link rel=canonical, og:url, then the JSON-LD url."""
    og = _absolute(_first_meta(metas, "og:url") or "", None)
    for link in soup.find_all("link", rel=True):
        if "canonical" in [r.lower() for r in link.get("rel", [])]:
            url = _absolute(str(link.get("href") or ""), og)
            if url:
                return url
    if og:
        return og
    for key in ("url", "mainEntityOfPage"):
        value = ld.resolve(ld.get(key))
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        url = _absolute(value, None) if isinstance(value, str) else None
        if url:
            return url
    return None


def _absolute(href: str, base: str | None) -> str | None:
    """An absolute http(s) URL for an href, or None (fragments, relative links without a base)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    if href.startswith("//"):
        href = "https:" + href
    elif not re.match(r"^https?://", href, re.I):
        if not base or re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            return None
        href = urljoin(base, href)
    return href


def _site_name(soup: BeautifulSoup, metas: dict[str, list[str]], ld: _JsonLd) -> tuple[str | None, bool]:
    """Site name and whether it was read off the page header (a guess)."""
    value = _first_meta(metas, "og:site_name")
    if value:
        return _clean_space(value), False
    publisher = ld.names("publisher")
    if publisher:
        return publisher[0], False
    for obj in ld.objects:
        if "WebSite" in ld.types(obj) and isinstance(obj.get("name"), str) and obj["name"].strip():
            return _clean_space(obj["name"]), False
    value = _first_meta(metas, "application-name")
    if value:
        return _clean_space(value), False
    body = soup.body
    if body is not None:
        for el in body.select(", ".join(SITE_TITLE_SELECTORS)):
            text = _text(el)
            if text and len(text) <= 80:
                return text, True
    return None, False


def _language(soup: BeautifulSoup, metas: dict[str, list[str]], ld: _JsonLd) -> str | None:
    """BCP 47 tag from ``<html lang>``, og:locale, content-language metas or JSON-LD inLanguage."""
    html = soup.find("html")
    candidates: list[Any] = []
    if isinstance(html, Tag):
        candidates += [html.get("lang"), html.get("xml:lang")]
    candidates += [
        _first_meta(metas, "og:locale"),
        _first_meta(metas, "content-language", "language", "dc.language"),
        ld.get("inLanguage"),
    ]
    for value in candidates:
        if isinstance(value, str):
            tag = normalise_language(value)
            if tag:
                return tag
    return None


def normalise_language(value: str) -> str | None:
    """``en_US`` → ``en-US``, ``FA`` → ``fa``, ``zh-hant-tw`` → ``zh-Hant-TW``; None when not a tag."""
    value = value.strip().split(",")[0].strip()
    if not _LANG.match(value):
        return None
    parts = re.split(r"[-_]", value)
    out = [parts[0].lower()]
    for part in parts[1:]:
        if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


def _post_id(soup: BeautifulSoup, container: Tag) -> str | None:
    """WordPress post id: ``article#post-N`` around the body, body class ``postid-N``, shortlink ``?p=N``."""
    for el in [container, *container.parents]:
        if isinstance(el, Tag) and isinstance(el.get("id"), str):
            m = _POST_ID.match(el["id"])
            if m:
                return m.group(1)
    for el in soup.find_all(id=_POST_ID):
        if not _excluded(el):
            return _POST_ID.match(el["id"]).group(1)  # type: ignore[union-attr]
    body = soup.body
    for cls in (body.get("class") or []) if body is not None else []:
        m = _BODY_POST_ID.match(cls)
        if m:
            return m.group(1)
    for link in soup.find_all("link", rel="shortlink"):
        m = _SHORTLINK_ID.search(str(link.get("href") or ""))
        if m:
            return m.group(1)
    return None


def _subjects(scope: Tag, metas: dict[str, list[str]], ld: _JsonLd) -> list[str]:
    """Tags and categories: article:tag/section metas, JSON-LD keywords/articleSection, rel=tag links."""
    values: list[str] = [*metas.get("article:tag", []), *metas.get("article:section", [])]
    for key in ("keywords", "articleSection"):
        value = ld.get(key)
        if isinstance(value, str):
            values += value.split(",")
        elif isinstance(value, list):
            values += [v for v in value if isinstance(v, str)]
    for a in scope.find_all("a", rel=True):
        rel = [r.lower() for r in a.get("rel", [])]
        if ("tag" in rel or "category" in rel) and not _excluded(a):
            values.append(_text(a))
    return _unique(_clean_space(v) for v in values if v and len(v) <= 100)


def _licence_hints(
    soup: BeautifulSoup, metas: dict[str, list[str]], ld: _JsonLd, container: Tag, base: str | None
) -> list[str]:
    """rel=license links anywhere, rights metas, JSON-LD license, Creative Commons links and the
    statements around licence links outside the body (site footers carry them)."""
    hints: list[str] = []
    for el in soup.find_all(["a", "link", "area"], href=True):
        href = str(el.get("href") or "")
        rel = [r.lower() for r in (el.get("rel") or [])]
        if "license" not in rel and "licence" not in rel and not _CC.match(href):
            continue
        url = _absolute(href, base)
        if url:
            hints.append(url)
        if el.name == "a" and not _within(el, container):
            block = next((p for p in el.parents if p.name in ("p", "li", "div", "small", "footer")), None)
            text = _clean_space(block.get_text()) if isinstance(block, Tag) else ""
            if 10 <= len(text) <= 400 and re.search(r"licen[cs]", text, re.I):
                hints.append(text)
    for name in RIGHTS_METAS:
        hints += metas.get(name, [])
    value = ld.resolve(ld.get("license"))
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    if isinstance(value, str):
        hints.append(_absolute(value, base) or value)
    return _unique(_clean_space(h) for h in hints)


def _humanise(stem: str) -> str:
    """A title from a file name: ``2023-10-14_my-first-post`` → ``My first post``."""
    words = re.sub(r"^\d{4}[-_]\d{2}[-_]\d{2}[-_]?", "", stem)
    words = _clean_space(re.sub(r"[-_.+]+", " ", words)) or stem
    return words[:1].upper() + words[1:]
