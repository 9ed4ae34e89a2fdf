"""The command line: `exporter export` and `exporter inspect`. The only module that prints or exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import lxml.html

from exporter import __version__
from exporter.bag import payload_count, verify_bag
from exporter.errors import ExporterError
from exporter.model import Skipped
from exporter.pipeline import FORMATS, ItemResult, Options, clean_raw, iter_raw, run_export
from exporter.readers.wxr import NON_ARTICLE_TYPES

EXPORT_EXAMPLE = """\b
Examples:
  exporter export article.txt                  # output/<slug>.epub, .pdf, manifest.json
  exporter export saved-pages/ -o books -f epub --paper letter
  exporter export site.wordpress.xml --media wp-content/uploads --bundle "Collected posts"
  exporter inspect page.html                   # what the cleaner found and did

\b
Exit status: 0 all items exported, 1 some failed (the others are written), 2 usage error.
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exporter")
def main() -> None:
    """Turn archived web articles (WordPress posts, saved pages, text dumps) into EPUB 3 and PDF."""


@main.command(epilog=EXPORT_EXAMPLE)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder for the books and manifest.json.",
)
@click.option(
    "-f",
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Output format; repeat for several. Default: epub and pdf.",
)
@click.option(
    "--paper", type=click.Choice(["a4", "letter", "a5"]), default="a4", show_default=True, help="PDF paper size."
)
@click.option(
    "--media",
    "media_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Local copy of wp-content/uploads; images are taken from here, never from the network.",
)
@click.option("--bundle", metavar="TITLE", help="Write one EPUB and one PDF holding every article, titled TITLE.")
@click.option(
    "--status",
    "statuses",
    default="publish",
    show_default=True,
    metavar="LIST",
    help="WXR: post statuses to export, comma-separated (publish,draft,private,future,pending).",
)
@click.option(
    "--type",
    "types",
    default="post,page",
    show_default=True,
    metavar="LIST",
    help="WXR: post types to export, comma-separated (post,page or custom types).",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: the number of cores)."
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
    type=click.Choice(["pdf/a-3b", "pdf/ua-1"]),
    help="Archival PDF/A-3b (the source attached) or tagged PDF/UA-1. Default: plain PDF.",
)
@click.option("--bag", is_flag=True, help="Make the output folder a BagIt bag (books under data/, SHA-256/512).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines; errors and the summary only.")
@click.option("-v", "--verbose", is_flag=True, help="Also list each item's warnings (cleaner decisions).")
def export(
    inputs: tuple[Path, ...],
    output_dir: Path,
    formats: tuple[str, ...],
    paper: str,
    media_dir: Path | None,
    bundle: str | None,
    statuses: str,
    types: str,
    jobs: int | None,
    item_timeout: float,
    resume: bool,
    pdf_variant: str | None,
    bag: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Export INPUTS (WordPress WXR .xml exports, saved .html pages, .txt dumps, or folders of them)."""
    options = Options(
        output_dir=output_dir,
        formats=tuple(dict.fromkeys(formats)) or FORMATS,
        paper=paper,
        media_dir=media_dir,
        statuses=_names(statuses, "--status"),
        types=_names(types, "--type"),
        bundle=bundle.strip() if bundle and bundle.strip() else None,
        item_timeout=item_timeout,
        resume=resume,
        pdf_variant=pdf_variant,
        bag=bag,
    )
    if jobs is not None:
        options.jobs = jobs
    if resume and options.bundle:
        raise click.BadParameter(
            "cannot be combined with --bundle (a bundle is always written whole)", param_hint="--resume"
        )
    if bundle is not None and options.bundle is None:
        raise click.BadParameter("the bundle needs a title", param_hint="--bundle")
    internal = sorted(options.types & NON_ARTICLE_TYPES)
    if internal:
        raise click.BadParameter(f"not article post types: {', '.join(internal)}", param_hint="--type")

    def progress(n: int, total: int, result: ItemResult) -> None:
        if result.error is not None:
            click.echo(f"error: {result.source_path}: {result.error}", err=True)
        elif result.skipped is not None:
            if verbose:
                click.echo(f"skipped: {result.title} (post {result.post_id}): {result.skipped}", err=True)
            return
        elif not quiet:
            names = ", ".join(str(o["path"]) for o in result.outputs) or "cleaned for the bundle"
            click.echo(f"[{n}/{total}] {result.title} -> {names}", err=True)
        if verbose:
            for warning in result.warnings:
                click.echo(f"    {warning}", err=True)

    try:
        results = run_export(list(inputs), options, progress)
    except OSError as exc:
        raise click.ClickException(f"{output_dir}: cannot write output ({exc.strerror or exc})") from None
    except ExporterError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    failed = [r for r in results if r.error is not None]
    skipped = [r for r in results if r.skipped is not None]
    done = [r for r in results if r.ok]
    summary = f"exported {len(done)} of {len(done) + len(failed)} item(s) to {output_dir}/"
    if options.bundle and done:
        summary += f" as one bundle ({', '.join(str(o['path']) for o in done[0].outputs)})"
    if skipped:
        summary += f"; skipped {len(skipped)} by status or type"
    if failed:
        names = ", ".join(f"{r.source_path} ({r.title})" if r.title else r.source_path for r in failed)
        summary += f"; {len(failed)} failed: {names}"
    click.echo(summary, err=True)
    sys.exit(1 if failed else 0)


def _names(value: str, option: str) -> frozenset[str]:
    """A comma-separated option as a set of names."""
    names = frozenset(v.strip() for v in value.split(",") if v.strip())
    if not names:
        raise click.BadParameter("give at least one name", param_hint=option)
    return names


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--media",
    "media_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Local copy of wp-content/uploads.",
)
def inspect(inputs: tuple[Path, ...], media_dir: Path | None) -> None:
    """Show what the cleaner finds and does for each item of INPUTS, without writing books."""
    options = Options(output_dir=Path("."), media_dir=media_dir)
    failed = 0
    for item in iter_raw(list(inputs), options):
        if isinstance(item, Skipped):
            click.echo(f"{item.source_path}: post {item.post_id} {item.title!r}: {item.reason}")
            continue
        if isinstance(item, tuple):
            failed += 1
            click.echo(f"error: {item[0]}: {item[1].message}", err=True)
            continue
        try:
            article = clean_raw(item, options)
        except ExporterError as exc:
            failed += 1
            click.echo(f"error: {item.source_path}: {exc.message}", err=True)
            continue
        lic = f"{article.licence.id} <{article.licence.url}>" if article.licence else "none found"
        fields = [
            ("title", article.title),
            ("subtitle", article.subtitle),
            ("authors", ", ".join(article.authors)),
            ("date", article.published.isoformat() if article.published else None),
            ("source", article.source_url),
            ("site", article.site_name),
            ("language", article.language),
            ("licence", lic),
            ("images", str(len(article.images))),
            (
                "words",
                str(
                    len(
                        lxml.html.fragment_fromstring(article.body or "<p></p>", create_parent="div")
                        .text_content()
                        .split()
                    )
                ),
            ),
        ]
        click.echo(str(article.source_path))
        for key, value in fields:
            if value:
                click.echo(f"  {key + ':':10} {value}")
        click.echo("  decisions:")
        for warning in article.warnings:
            click.echo(f"    - {warning}")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
def verify(folder: Path) -> None:
    """Check the fixity of a bag made with `export --bag`: every file present and unchanged."""
    problems = verify_bag(folder)
    if problems:
        for problem in problems:
            click.echo(f"error: {folder}: {problem}", err=True)
        sys.exit(1)
    click.echo(f"OK: {payload_count(folder)} files verified in {folder}")
