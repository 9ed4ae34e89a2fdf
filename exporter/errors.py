"""Exceptions that carry a user-facing one-line message and an exit code."""

from __future__ import annotations

from pathlib import Path


class ExporterError(Exception):
    """Base for errors the user caused or can fix; never shown as a traceback."""

    exit_code = 1

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InputError(ExporterError):
    """An input file that cannot be read or understood."""


class UsageError(ExporterError):
    """A command line that cannot be carried out."""

    exit_code = 2
