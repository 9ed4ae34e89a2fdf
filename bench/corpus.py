"""The bench corpus: every article of our fixtures and the public corpora as one standalone HTML page each.

Why standalone pages, and why through exporter's own readers and cleaner: pandoc reads neither WXR nor
WordPress's raw ``post_content`` (no wpautop, no block delimiters, no shortcodes), so a per-article comparison
needs one rendered HTML page per article that both tools read the same way. Each article is read with
``exporter.pipeline.iter_raw`` (WXR items, saved pages, text dumps) and cleaned with ``clean_raw``; its canonical
body is written into a small saved-page-like document (``<title>``, author/date/canonical/site metas,
``rel=license``, ``<article>`` with an ``h1.entry-title`` and a ``div.entry-content``). Notes become a
Jetpack-style Markdown footnote list (``sup#fnref:N`` → ``div.footnotes li#fn:N``), which both tools read as
links. Local images are copied next to the pages (``images/…``); remote ones never reach the body, so neither
tool touches the network. Both exporter and pandoc are then timed on exactly these files.

When the distinct articles are fewer than the target, the first ones are repeated in order (``…--copy2.html``)
and the count of repeats is reported. Nothing here is a test: this only builds bench input.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from exporter.model import Article, RawArticle
from exporter.pipeline import Options, clean_raw, iter_raw

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass
class Source:
    """One input of the corpus and the --media folder its images come from."""

    path: Path
    media: Path | None = None


@dataclass
class Corpus:
    """What was built: the folder of pages, how many distinct articles and repeats, and where they came from."""

    folder: Path
    pages: list[Path]
    distinct: int
    repeats: int
    origins: dict[str, int]
    failed: list[str]


def sources(quick: bool = False) -> list[Source]:
    """Our fixtures, then (when ``../shared/corpus`` exists) the public corpora, in a fixed order."""
    found = [
        Source(FIXTURES / "harbour-archive.txt"),
        Source(FIXTURES / "post-fragment.html"),
        Source(FIXTURES / "theme-page.html"),
        Source(FIXTURES / "collection.wxr.xml", FIXTURES / "collection-media"),
    ]
    if quick:
        return found
    shared = [
        SHARED_CORPUS / "wptrt" / "themeunittestdata.wordpress.xml",
        *sorted((SHARED_CORPUS / "readability").glob("*-source.html")),
        *sorted((SHARED_CORPUS / "jekyll-import").glob("*.xml")),
    ]
    return found + [Source(p) for p in shared if p.is_file()]


def _page(article: Article, images: dict[str, str]) -> str:
    """A standalone saved-page-like HTML document holding one cleaned article."""
    esc = html.escape
    head = [
        '<meta charset="utf-8"/>',
        f"<title>{esc(article.title)}</title>",
        *(f'<meta name="author" content="{esc(a)}"/>' for a in article.authors),
    ]
    if article.published:
        head.append(f'<meta property="article:published_time" content="{article.published.isoformat()}"/>')
    if article.source_url:
        head.append(f'<link rel="canonical" href="{esc(article.source_url)}"/>')
    if article.site_name:
        head.append(f'<meta property="og:site_name" content="{esc(article.site_name)}"/>')
    if article.licence:
        head.append(f'<link rel="license" href="{esc(article.licence.url)}"/>')
    body = article.body
    for key, name in images.items():
        body = body.replace(f'src="{esc(key)}"', f'src="{esc(name)}"')

    def noteref(m: re.Match[str]) -> str:
        nid = m.group(1)
        return f'<sup id="fnref:{nid}"><a href="#fn:{nid}">{m.group(2)}</a></sup>'

    body = re.sub(r'<sup class="noteref" data-note="([^"]+)">(.*?)</sup>', noteref, body)
    notes = ""
    if article.footnotes:
        items = "".join(
            f'<li id="fn:{n.id}">{n.body or ""} <a href="#fnref:{n.id}">&#8617;</a></li>'
            for n in article.footnotes
            if n.body
        )
        notes = f'<div class="footnotes"><ol>{items}</ol></div>'
    subtitle = f'<p class="entry-subtitle">{esc(article.subtitle)}</p>' if article.subtitle else ""
    lang = f' lang="{esc(article.language)}"' if article.language else ""
    return (
        f"<!DOCTYPE html>\n<html{lang}>\n<head>\n{chr(10).join(head)}\n</head>\n<body>\n<article>\n"
        f'<header><h1 class="entry-title">{esc(article.title)}</h1>{subtitle}</header>\n'
        f'<div class="entry-content">\n{body}\n{notes}\n</div>\n</article>\n</body>\n</html>\n'
    )


def build(folder: Path, target: int, quick: bool = False) -> Corpus:
    """Write one HTML page per article into ``folder`` (emptied first); at least ``target`` pages."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "images").mkdir(parents=True)
    pages: list[Path] = []
    origins: dict[str, int] = {}
    failed: list[str] = []
    for src in sources(quick):
        options = Options(output_dir=folder, media_dir=src.media)
        for item in iter_raw([src.path], options):
            if not isinstance(item, RawArticle):
                if isinstance(item, tuple):
                    failed.append(f"{item[0]}: {item[1].message}")
                continue
            try:
                article = clean_raw(item, options)
            except Exception as exc:  # a source the cleaner refuses is left out and reported
                failed.append(f"{item.source_path}: {exc}")
                continue
            images = {}
            for image in article.images:
                name = image.key if image.key.startswith("images/") else f"images/{Path(image.key).name}"
                shutil.copyfile(image.path, folder / name)
                images[image.key] = name
            n = len(pages) + 1
            stem = re.sub(r"[^a-z0-9]+", "-", (item.slug or article.title).lower()).strip("-")[:50] or "article"
            page = folder / f"{n:03d}-{stem}.html"
            page.write_text(_page(article, images), encoding="utf-8")
            pages.append(page)
            origins[src.path.name] = origins.get(src.path.name, 0) + 1
    distinct = len(pages)
    i = 0
    while distinct and len(pages) < target:
        original = pages[i % distinct]
        copy = folder / f"{len(pages) + 1:03d}-{original.stem[4:]}--copy{i // distinct + 2}.html"
        shutil.copyfile(original, copy)
        pages.append(copy)
        i += 1
    return Corpus(folder, pages, distinct, len(pages) - distinct, origins, failed)
