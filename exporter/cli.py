"""The command line: `exporter export`, `inspect`, `verify`, `remove` and `serve` (one module each in
:mod:`exporter.commands`). The only code that prints or exits."""

from __future__ import annotations

from typing import IO, Any

import click

from exporter import __version__
from exporter.commands.export import export
from exporter.commands.inspect import inspect
from exporter.commands.remove import remove
from exporter.commands.serve import serve
from exporter.commands.verify import verify


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


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exporter")
def main() -> None:
    """Turn archived web articles (WordPress posts, saved pages, text dumps) into EPUB 3 and PDF."""


main.add_command(export)
main.add_command(inspect)
main.add_command(verify)
main.add_command(remove)
main.add_command(serve)
