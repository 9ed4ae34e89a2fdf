"""The title block and the licence page, as XHTML fragments shared by every writer."""

from __future__ import annotations

from html import escape
from urllib.parse import unquote

from exporter.languages import direction, is_english
from exporter.model import Article, Licence

_CONDITIONS = {
    "BY": "You must give appropriate credit: name the author and the source, link to the licence, "
    "and say whether you made changes.",
    "NC": "You may not use this work for commercial purposes: copying, sharing and adapting it are "
    "allowed only where no commercial advantage or payment is sought.",
    "ND": "You may not distribute modified versions of this work.",
    "SA": "If you adapt this work, you must share your version under the same licence.",
}
NO_LICENCE = (
    "No licence statement was found in the source. Rights remain with the author or publisher; "
    "this copy was made for archival purposes."
)


def display_date(article: Article) -> str | None:
    """The publication date as a reader sees it, e.g. '3 January 2018', or None."""
    if article.published is None:
        return None
    return f"{article.published.day} {article.published:%B %Y}"


def iso_date(article: Article) -> str | None:
    """The publication date as W3CDTF (YYYY-MM-DD), or None."""
    return article.published.date().isoformat() if article.published else None


def byline(article: Article) -> str:
    """The authors joined for display ('A, B and C'), or an empty string."""
    names = article.authors
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _link(url: str) -> str:
    """A link whose text is the URL as a reader would type it (percent-escapes of non-ASCII decoded)."""
    try:
        shown = unquote(url, errors="strict")
    except UnicodeDecodeError:
        shown = url
    if any(c.isspace() or ord(c) < 32 for c in shown):
        shown = url  # decoding must not hide or invent characters
    return f'<a href="{escape(url)}">{escape(shown)}</a>'


def _english(article: Article) -> str:
    """Attributes that mark a run the writer composes in English (a date, a label) inside an article in another
    language, so that it is read out and laid out as English; empty for an English article."""
    return "" if is_english(article.language) else ' lang="en" dir="ltr"'


def in_article_language(article: Article, html: str) -> str:
    """Wrap ``html`` (text from the article, e.g. its title) in a span carrying the article's language and
    direction, for a page the writer composes in English; unchanged for an English article."""
    if is_english(article.language):
        return html
    return f'<span lang="{escape(article.language)}" dir="{direction(article.language)}">{html}</span>'


def title_block(article: Article) -> str:
    """The title, subtitle, author, date, site and source as a <header> fragment.

    The heading keeps the title's inline emphasis (``Article.title_html``, made by the cleaner) when it has any.
    """
    parts = [f'<h1 class="title">{article.title_html or escape(article.title)}</h1>']
    if article.subtitle:
        parts.append(f'<p class="subtitle">{escape(article.subtitle)}</p>')
    if article.authors:
        parts.append(f'<p class="byline">{escape(byline(article))}</p>')
    when = display_date(article)
    if when:
        stamp = f'<time datetime="{iso_date(article)}">{escape(when)}</time>'
        parts.append(f'<p class="date"{_english(article)}>{stamp}</p>')
    if article.site_name:
        parts.append(f'<p class="site">{escape(article.site_name)}</p>')
    if article.source_url:
        parts.append(f'<p class="source" dir="ltr">{_link(article.source_url)}</p>')  # a URL reads left to right
    return '<header class="title-block">' + "".join(parts) + "</header>"


def licence_conditions(licence: Licence) -> list[str]:
    """The licence's conditions in plain words, one sentence each (Creative Commons elements)."""
    if not licence.id.startswith("CC-") or licence.id.startswith("CC0"):
        return []
    elements = licence.id.split("-")[1:]
    return [_CONDITIONS[e] for e in elements if e in _CONDITIONS]


def licence_section(article: Article, *, standalone: bool = True, heading_level: int | None = None) -> str:
    """The licence page body: attribution (title, author, site, URL, date) and the licence, in English.

    ``standalone`` is the book's own licence page; otherwise a block closing one article of a bundle.
    ``heading_level`` overrides the heading (h2 on its own page, h3 in a bundle by default).
    """
    missing = '<span class="not-stated">not stated in the source</span>'
    when = display_date(article)
    rows = [
        ("Title", in_article_language(article, escape(article.title))),
        ("Author", escape(byline(article)) if article.authors else missing),
        ("Published by", escape(article.site_name) if article.site_name else missing),
        ("Original", _link(article.source_url) if article.source_url else missing),
        ("Date", f'<time datetime="{iso_date(article)}">{escape(when)}</time>' if when else missing),
    ]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    heading = f"h{heading_level}" if heading_level else "h2" if standalone else "h3"
    parts = [
        f'<{heading} class="licence-heading">Licence and attribution</{heading}>',
        f'<dl class="attribution">{items}</dl>',
    ]
    lic = article.licence
    if lic is None:
        parts.append(f'<p class="licence-none">{escape(NO_LICENCE)}</p>')
    else:
        parts.append(
            f'<p class="licence-name">Licence: <a rel="license" href="{escape(lic.url)}">{escape(lic.name)}</a>'
            f" ({escape(lic.id)})</p>"
        )
        parts.append(f'<p class="licence-url">{_link(lic.url)}</p>')
        if lic.statement:
            parts.append(f'<blockquote class="licence-statement"><p>{escape(lic.statement)}</p></blockquote>')
        conditions = licence_conditions(lic)
        if conditions:
            parts.append(
                '<ul class="licence-conditions">' + "".join(f"<li>{escape(c)}</li>" for c in conditions) + "</ul>"
            )
    if not standalone:
        return '<section class="licence licence-block">' + "".join(parts) + "</section>"
    return '<section class="licence" epub:type="copyright-page">' + "".join(parts) + "</section>"


def bundle_title_block(title: str, articles: list[Article]) -> str:
    """The title page of a bundle: its title, the sites it draws on and how many articles it holds."""
    sites = sorted({a.site_name for a in articles if a.site_name})
    parts = [f'<h1 class="title bundle-title">{escape(title)}</h1>']
    if sites:
        parts.append(f'<p class="site">{escape(", ".join(sites))}</p>')
    count = len(articles)
    parts.append(f'<p class="count">{count} article{"s" if count != 1 else ""}</p>')
    return '<header class="title-block">' + "".join(parts) + "</header>"


def licences_overview(articles: list[Article], *, links: list[str] | None = None) -> str:
    """The closing page of a bundle: each article with its licence (or that none was found).

    ``links`` gives, per article, the href of its place in the book (for a linked title).
    """
    rows = []
    for n, article in enumerate(articles):
        title = in_article_language(article, escape(article.title))
        if links:
            title = f'<a href="{escape(links[n])}">{title}</a>'
        lic = article.licence
        if lic is None:
            what = f'<span class="licence-none">{escape(NO_LICENCE.split(".")[0])}.</span>'
        else:
            what = f'<a rel="license" href="{escape(lic.url)}">{escape(lic.name)}</a> ({escape(lic.id)})'
        who = f" — {escape(byline(article))}" if article.authors else ""
        rows.append(f"<li><p>{title}{who}</p><p>{what}</p></li>")
    return (
        '<section class="licence licences-overview" epub:type="copyright-page">'
        '<h2 class="licence-heading">Licences of the articles</h2>'
        "<p>Each article in this collection keeps its own licence and attribution:</p>"
        f'<ol class="licence-list">{"".join(rows)}</ol></section>'
    )
