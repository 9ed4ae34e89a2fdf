"""Read → clean → write for each item of a run, failures isolated, into the folder's catalog (manifest.json)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from exporter import __version__, dates
from exporter.bag import default_bagging_date, is_bag, update_bag
from exporter.clean import clean
from exporter.errors import ExporterError, UsageError
from exporter.library.catalog import Catalog, Entry, Key, journal
from exporter.library.folder import (
    become_bag,
    cover_path,
    library_root,
    name_is_free,
    prune_deleted,
    stem_for,
    thumbnail_path,
)
from exporter.library.identity import bundle_id, item_id, skipped_id, unreadable_id
from exporter.library.record import record_results, run_record, shown_input
from exporter.library.summary import summary_of
from exporter.media_paths import AttachedFiles
from exporter.messages import Message, error, info
from exporter.model import Article, Capture, RawArticle, Skipped
from exporter.naming import FALLBACK, UniqueNames, slugify
from exporter.readers.dispatch import (
    DEFAULT_STATUSES,
    DEFAULT_TYPES,
    STDIN,
    Input,
    count_items,
    expand_inputs,
    read_file,
    unsupported_files,
)
from exporter.readers.registry import Selection
from exporter.resources import Resolver
from exporter.rules import RuleData, load_rules, registry_with_rules
from exporter.writers.registry import WriteOptions, formats, load_writer, writer_for

if TYPE_CHECKING:
    from exporter.dask_backend import DaskBackend
    from exporter.workers import Outcome

PICTURES = ("cover", "thumbnail")
"""The files every item has beside its books: its cover and the cover's thumbnail."""
FORMATS = formats()
"""The registered output formats (``epub``, ``pdf``): the default of a run."""


def warm_writers(formats: Sequence[str]) -> None:
    """Import the writers of ``formats`` (WeasyPrint for PDF): a worker does it while the client reads."""
    for fmt in formats:
        load_writer(fmt)
    if "pdf" in formats:
        from exporter.writers.native_libraries import import_weasyprint

        import_weasyprint()


TMP_DIR = ".exporter-tmp"


@dataclass
class Options:
    """What the user asked for: output folder, formats, paper, media folder, WXR filters, bundle title."""

    output_dir: Path
    formats: tuple[str, ...] = FORMATS
    paper: str = "a4"
    media_dir: Path | None = None
    statuses: frozenset[str] = DEFAULT_STATUSES
    types: frozenset[str] = DEFAULT_TYPES
    bundle: str | None = None
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    item_timeout: float | None = 120.0
    resume: bool = False
    pdf_variant: str | None = None
    bag: bool = False
    rules: Path | None = None
    """A TOML rules file (--rules): shortcode handlers for a site's own plugins."""
    base_url: str | None = None
    """--base-url: the address the library is served from, for absolute links in its feeds (kept for later
    runs)."""
    run: int = 0
    """The run's number in the folder's catalog (set by :func:`run_export`)."""
    library_dir: Path | None = None
    """Where the books go: ``output_dir``, or its ``data/`` for a bag (set by :func:`run_export`)."""
    urls: tuple[str, ...] = ()
    """--url: the web archive pages to read, as glob patterns on their URLs (empty: every article page)."""
    at: datetime | None = None
    """--at: read the capture of each page nearest this moment (None: the latest)."""
    scheduler: str | None = None
    """--scheduler: a Dask scheduler's address, or ``local:N`` (docs/scale-out.md); None: ``jobs`` local
    worker processes."""

    @property
    def selection(self) -> Selection:
        """Which items the readers read (WXR statuses and types, web archive URLs and capture time)."""
        return Selection(self.statuses, self.types, self.urls, self.at)

    @property
    def root(self) -> Path:
        """The library folder: books, covers, manifest.json (``output_dir``, or a bag's ``data/``)."""
        return self.library_dir or self.output_dir

    @property
    def tmp_dir(self) -> Path:
        """Where files are written before being renamed into place (same filesystem as the output)."""
        return self.root / TMP_DIR


