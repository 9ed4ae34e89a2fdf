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

import hashlib
import html
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
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


@dataclass
class Cleaned:
    """One distinct article of the sources: its cleaned form, its images' new names, and its file stem."""

    article: Article
    images: dict[str, str]
    stem: str
    origin: str


def _cleaned(folder: Path, quick: bool, failed: list[str]) -> Iterator[Cleaned]:
    """Every article of the sources, cleaned by exporter, with its local images copied to ``folder/images``."""
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
            stem = re.sub(r"[^a-z0-9]+", "-", (item.slug or article.title).lower()).strip("-")[:50] or "article"
            yield Cleaned(article, images, stem, src.path.name)


def _fresh(folder: Path) -> None:
    """Empty ``folder`` and make its ``images`` folder."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "images").mkdir(parents=True)


def build(folder: Path, target: int, quick: bool = False) -> Corpus:
    """Write one HTML page per article into ``folder`` (emptied first); at least ``target`` pages."""
    _fresh(folder)
    pages: list[Path] = []
    origins: dict[str, int] = {}
    failed: list[str] = []
    for one in _cleaned(folder, quick, failed):
        page = folder / f"{len(pages) + 1:03d}-{one.stem}.html"
        page.write_text(_page(one.article, one.images), encoding="utf-8")
        pages.append(page)
        origins[one.origin] = origins.get(one.origin, 0) + 1
    distinct = len(pages)
    i = 0
    while distinct and len(pages) < target:
        original = pages[i % distinct]
        copy = folder / f"{len(pages) + 1:03d}-{original.stem[4:]}--copy{i // distinct + 2}.html"
        shutil.copyfile(original, copy)
        pages.append(copy)
        i += 1
    return Corpus(folder, pages, distinct, len(pages) - distinct, origins, failed)


# --- distinct variants, for the scale bench ------------------------------------------------------------------

_ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _variant_title(title: str, k: int) -> str:
    """The title of the k-th variant (k >= 1) of an article: its own title, said to be another edition."""
    word = _ORDINALS[k - 1] if k <= len(_ORDINALS) else f"{k + 1}th"
    return f"{title} ({word} edition)"


def _varied_body(body: str, rng: random.Random, k: int) -> str:
    """The body's top-level blocks in another order, with a sentence of the article's own words in front.

    The notes' anchors move with their blocks, so links still resolve; the body keeps its size and its mix of
    markup (figures, tables, lists), so a variant costs the writers what the original does.
    """
    from lxml import html as lxml_html

    try:
        parts = lxml_html.fragments_fromstring(body)
    except Exception:  # an empty or text-only body: only the sentence in front varies
        parts = []
    lead = ""
    if parts and isinstance(parts[0], str):
        lead, parts = parts[0], parts[1:]
    blocks = [lxml_html.tostring(p, encoding="unicode") for p in parts]
    if len(blocks) > 1:
        shift = k % len(blocks)
        blocks = blocks[shift:] + blocks[:shift]
        if len(blocks) > 3:
            i = rng.randrange(len(blocks) - 1)
            blocks[i], blocks[i + 1] = blocks[i + 1], blocks[i]
    words = re.findall(r"[^\W\d_]{3,}", re.sub(r"<[^>]+>", " ", body))
    if words:
        picked = [rng.choice(words) for _ in range(min(12, max(4, len(words) // 20)))]
        sentence = f"<p>Edition {k + 1}: {html.escape(' '.join(picked))}.</p>"
    else:
        sentence = f"<p>Edition {k + 1}.</p>"
    return sentence + (html.escape(lead) if lead.strip() else "") + "".join(blocks)


def _variant(one: Cleaned, k: int) -> Article:
    """The k-th variant of an article (k = 0 is the article itself): title, date, URL and body differ."""
    if k == 0:
        return one.article
    rng = random.Random(f"{one.stem}/{k}")
    art = one.article
    base = art.published or datetime(2020, 1, 1, tzinfo=UTC)
    url = art.source_url or f"https://bench.example/{one.stem}/"
    return replace(
        art,
        title=_variant_title(art.title, k),
        title_html=None,
        published=base + timedelta(days=7 * k, minutes=rng.randrange(24 * 60)),
        source_url=f"{url.rstrip('/')}/edition-{k + 1}/",
        body=_varied_body(art.body, rng, k),
    )


def build_varied(folder: Path, target: int) -> Corpus:
    """``target`` pages, every one a distinct article: the sources' articles, then variants of them.

    Variants come in rounds: round k gives every source article's k-th variant (another title, date, canonical
    URL and order of blocks, and a sentence of its own words), the articles in an order shuffled per round with
    a fixed seed, so any first N pages mix the sources as the whole corpus does. Deterministic: the same
    checkout and corpora always build the same pages.
    """
    _fresh(folder)
    failed: list[str] = []
    cleaned = list(_cleaned(folder, False, failed))
    pages: list[Path] = []
    origins: dict[str, int] = {}
    k = 0
    while cleaned and len(pages) < target:
        order = list(range(len(cleaned)))
        if k:
            random.Random(k).shuffle(order)
        for i in order[: target - len(pages)]:
            one = cleaned[i]
            suffix = f"--ed{k + 1}" if k else ""
            page = folder / f"{len(pages) + 1:04d}-{one.stem}{suffix}.html"
            page.write_text(_page(_variant(one, k), one.images), encoding="utf-8")
            pages.append(page)
            origins[one.origin] = origins.get(one.origin, 0) + 1
        k += 1
    distinct = len({hashlib.sha256(p.read_bytes()).digest() for p in pages})
    return Corpus(folder, pages, distinct, len(pages) - distinct, origins, failed)
