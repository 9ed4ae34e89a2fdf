"""The reader's page of a library folder (index.html): what it shows, that it escapes, and how it works in a browser.

The first tests render small Book lists in memory. The browser tests build a real library in a temporary folder
(our fixtures exported by the CLI, thumbnails made with Pillow, a catalog in the planned ``manifest.json`` format
read by ``books_from_catalog``), write its index.html and open it from ``file://`` in Debian's headless Chromium,
driven by puppeteer-core (both installed by ``scripts/setup.sh --test``): screenshots at 1280 and 360 px, no
horizontal scroll on a phone, every link and thumbnail resolving to a file, search as you type, a select filter,
the page with JavaScript off, console errors, and axe-core run in the page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image as Pillow

from exporter import __version__
from exporter.library.books import Book, BookFile, books_from_catalog
from exporter.library.index_page import human_date, human_size, render_index
from tests.conftest import FIXTURES, ROOT
from tests.tools import CHROMIUM, run_cli

NODE_MODULES = ROOT / "node_modules"
PUPPETEER = NODE_MODULES / "puppeteer-core"
AXE = NODE_MODULES / "@daisy" / "axe-core-for-ace" / "axe.min.js"
HOSTILE = '<script>window.pwned = 1</script> Tom & Jerry\'s "<b>bold</b>" notes'
LONG = "Pneumonoultramicroscopicsilicovolcanoconiosis-and-other-very-long-unbroken-words-of-the-harbour-archive"
LONG_SITE = "https://an-archive-with-a-very-long-host-name.example/and/a/long/path/that/must/wrap/on/a/phone"
SHOTS = os.environ.get("EXPORTER_INDEX_SHOTS")
"""A folder to keep the screenshots in (to look at them); by default they stay in the test's tmp_path."""


def book(n: int, **fields: object) -> Book:
    """A small book with an EPUB, a PDF and a thumbnail."""
    slug = f"book-{n}"
    files = (
        BookFile("epub", f"{slug}.epub", 1_234_567, "a" * 64),
        BookFile("pdf", f"{slug}.pdf", 45_678, "b" * 64),
        BookFile("thumbnail", f"thumbnails/{slug}.jpg", 9_000, "c" * 64),
    )
    values: dict[str, object] = {
        "id": f"https://site.example/?p={n}",
        "title": f"Book {n}",
        "authors": ("Ada Keeper",),
        "site": "Lantern Quarterly",
        "published": f"2023-10-{10 + n:02d}T07:30:00Z",
        "language": "en",
        "licence_id": "CC-BY-4.0",
        "licence_name": "Creative Commons Attribution 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "subjects": ("Harbours",),
        "files": files,
    }
    values.update(fields)
    return Book(**values)  # type: ignore[arg-type]


# ---- The page as text ----------------------------------------------------------------------------------------


def test_each_book_shows_its_facts_and_downloads() -> None:
    page = render_index([book(4)], title="Harbour books")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<meta charset="utf-8">' in page and '<meta name="viewport"' in page
    assert f'<meta name="generator" content="exporter {__version__}">' in page
    assert "<title>Harbour books</title>" in page and "<h1>Harbour books</h1>" in page
    assert '<img class="thumb" src="thumbnails/book-4.jpg" alt=""' in page
    assert ">Book 4</h3>" in page and "Ada Keeper" in page and "Lantern Quarterly" in page
    assert '<time datetime="2023-10-14T07:30:00Z">14 October 2023</time>' in page
    assert "English (en)" in page
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution 4.0</a>' in page
    epub = re.search(
        r'<a class="download" href="book-4.epub" type="application/epub\+zip" download[^>]*>([^<]*)<', page
    )
    pdf = re.search(r'<a class="download" href="book-4.pdf" type="application/pdf" download[^>]*>([^<]*)<', page)
    assert epub and epub.group(1) == "EPUB, 1.2 MB"
    assert pdf and pdf.group(1) == "PDF, 46 kB"


