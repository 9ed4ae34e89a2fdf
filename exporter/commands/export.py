"""``exporter export``: read, clean and write every item of the inputs; one summary line at the end."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import click

from exporter import __version__
from exporter.commands.common import (
    check_usage,
    echo_messages,
    echo_skipped_files,
    fail,
    names,
    output_option,
    selection_options,
)
from exporter.errors import ExporterError
from exporter.library.catalog import write_atomic
from exporter.pipeline import FORMATS, PICTURES, ItemResult, Options, run_export, skipped_files, unused_files
from exporter.writers.pdf_options import PAPERS, VARIANTS
from exporter.writers.registry import formats

EXPORT_EXAMPLE = """\b
Examples:
  exporter export article.txt                  # output/<slug>.epub, .pdf, manifest.json
  exporter export saved-pages/ -o books -f epub --paper letter
  exporter export site.wordpress.xml --media wp-content/uploads --bundle "Collected posts"
  exporter export site.wordpress.xml --rules site-rules.toml   # the site's own shortcodes (docs/rules.md)
  cat post.html | exporter export - --name my-post             # standard input: HTML, text or WXR, sniffed
  exporter inspect page.html                   # what the cleaner found and did
  exporter inspect --json --status publish,draft site.wordpress.xml   # the same as JSON records, file names too

\b
Exit status: 0 all items exported, 1 some failed (the others are written), 2 usage error (nothing changed).
"""


@click.command(epilog=EXPORT_EXAMPLE)
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@output_option("Folder for the books and manifest.json (a library: later runs add to it).")
@click.option(
    "-f",
    "--format",
    "formats",
    type=click.Choice(formats()),
    multiple=True,
    help="Output format; repeat for several. Default: epub and pdf.",
)
@click.option(
    "--paper",
    default="a4",
    show_default=True,
    metavar="|".join(PAPERS),
    help="PDF paper size.",
)
@click.option("--bundle", metavar="TITLE", help="Write one EPUB and one PDF holding every article, titled TITLE.")
@selection_options
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: the number of cores)."
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT|local:N",
    help="Run the items on a Dask cluster: a running scheduler's address, or local:N to start N Dask worker "
    "processes here (docs/scale-out.md). Reading and the library folder stay on this machine.",
)
@click.option(
    "--item-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=120.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop an item that takes longer than this; the run goes on.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Skip items whose books exist and whose source is unchanged since the last run in -o.",
)
@click.option(
    "--pdf-variant",
    metavar="|".join(v for v in VARIANTS if v),
    help="Archival PDF/A-3b (the source attached) or tagged PDF/UA-1. Default: plain PDF.",
)
@click.option(
    "--bag",
    is_flag=True,
    help="Make the output folder a BagIt bag, or update the bag it is (books under data/, SHA-256/512). "
    "A bag is never exported into without it.",
)
@click.option(
    "--report",
    "report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write this run's own report (its items, messages and notes) as JSON to FILE.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="The address the folder is served from: the OPDS feeds then use absolute links (kept for later runs; "
    "--base-url '' goes back to relative links).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress lines; errors and the summary only.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also list each item's messages (decisions and warnings) by stage, the files of unsupported types left "
    "out of input folders, and an internal error's traceback.",
)
def export(
    inputs: tuple[str, ...],
    output_dir: Path,
    formats: tuple[str, ...],
    paper: str,
    bundle: str | None,
    statuses: str,
    types: str,
    urls: tuple[str, ...],
    at: datetime | None,
    media_dir: Path | None,
    rules: Path | None,
    name: str | None,
    jobs: int | None,
    scheduler: str | None,
    item_timeout: float,
    resume: bool,
    pdf_variant: str | None,
    bag: bool,
    report: Path | None,
    base_url: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Export INPUTS (WordPress WXR .xml exports, saved .html pages, .txt dumps, web archives .warc/.wacz, or
    folders of them; - reads standard input)."""
    options = Options(
        output_dir=output_dir,
        formats=tuple(dict.fromkeys(formats)) or FORMATS,
        paper=paper,
        media_dir=media_dir,
        statuses=names(statuses, "--status"),
        types=names(types, "--type"),
        urls=urls,
        at=at,
        bundle=bundle.strip() if bundle and bundle.strip() else None,
        item_timeout=item_timeout,
        resume=resume,
        pdf_variant=pdf_variant,
        bag=bag,
        rules=rules,
        base_url=check_base_url(base_url),
        scheduler=scheduler.strip() if scheduler and scheduler.strip() else None,
    )
    if jobs is not None:
        options.jobs = jobs
    if resume and options.bundle:
        raise click.BadParameter(
            "cannot be combined with --bundle (a bundle is always written whole)", param_hint="--resume"
        )
    if bundle is not None and options.bundle is None:
        raise click.BadParameter("the bundle needs a title", param_hint="--bundle")
    if name is not None and bundle is not None:
        raise click.BadParameter("cannot be combined with --bundle (the bundle is named by its title)", "--name")
    paths = check_usage(inputs, name, options)

    def progress(n: int, total: int, result: ItemResult) -> None:
        if result.error is not None:
            click.echo(f"error: {result.source_path}: {result.error}", err=True)
        elif result.skipped is not None:
            if verbose:
                post = f" (post {result.post_id})" if result.post_id else ""
                click.echo(f"skipped: {result.title}{post}: {result.skipped}", err=True)
            return
        elif not quiet:
            books = [str(o["path"]) for o in result.outputs if o["format"] not in PICTURES]
            names = ", ".join(books) or "cleaned for the bundle"
            click.echo(f"[{n}/{total}] {result.title} -> {names}", err=True)
        if verbose:
            echo_messages(result.warnings)

    notes: list[str] = []
    try:
        results = run_export(paths, options, progress, notes)
    except OSError as exc:
        raise click.ClickException(f"{output_dir}: cannot write output ({exc.strerror or exc})") from None
    except ExporterError as exc:
        fail(exc)
    unsupported = unused_files(skipped_files(paths, options), (f for r in results for f in r.resources))
    if verbose:
        echo_skipped_files(unsupported, err=True)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if report is not None:
        write_report(report, options, results, unsupported, notes)
    click.echo(summary_line(results, options, len(unsupported)), err=True)
    sys.exit(1 if any(r.error is not None for r in results) else 0)


