"""``exporter verify``: the fixity of a bag made with ``export --bag``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exporter.bag import payload_count, verify_bag


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
def verify(folder: Path) -> None:
    """Check the fixity of a bag made with `export --bag`: every file present and unchanged."""
    problems = verify_bag(folder)
    if problems:
        for problem in problems:
            click.echo(f"error: {folder}: {problem}", err=True)
        sys.exit(1)
    click.echo(f"OK: {payload_count(folder)} files verified in {folder}")