def test_a_page_from_a_web_archive_says_when_it_was_captured() -> None:
    page = render_index([book(1, captured="2024-06-01T10:00:01Z"), book(2)])
    assert page.count("<dt>Captured</dt>") == 1
    assert '<dd><time datetime="2024-06-01T10:00:01Z">1 June 2024</time></dd>' in page


def test_books_keep_the_order_given_and_a_bundle_says_how_many_articles() -> None:
    books = [book(1, title="Zebra"), book(2, title="Apple", parts=7), book(3, title="Mango")]
    page = render_index(books)
    titles = re.findall(r'class="title"[^>]*>([^<]+)</h3>', page)
    assert titles == ["Zebra", "Apple", "Mango"]
    assert page.count("A bundle of 7 articles in one book.") == 1
    assert "3 books" in page


def test_titles_and_every_field_are_escaped() -> None:
    hostile = book(
        1,
        title=HOSTILE,
        authors=('"><img src=x onerror=alert(1)>',),
        site="<i>site</i>",
        subjects=("</script><script>alert(2)</script>",),
        licence_name="<b>free</b>",
        licence_url="javascript:alert(3)",
        summary="<iframe src=x>",
    )
    page = render_index([hostile], title="<em>My</em> library")
    assert page.count("<script") == 1  # the page's own script, and no other
    assert "<img src=x" not in page and "<iframe" not in page and "<b>" not in page and "<i>site" not in page
    assert "javascript:" not in page  # a licence URL that is not a web address is not linked
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt; Tom &amp; Jerry&#x27;s &quot;&lt;b&gt;bold" in page
    assert "<title>&lt;em&gt;My&lt;/em&gt; library</title>" in page


def test_file_paths_become_safe_relative_links() -> None:
    odd = (
        BookFile("epub", "a book #1?.epub", 10, "a" * 64),
        BookFile("pdf", "javascript:alert(1).pdf", 10, "b" * 64),
    )
    page = render_index([book(1, files=odd)])
    assert 'href="a%20book%20%231%3F.epub"' in page
    assert 'href="./javascript%3Aalert%281%29.pdf"' in page or 'href="javascript%3Aalert%281%29.pdf"' in page


def test_the_same_books_give_the_same_bytes() -> None:
    books = [book(n, subjects=(f"S{n % 2}", "Harbours")) for n in range(5)]
    assert render_index(books) == render_index(list(books))
    assert render_index(books).encode("utf-8") == render_index(tuple(books)).encode("utf-8")


def test_an_empty_library_says_so_kindly() -> None:
    page = render_index([])
    assert "No books yet" in page and "exporter export" in page
    assert "<script" not in page and 'class="books"' not in page


def test_a_persian_title_is_marked_right_to_left_and_undated_books_show_no_date() -> None:
    page = render_index([book(1, title="فانوس‌های بندر", language="fa", published=None)])
    assert '<h3 id="' in page and 'class="title" lang="fa" dir="rtl">فانوس‌های بندر</h3>' in page
    assert "Persian (fa)" in page and "<time" not in page


def test_a_book_without_thumbnail_licence_or_files_still_reads_well() -> None:
    bare = Book(id="path:notes.txt", title="Notes")
    page = render_index([bare])
    assert '<div class="thumb thumb-none" aria-hidden="true"></div>' in page
    assert "<dt>Licence</dt><dd>Not stated</dd>" in page
    assert "No file to download." in page and 'class="download"' not in page
    assert 'data-site="" data-author="" data-subject="" data-year=""' in page
    assert 'class="browse"' not in page  # nothing to browse by: no empty section


def test_browsing_needs_no_script_every_value_lists_its_books() -> None:
    books = [book(1, subjects=("Fog", "Bells")), book(2, authors=("Bo", "Cy"), subjects=("Fog",))]
    page = render_index(books)
    browse = page[page.index('<nav class="browse"') :]
    assert re.findall(r'<details class="facet" id="by-(\w+)">', browse) == ["site", "author", "subject", "year"]
    fog = re.search(r">Fog <span[^>]*>\(2 books\)</span></h3>\n<ul>(.*?)</ul>", browse)
    assert fog and fog.group(1).count('<a href="#book-') == 2
    ids = re.findall(r'<li class="book" id="([^"]+)"', page)
    assert all(f'href="#{i}"' in browse for i in ids)