@dataclass
class ItemResult:
    """One item of a run, as the manifest records it."""

    source_path: str
    title: str | None = None
    post_id: str | None = None
    url: str | None = None
    licence: dict[str, str] | None = None
    outputs: list[dict[str, object]] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None
    source_sha256: str | None = None
    published: datetime | None = None
    """Not in the manifest: the publication date, for the bag's date."""
    date: datetime | None = None
    """The build date its books carry (docs/dates.md); the manifest's ``date``, null when none is known."""
    site_name: str | None = None
    """Not in the manifest: the site, for the bag's Source-Organization."""
    unchanged: bool = False
    """Not in the manifest (its record ``export/unchanged`` is): --resume found the books up to date."""
    resources: list[str] = field(default_factory=list)
    """The local files (images) the books embed, as :func:`shown_path` writes them; in the manifest when any."""
    missing_images: list[dict[str, object]] = field(default_factory=list)
    """The body's images not found (``Article.missing_images``: url, label, looked_for); in the manifest when any."""
    id: str = ""
    """The item's identity (exporter.library.identity)."""
    bundle: dict[str, str] | None = None
    """For a bundle's part: the bundle's ``id`` and ``title``."""
    run: int = 0
    """The run that wrote the entry."""
    authors: list[str] = field(default_factory=list)
    site_url: str | None = None
    language: str | None = None
    subjects: list[str] = field(default_factory=list)
    summary: str | None = None
    capture: dict[str, str | None] | None = None
    """For a page read from a web archive: the archive file, the WARC record it came from, its URL and capture
    time (the manifest's ``source.capture``)."""

    @property
    def ok(self) -> bool:
        """True when the item was exported."""
        return self.error is None and self.skipped is None

    @property
    def status(self) -> str:
        """'ok', 'error' or 'skipped'."""
        return "error" if self.error is not None else "skipped" if self.skipped is not None else "ok"

    def to_json(self) -> dict[str, object]:
        """The catalog entry (docs/library.md)."""
        entry: dict[str, object] = {
            "id": self.id,
            "title": self.title,
            **({"bundle": self.bundle} if self.bundle else {}),
            "authors": self.authors,
            "site": {"name": self.site_name, "url": self.site_url},
            "language": self.language,
            "published": dates.utc_text(self.published) if self.published else None,
            "subjects": self.subjects,
            "summary": self.summary,
            "source": {
                "path": self.source_path,
                "post_id": self.post_id,
                "url": self.url,
                "sha256": self.source_sha256,
                **({"capture": self.capture} if self.capture else {}),
            },
            "licence": self.licence,
            "outputs": self.outputs,
            **({"date": dates.utc_text(self.date) if self.date else None} if self.ok else {}),
            "warnings": [m.to_json() if isinstance(m, Message) else m for m in self.warnings],
            "status": self.status,
        }
        if self.resources:
            entry["resources"] = self.resources
        if self.missing_images:
            entry["missing_images"] = self.missing_images
        if self.error is not None:
            entry["error"] = self.error
        if self.skipped is not None:
            entry["reason"] = self.skipped
        entry["run"] = self.run
        return entry


Progress = Callable[[int, int, ItemResult], None]
RawItem = RawArticle | Skipped | tuple[str, ExporterError]


def iter_raw(paths: list[Input], options: Options | None = None) -> Iterator[RawItem]:
    """Every raw article or skipped post of the inputs, or (path, error) for an input that could not be read."""
    selection = options.selection if options else Selection()
    for item in expand_inputs(paths, besides=(options.output_dir,) if options else ()):
        if isinstance(item, ExporterError):
            yield (item.path or "", item)
            continue
        try:
            yield from read_file(item, selection)
        except ExporterError as exc:
            yield (exc.path or str(item), exc)


def named_raw(
    paths: list[Input], options: Options | None = None, name: Callable[[RawArticle], str] | None = None
) -> Iterator[tuple[RawItem, str | None]]:
    """Every item of ``iter_raw`` with the base name its books get (None for skipped posts and unreadable inputs).
    ``name`` gives it (``export`` names against the output folder, :func:`folder_namer`); by default the slug or
    title, made unique within the run in reading order, as ``inspect`` shows it."""
    if name is None:
        names = UniqueNames()

        def name(raw: RawArticle) -> str:
            return names.take(output_slug(raw))

    for item in iter_raw(paths, options):
        yield item, (name(item) if isinstance(item, RawArticle) else None)


