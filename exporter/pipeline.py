"""Read → clean → write for each item of a run, failures isolated, and the run's manifest."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from exporter import __version__, dates
from exporter.bag import default_bagging_date, is_bag, make_bag, unbag
from exporter.clean import clean
from exporter.errors import ExporterError, UsageError
from exporter.messages import Message, error, info
from exporter.model import Article, RawArticle, Skipped
from exporter.naming import UniqueNames, slugify
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
from exporter.resources import Resolver
from exporter.rules import load_rules, registry_with_rules
from exporter.writers.registry import WriteOptions, formats, writer_for

FORMATS = formats()
"""The registered output formats (``epub``, ``pdf``): the default of a run."""
TMP_DIR = ".exporter-tmp"
MANIFEST_EVERY = 2.0
"""Seconds between rewrites of manifest.json during a run (so --resume works after a killed run)."""


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

    @property
    def tmp_dir(self) -> Path:
        """Where files are written before being renamed into place (same filesystem as the output)."""
        return self.output_dir / TMP_DIR


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

    @property
    def ok(self) -> bool:
        """True when the item was exported."""
        return self.error is None and self.skipped is None

    @property
    def status(self) -> str:
        """'ok', 'error' or 'skipped'."""
        return "error" if self.error is not None else "skipped" if self.skipped is not None else "ok"

    def to_json(self) -> dict[str, object]:
        """The manifest entry (DESIGN §7)."""
        entry: dict[str, object] = {
            "title": self.title,
            "source": {
                "path": self.source_path,
                "post_id": self.post_id,
                "url": self.url,
                "sha256": self.source_sha256,
            },
            "licence": self.licence,
            "outputs": self.outputs,
            **({"date": dates.utc_text(self.date) if self.date else None} if self.ok else {}),
            "warnings": [m.to_json() if isinstance(m, Message) else m for m in self.warnings],
            "status": self.status,
        }
        if self.resources:
            entry["resources"] = self.resources
        if self.error is not None:
            entry["error"] = self.error
        if self.skipped is not None:
            entry["reason"] = self.skipped
        return entry


Progress = Callable[[int, int, ItemResult], None]
RawItem = RawArticle | Skipped | tuple[str, ExporterError]


def iter_raw(paths: list[Input], options: Options | None = None) -> Iterator[RawItem]:
    """Every raw article or skipped post of the inputs, or (path, error) for an input that could not be read."""
    statuses = options.statuses if options else DEFAULT_STATUSES
    types = options.types if options else DEFAULT_TYPES
    for item in expand_inputs(paths):
        if isinstance(item, ExporterError):
            yield (item.path or "", item)
            continue
        try:
            yield from read_file(item, statuses, types)
        except ExporterError as exc:
            yield (exc.path or str(item), exc)


def named_raw(paths: list[Input], options: Options | None = None) -> Iterator[tuple[RawItem, str | None]]:
    """Every item of ``iter_raw`` with the base name its books get (None for skipped posts and unreadable inputs):
    the slug or title, made unique within the run in reading order. ``export`` and ``inspect`` both name by it."""
    names = UniqueNames()
    for item in iter_raw(paths, options):
        yield item, (names.take(output_slug(item)) if isinstance(item, RawArticle) else None)


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
    source = article.source_path.resolve()
    return sorted({shown_path(i.path) for i in article.images if i.path.resolve() != source})


def unused_files(unsupported: Sequence[tuple[Path, str]], used: Iterable[str]) -> list[tuple[Path, str]]:
    """The unsupported files of the input folders that no book embedded: an image beside a saved page that the
    page shows was used, not skipped."""
    taken = {Path(p).resolve() for p in used}
    return [(path, reason) for path, reason in unsupported if path.resolve() not in taken]


def count_raw(paths: list[Input], options: Options) -> int:
    """How many items the run will have (articles and unreadable inputs), for progress lines."""
    return sum(
        1 if isinstance(p, ExporterError) else count_items(p, options.statuses, options.types)
        for p in expand_inputs(paths)
    )


def clean_raw(raw: RawArticle, options: Options) -> Article:
    """The cleaner, with a resolver limited to the input's folder and --media, and the --rules file's handlers."""
    roots = [p for p in (raw.base_dir, options.media_dir) if p is not None]
    registry = registry_with_rules(raw, options.rules)
    return clean(raw, Resolver(roots=roots, media_dir=options.media_dir), registry)


def output_slug(raw: RawArticle) -> str:
    """The file name stem: the post's own slug, else the title, else the post id."""
    for candidate in (unquote(raw.slug or ""), " ".join(raw.title.split())):
        if slugify(candidate) != "article":
            return candidate
    return f"post-{raw.post_id}" if raw.post_id else "article"


