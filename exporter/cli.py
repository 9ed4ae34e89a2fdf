"""The command line: `exporter export` and `exporter inspect`. The only module that prints or exits."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import click
import lxml.html

from exporter import __version__
from exporter.bag import payload_count, verify_bag
from exporter.errors import ExporterError, UsageError
from exporter.messages import Message, by_stage, error
from exporter.model import Article, Skipped
from exporter.pipeline import FORMATS, ItemResult, Options, check_options, clean_raw, iter_raw, run_export
from exporter.writers.pdf import PAPERS
from exporter.writers.pdf_archival import VARIANTS
from exporter.writers.registry import formats

EXPORT_EXAMPLE = """\b
Examples:
  exporter export article.txt                  # output/<slug>.epub, .pdf, manifest.json
  exporter export saved-pages/ -o books -f epub --paper letter
  exporter export site.wordpress.xml --media wp-content/uploads --bundle "Collected posts"
  exporter export site.wordpress.xml --rules site-rules.toml   # the site's own shortcodes (docs/rules.md)
  exporter inspect page.html                   # what the cleaner found and did
  exporter inspect --json site.wordpress.xml   # the same as JSON records (stage, code, level, text)

\b
Exit status: 0 all items exported, 1 some failed (the others are written), 2 usage error.
"""


class _UsageLine(click.ClickException):
    """A usage error shown as one line (click's own show the usage and a hint too)."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _Commands(click.Group):
    """The command group; every usage error of a command is one line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _UsageLine(exc.format_message()) from None


def _fail(exc: ExporterError) -> None:
    """Print an error the user can fix as one line and exit with its status (2 for usage errors)."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


RULES_OPTION = click.option(
    "--rules",
    "rules",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="TOML file of shortcode rules for the site's own plugins (see docs/rules.md).",
)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    metavar="|".join(v for v in VARIANTS if v),
    help="Archival PDF/A-3b (the source attached) or tagged PDF/UA-1. Default: plain PDF.",
)
@RULES_OPTION
@click.option("--bag", is_flag=True, help="Make the output folder a BagIt bag (books under data/, SHA-256/512).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines; errors and the summary only.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also list each item's messages (decisions and warnings) by stage, and an internal error's traceback.",
)
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
    rules: Path | None,
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
        rules=rules,
    )
    if jobs is not None:
        options.jobs = jobs
    if resume and options.bundle:
        raise click.BadParameter(
            "cannot be combined with --bundle (a bundle is always written whole)", param_hint="--resume"
        )
    if bundle is not None and options.bundle is None:
        raise click.BadParameter("the bundle needs a title", param_hint="--bundle")
    _check_usage(inputs, options)

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
            _echo_messages(result.warnings)

    try:
        results = run_export(list(inputs), options, progress)
    except OSError as exc:
        raise click.ClickException(f"{output_dir}: cannot write output ({exc.strerror or exc})") from None
    except ExporterError as exc:
        _fail(exc)
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


def _check_usage(inputs: Iterable[Path], options: Options) -> None:
    """Exit 2 with one line, before anything is read or written, for a missing input or an option no stage
    can carry out (paper, PDF variant, status, type, rules file)."""
    try:
        for path in inputs:
            if not path.exists():
                raise UsageError("no such file or folder", path)
        check_options(options)
    except UsageError as exc:
        _fail(exc)


def _records(messages: Iterable[Message | str]) -> list[Message]:
    """Messages as records (a plain string, from a stage not yet giving records, becomes ``legacy/text``)."""
    return [m if isinstance(m, Message) else Message.from_json(m) for m in messages]


def _echo_messages(messages: Iterable[Message | str]) -> None:
    """An item's messages on stderr, grouped by stage; an internal error's traceback after its line."""
    for stage, group in by_stage(_records(messages)).items():
        click.echo(f"    {stage}:", err=True)
        for message in group:
            click.echo(f"      {message.level} {message.code}: {message}", err=True)
            if message.detail:
                for line in message.detail.rstrip().splitlines():
                    click.echo(f"        {line}", err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--media",
    "media_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Local copy of wp-content/uploads.",
)
@RULES_OPTION
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document: each item with its messages as records (stage, code, level, text).",
)
@click.option("-v", "--verbose", is_flag=True, help="Also show an internal error's traceback.")
def inspect(inputs: tuple[Path, ...], media_dir: Path | None, rules: Path | None, as_json: bool, verbose: bool) -> None:
    """Show what the cleaner finds and does for each item of INPUTS, without writing books."""
    options = Options(output_dir=Path("."), media_dir=media_dir, rules=rules)
    _check_usage(inputs, options)
    items: list[dict[str, object]] = []
    failed = 0
    for item in iter_raw(list(inputs), options):
        if isinstance(item, Skipped):
            entry: dict[str, object] = {
                "source": {"path": str(item.source_path), "post_id": item.post_id},
                "title": item.title,
                "status": "skipped",
                "reason": item.reason,
            }
            if not as_json:
                click.echo(f"{item.source_path}: post {item.post_id} {item.title!r}: {item.reason}")
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
                entry = _inspected(article)
                if not as_json:
                    _echo_article(article, entry)
        if entry["status"] == "error":
            failed += 1
            if not as_json:
                click.echo(f"error: {entry['source']['path']}: {entry['error']}", err=True)  # type: ignore[index]
                if verbose:
                    _echo_messages(Message.from_json(m) for m in entry["warnings"])  # type: ignore[attr-defined]
        items.append(entry)
    if as_json:
        document = {"tool": f"exporter {__version__}", "items": items}
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


def _inspected(article: Article) -> dict[str, object]:
    """What the cleaner found for one article, as ``inspect --json`` lists it."""
    body = lxml.html.fragment_fromstring(article.body or "<p></p>", create_parent="div")
    return {
        "source": {"path": str(article.source_path), "post_id": article.post_id, "url": article.source_url},
        "title": article.title,
        "subtitle": article.subtitle,
        "authors": list(article.authors),
        "date": article.published.isoformat() if article.published else None,
        "site": article.site_name,
        "language": article.language,
        "licence": {"id": article.licence.id, "url": article.licence.url} if article.licence else None,
        "images": len(article.images),
        "notes": len(article.footnotes),
        "words": len(body.text_content().split()),
        "status": "ok",
        "warnings": [m.to_json() for m in _records(article.warnings)],
    }


def _echo_article(article: Article, entry: dict[str, object]) -> None:
    """One article's findings and decisions for people: fields, then the messages by stage."""
    licence = f"{article.licence.id} <{article.licence.url}>" if article.licence else "none found"
    fields = [
        ("title", article.title),
        ("subtitle", article.subtitle),
        ("authors", ", ".join(article.authors)),
        ("date", entry["date"]),
        ("source", article.source_url),
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
    click.echo("  decisions:")
    for stage, group in by_stage(_records(article.warnings)).items():
        click.echo(f"    {stage}:")
        for message in group:
            click.echo(f"      - {message.level} {message.code}: {message}")


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