def folder_namer(catalog: Catalog, options: Options) -> Callable[[RawArticle], str]:
    """Names for a run into a library folder: an item the catalog knows keeps its name; a new one gets its slug,
    or ``slug-2``… when another item's book or any other file (a user's own) already bears it."""
    names = UniqueNames(name_is_free(catalog.root, catalog, (writer_for(f).suffix for f in formats())))

    def name(raw: RawArticle) -> str:
        return stem_for(catalog, (item_id(raw), None)) or names.take(output_slug(raw))

    return name


def skipped_files(paths: list[Input], options: Options, *, writing: bool = True) -> list[tuple[Path, str]]:
    """The files of unsupported types left out of the input folders, with the reason. The media folder and (when
    ``writing``: export, not inspect) the output folder are no inputs: their files are not listed when they lie
    inside an input folder."""
    return unsupported_files(paths, besides=(options.media_dir, options.output_dir if writing else None))


def shown_path(path: Path) -> str:
    """A local file as the manifest names it: relative to the current folder when it lies under it, else
    absolute (as the paths a user types)."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


def used_files(article: Article) -> list[str]:
    """The local files an article's books embed (its images; not the article's own source file)."""
    return used_paths([i.path for i in article.images], article.source_path)


def used_paths(paths: Iterable[Path], source: Path) -> list[str]:
    """Of an article's image paths, the files as the manifest names them, leaving out its own source file."""
    resolved = source.resolve()
    return sorted({shown_path(p) for p in paths if p.resolve() != resolved})


def unused_files(unsupported: Sequence[tuple[Path, str]], used: Iterable[str]) -> list[tuple[Path, str]]:
    """The unsupported files of the input folders that no book embedded: an image beside a saved page that the
    page shows was used, not skipped."""
    taken = {Path(p).resolve() for p in used}
    return [(path, reason) for path, reason in unsupported if path.resolve() not in taken]


def count_raw(paths: list[Input], options: Options) -> int:
    """How many items the run will have (articles and unreadable inputs), for progress lines."""
    return sum(
        1 if isinstance(p, ExporterError) else count_items(p, options.selection)
        for p in expand_inputs(paths, besides=(options.output_dir,))
    )


def clean_raw(
    raw: RawArticle, options: Options, resolver: Resolver | None = None, rules: RuleData | None = None
) -> Article:
    """The cleaner, with a resolver limited to the input's folder and --media (:func:`resolver_for`, unless
    ``resolver`` is given), and the --rules file's handlers (read from the file, unless ``rules`` holds them)."""
    registry = registry_with_rules(raw, options.rules, rules)
    return clean(raw, resolver or resolver_for(raw, options), registry)


def resolver_for(raw: RawArticle, options: Options) -> Resolver:
    """The resolver of one article: its input's folder and --media, its web archive, the site's attachments."""
    roots = [p for p in (raw.base_dir, options.media_dir) if p is not None]
    uploads = AttachedFiles(raw.attachments)
    return Resolver(roots, options.media_dir, archive=raw.archive, uploads=uploads)


def output_slug(raw: RawArticle) -> str:
    """The file name stem: the post's own slug, else its title, else (for a file holding one article) the input
    file's name, else the post id; each spelt in ASCII (:func:`exporter.naming.slugify`), the first that gives
    something to read. Never a counter's ``article-N``: the run's order does not name a book."""
    candidates = [unquote(raw.slug or ""), " ".join(raw.title.split())]
    if raw.source_xml is None and raw.source_path.name:  # a WXR file holds many posts: its name names none
        candidates.append(raw.source_path.stem)
    for candidate in candidates:
        if slugify(candidate) != FALLBACK:
            return candidate
    return f"post-{raw.post_id}" if raw.post_id else FALLBACK


Write = tuple[str, Callable[[Path], list[Message]]]
"""A file of an item: its path relative to the library folder, and the call that writes it."""