def _write_all(
    output_dir: Path, stem: str, writes: dict[str, Callable[[Path], list[Message]]]
) -> tuple[list[dict[str, object]], list[Message]]:
    """Write every format into the run's temporary folder, then rename them all into place.

    ``writes`` maps a format name to the call that writes it. An item shows up whole or not at all: a failure,
    a timeout or kill -9 leaves no book of it behind.
    """
    tmp_dir = output_dir / TMP_DIR
    tmp_dir.mkdir(exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    messages: list[Message] = []
    try:
        for fmt, write in writes.items():
            final = output_dir / f"{stem}{writer_for(fmt).suffix}"
            tmp = tmp_dir / f"{final.name}.part-{os.getpid()}"
            staged.append((tmp, final))
            messages += write(tmp)
        outputs = []
        for (tmp, final), fmt in zip(staged, writes, strict=True):
            data = tmp.read_bytes()
            outputs.append(
                {
                    "format": fmt,
                    "path": final.name,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                }
            )
        for tmp, final in staged:
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


def export_article(article: Article, slug: str, options: Options) -> list[dict[str, object]]:
    """Write every requested format for one article; returns the manifest's output entries."""
    settings = write_options([article], options)
    writes = {fmt: _writing(fmt, article, settings) for fmt in options.formats}
    outputs, messages = _write_all(options.output_dir, slug, writes)
    article.warnings += messages
    return outputs


def _writing(fmt: str, article: Article, settings: WriteOptions) -> Callable[[Path], list[Message]]:
    return lambda path: writer_for(fmt).write(article, path, settings)


def export_bundle(title: str, articles: list[Article], options: Options) -> list[dict[str, object]]:
    """Write one book per requested format holding every article; returns the output entries."""
    settings = write_options(articles, options)

    def writing(fmt: str) -> Callable[[Path], list[Message]]:
        return lambda path: writer_for(fmt).write_bundle(title, articles, path, settings)

    outputs, _ = _write_all(options.output_dir, slugify(title), {fmt: writing(fmt) for fmt in options.formats})
    return outputs


@dataclass
class Task:
    """One article for a worker: what to read from, the output name, and the run's options."""

    raw: RawArticle
    slug: str
    options: Options


def export_task(task: Task) -> tuple[ItemResult, Article | None]:
    """The worker's job: clean one article and write its books (or return it for the bundle)."""
    bundle: list[tuple[ItemResult, Article]] | None = [] if task.options.bundle else None
    result = export_one(task.raw, task.options, task.slug, bundle)
    return result, (bundle[0][1] if bundle else None)


def _stub(raw: RawArticle) -> ItemResult:
    return ItemResult(
        source_path=str(raw.source_path),
        title=raw.title,
        post_id=raw.post_id,
        url=raw.source_url,
        source_sha256=raw.source_hash or None,
        published=raw.published,
        site_name=raw.site_name,
    )


def _previous(options: Options) -> dict[tuple[str, str | None], dict[str, object]]:
    """The last run's exported items by (source path, post id), for --resume."""
    path = options.output_dir / "manifest.json"
    if not options.resume or not path.is_file():
        return {}
    try:
        items = json.loads(path.read_text(encoding="utf-8")).get("items", [])
    except (OSError, ValueError, AttributeError):
        return {}
    return {
        (i["source"]["path"], i["source"].get("post_id")): i
        for i in items
        if isinstance(i, dict) and i.get("status") == "ok" and isinstance(i.get("source"), dict)
    }


def _unchanged(raw: RawArticle, slug: str, old: dict[str, object] | None, options: Options) -> ItemResult | None:
    """The earlier result when the source hash is the same and every output is there, intact; else None."""
    if old is None or not raw.source_hash or old["source"].get("sha256") != raw.source_hash:  # type: ignore[union-attr]
        return None
    when = dates.build_date([raw.published])
    if old.get("date") != (dates.utc_text(when) if when else None):
        return None  # the books would carry another date now (SOURCE_DATE_EPOCH changed)
    outputs = old.get("outputs") or []
    if sorted(o.get("format") for o in outputs) != sorted(options.formats):  # type: ignore[union-attr]
        return None
    for output in outputs:  # type: ignore[union-attr]
        path = options.output_dir / str(output.get("path"))
        if path.stem != slug or not path.is_file():
            return None
        if hashlib.sha256(path.read_bytes()).hexdigest() != output.get("sha256"):
            return None
    result = _stub(raw)
    result.title = old.get("title")  # type: ignore[assignment]
    result.licence = old.get("licence")  # type: ignore[assignment]
    result.outputs = list(outputs)  # type: ignore[arg-type]
    result.resources = [str(p) for p in old.get("resources", [])]  # type: ignore[union-attr]
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
    from exporter.readers.wxr import check_selection
    from exporter.writers.pdf import PAPERS
    from exporter.writers.pdf_archival import check_variant

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


def run_export(paths: list[Input], options: Options, progress: Progress | None = None) -> list[ItemResult]:
    """Export every item of ``paths`` in worker processes; one failing or stuck item never stops the others.

    Items are cleaned and written by ``options.jobs`` workers, each bounded by ``options.item_timeout``.
    Results and manifest.json are in reading order whatever the number of workers. manifest.json is
    rewritten every few seconds, so ``--resume`` after a killed run does only the missing work. With
    ``options.bundle`` the workers clean the articles and one bundle is written at the end.
    """
    from exporter.workers import WorkerPool

    check_options(options)
    options.output_dir.mkdir(parents=True, exist_ok=True)
    if is_bag(options.output_dir):
        unbag(options.output_dir)  # books back in place; --bag makes a fresh bag at the end
    shutil.rmtree(options.tmp_dir, ignore_errors=True)  # partial files of a killed run
    options.tmp_dir.mkdir()
    previous = _previous(options)
    unsupported = skipped_files(paths, options)
    total = count_raw(paths, options)
    results: dict[int, ItemResult] = {}
    articles: dict[int, Article] = {}
    done = 0
    last_manifest = time.monotonic()

    def record(index: int, result: ItemResult) -> None:
        nonlocal done, last_manifest
        results[index] = result
        if result.skipped is None:
            done += 1
        if progress:
            progress(done, max(total, done), result)
        if time.monotonic() - last_manifest >= MANIFEST_EVERY:
            write_manifest(options.output_dir, [results[i] for i in sorted(results)], options.bundle, unsupported)
            last_manifest = time.monotonic()

    stubs: dict[int, ItemResult] = {}

    def tasks() -> Iterator[tuple[int, Task]]:
        for index, (item, slug) in enumerate(named_raw(paths, options)):
            if isinstance(item, Skipped):
                record(index, ItemResult(str(item.source_path), item.title, item.post_id, skipped=item.reason))
            elif isinstance(item, tuple):
                failed = error("read", "bad-input", item[1].message)
                record(index, ItemResult(source_path=item[0], error=item[1].message, warnings=[failed]))
            else:
                assert slug is not None
                reused = None if options.bundle else _unchanged(item, slug, previous.get(_key(item)), options)
                if reused is not None:
                    record(index, reused)
                    continue
                stubs[index] = _stub(item)
                yield index, Task(item, slug, options)

    try:
        for outcome in WorkerPool(export_task, options.jobs, options.item_timeout).map(tasks()):
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
            _write_bundle(options, [(results[i], articles[i]) for i in sorted(articles)])
        unused = unused_files(unsupported, (f for r in ordered for f in r.resources))
        write_manifest(options.output_dir, ordered, options.bundle, unused)
    finally:
        shutil.rmtree(options.tmp_dir, ignore_errors=True)
    if options.bag:
        bag_output(options, ordered)
    return ordered


def bag_output(options: Options, results: list[ItemResult]) -> None:
    """Make the output folder a BagIt bag: books and manifest.json under data/, fixity manifests beside."""
    done = [r for r in results if r.ok]
    sites = Counter(r.site_name for r in done if r.site_name)
    description = options.bundle or f"{len(done)} article(s) exported by exporter {__version__}"
    make_bag(
        options.output_dir,
        source_organization=sites.most_common(1)[0][0] if sites else None,
        description=description,
        bagging_date=default_bagging_date(r.published for r in done),
    )


def _key(raw: RawArticle) -> tuple[str, str | None]:
    return (str(raw.source_path), raw.post_id)


def _write_bundle(options: Options, bundled: list[tuple[ItemResult, Article]]) -> None:
    """Write the bundle; its failure is recorded on every article it should have held."""
    try:
        outputs = export_bundle(options.bundle or "", [a for _, a in bundled], options)
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
    raw: RawArticle, options: Options, slug: str, bundle: list[tuple[ItemResult, Article]] | None = None
) -> ItemResult:
    """Clean one raw article and write it (or keep it for the bundle), turning any failure into an error entry."""
    result = _stub(raw)
    try:
        article = clean_raw(raw, options)
        result.title = article.title
        result.published, result.site_name = article.published, article.site_name
        if article.licence:
            result.licence = {"id": article.licence.id, "url": article.licence.url}
        result.warnings = article.warnings
        result.resources = used_files(article)
        if bundle is not None:
            bundle.append((result, article))
        else:
            result.outputs = export_article(article, slug, options)
            result.date = dates.build_date([article.published])
    except ExporterError as exc:
        result.error = exc.message
    except Exception as exc:  # a bug or a library failure must not end the batch
        result.error = f"internal error while exporting: {type(exc).__name__}: {exc}"
        result.warnings = [
            *result.warnings,
            error("export", "internal-error", result.error, detail=traceback.format_exc()),
        ]
    return result


def write_manifest(
    output_dir: Path,
    results: list[ItemResult],
    bundle: str | None = None,
    skipped_files: Sequence[tuple[Path, str]] = (),
) -> Path:
    """Write DIR/manifest.json atomically; ``skipped_files`` (files in input folders of no supported type) are
    listed after the items, when there are any."""
    path = output_dir / "manifest.json"
    data: dict[str, object] = {"tool": f"exporter {__version__}"}
    if bundle:
        data["bundle"] = bundle
    data["items"] = [r.to_json() for r in results]
    if skipped_files:
        data["skipped_files"] = [{"path": str(p), "reason": reason} for p, reason in skipped_files]
    tmp = path.with_name(f".manifest.json.part-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