def test_the_page_fetches_nothing() -> None:
    page = render_index([book(1), book(2)])
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert not re.search(r'src="(https?:)?//', page)
    hrefs = re.findall(r'(?:href|src)="([^"]+)"', page)
    remote = [h for h in hrefs if h.startswith(("http:", "https:", "//"))]
    assert remote == ["https://creativecommons.org/licenses/by/4.0/"] * 2  # the licences, links a reader follows


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (999, "999 bytes"),
        (1000, "1 kB"),
        (45_678, "46 kB"),
        (999_499, "999 kB"),
        (999_500, "1.0 MB"),
        (1_234_567, "1.2 MB"),
        (999_950_000, "1.0 GB"),
    ],
)
def test_sizes_read_as_a_reader_reads_them(size: int, text: str) -> None:
    assert human_size(size) == text


def test_dates_read_as_a_reader_reads_them() -> None:
    assert human_date("2023-10-14T07:30:00Z") == "14 October 2023"
    assert human_date("2024-02-01") == "1 February 2024"
    assert human_date("soon") is None


# ---- A real library in a real browser -----------------------------------------------------------------------


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM}: run scripts/setup.sh --test"
    if not PUPPETEER.is_dir() or not AXE.is_file():
        return f"puppeteer-core or axe-core not found in {NODE_MODULES}: run scripts/setup.sh --test"
    if not shutil.which("node"):
        return "node not found: run scripts/setup.sh --test"
    return None


AUTHORS = {
    "101": ("Mara Quill",),
    "102": ("Mara Quill", "Tobias Fenn"),
    "103": ("Tobias Fenn",),
    "104": ("Shirin Kaveh",),
    "105": ("Editorial Desk",),
    "106": ("Editorial Desk",),
    "109": ("Editorial Desk",),
}
SUBJECTS = {
    "101": ("Cranes", "Harbour history"),
    "102": ("Fog signals", "Harbour history", "Keepers"),
    "103": ("Keepers", "Photography"),
    "104": ("Lanterns",),
    "105": ("Roundups",),
    "106": ("Roundups",),
}


def thumbnail(folder: Path, slug: str, n: int) -> dict[str, object]:
    """A 350×525 JPEG under ``thumbnails/``, as the covers part will write, and its catalog entry."""
    path = folder / "thumbnails" / f"{slug}.jpg"
    path.parent.mkdir(exist_ok=True)
    Pillow.new("RGB", (350, 525), (30 + 25 * n % 200, 70 + 13 * n % 150, 120)).save(path, quality=85)
    return {"format": "thumbnail", "path": f"thumbnails/{slug}.jpg", "bytes": path.stat().st_size, "sha256": "0" * 64}