@dataclass
class Commit:
    """How an item's files go into the library folder: which existing files are its own (and may be replaced),
    and the journal entry announcing them (the catalog entry, given the outputs)."""

    root: Path
    own: frozenset[str] = frozenset()
    announce: Callable[[list[dict[str, object]]], Entry] | None = None


def write_all(commit: Commit, writes: dict[str, Write]) -> tuple[list[dict[str, object]], list[Message]]:
    """Write every file of an item into the run's temporary folder, then rename them all into place.

    ``writes`` maps a format name to the file's path and the call that writes it. An item shows up whole or not
    at all: a failure, a timeout or kill -9 leaves no book of it behind. A file already at one of the paths that
    is not the item's own (a user's file, another item's book) is never replaced: the item fails instead. The
    item's catalog entry is announced in the journal before the renames.
    """
    root = commit.root
    tmp_dir = root / TMP_DIR
    tmp_dir.mkdir(exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    messages: list[Message] = []
    try:
        for fmt, (rel, write) in writes.items():
            final = root / rel
            if rel not in commit.own and os.path.lexists(final):
                raise ExporterError(f"{rel} exists and is not this item's: not replaced (nothing of the item written)")
            tmp = tmp_dir / f"{fmt}-{final.name}.part-{os.getpid()}"
            staged.append((tmp, final))
            messages += [m for m in write(tmp) if m not in messages]  # a note every format makes is told once
        outputs: list[dict[str, object]] = []
        for (tmp, final), fmt in zip(staged, writes, strict=True):
            data = tmp.read_bytes()
            outputs.append(
                {
                    "format": fmt,
                    "path": final.relative_to(root).as_posix(),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                }
            )
        if commit.announce is not None:
            journal(root, commit.announce(outputs))
        for tmp, final in staged:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return outputs, messages


def write_options(articles: list[Article], options: Options) -> WriteOptions:
    """What the writers get: paper, PDF variant, and the folders resources may come from (the inputs' folders
    and --media)."""
    roots = {a.source_path.parent for a in articles if str(a.source_path) != STDIN}  # stdin: in no folder
    if options.media_dir is not None:
        roots.add(options.media_dir)
    return WriteOptions(paper=options.paper, variant=options.pdf_variant, resource_roots=tuple(sorted(roots)))


def export_article(
    article: Article, slug: str, options: Options, commit: Commit | None = None
) -> list[dict[str, object]]:
    """Write every requested format for one article, its cover and the cover's thumbnail; returns the catalog's
    output entries."""
    outputs, messages = write_all(commit or Commit(options.root), book_writes(article, slug, options))
    article.warnings += messages
    return outputs


def book_writes(article: Article, slug: str, options: Options) -> dict[str, Write]:
    """The files of one article: a book per requested format, its cover and the cover's thumbnail."""
    from exporter.writers.cover import article_cover

    cover = article_cover(article)
    settings = dataclasses.replace(write_options([article], options), cover=cover)
    writes = {fmt: _writing(fmt, slug, article, settings) for fmt in options.formats}
    return {**writes, **_pictures(slug, cover)}


def _writing(fmt: str, slug: str, article: Article, settings: WriteOptions) -> Write:
    writer = writer_for(fmt)
    return f"{slug}{writer.suffix}", lambda path: writer.write(article, path, settings)


def _pictures(slug: str, cover: bytes) -> dict[str, Write]:
    """The cover and its thumbnail, kept beside the books for the reader's page and the OPDS catalog."""
    from exporter.writers.cover import thumbnail

    def keep(data: bytes) -> Callable[[Path], list[Message]]:
        def write(path: Path) -> list[Message]:
            path.write_bytes(data)
            return []

        return write

    return {"cover": (cover_path(slug), keep(cover)), "thumbnail": (thumbnail_path(slug), keep(thumbnail(cover)))}


def export_bundle(
    title: str, articles: list[Article], options: Options, slug: str, commit: Commit
) -> list[dict[str, object]]:
    """Write one book per requested format holding every article, its cover and thumbnail; returns the output
    entries."""
    from exporter.writers.cover import bundle_cover

    cover = bundle_cover(title, articles)
    settings = dataclasses.replace(write_options(articles, options), cover=cover)

    def writing(fmt: str) -> Write:
        writer = writer_for(fmt)
        return f"{slug}{writer.suffix}", lambda path: writer.write_bundle(title, articles, path, settings)

    writes = {fmt: writing(fmt) for fmt in options.formats}
    outputs, _ = write_all(commit, {**writes, **_pictures(slug, cover)})
    return outputs


@dataclass
class Task:
    """One article for a worker: what to read from, the output name, the item's own files, and the run's
    options."""

    raw: RawArticle
    slug: str
    options: Options
    own: frozenset[str] = frozenset()


def export_task(task: Task) -> tuple[ItemResult, Article | None]:
    """The worker's job: clean one article and write its books (or return it for the bundle)."""
    bundle: list[tuple[ItemResult, Article]] | None = [] if task.options.bundle else None
    result = export_one(task.raw, task.options, task.slug, bundle, task.own)
    return result, (bundle[0][1] if bundle else None)


def stub_result(raw: RawArticle, options: Options | None = None) -> ItemResult:
    """An item's entry from what the reader found, before it is cleaned (its source, identity, capture)."""
    bundle = {"id": bundle_id(options.bundle), "title": options.bundle} if options and options.bundle else None
    return ItemResult(
        source_path=str(raw.source_path),
        title=raw.title,
        post_id=raw.post_id,
        url=raw.source_url,
        source_sha256=raw.source_hash or None,
        published=raw.published,
        site_name=raw.site_name,
        id=item_id(raw),
        bundle=bundle,
        run=options.run if options else 0,
        authors=list(raw.authors),
        site_url=raw.site_url,
        language=raw.language,
        subjects=list(raw.subjects),
        capture=capture_record(raw.capture) if raw.capture else None,
    )


def capture_record(capture: Capture) -> dict[str, str | None]:
    """A web archive capture as the manifest records it: the archive file (and the WARC inside a WACZ), the
    record's id, the page's URL and the capture time."""
    return {
        "archive": shown_path(capture.archive),
        "member": capture.member,
        "record_id": capture.record_id,
        "target_uri": capture.target_uri,
        "captured": dates.utc_text(capture.captured),
    }


def _own_files(catalog: Catalog) -> Callable[[Key], frozenset[str]]:
    """The files the catalog says are an item's (or, for a bundle, any of its parts'): these may be replaced.
    The catalog is indexed once per run, so a large library costs no scan per item."""
    index: dict[Key, set[str]] = {}
    for key, output in catalog.outputs():
        index.setdefault(key, set()).add(str(output["path"]))
        if key[1] is not None:
            index.setdefault((key[1], None), set()).add(str(output["path"]))

    def own(key: Key) -> frozenset[str]:
        return frozenset(index.get(key, ()))

    return own


def _unchanged(raw: RawArticle, slug: str, old: dict[str, object] | None, options: Options) -> ItemResult | None:
    """The earlier result when the source hash is the same and every output is there, intact; else None."""
    if old is None or old.get("status") != "ok" or not raw.source_hash:
        return None
    if old["source"].get("sha256") != raw.source_hash:  # type: ignore[union-attr]
        return None
    when = dates.build_date([raw.published])
    if old.get("date") != (dates.utc_text(when) if when else None):
        return None  # the books would carry another date now (SOURCE_DATE_EPOCH changed)
    outputs = old.get("outputs") or []
    books = sorted(o.get("format") for o in outputs if o.get("format") not in PICTURES)  # type: ignore[union-attr]
    if books != sorted(options.formats) or len(outputs) != len(books) + len(PICTURES):  # type: ignore[arg-type]
        return None
    for output in outputs:  # type: ignore[union-attr]
        path = options.root / str(output.get("path"))
        if path.stem != slug or not path.is_file():
            return None
        if hashlib.sha256(path.read_bytes()).hexdigest() != output.get("sha256"):
            return None
    result = stub_result(raw, options)
    result.title = old.get("title")  # type: ignore[assignment]
    result.licence = old.get("licence")  # type: ignore[assignment]
    result.summary = old.get("summary")  # type: ignore[assignment]
    result.language = old.get("language")  # type: ignore[assignment]
    result.outputs = list(outputs)  # type: ignore[arg-type]
    result.resources = [str(p) for p in old.get("resources", [])]  # type: ignore[union-attr]
    result.missing_images = list(old.get("missing_images", []))  # type: ignore[call-overload]
    result.date = when
    result.warnings = [
        *(Message.from_json(m) for m in old.get("warnings", [])),  # type: ignore[union-attr]
        info("export", "unchanged", "unchanged since the last run: not exported again (--resume)"),
    ]
    result.unchanged = True
    return result


def check_options(options: Options) -> None:
    """Raise UsageError, before any work, for what no stage could carry out: a format, paper or PDF variant no
    writer knows, a post type that is never an article, a status or type that is not a WordPress name, a bad
    rules file."""
    from exporter.readers.registry import check_selection
    from exporter.writers.pdf_options import PAPERS, check_variant

    unknown = [f for f in options.formats if f not in formats()]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r} (choose from {', '.join(formats())})")
    if options.paper not in PAPERS:
        raise UsageError(f"unknown paper {options.paper!r} (choose from {', '.join(PAPERS)})")
    check_variant(options.pdf_variant)
    for option, names in (("--status", options.statuses), ("--type", options.types)):
        if not names:
            raise UsageError(f"{option}: give at least one name")
        bad = sorted(n for n in names if not re.fullmatch(r"[a-z0-9_-]+", n))  # WordPress's sanitize_key
        if bad:
            raise UsageError(f"{option}: {bad[0]!r} is not a WordPress name (lowercase letters, digits, - and _)")
    try:
        check_selection(options.statuses, options.types)
    except UsageError as exc:
        raise UsageError(f"--type: {exc.message}") from None
    if options.rules is not None:
        load_rules(options.rules)
    if options.scheduler is not None:
        from exporter.dask_backend import check_scheduler

        check_scheduler(options.scheduler)


