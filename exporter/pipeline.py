"""Read → clean → write for each item of a run, failures isolated, and the run's manifest."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from exporter import __version__
from exporter.clean import clean
from exporter.errors import ExporterError
from exporter.model import Article, RawArticle
from exporter.naming import UniqueNames
from exporter.readers.dispatch import expand_inputs, read_file
from exporter.resources import Resolver

FORMATS = ("epub", "pdf")


@dataclass
class Options:
    """What the user asked for: output folder, formats, paper size, media folder."""

    output_dir: Path
    formats: tuple[str, ...] = FORMATS
    paper: str = "a4"
    media_dir: Path | None = None


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

    @property
    def ok(self) -> bool:
        """True when the item was exported."""
        return self.error is None

    def to_json(self) -> dict[str, object]:
        """The manifest entry (DESIGN §7)."""
        entry: dict[str, object] = {
            "title": self.title,
            "source": {"path": self.source_path, "post_id": self.post_id, "url": self.url},
            "licence": self.licence,
            "outputs": self.outputs,
            "warnings": self.warnings,
            "status": "ok" if self.ok else "error",
        }
        if self.error is not None:
            entry["error"] = self.error
        return entry


Progress = Callable[[int, ItemResult], None]


def iter_raw(paths: list[Path]) -> Iterator[RawArticle | tuple[str, ExporterError]]:
    """Every raw article of the inputs, or (path, error) for an input that could not be read."""
    for item in expand_inputs(paths):
        if isinstance(item, ExporterError):
            yield (item.path or "", item)
            continue
        try:
            yield from read_file(item)
        except ExporterError as exc:
            yield (str(item), exc)


def clean_raw(raw: RawArticle, options: Options) -> Article:
    """The cleaner, with a resolver limited to the input's folder and --media."""
    roots = [p for p in (raw.base_dir, options.media_dir) if p is not None]
    return clean(raw, Resolver(roots=roots, media_dir=options.media_dir))


def export_article(article: Article, slug: str, options: Options) -> list[dict[str, object]]:
    """Write every requested format for one article; returns the manifest's output entries."""
    outputs: list[dict[str, object]] = []
    roots = [p for p in (article.source_path.parent, options.media_dir) if p is not None]
    for fmt in options.formats:
        final = options.output_dir / f"{slug}.{fmt}"
        tmp = final.with_name(f".{final.name}.part-{os.getpid()}")
        try:
            if fmt == "epub":
                from exporter.writers.epub import write_epub

                article.warnings += write_epub(article, tmp)
            else:
                from exporter.writers.pdf import write_pdf

                article.warnings += write_pdf(article, tmp, paper=options.paper, resource_roots=roots)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        data = final.read_bytes()
        outputs.append(
            {"format": fmt, "path": final.name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        )
    return outputs


def run_export(paths: list[Path], options: Options, progress: Progress | None = None) -> list[ItemResult]:
    """Export every item of ``paths``; one failing item never stops the others. Writes manifest.json."""
    options.output_dir.mkdir(parents=True, exist_ok=True)
    names = UniqueNames()
    results: list[ItemResult] = []
    for n, item in enumerate(iter_raw(paths), 1):
        if isinstance(item, tuple):
            path, exc = item
            result = ItemResult(source_path=path, error=exc.message)
        else:
            result = export_one(item, options, names)
        results.append(result)
        if progress:
            progress(n, result)
    write_manifest(options.output_dir, results)
    return results


def export_one(raw: RawArticle, options: Options, names: UniqueNames) -> ItemResult:
    """Clean and write one raw article, turning any failure into an error entry."""
    result = ItemResult(source_path=str(raw.source_path), title=raw.title, post_id=raw.post_id, url=raw.source_url)
    try:
        article = clean_raw(raw, options)
        result.title = article.title
        if article.licence:
            result.licence = {"id": article.licence.id, "url": article.licence.url}
        result.warnings = article.warnings
        result.outputs = export_article(article, names.take(article.title), options)
    except ExporterError as exc:
        result.error = exc.message
    except Exception as exc:  # a bug or a library failure must not end the batch
        result.error = f"internal error while exporting: {type(exc).__name__}: {exc}"
    return result


def write_manifest(output_dir: Path, results: list[ItemResult]) -> Path:
    """Write DIR/manifest.json atomically."""
    path = output_dir / "manifest.json"
    data = {"tool": f"exporter {__version__}", "items": [r.to_json() for r in results]}
    tmp = path.with_name(f".manifest.json.part-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