def check_base_url(value: str | None) -> str | None:
    """--base-url as given ('' kept: back to relative links), refused unless an http(s) address with a host."""
    if value is None or value == "":
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise click.BadParameter(f"{value!r} is not an http(s) address such as https://books.example/", "--base-url")
    return value if value.endswith("/") else value + "/"


def write_report(
    path: Path,
    options: Options,
    results: Sequence[ItemResult],
    unsupported: Sequence[tuple[Path, str]],
    notes: list[str],
) -> None:
    """This run's own report, as JSON (atomically): its items as the catalog records them, and its notes."""
    data = {
        "tool": f"exporter {__version__}",
        "run": options.run,
        "output": str(options.output_dir),
        "items": [r.to_json() for r in results],
        "notes": notes,
        "skipped_files": [{"path": str(p), "reason": reason} for p, reason in unsupported],
    }
    try:
        write_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot write the report ({exc.strerror or exc})") from None


def summary_line(results: Sequence[ItemResult], options: Options, unsupported: int = 0) -> str:
    """The run in one line: counts first, then what was skipped, the output folder, and the failed items' names.

    ``3 exported, 67 unchanged, 1 failed; 2 skipped by status or type; 2 archived page(s) with no article
    skipped; 4 unsupported file(s) skipped;
    output in out/; failed: bad.txt (Its title)``. "unchanged" appears with --resume (or when any is).
    """
    failed = [r for r in results if r.error is not None]
    unchanged = [r for r in results if r.ok and r.unchanged]
    exported = [r for r in results if r.ok and not r.unchanged]
    counts = [f"{len(exported)} exported"]
    if options.bundle and exported:
        books = [str(o["path"]) for o in exported[0].outputs if o["format"] not in PICTURES]
        counts[0] += f" as one bundle ({', '.join(books)})"
    if unchanged or options.resume:
        counts.append(f"{len(unchanged)} unchanged")
    if failed:
        counts.append(f"{len(failed)} failed")
    parts = [", ".join(counts)]
    skipped = [r for r in results if r.skipped is not None]
    pages = sum(1 for r in skipped if r.post_id is None and r.url)  # a web archive's pages with no article
    if len(skipped) > pages:
        parts.append(f"{len(skipped) - pages} skipped by status or type")
    if pages:
        parts.append(f"{pages} archived page(s) with no article skipped")
    if unsupported:
        parts.append(f"{unsupported} unsupported file(s) skipped")
    parts.append(f"output in {options.output_dir}/")
    if failed:
        named = (f"{r.source_path} ({r.title})" if r.title else r.source_path for r in failed)
        parts.append("failed: " + ", ".join(named))
    return "; ".join(parts)