def run_export(
    paths: list[Input], options: Options, progress: Progress | None = None, notes: list[str] | None = None
) -> list[ItemResult]:
    """Export every item of ``paths`` into the library folder; one failing or stuck item never stops the others.

    Items are cleaned and written by ``options.jobs`` worker processes (or, with ``options.scheduler``, on a
    Dask cluster: :mod:`exporter.dask_backend`), each bounded by ``options.item_timeout``, and
    folded into the folder's catalog (manifest.json) in reading order whatever the number of workers. The
    catalog keeps every earlier run's books; an item exported before keeps its name; a new item never takes a
    name that is in use. A run killed with kill -9 leaves the old catalog, and its journal lets the next run
    know the books it wrote. With ``options.bundle`` the workers clean the articles and one bundle is written at
    the end. With ``options.bag`` the folder is (or becomes) a BagIt bag, updated in place. The run's notes
    (books deleted by hand, dropped from the catalog) are appended to ``notes``.
    """
    check_options(options)
    backend = start_backend(options)
    try:
        return _run(paths, options, backend, progress, notes)
    finally:
        if backend is not None:
            backend.close()


def start_backend(options: Options) -> DaskBackend | None:
    """With --scheduler: the Dask client, connected (or its local cluster starting while the client reads)."""
    if options.scheduler is None:
        return None
    from exporter.dask_backend import DaskBackend

    backend = DaskBackend(options.scheduler, options.item_timeout, options.formats)
    backend.start()
    return backend


