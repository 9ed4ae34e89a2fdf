"""A saved page's metadata: title, subtitle, authors, date, canonical URL, site name, language, post id,
subjects and licence hints, read from meta tags, JSON-LD and the post's header.

:class:`PageMeta` collects the page's ``<meta>`` tags and JSON-LD objects once; its methods each read one
field, preferring what the page declares for machines (metas, JSON-LD) over what the theme shows, except for
the title, where the post's own heading wins over the page title (which usually carries the site name).
Metadata inside comments, sidebars, widgets and related posts is never read (see :func:`html_body.excluded`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from exporter.messages import Message, warning
from exporter.readers.html_body import absolute_url, clean_space, compiled, excluded, norm, text_of, within

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

_POST_ID = re.compile(r"^post-(\d+)$")
_BODY_POST_ID = re.compile(r"^(?:postid|page-id|singular-post|singular-page)-(\d+)$")
_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_CC = re.compile(r"(?:https?:)?//(?:[\w-]+\.)?creativecommons\.org/", re.IGNORECASE)
_TITLE_SEPARATORS = (" – ", " — ", " | ", " - ", " :: ", " · ", " » ", " « ", " • ")
_STRONG_SEPARATORS = (" – ", " — ", " | ", " :: ", " · ", " » ", " • ")
_BY_PREFIX = re.compile(r"^(?:by|written by|posted by|author:)\s+", re.IGNORECASE)


class PageMeta:
    """The metadata of one parsed page: its ``<meta>`` tags and JSON-LD, read once, and one method per field."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.metas = _collect_metas(soup)
        self.ld = _JsonLd(soup)

    def first(self, *names: str) -> str | None:
        """The first non-empty content of the named metas, in the order given."""
        return _first_meta(self.metas, *names)

    def source_url(self) -> str | None:
        """Canonical URL: link rel=canonical, og:url, then the JSON-LD url."""
        og = absolute_url(self.first("og:url") or "", None)
        for link in self.soup.find_all("link", rel=True):
            if "canonical" in [r.lower() for r in link.get("rel", [])]:
                url = absolute_url(str(link.get("href") or ""), og)
                if url:
                    return url
        if og:
            return og
        for key in ("url", "mainEntityOfPage"):
            value = self.ld.resolve(self.ld.get(key))
            if isinstance(value, dict):
                value = value.get("@id") or value.get("url")
            url = absolute_url(value, None) if isinstance(value, str) else None
            if url:
                return url
        return None

    def featured_image(self, base: str | None) -> str | None:
        """The page's own picture of the post: ``og:image`` (or ``twitter:image``), absolute against ``base``."""
        value = self.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
        return (absolute_url(value, base) or value) if value else None

    def site_name(self) -> tuple[str | None, bool]:
        """Site name and whether it was read off the page header (a guess)."""
        value = self.first("og:site_name")
        if value:
            return clean_space(value), False
        publisher = self.ld.names("publisher")
        if publisher:
            return publisher[0], False
        for obj in self.ld.objects:
            if "WebSite" in self.ld.types(obj) and isinstance(obj.get("name"), str) and obj["name"].strip():
                return clean_space(obj["name"]), False
        value = self.first("application-name")
        if value:
            return clean_space(value), False
        body = self.soup.body
        if body is not None:
            for el in compiled(", ".join(SITE_TITLE_SELECTORS)).select(body):
                text = text_of(el)
                if text and len(text) <= 80:
                    return text, True
        return None, False

    def title(
        self, scope: Tag, container: Tag, site_name: str | None, how: str
    ) -> tuple[str | None, Tag | None, str | None]:
        """The title, the element it came from (to drop from the body), and a site name read off its tail."""
        if how == "fragment":
            lead = _leading_heading(container)
            if lead is not None:
                return text_of(lead), lead, None
        else:
            for el in _select_first(scope, TITLE_SELECTORS):
                if text_of(el):
                    return text_of(el), el, None
        page_title = self.first("og:title", "twitter:title")
        if page_title is None and self.soup.title is not None and self.soup.title.string:
            page_title = str(self.soup.title.string)
        if page_title and clean_space(page_title):
            h1s = [text_of(h) for h in self.soup.find_all("h1") if not excluded(h) and text_of(h)]
            title, tail = _split_site_tail(clean_space(page_title), site_name, h1s)
            return title, None, tail if site_name is None else None
        headline = self.ld.get("headline") or self.ld.get("name")
        if isinstance(headline, str) and headline.strip():
            return clean_space(headline), None, None
        lead = _leading_heading(container)
        if lead is not None:
            return text_of(lead), lead, None
        return None, None, None

    def licence_hints(self, container: Tag, base: str | None) -> list[str]:
        """rel=license links anywhere, rights metas, JSON-LD license, Creative Commons links and the
        statements around licence links outside the body (site footers carry them)."""
        hints: list[str] = []
        for el in self.soup.find_all(["a", "link", "area"], href=True):
            href = str(el.get("href") or "")
            rel = [r.lower() for r in (el.get("rel") or [])]
            if "license" not in rel and "licence" not in rel and not _CC.match(href):
                continue
            url = absolute_url(href, base)
            if url:
                hints.append(url)
            if el.name == "a" and not within(el, container):
                block = next((p for p in el.parents if p.name in ("p", "li", "div", "small", "footer")), None)
                text = clean_space(block.get_text()) if isinstance(block, Tag) else ""
                if 10 <= len(text) <= 400 and re.search(r"licen[cs]", text, re.I):
                    hints.append(text)
        for name in RIGHTS_METAS:
            hints += self.metas.get(name, [])
        value = self.ld.resolve(self.ld.get("license"))
        if isinstance(value, dict):
            value = value.get("url") or value.get("@id")
        if isinstance(value, str):
            hints.append(absolute_url(value, base) or value)
        return _unique(clean_space(h) for h in hints)

    def authors(self, scope: Tag) -> list[str]:
        """Display names: meta author, article:author (when not a URL), byline markup, JSON-LD author."""
        found: list[str] = []
        for name in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
            for value in self.metas.get(name, []):
                if not re.match(r"^(?:https?:)?//", value):
                    found.append(value)
            if found:
                return _unique(_author_name(v) for v in found)
        for selector in AUTHOR_SELECTORS:
            names = [text_of(el) for el in _select_first(scope, (selector,))]
            names = [n for n in names if n and len(n) <= 100]
            if names:
                return _unique(_author_name(n) for n in names)
        return _unique(_author_name(n) for n in self.ld.names("author"))

    def published(self, scope: Tag, warnings: list[Message]) -> datetime | None:
        """Publication date: date metas, then JSON-LD datePublished, then the post header's ``time``."""
        candidates: list[str] = []
        candidates += [v for name in DATE_METAS for v in self.metas.get(name, [])]
        value = self.ld.get("datePublished")
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
                text = f"publication date {candidate!r} has no time zone; assumed UTC"
                warnings.append(warning("read", "date-without-zone", text))
                parsed = parsed.replace(tzinfo=UTC)
            return parsed
        return None

    def language(self) -> str | None:
        """BCP 47 tag from ``<html lang>``, og:locale, content-language metas or JSON-LD inLanguage."""
        html = self.soup.find("html")
        candidates: list[Any] = []
        if isinstance(html, Tag):
            candidates += [html.get("lang"), html.get("xml:lang")]
        candidates += [
            self.first("og:locale"),
            self.first("content-language", "language", "dc.language"),
            self.ld.get("inLanguage"),
        ]
        for value in candidates:
            if isinstance(value, str):
                tag = normalise_language(value)
                if tag:
                    return tag
        return None

    def post_id(self, container: Tag) -> str | None:
        """WordPress post id: ``article#post-N`` around the body, body class ``postid-N``, shortlink ``?p=N``."""
        for el in [container, *container.parents]:
            if isinstance(el, Tag) and isinstance(el.get("id"), str):
                m = _POST_ID.match(el["id"])
                if m:
                    return m.group(1)
        for el in self.soup.find_all(id=_POST_ID):
            if not excluded(el):
                return _POST_ID.match(el["id"]).group(1)  # type: ignore[union-attr]
        body = self.soup.body
        for cls in (body.get("class") or []) if body is not None else []:
            m = _BODY_POST_ID.match(cls)
            if m:
                return m.group(1)
        for link in self.soup.find_all("link", rel="shortlink"):
            m = _SHORTLINK_ID.search(str(link.get("href") or ""))
            if m:
                return m.group(1)
        return None

    def subjects(self, scope: Tag) -> list[str]:
        """Tags and categories: article:tag/section metas, JSON-LD keywords/articleSection, rel=tag links."""
        values: list[str] = [*self.metas.get("article:tag", []), *self.metas.get("article:section", [])]
        for key in ("keywords", "articleSection"):
            value = self.ld.get(key)
            if isinstance(value, str):
                values += value.split(",")
            elif isinstance(value, list):
                values += [v for v in value if isinstance(v, str)]
        for a in scope.find_all("a", rel=True):
            rel = [r.lower() for r in a.get("rel", [])]
            if ("tag" in rel or "category" in rel) and not excluded(a):
                values.append(text_of(a))
        return _unique(clean_space(v) for v in values if v and len(v) <= 100)


