"""The command line: `exporter export`, `inspect`, `verify`, `remove` and `serve` (one module each in
:mod:`exporter.commands`). The only code that prints or exits."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import IO, Any

import click

from exporter import __version__

COMMANDS = {
    "export": "exporter.commands.export:export",
    "inspect": "exporter.commands.inspect:inspect",
    "verify": "exporter.commands.verify:verify",
    "remove": "exporter.commands.remove:remove",
    "serve": "exporter.commands.serve:serve",
}
"""Each command's ``module:attribute``: a run imports only the command it runs (``--help`` imports them all)."""


class _UsageLine(click.ClickException):
    """A usage error shown as one line (click's own show the usage and a hint too)."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name, each imported on first use from its ``module:attribute``."""

    def __init__(self, where: dict[str, str]) -> None:
        self._where = dict(where)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module, _, attribute = self._where[name].partition(":")
            self._loaded[name] = getattr(importlib.import_module(module), attribute)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._where.pop(name, None)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._where and name not in self._loaded:
            raise KeyError(name)
        self._where.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter({**self._where, **self._loaded})

    def __len__(self) -> int:
        return len({**self._where, **self._loaded})


class _Commands(click.Group):
    """The command group; every usage error of a command is one line on stderr and exit status 2. Its commands
    are imported when used (:data:`COMMANDS`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands(COMMANDS)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _UsageLine(exc.format_message()) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exporter")
def main() -> None:
    """Turn archived web articles (WordPress posts, saved pages, text dumps) into EPUB 3 and PDF."""
