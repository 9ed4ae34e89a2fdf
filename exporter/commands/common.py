"""What the commands share: one-line usage errors, the inputs (paths, ``-`` for standard input, URLs refused),
the selection options of ``export`` and ``inspect``, and messages printed by stage."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from exporter.errors import ExporterError, UsageError
from exporter.messages import Message, by_stage
from exporter.naming import FALLBACK, slugify
from exporter.pipeline import Options, check_options
from exporter.readers.dispatch import STDIN, Input, StdinInput, sniffed_reader
from exporter.urls import is_url

F = TypeVar("F", bound=Callable[..., Any])

URL_HELP = (
    "URLs are never fetched; save the page from the browser as HTML (Save Page As), export the site as a "
    "WordPress WXR file (Tools > Export), or give a copy saved from a web archive"
)


def fail(exc: ExporterError) -> NoReturn:
    """Print an error the user can fix as one line and exit with its status (2 for usage errors)."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _moment(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """``--at``: an ISO 8601 date or date and time as an aware UTC datetime (a date alone is its midnight UTC);
    anything else is a usage error."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date or time (2024-05-01, 2024-05-01T12:00:00Z)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def selection_options(command: F) -> F:
    """The options that choose what is read and how it is named, shared by ``export`` and ``inspect``:
    ``--status``, ``--type``, ``--url``, ``--at``, ``--media``, ``--rules`` and ``--name``."""
    options = [
        click.option(
            "--status",
            "statuses",
            default="publish",
            show_default=True,
            metavar="LIST",
            help="WXR: post statuses to export, comma-separated (publish,draft,private,future,pending).",
        ),
        click.option(
            "--type",
            "types",
            default="post,page",
            show_default=True,
            metavar="LIST",
            help="WXR: post types to export, comma-separated (post,page or custom types).",
        ),
        click.option(
            "--url",
            "urls",
            multiple=True,
            metavar="PATTERN",
            help="Web archives: read only the pages whose URL matches this glob (repeatable; default: every page).",
        ),
        click.option(
            "--at",
            "at",
            callback=_moment,
            metavar="DATE",
            help="Web archives: read each page's capture nearest this date or time (ISO 8601, UTC unless it says "
            "otherwise: 2024-05-01 or 2024-05-01T12:00:00Z); default: the latest capture.",
        ),
        click.option(
            "--media",
            "media_dir",
            type=click.Path(file_okay=False, exists=True, path_type=Path),
            help="Local copy of wp-content/uploads; images are taken from here, never from the network.",
        ),
        click.option(
            "--rules",
            "rules",
            type=click.Path(path_type=Path),
            metavar="FILE",
            help="TOML file of shortcode rules for the site's own plugins (see docs/rules.md).",
        ),
        click.option(
            "--name",
            "name",
            metavar="NAME",
            help="Base name of the books of the article read from standard input (-); default: from its title.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def output_option(help_text: str) -> Callable[[F], F]:
    """``-o/--output DIR`` (default ``output``): the library folder, for every command that writes or reads one."""
    return click.option(
        "-o",
        "--output",
        "output_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output"),
        show_default=True,
        help=help_text,
    )


def names(value: str, option: str) -> frozenset[str]:
    """A comma-separated option as a set of names."""
    found = frozenset(v.strip() for v in value.split(",") if v.strip())
    if not found:
        raise click.BadParameter("give at least one name", param_hint=option)
    return found


def check_usage(given: Iterable[str], name: str | None, options: Options) -> list[Input]:
    """The inputs to read, or exit 2 with one line before anything is read or written: a URL, ``-`` twice, a
    missing path, ``--name`` without ``-`` (or one that makes no file name), an option no stage can carry out,
    an empty standard input, or ``--name`` for a WXR export on standard input."""
    try:
        inputs = _inputs(list(given), name)
        check_options(options)
        return [_read_stdin(name) if i == STDIN else Path(i) for i in inputs]
    except UsageError as exc:
        fail(exc)


def _inputs(given: list[str], name: str | None) -> list[str]:
    """The command line's inputs, checked: each path exists, ``-`` at most once, no URL."""
    if given.count(STDIN) > 1:
        raise UsageError("standard input can be read only once", STDIN)
    for text in given:
        if text == STDIN:
            continue
        if is_url(text) and not Path(text).exists():
            raise UsageError(URL_HELP, text)
        if not Path(text).exists():
            raise UsageError("no such file or folder", Path(text))
    if name is not None:
        if STDIN not in given:
            raise UsageError("names the article read from standard input; give - as an input", "--name")
        if slugify(name) == FALLBACK and name.strip().lower() != FALLBACK:
            raise UsageError(f"{name!r} has no ASCII letter or digit for a file name", "--name")
    return given


def _read_stdin(name: str | None) -> StdinInput:
    """Standard input, read whole; UsageError when it is a terminal or empty, or for --name with a WXR export."""
    stream = sys.stdin
    if stream is None or stream.isatty():
        raise UsageError("standard input is a terminal: pipe a page, text or WXR export into it", STDIN)
    data = stream.buffer.read()
    if not data.strip():
        raise UsageError("standard input is empty", STDIN)
    reader = sniffed_reader(data)
    if name is not None and reader is not None and reader.name == "wxr":
        raise UsageError("standard input is a WordPress export (WXR): its posts are named by their slugs", "--name")
    return StdinInput(data, slugify(name) if name is not None else None)


def records(messages: Iterable[Message | str]) -> list[Message]:
    """Messages as records (a plain string, from a stage not yet giving records, becomes ``legacy/text``)."""
    return [m if isinstance(m, Message) else Message.from_json(m) for m in messages]


def echo_messages(messages: Iterable[Message | str]) -> None:
    """An item's messages on stderr, grouped by stage; an internal error's traceback after its line."""
    for stage, group in by_stage(records(messages)).items():
        click.echo(f"    {stage}:", err=True)
        for message in group:
            click.echo(f"      {message.level} {message.code}: {message}", err=True)
            if message.detail:
                for line in message.detail.rstrip().splitlines():
                    click.echo(f"        {line}", err=True)


def echo_skipped_files(skipped: Iterable[tuple[Path, str]], *, err: bool) -> None:
    """One line per file left out of an input folder: ``skipped: PATH: unsupported file type '.md'``."""
    for path, reason in skipped:
        click.echo(f"skipped: {path}: {reason}", err=err)
