"""Read → clean → write for each item of a run, failures isolated, and the run's manifest."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from exporter import __version__
from exporter.clean import clean
from exporter.errors import ExporterError
from exporter.model import Article, RawArticle, Skipped
from exporter.naming import UniqueNames, slugify
from exporter.readers.dispatch import DEFAULT_STATUSES, DEFAULT_TYPES, count_items, expand_inputs, read_file
from exporter.resources import Resolver

FORMATS = ("epub", "pdf")


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


@dataclass
class ItemResult:
    """One item of a run, as the manifest records it."""

    source_path: str
    title: str | None = None
    post_id: str | None = None
    url: str | None = None
    licence: dict[str, str] | None = None
    outputs: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None

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
            "source": {"path": self.source_path, "post_id": self.post_id, "url": self.url},
            "licence": self.licence,
            "outputs": self.outputs,
            "warnings": self.warnings,
            "status": self.status,
        }
        if self.error is not None:
            entry["error"] = self.error
        if self.skipped is not None:
            entry["reason"] = self.skipped
        return entry


Progress = Callable[[int, int, ItemResult], None]
RawItem = RawArticle | Skipped | tuple[str, ExporterError]


def iter_raw(paths: list[Path], options: Options | None = None) -> Iterator[RawItem]:
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
            yield (str(item), exc)


def count_raw(paths: list[Path], options: Options) -> int:
    """How many items the run will have (articles and unreadable inputs), for progress lines."""
    return sum(
        1 if isinstance(p, ExporterError) else count_items(p, options.statuses, options.types)
        for p in expand_inputs(paths)
    )


def clean_raw(raw: RawArticle, options: Options) -> Article:
    """The cleaner, with a resolver limited to the input's folder and --media."""
    roots = [p for p in (raw.base_dir, options.media_dir) if p is not None]
    return clean(raw, Resolver(roots=roots, media_dir=options.media_dir))


def output_slug(raw: RawArticle, article: Article) -> str:
    """The file name stem: the post's own slug, else the title, else the post id."""
    for candidate in (unquote(raw.slug or ""), article.title):
        if slugify(candidate) != "article":
            return candidate
    return f"post-{raw.post_id}" if raw.post_id else "article"


def _atomic_write(final: Path, write: Callable[[Path], list[str]]) -> tuple[dict[str, object], list[str]]:
    """Write through a temporary name and rename, so a killed run never leaves a partial file."""
    tmp = final.with_name(f".{final.name}.part-{os.getpid()}")
    try:
        warnings = write(tmp)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    data = final.read_bytes()
    entry = {
        "format": final.suffix[1:],
        "path": final.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    return entry, warnings


def _roots(articles: list[Article], options: Options) -> list[Path]:
    roots = {a.source_path.parent for a in articles}
    if options.media_dir is not None:
        roots.add(options.media_dir)
    return sorted(roots)


def export_article(article: Article, slug: str, options: Options) -> list[dict[str, object]]:
    """Write every requested format for one article; returns the manifest's output entries."""
    from exporter.writers.epub import write_epub
    from exporter.writers.pdf import write_pdf

    outputs: list[dict[str, object]] = []
    roots = _roots([article], options)
    for fmt in options.formats:
        final = options.output_dir / f"{slug}.{fmt}"
        if fmt == "epub":
            entry, warnings = _atomic_write(final, lambda p: write_epub(article, p))
        else:
            entry, warnings = _atomic_write(
                final, lambda p: write_pdf(article, p, paper=options.paper, resource_roots=roots)
            )
        article.warnings += warnings
        outputs.append(entry)
    return outputs


def export_bundle(title: str, articles: list[Article], options: Options) -> list[dict[str, object]]:
    """Write one EPUB and/or one PDF holding every article; returns the output entries."""
    from exporter.writers.epub import write_epub_bundle
    from exporter.writers.pdf import write_pdf_bundle

    outputs: list[dict[str, object]] = []
    roots = _roots(articles, options)
    for fmt in options.formats:
        final = options.output_dir / f"{slugify(title)}.{fmt}"
        if fmt == "epub":
            entry, _ = _atomic_write(final, lambda p: write_epub_bundle(title, articles, p))
        else:
            entry, _ = _atomic_write(
                final, lambda p: write_pdf_bundle(title, articles, p, paper=options.paper, resource_roots=roots)
            )
        outputs.append(entry)
    return outputs


def run_export(paths: list[Path], options: Options, progress: Progress | None = None) -> list[ItemResult]:
    """Export every item of ``paths``; one failing item never stops the others. Writes manifest.json.

    With ``options.bundle`` the articles are cleaned one by one and written together at the end.
    """
    options.output_dir.mkdir(parents=True, exist_ok=True)
    names = UniqueNames()
    total = count_raw(paths, options)
    results: list[ItemResult] = []
    bundled: list[tuple[ItemResult, Article]] = []
    n = 0
    for item in iter_raw(paths, options):
        if isinstance(item, Skipped):
            result = ItemResult(
                source_path=str(item.source_path), title=item.title, post_id=item.post_id, skipped=item.reason
            )
        elif isinstance(item, tuple):
            n += 1
            result = ItemResult(source_path=item[0], error=item[1].message)
        else:
            n += 1
            result = export_one(item, options, names, bundled if options.bundle else None)
        results.append(result)
        if progress:
            progress(n, max(total, n), result)
    if options.bundle and bundled:
        try:
            outputs = export_bundle(options.bundle, [a for _, a in bundled], options)
        except ExporterError as exc:
            for result, _ in bundled:
                result.error = f"bundle not written: {exc.message}"
        except Exception as exc:
            for result, _ in bundled:
                result.error = f"bundle not written: internal error: {type(exc).__name__}: {exc}"
        else:
            for part, (result, _) in enumerate(bundled, 1):
                result.outputs = [{**o, "part": part} for o in outputs]
    write_manifest(options.output_dir, results, options.bundle)
    return results


def export_one(
    raw: RawArticle, options: Options, names: UniqueNames, bundle: list[tuple[ItemResult, Article]] | None = None
) -> ItemResult:
    """Clean one raw article and write it (or keep it for the bundle), turning any failure into an error entry."""
    result = ItemResult(source_path=str(raw.source_path), title=raw.title, post_id=raw.post_id, url=raw.source_url)
    try:
        article = clean_raw(raw, options)
        result.title = article.title
        if article.licence:
            result.licence = {"id": article.licence.id, "url": article.licence.url}
        result.warnings = article.warnings
        if bundle is not None:
            bundle.append((result, article))
        else:
            result.outputs = export_article(article, names.take(output_slug(raw, article)), options)
    except ExporterError as exc:
        result.error = exc.message
    except Exception as exc:  # a bug or a library failure must not end the batch
        result.error = f"internal error while exporting: {type(exc).__name__}: {exc}"
    return result


def write_manifest(output_dir: Path, results: list[ItemResult], bundle: str | None = None) -> Path:
    """Write DIR/manifest.json atomically."""
    path = output_dir / "manifest.json"
    data: dict[str, object] = {"tool": f"exporter {__version__}"}
    if bundle:
        data["bundle"] = bundle
    data["items"] = [r.to_json() for r in results]
    tmp = path.with_name(f".manifest.json.part-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