def catalog_item(item: dict[str, object], folder: Path, n: int) -> dict[str, object]:
    """An exported item's manifest entry, with the fields the library's catalog will carry."""
    source: dict[str, str] = item["source"]  # type: ignore[assignment]
    post = source.get("post_id", "")
    outputs = list(item["outputs"])  # type: ignore[call-overload]
    slug = Path(outputs[0]["path"]).stem
    wxr = bool(post)
    entry = {
        **item,
        "id": source.get("url") or f"path:{source['path']}",
        "authors": list(AUTHORS.get(post, ("Harbour Town Archive",))),
        "site": {"name": "Lantern Quarterly" if wxr else LONG_SITE, "url": "https://lantern.example/"},
        "language": "fa" if post == "104" else "en",
        "published": item.get("date"),
        "summary": f"Opening words of {item['title']}.",
        "subjects": list(SUBJECTS.get(post, ())),
        "licence": {**item["licence"], "name": f"Creative Commons {item['licence']['id']}"},  # type: ignore[index]
        "outputs": [*outputs, thumbnail(folder, slug, n)],
    }
    if post == "109":
        entry["title"] = HOSTILE
    if not wxr:
        entry["title"] = f"{item['title']}: {LONG}"
        entry["published"] = None
    return entry


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Book]]:
    """A library folder made by the real CLI: the collection, a text dump, and a bundle; its index.html written."""
    if problem := browser_missing():
        pytest.skip(problem)
    folder = tmp_path_factory.mktemp("library")
    done = run_cli("export", FIXTURES / "collection.wxr.xml", FIXTURES / "harbour-archive.txt", "-o", folder, "-q")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    items = [catalog_item(i, folder, n) for n, i in enumerate(manifest["items"]) if i["status"] == "ok"]
    bundled = tmp_path_factory.mktemp("bundle")
    done = run_cli("export", FIXTURES / "collection.wxr.xml", "--bundle", "Lantern Quarterly, collected", "-o", bundled)
    assert done.returncode == 0, done.stderr
    for item in json.loads((bundled / "manifest.json").read_text(encoding="utf-8"))["items"]:
        if item["status"] != "ok":
            continue
        outputs = []
        for output in item["outputs"]:
            shutil.copy(bundled / output["path"], folder / output["path"])
            outputs.append(output)
        entry = catalog_item({**item, "outputs": outputs}, folder, 99)
        entry["bundle"] = {"id": "bundle:lantern-quarterly-collected", "title": "Lantern Quarterly, collected"}
        items.append(entry)
    books = books_from_catalog({"items": items})
    assert len(books) == 9 and any(b.parts > 1 for b in books)
    (folder / "index.html").write_text(render_index(books, title="Lantern & Harbour library"), encoding="utf-8")
    return folder, books