def _outcomes(
    tasks: Iterator[tuple[int, Task]], options: Options, backend: DaskBackend | None, items: int = 0
) -> Iterator[Outcome]:
    """Each task's outcome as it finishes, from the local worker processes or the Dask cluster; the value is
    ``(ItemResult, Article | None)`` either way (a Dask worker's books are committed here, by the client)."""
    if backend is None:
        from exporter.workers import WorkerPool

        jobs = max(1, min(options.jobs, items)) if items else options.jobs
        pool = WorkerPool(export_task, jobs, options.item_timeout, partial(warm_writers, options.formats))
        yield from pool.map(tasks)
        return
    from exporter.remote_item import commit_rendered, rules_of

    for outcome in backend.map(tasks, rules_of(options)):
        if outcome.error is None:
            item, rendered = outcome.value
            task = item.task
            result = commit_rendered(rendered, task.raw.source_path, options, task.own)
            outcome.value = (result, rendered.article)
        yield outcome


def _run(
    paths: list[Input],
    options: Options,
    backend: DaskBackend | None,
    progress: Progress | None,
    notes: list[str] | None,
) -> list[ItemResult]:
    from exporter.library.publish import publish

    output_dir = options.output_dir
    root = library_root(output_dir, bag=options.bag)  # refuses a bag without --bag, before any change
    Catalog.load(output_dir if options.bag and not is_bag(output_dir) else root)  # refuses a foreign manifest
    output_dir.mkdir(parents=True, exist_ok=True)
    if options.bag and not is_bag(output_dir):
        become_bag(output_dir)
    root.mkdir(exist_ok=True)
    options.library_dir = root
    catalog = Catalog.load(root)
    if options.base_url is not None:
        catalog.base_url = options.base_url or None
    recovered = catalog.fold_journal()
    run_notes = prune_deleted(catalog)
    if recovered:
        run_notes.append(f"{recovered} item(s) written by a run that was stopped were taken into the catalog")
    options.run = catalog.next_run
    shutil.rmtree(options.tmp_dir, ignore_errors=True)  # partial files of a killed run
    options.tmp_dir.mkdir()
    unsupported = skipped_files(paths, options)
    total = count_raw(paths, options)
    results: dict[int, ItemResult] = {}
    articles: dict[int, Article] = {}
    done = 0

    def record(index: int, result: ItemResult) -> None:
        nonlocal done
        results[index] = result
        if result.skipped is None:
            done += 1
        if progress:
            progress(done, max(total, done), result)

    stubs: dict[int, ItemResult] = {}
    namer = folder_namer(catalog, options)
    own = _own_files(catalog)

    def tasks() -> Iterator[tuple[int, Task]]:
        for index, (item, slug) in enumerate(named_raw(paths, options, namer)):
            if isinstance(item, Skipped):
                skipped = ItemResult(str(item.source_path), item.title, item.post_id, url=item.source_url)
                skipped.skipped, skipped.warnings = item.reason, list(item.warnings)
                skipped.id, skipped.run = skipped_id(item), options.run
                record(index, skipped)
            elif isinstance(item, tuple):
                failed = error("read", "bad-input", item[1].message)
                result = ItemResult(source_path=item[0], error=item[1].message, warnings=[failed])
                result.id, result.run = unreadable_id(item[0]), options.run
                record(index, result)
            else:
                assert slug is not None
                key = (item_id(item), None)
                earlier = catalog.get(key) if options.resume and not options.bundle else None
                reused = _unchanged(item, slug, earlier, options)
                if reused is not None:
                    record(index, reused)
                    continue
                stubs[index] = stub_result(item, options)
                yield index, Task(item, slug, options, own(key))

    try:
        for outcome in _outcomes(tasks(), options, backend, total):
            if outcome.error is not None:
                result = stubs[outcome.index]
                result.error = outcome.error
                if outcome.detail:
                    failure = error("export", "internal-error", outcome.error, detail=outcome.detail)
                else:
                    failure = error("export", "item-stopped", outcome.error)
                result.warnings = [failure]
            else:
                result, article = outcome.value
                if article is not None:
                    articles[outcome.index] = article
            record(outcome.index, result)
        ordered = [results[i] for i in sorted(results)]
        if options.bundle and articles:
            _write_bundle(options, catalog, [(results[i], articles[i]) for i in sorted(articles)])
        entries = [r.to_json() for r in ordered]
        record_results(catalog, entries, bundle_id(options.bundle) if options.bundle else None)
        unused = unused_files(unsupported, (f for r in ordered for f in r.resources))
        inputs = [shown_input(p) for p in paths]
        catalog.runs.append(run_record(options.run, inputs, entries, run_notes))
        if unused:
            catalog.runs[-1]["skipped_files"] = [{"path": str(p), "reason": reason} for p, reason in unused]
        run_notes += publish(catalog)
        catalog.save()
        catalog.drop_journal()
    finally:
        shutil.rmtree(options.tmp_dir, ignore_errors=True)
    if options.bag:
        bag_output(options.output_dir, catalog)
    if notes is not None:
        notes += run_notes
    return ordered


