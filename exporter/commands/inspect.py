"""``exporter inspect``: what the cleaner finds and does for each item, and the file names export would give,
without writing any book."""

from __future__ import annotations

import json
import sys
import traceback
from datetime import datetime
from pathlib import Path

import click
import lxml.html

from exporter import __version__, dates
from exporter.commands.common import check_usage, echo_messages, names, records, selection_options
from exporter.errors import ExporterError
from exporter.messages import Message, by_stage, error
from exporter.model import Article, Skipped
from exporter.pipeline import (
    FORMATS,
    Options,
    capture_record,
    clean_raw,
    named_raw,
    skipped_files,
    unused_files,
    used_files,
)
from exporter.resources import shown
from exporter.writers.registry import writer_for


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@selection_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document: each item with its messages as records (stage, code, level, text).",
)
@click.option("-v", "--verbose", is_flag=True, help="Also show an internal error's traceback.")
def inspect(
    inputs: tuple[str, ...],
    statuses: str,
    types: str,
    urls: tuple[str, ...],
    at: datetime | None,
    media_dir: Path | None,
    rules: Path | None,
    name: str | None,
    as_json: bool,
    verbose: bool,
) -> None:
    """Show what the cleaner finds and does for each item of INPUTS (- reads standard input), and the file names
    `export` would give its books, without writing any."""
    options = Options(
        output_dir=Path("."),
        media_dir=media_dir,
        rules=rules,
        statuses=names(statuses, "--status"),
        types=names(types, "--type"),
        urls=urls,
        at=at,
    )
    paths = check_usage(inputs, name, options)
    items: list[dict[str, object]] = []
    used: list[str] = []
    failed = 0
    for item, slug in named_raw(paths, options):
        if isinstance(item, Skipped):
            entry: dict[str, object] = {
                "source": {"path": str(item.source_path), "post_id": item.post_id, "url": item.source_url},
                "title": item.title,
                "status": "skipped",
                "reason": item.reason,
                "warnings": [m.to_json() for m in item.warnings],
            }
            if not as_json:
                what = f"post {item.post_id} {item.title!r}" if item.post_id else item.title
                click.echo(f"{item.source_path}: skipped {what}: {item.reason}")
        elif isinstance(item, tuple):
            entry = _failed_entry(item[0], None, None, item[1].message)
        else:
            try:
                article = clean_raw(item, options)
            except ExporterError as exc:
                entry = _failed_entry(str(item.source_path), item.post_id, item.title, exc.message)
            except Exception as exc:  # a bug or a library failure: this item fails, the others are inspected
                text = f"internal error while cleaning: {type(exc).__name__}: {exc}"
                record = error("clean", "internal-error", text, detail=traceback.format_exc())
                entry = _failed_entry(str(item.source_path), item.post_id, item.title, text, record)
            else:
                used += used_files(article)
                entry = _inspected(article, slug or "")
                if not as_json:
                    _echo_article(article, entry)
        if entry["status"] == "error":
            failed += 1
            if not as_json:
                click.echo(f"error: {entry['source']['path']}: {entry['error']}", err=True)  # type: ignore[index]
                if verbose:
                    echo_messages(Message.from_json(m) for m in entry["warnings"])  # type: ignore[attr-defined]
        items.append(entry)
    unsupported = unused_files(skipped_files(paths, options, writing=False), used)
    if not as_json:
        for path, reason in unsupported:
            click.echo(f"{path}: skipped ({reason})")
    if as_json:
        skipped = [{"path": str(p), "reason": reason} for p, reason in unsupported]
        document = {"tool": f"exporter {__version__}", "items": items, "skipped_files": skipped}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    sys.exit(1 if failed else 0)


def _failed_entry(
    path: str, post_id: str | None, title: str | None, text: str, record: Message | None = None
) -> dict[str, object]:
    """An item that could not be read or cleaned, as ``inspect --json`` lists it (as the manifest does)."""
    return {
        "source": {"path": path, "post_id": post_id},
        "title": title,
        "status": "error",
        "error": text,
        "warnings": [record.to_json()] if record else [],
    }


def _inspected(article: Article, slug: str) -> dict[str, object]:
    """What the cleaner found for one article, as ``inspect --json`` lists it: ``name`` is the base name of its
    books and ``files`` their names in the default formats, as ``export`` would write them."""
    body = lxml.html.fragment_fromstring(article.body or "<p></p>", create_parent="div")
    return {
        "source": {
            "path": str(article.source_path),
            "post_id": article.post_id,
            "url": article.source_url,
            **({"capture": capture_record(article.capture)} if article.capture else {}),
        },
        "title": article.title,
        "name": slug,
        "files": [f"{slug}{writer_for(fmt).suffix}" for fmt in FORMATS],
        "subtitle": article.subtitle,
        "authors": list(article.authors),
        "date": article.published.isoformat() if article.published else None,
        "site": article.site_name,
        "language": article.language,
        "licence": (
            {"id": article.licence.id, "url": article.licence.url, "name": article.licence.name}
            if article.licence
            else None
        ),
        "images": len(article.images),
        "missing_images": [m.to_json() for m in article.missing_images],
        "notes": len(article.footnotes),
        "words": len(body.text_content().split()),
        "status": "ok",
        "warnings": [m.to_json() for m in records(article.warnings)],
    }


def _echo_article(article: Article, entry: dict[str, object]) -> None:
    """One article's findings and decisions for people: fields, then the messages by stage."""
    licence = f"{article.licence.id} <{article.licence.url}>" if article.licence else "none found"
    fields = [
        ("title", article.title),
        ("files", ", ".join(entry["files"])),  # type: ignore[arg-type]
        ("subtitle", article.subtitle),
        ("authors", ", ".join(article.authors)),
        ("date", entry["date"]),
        ("source", article.source_url),
        ("captured", dates.utc_text(article.capture.captured) if article.capture else None),
        ("site", article.site_name),
        ("language", article.language),
        ("licence", licence),
        ("images", str(entry["images"])),
        ("words", str(entry["words"])),
    ]
    click.echo(str(article.source_path))
    for key, value in fields:
        if value:
            click.echo(f"  {key + ':':10} {value}")
    if article.missing_images:
        click.echo("  missing images:")
        for missing in article.missing_images:
            where = (
                f"looked for: {', '.join(missing.looked_for)}"
                if missing.looked_for
                else "not looked for (nothing local stands for this address)"
            )
            click.echo(f"    - {shown(missing.url) or '(no address)'} ({missing.label!r}): {where}")
    click.echo("  decisions:")
    for stage, group in by_stage(records(article.warnings)).items():
        click.echo(f"    {stage}:")
        for message in group:
            click.echo(f"      - {message.level} {message.code}: {message}")