BROWSER_SCRIPT = r"""
const puppeteer = require(process.env.PUPPETEER_CORE);
const fs = require("fs");
const [url, emptyUrl, axePath, shots, word] = process.argv.slice(2);
const axeSource = fs.readFileSync(axePath, "utf8");

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map(v =>
      `${v.impact} ${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(" ")).join("; ")})`);
  });
}

// Thumbnails are lazy: load them all before a full-page screenshot.
const loadImages = page => page.evaluate(async () => {
  for (const img of document.images) { img.loading = "eager"; await img.decode().catch(() => {}); }
});

const visibleTitles = page => page.$$eval("li.book", cards =>
  cards.filter(c => c.offsetParent !== null).map(c => c.querySelector(".title").textContent));

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM, headless: true, timeout: 60000,
    args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
  });
  const out = { errors: [] };
  try {
    const page = await browser.newPage();
    page.on("console", m => { if (m.type() === "error") out.errors.push(m.text()); });
    page.on("pageerror", e => out.errors.push(String(e)));
    page.on("requestfailed", r => out.errors.push(`failed ${r.url()}`));
    page.on("request", r => { if (!r.url().startsWith("file:")) out.errors.push(`fetched ${r.url()}`); });

    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(url, { waitUntil: "load" });
    await loadImages(page);
    await page.screenshot({ path: `${shots}/index-1280.png`, fullPage: true });
    out.wide = {
      scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth),
      filtersShown: await page.$eval(".filters", el => !el.hidden),
      titles: await visibleTitles(page),
      links: await page.$$eval("a.download", as => as.map(a =>
        ({ href: a.href, type: a.type, download: a.hasAttribute("download"), text: a.textContent }))),
      thumbs: await page.$$eval("img.thumb", imgs => imgs.map(i =>
        ({ src: i.src, loaded: i.complete && i.naturalWidth > 0 }))),
      pwned: await page.evaluate(() => window.pwned === 1),
      scripts: await page.evaluate(() => document.scripts.length),
    };
    out.wide.axe = await axe(page);

    // Search as you type, then clear; a select filter.
    await page.type("#q", word, { delay: 20 });
    out.search = { titles: await visibleTitles(page), status: await page.$eval(".shown", el => el.textContent) };
    await page.click("#q", { clickCount: 3 });
    await page.keyboard.press("Backspace");
    out.cleared = { titles: await visibleTitles(page), status: await page.$eval(".shown", el => el.textContent) };
    await page.type("#q", "zzzznothing");
    out.nothing = { titles: await visibleTitles(page), message: await page.$eval(".none-shown", el => !el.hidden) };
    await page.click(".none-shown button");
    out.afterShowAll = (await visibleTitles(page)).length;
    const year = await page.$eval("#f-year option:nth-child(2)", o => ({ value: o.value, text: o.textContent }));
    await page.select("#f-year", year.value);
    out.year = { option: year.text, titles: await visibleTitles(page) };
    await page.click("button[type=reset]");
    await new Promise(r => setTimeout(r, 50));
    out.afterReset = (await visibleTitles(page)).length;
    // Everything open, for axe to see the browse section too.
    await page.$$eval("details", ds => ds.forEach(d => { d.open = true; }));
    out.openAxe = await axe(page);
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
    await page.screenshot({ path: `${shots}/index-1280-dark.png` });
    out.darkAxe = await axe(page);
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);

    // A phone.
    await page.setViewport({ width: 360, height: 740, isMobile: true, hasTouch: true });
    await page.reload({ waitUntil: "load" });
    await loadImages(page);
    await page.screenshot({ path: `${shots}/index-360.png`, fullPage: false });
    await page.screenshot({ path: `${shots}/index-360-full.png`, fullPage: true });
    out.phone = { scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth) };
    await page.$$eval("details", ds => ds.forEach(d => { d.open = true; }));
    out.phone.openScrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    out.phone.axe = await axe(page);

    // No JavaScript.
    const still = await browser.newPage();
    still.on("console", m => { if (m.type() === "error") out.errors.push(m.text()); });
    await still.setJavaScriptEnabled(false);
    await still.setViewport({ width: 1280, height: 900 });
    await still.goto(url, { waitUntil: "load" });
    out.noScript = {
      titles: await visibleTitles(still),
      links: await still.$$eval("a.download", as => as.filter(a => a.offsetParent !== null).map(a => a.href)),
      filtersShown: await still.$eval(".filters", el => el.offsetParent !== null),
      browse: await still.$$eval(".browse a", as => as.map(a => a.getAttribute("href"))),
      cards: await still.$$eval("li.book", cards => cards.map(c => c.id)),
    };

    // An empty library's page.
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(emptyUrl, { waitUntil: "load" });
    out.empty = { heading: await page.$eval("h2", h => h.textContent), axe: await axe(page) };
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


def searched(book: Book) -> str:
    """What the search box searches, as the script folds it: title, authors, site, subjects, summary."""
    return " ".join([book.title, *book.authors, book.site or "", *book.subjects, book.summary or ""]).casefold()


@pytest.fixture(scope="module")
def browsed(library: tuple[Path, list[Book]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One Chromium session over the library's index.html; what it saw, as JSON."""
    folder, _ = library
    shots = Path(SHOTS) if SHOTS else tmp_path_factory.mktemp("shots")
    shots.mkdir(parents=True, exist_ok=True)
    script = tmp_path_factory.mktemp("node") / "browse.js"
    script.write_text(BROWSER_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PUPPETEER_CORE": str(PUPPETEER), "CHROMIUM": CHROMIUM}
    url = (folder / "index.html").as_uri()
    empty = tmp_path_factory.mktemp("empty") / "index.html"
    empty.write_text(render_index([]), encoding="utf-8")
    done = subprocess.run(
        ["node", str(script), url, empty.as_uri(), str(AXE), str(shots), "keepers"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {**json.loads(done.stdout), "shots": str(shots)}


def local_file(url: str, folder: Path) -> Path:
    """The file a ``file://`` URL names, checked to lie inside ``folder``."""
    path = Path(unquote(urlsplit(url).path))
    assert path.resolve().is_relative_to(folder.resolve()), url
    return path


def test_every_download_and_thumbnail_resolves_to_a_file_in_the_folder(
    library: tuple[Path, list[Book]], browsed: dict
) -> None:
    folder, books = library
    links = browsed["wide"]["links"]
    assert len(links) == sum(len(b.downloads) for b in books) == 2 * len(books)
    for link in links:
        path = local_file(link["href"], folder)
        assert path.is_file(), link
        assert link["download"] and link["type"] in ("application/epub+zip", "application/pdf")
        assert link["text"] == f"{link['type'].split('+')[0].split('/')[1].upper()}, {human_size(path.stat().st_size)}"
    thumbs = browsed["wide"]["thumbs"]
    assert len(thumbs) == len(books)
    assert all(local_file(t["src"], folder).is_file() and t["loaded"] for t in thumbs), thumbs


def test_the_page_shows_every_book_newest_first_and_titles_as_text(
    library: tuple[Path, list[Book]], browsed: dict
) -> None:
    _, books = library
    assert browsed["wide"]["titles"] == [b.title for b in books]
    assert HOSTILE in browsed["wide"]["titles"]
    assert browsed["wide"]["pwned"] is False and browsed["wide"]["scripts"] == 1
    assert browsed["wide"]["filtersShown"] is True


def test_typing_a_word_leaves_only_the_matching_books(library: tuple[Path, list[Book]], browsed: dict) -> None:
    _, books = library
    expected = [b.title for b in books if "keepers" in searched(b)]
    assert 0 < len(expected) < len(books)
    assert browsed["search"]["titles"] == expected
    assert browsed["search"]["status"] == f"{len(expected)} books shown"
    assert browsed["cleared"]["titles"] == [b.title for b in books]
    assert browsed["cleared"]["status"] == f"{len(books)} books shown"
    assert browsed["nothing"] == {"titles": [], "message": True}
    assert browsed["afterShowAll"] == len(books)


def test_a_year_filter_leaves_that_years_books(library: tuple[Path, list[Book]], browsed: dict) -> None:
    _, books = library
    year = browsed["year"]["option"].split()[0]
    assert browsed["year"]["titles"] == [b.title for b in books if b.year == year]
    assert browsed["afterReset"] == len(books)


def test_no_horizontal_scroll_on_a_phone(browsed: dict) -> None:
    assert browsed["wide"]["scrollWidth"] <= 1280
    assert browsed["phone"]["scrollWidth"] <= 360, browsed["phone"]
    assert browsed["phone"]["openScrollWidth"] <= 360, browsed["phone"]
    for name in ("index-1280.png", "index-360.png"):
        with Pillow.open(Path(browsed["shots"]) / name) as shot:
            assert shot.width in (1280, 360)


def test_without_javascript_every_book_and_link_is_there(library: tuple[Path, list[Book]], browsed: dict) -> None:
    folder, books = library
    still = browsed["noScript"]
    assert still["titles"] == [b.title for b in books]
    assert len(still["links"]) == 2 * len(books) and all(local_file(h, folder).is_file() for h in still["links"])
    assert still["filtersShown"] is False  # the controls that need the script stay hidden without it
    assert len(still["cards"]) == len(books)
    assert {h.removeprefix("#") for h in still["browse"]} == set(still["cards"])  # every book, by every facet


def test_no_console_errors_and_no_axe_violations(browsed: dict) -> None:
    assert browsed["errors"] == []
    violations = {
        "1280 px": browsed["wide"]["axe"],
        "all open": browsed["openAxe"],
        "dark": browsed["darkAxe"],
        "360 px": browsed["phone"]["axe"],
        "empty library": browsed["empty"]["axe"],
    }
    assert browsed["empty"]["heading"] == "No books yet"
    assert violations == {key: [] for key in violations}, json.dumps(violations, indent=1)