def bag_output(output_dir: Path, catalog: Catalog) -> None:
    """Bring the bag up to date with its payload: every book of the catalog, counted, with the date rule's
    Bagging-Date (the latest publication date of the books, or SOURCE_DATE_EPOCH)."""
    done = [e for e in catalog.entries.values() if e.get("status") == "ok"]
    sites = Counter((e.get("site") or {}).get("name") for e in done if (e.get("site") or {}).get("name"))
    books = {str(o["path"]) for e in done for o in e.get("outputs") or [] if o.get("format") not in PICTURES}
    published = [datetime.fromisoformat(str(e["published"])) for e in done if e.get("published")]
    update_bag(
        output_dir,
        source_organization=sites.most_common(1)[0][0] if sites else None,
        description=f"{len(done)} article(s) in {len(books)} book file(s), exported by exporter {__version__}",
        bagging_date=default_bagging_date(published),
    )


def _write_bundle(options: Options, catalog: Catalog, bundled: list[tuple[ItemResult, Article]]) -> None:
    """Write the bundle; its failure is recorded on every article it should have held."""
    title = options.bundle or ""
    key = (bundle_id(title), None)
    slug = stem_for(catalog, key) or UniqueNames(
        name_is_free(catalog.root, catalog, (writer_for(f).suffix for f in formats()))
    ).take(title)
    try:
        outputs = export_bundle(
            title, [a for _, a in bundled], options, slug, Commit(options.root, _own_files(catalog)(key))
        )
    except ExporterError as exc:
        for result, _ in bundled:
            result.error = f"bundle not written: {exc.message}"
    except Exception as exc:
        for result, _ in bundled:
            result.error = f"bundle not written: internal error: {type(exc).__name__}: {exc}"
    else:
        when = dates.build_date(a.published for _, a in bundled)
        for part, (result, _) in enumerate(bundled, 1):
            result.outputs = [{**o, "part": part} for o in outputs]
            result.date = when