def _collect_metas(soup: BeautifulSoup) -> dict[str, list[str]]:
    """``<meta>`` contents by lower-cased name/property/http-equiv (itemprop ones only outside chrome)."""
    metas: dict[str, list[str]] = {}
    for meta in soup.find_all("meta"):
        content = meta.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        keys = [meta.get("name"), meta.get("property"), meta.get("http-equiv")]
        if meta.get("itemprop") and not excluded(meta):
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
                names.append(clean_space(name))
        return names


def _select_first(scope: Tag, selectors: Iterable[str]) -> Iterator[Tag]:
    """Elements matching the selectors in order of preference, skipping comments, sidebars and widgets."""
    for selector in selectors:
        for el in compiled(selector).select(scope):
            if not excluded(el):
                yield el


def _leading_heading(container: Tag) -> Tag | None:
    """A fragment's title: its first ``h1``, or an ``h1``/``h2`` that comes before any other text."""
    for node in container.descendants:
        if type(node) is not NavigableString or not node.strip():
            continue
        heading = node.find_parent(["h1", "h2"])
        if heading is not None and within(heading, container):
            return heading
        break
    h1 = container.find("h1")
    return h1 if isinstance(h1, Tag) and text_of(h1) else None


def _split_site_tail(title: str, site_name: str | None, h1s: list[str]) -> tuple[str, str | None]:
    """Remove a " – Site Name" tail (or "Site Name | " head) from a page title; returns title and tail.

    With the site name known only that name is removed; otherwise a tail after an h1 of the page, or
    a short tail after a strong separator (| – — ...), is taken for the site name.
    """
    folded = title.casefold()
    if site_name:
        site = clean_space(site_name)
        for sep in _TITLE_SEPARATORS:
            tail, head = (sep + site).casefold(), (site + sep).casefold()
            if folded.endswith(tail) and title[: -len(tail)].strip():
                return title[: -len(tail)].strip(), site
            if folded.startswith(head) and title[len(head) :].strip():
                return title[len(head) :].strip(), site
    for h1 in h1s:
        if norm(title).startswith(norm(h1)) and len(h1) < len(title):
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


def subtitle(scope: Tag, container: Tag, title: str) -> tuple[str | None, Tag | None]:
    """A dek the theme marks; inside the body only when no paragraph comes before it."""
    for el in _select_first(scope, SUBTITLE_SELECTORS):
        text = text_of(el)
        if not text or norm(text) == norm(title) or len(text) > 600:
            continue
        if within(el, container) and el is not container:
            before = el.find_previous("p")
            if before is not None and within(before, container):
                continue
        elif el is container:
            continue
        return text, el
    return None, None


def _author_name(name: str) -> str:
    return _BY_PREFIX.sub("", clean_space(name)).strip(" ,;")


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _parse_date(value: str) -> datetime | None:
    """ISO 8601 (``2017-03-09T23:16:02+00:00``, ``...Z``, ``2017-03-09``) or RFC 2822; None otherwise."""
    value = value.strip()
    if not re.search(r"\d{4}", value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # the email package costs ~6 ms to import: only for RFC 2822

    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
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
