"""The title block and the licence page, as XHTML fragments shared by every writer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC
from html import escape
from urllib.parse import unquote

from exporter import dates
from exporter.i18n import ENGLISH, Labels, _, labels
from exporter.languages import direction, is_english
from exporter.model import Article, Capture, Licence

_CONDITIONS = {
    "BY": _(
        "You must give appropriate credit: name the author and the source, link to the licence, "
        "and say whether you made changes."
    ),
    "NC": _(
        "You may not use this work for commercial purposes: copying, sharing and adapting it are "
        "allowed only where no commercial advantage or payment is sought."
    ),
    "ND": _("You may not distribute modified versions of this work."),
    "SA": _("If you adapt this work, you must share your version under the same licence."),
}
NO_LICENCE = _(
    "No licence statement was found in the source. Rights remain with the author or publisher; "
    "this copy was made for archival purposes."
)
"""The note of a book whose source states no licence (in English: the PDF's metadata quotes it)."""
NO_LICENCE_SHORT = _("No licence statement was found in the source.")


def display_date(article: Article, texts: Labels = ENGLISH) -> str | None:
    """The publication date as a reader sees it, e.g. '3 January 2018' (in ``texts``' language), or None."""
    if article.published is None:
        return None
    return texts.date(article.published)


def iso_date(article: Article) -> str | None:
    """The publication date as W3CDTF (YYYY-MM-DD), or None."""
    return article.published.date().isoformat() if article.published else None


def byline(article: Article, texts: Labels = ENGLISH) -> str:
    """The authors joined for display ('A, B and C', in ``texts``' language), or an empty string."""
    return texts.names(article.authors)


def _link(url: str, *, ltr: bool = False) -> str:
    """A link whose text is the URL as a reader would type it (percent-escapes of non-ASCII decoded); ``ltr``
    marks it left to right, for a page written right to left."""
    try:
        shown = unquote(url, errors="strict")
    except UnicodeDecodeError:
        shown = url
    if any(c.isspace() or ord(c) < 32 for c in shown):
        shown = url  # decoding must not hide or invent characters
    direction_attr = ' dir="ltr"' if ltr else ""
    return f'<a href="{escape(url)}"{direction_attr}>{escape(shown)}</a>'


def in_language(tag: str, around: str, html: str) -> str:
    """Wrap ``html`` (text in language ``tag``, e.g. an article's title) in a span carrying its language and
    direction when it stands on a page in another language ``around``; unchanged when both are the same."""
    if not tag or tag.lower() == around.lower() or (is_english(tag) and is_english(around)):
        return html
    return f'<span lang="{escape(tag)}" dir="{direction(tag)}">{html}</span>'


def in_article_language(article: Article, html: str) -> str:
    """Wrap ``html`` (text from the article, e.g. its title) in a span carrying the article's language and
    direction, for a page the writer composes in English; unchanged for an English article."""
    return in_language(article.language, "en", html)


def bundle_language(articles: Sequence[Article]) -> str:
    """The language of a bundle's own pages: the most common language of its articles."""
    return Counter(a.language for a in articles).most_common(1)[0][0] or ""


def _english_run(texts: Labels) -> str:
    """Attributes for a short English value (a licence's English name) on a page in ``texts``' language."""
    return ' lang="en" dir="ltr"' if texts.direction == "rtl" else ' lang="en"'


def title_block(article: Article) -> str:
    """The title, subtitle, author, date, site and source as a <header> fragment, dates and lists in the
    article's language (English, marked as such, when there is no catalog for it).

    The heading keeps the title's inline emphasis (``Article.title_html``, made by the cleaner) when it has any.
    """
    texts = labels(article.language)
    parts = [f'<h1 class="title">{article.title_html or escape(article.title)}</h1>']
    if article.subtitle:
        parts.append(f'<p class="subtitle">{escape(article.subtitle)}</p>')
    if article.authors:
        parts.append(f'<p class="byline">{escape(byline(article, texts))}</p>')
    when = display_date(article, texts)
    if when:
        stamp = f'<time datetime="{iso_date(article)}">{escape(when)}</time>'
        english = ' lang="en" dir="ltr"' if texts.english and not is_english(article.language) else ""
        parts.append(f'<p class="date"{english}>{stamp}</p>')
    if article.site_name:
        parts.append(f'<p class="site">{escape(article.site_name)}</p>')
    if article.source_url:
        parts.append(f'<p class="source" dir="ltr">{_link(article.source_url)}</p>')  # a URL reads left to right
    return '<header class="title-block">' + "".join(parts) + "</header>"


def licence_conditions(licence: Licence, texts: Labels = ENGLISH) -> list[str]:
    """The licence's conditions in plain words, one sentence each (Creative Commons elements)."""
    if not licence.id.startswith("CC-") or licence.id.startswith("CC0"):
        return []
    elements = licence.id.split("-")[1:]
    return [texts.text(_CONDITIONS[e]) for e in elements if e in _CONDITIONS]


def licence_link(licence: Licence, texts: Labels) -> str:
    """The licence's name, linked, and its id: in ``texts``' language when Creative Commons names it in that
    language, with the English name and the id beside it in one English run; else in English ('Creative Commons
    Attribution 4.0 International (CC-BY-4.0)')."""
    local = texts.licence_name(licence)
    if local is None or local == licence.name:
        return f'<a rel="license" href="{escape(licence.url)}">{escape(licence.name)}</a> ({escape(licence.id)})'
    return (
        f'<a rel="license" href="{escape(licence.url)}">{escape(local)}</a>'
        f" (<span{_english_run(texts)}>{escape(licence.name)}, {escape(licence.id)}</span>)"
    )


def licence_section(article: Article, *, standalone: bool = True, heading_level: int | None = None) -> str:
    """The licence page body: attribution (title, author, site, URL, date) and the licence, in the article's
    language (English when there is no catalog for it).

    ``standalone`` is the book's own licence page; otherwise a block closing one article of a bundle.
    ``heading_level`` overrides the heading (h2 on its own page, h3 in a bundle by default).
    """
    texts = labels(article.language)
    rtl = texts.direction == "rtl"  # URLs read left to right
    not_stated = texts.text("not stated in the source")
    missing = f'<span class="not-stated">{escape(not_stated, quote=False)}</span>'
    when = display_date(article, texts)
    rows = [
        (_("Title"), in_language(article.language, texts.language, escape(article.title))),
        (_("Author"), escape(byline(article, texts)) if article.authors else missing),
        (_("Published by"), escape(article.site_name) if article.site_name else missing),
        (_("Original"), _link(article.source_url, ltr=rtl) if article.source_url else missing),
        (_("Date"), f'<time datetime="{iso_date(article)}">{escape(when)}</time>' if when else missing),
    ]
    items = "".join(f"<dt>{escape(texts.text(k), quote=False)}</dt><dd>{v}</dd>" for k, v in rows)
    heading = f"h{heading_level}" if heading_level else "h2" if standalone else "h3"
    title = escape(texts.text("Licence and attribution"), quote=False)
    parts = [
        f'<{heading} class="licence-heading">{title}</{heading}>',
        f'<dl class="attribution">{items}</dl>',
    ]
    if article.capture is not None:
        parts.append(capture_line(article.capture, texts))
    lic = article.licence
    if lic is None:
        parts.append(f'<p class="licence-none">{escape(texts.text(NO_LICENCE), quote=False)}</p>')
    else:
        line = escape(texts.text("Licence: {licence}"), quote=False).format(licence=licence_link(lic, texts))
        parts.append(f'<p class="licence-name">{line}</p>')
        parts.append(f'<p class="licence-url">{_link(lic.url, ltr=rtl)}</p>')
        if lic.statement:  # the statements the cleaner recognises are English sentences
            english = "" if texts.english else _english_run(texts)
            parts.append(f'<blockquote class="licence-statement"{english}><p>{escape(lic.statement)}</p></blockquote>')
        conditions = licence_conditions(lic, texts)
        if conditions:
            parts.append(
                '<ul class="licence-conditions">'
                + "".join(f"<li>{escape(c, quote=False)}</li>" for c in conditions)
                + "</ul>"
            )
    if not standalone:
        return '<section class="licence licence-block">' + "".join(parts) + "</section>"
    return '<section class="licence" epub:type="copyright-page">' + "".join(parts) + "</section>"


def capture_line(capture: Capture, texts: Labels = ENGLISH) -> str:
    """Where a page read from a web archive was captured, and when: 'Captured from URL on 1 May 2024 at 12:00
    UTC.' (in ``texts``' language; the URL reads left to right)."""
    when = dates.aware(capture.captured).astimezone(UTC)
    moment = f'<time datetime="{dates.utc_text(when)}">{escape(texts.date(when), quote=False)}</time>'
    line = escape(texts.text("Captured from {url} on {date} at {time} UTC."), quote=False)
    line = line.replace("{time} UTC", "{time}\u00a0UTC")  # the time and its zone on one line
    url = _link(capture.target_uri, ltr=texts.direction == "rtl")
    return f'<p class="capture">{line.format(url=url, date=moment, time=texts.number_text(f"{when:%H:%M}"))}</p>'


def bundle_title_block(title: str, articles: list[Article]) -> str:
    """The title page of a bundle: its title, the sites it draws on and how many articles it holds (in the
    bundle's language)."""
    texts = labels(bundle_language(articles))
    sites = sorted({a.site_name for a in articles if a.site_name})
    parts = [f'<h1 class="title bundle-title">{escape(title)}</h1>']
    if sites:
        parts.append(f'<p class="site">{escape(", ".join(sites))}</p>')
    count = texts.plural("{count} article", "{count} articles", len(articles))
    parts.append(f'<p class="count">{escape(count, quote=False)}</p>')
    return '<header class="title-block">' + "".join(parts) + "</header>"


def licences_overview(articles: list[Article], *, links: list[str] | None = None) -> str:
    """The closing page of a bundle, in the bundle's language: each article with its licence (or that none was
    found).

    ``links`` gives, per article, the href of its place in the book (for a linked title).
    """
    texts = labels(bundle_language(articles))
    rows = []
    for n, article in enumerate(articles):
        title = in_language(article.language, texts.language, escape(article.title))
        if links:
            title = f'<a href="{escape(links[n])}">{title}</a>'
        lic = article.licence
        if lic is None:
            what = f'<span class="licence-none">{escape(texts.text(NO_LICENCE_SHORT), quote=False)}</span>'
        else:
            what = licence_link(lic, texts)
        who = f" — {escape(byline(article, texts))}" if article.authors else ""
        rows.append(f"<li><p>{title}{who}</p><p>{what}</p></li>")
    heading = escape(texts.text("Licences of the articles"), quote=False)
    intro = escape(texts.text("Each article in this collection keeps its own licence and attribution:"), quote=False)
    return (
        '<section class="licence licences-overview" epub:type="copyright-page">'
        f'<h2 class="licence-heading">{heading}</h2>'
        f"<p>{intro}</p>"
        f'<ol class="licence-list">{"".join(rows)}</ol></section>'
    )