def export_one(
    raw: RawArticle,
    options: Options,
    slug: str,
    bundle: list[tuple[ItemResult, Article]] | None = None,
    own: frozenset[str] = frozenset(),
) -> ItemResult:
    """Clean one raw article and write it (or keep it for the bundle), turning any failure into an error entry."""
    result = stub_result(raw, options)
    with failure_recorded(result):
        article = clean_raw(raw, options)
        describe(result, article)
        result.resources = used_files(article)
        if bundle is not None:
            bundle.append((result, article))
        else:
            result.date = dates.build_date([article.published])
            result.outputs = export_article(article, slug, options, Commit(options.root, own, announcer(result)))
    return result


def describe(result: ItemResult, article: Article) -> None:
    """Fill an item's entry from its cleaned article: title, dates, authors, language, licence, warnings."""
    result.title = article.title
    result.published, result.site_name = article.published, article.site_name
    result.authors, result.language = list(article.authors), article.language
    result.subjects, result.summary = list(article.subjects), summary_of(article)
    if article.licence:
        result.licence = {"id": article.licence.id, "url": article.licence.url, "name": article.licence.name}
    result.warnings = article.warnings
    result.missing_images = [m.to_json() for m in article.missing_images]


def announcer(result: ItemResult) -> Callable[[list[dict[str, object]]], Entry]:
    """The journal entry of an item about to be committed: its catalog entry with these outputs."""

    def announce(outputs: list[dict[str, object]]) -> Entry:
        return {**result.to_json(), "outputs": outputs}

    return announce


@contextmanager
def failure_recorded(result: ItemResult) -> Iterator[None]:
    """Turn any failure inside the block into the item's error: one failing item never ends the batch."""
    try:
        yield
    except ExporterError as exc:
        result.error = exc.message
    except Exception as exc:  # a bug or a library failure must not end the batch
        result.error = f"internal error while exporting: {type(exc).__name__}: {exc}"
        result.warnings = [
            *result.warnings,
            error("export", "internal-error", result.error, detail=traceback.format_exc()),
        ]
