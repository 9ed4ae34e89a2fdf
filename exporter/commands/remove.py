"""``exporter remove``: take items out of a library folder (their books, cover, thumbnail and catalog entry)."""

from __future__ import annotations

from pathlib import Path

import click

from exporter.bag import is_bag
from exporter.commands.common import fail, output_option
from exporter.errors import ExporterError
from exporter.library.catalog import Catalog
from exporter.library.folder import library_root
from exporter.library.publish import publish
from exporter.library.removal import remove_items
from exporter.pipeline import bag_output

REMOVE_EXAMPLE = """\b
Examples:
  exporter remove about-2                          # the book about-2.epub/.pdf, by its name
  exporter remove "https://lantern.example/?p=104" -o library   # a WordPress post, by its identity
  exporter remove bundle:collected-posts           # a bundle, whole

\b
Exit status: 0 removed, 2 usage error (an unknown name: nothing is removed).
"""


@click.command(epilog=REMOVE_EXAMPLE)
@click.argument("names", nargs=-1, required=True, metavar="ID…")
@output_option("The library folder.")
def remove(names: tuple[str, ...], output_dir: Path) -> None:
    """Remove items from the library folder: ID is an item's identity (manifest.json's "id"), a bundle's, or the
    name of one of its books. Only the files the catalog lists for the item are deleted; the reader's page, the
    OPDS catalog and (in a bag) the bag's manifests are brought up to date."""
    if not (output_dir / "manifest.json").is_file() and not (output_dir / "data" / "manifest.json").is_file():
        raise click.UsageError(f"{output_dir}: no library here (no manifest.json)")
    try:
        bagged = is_bag(output_dir)
        catalog = Catalog.load(library_root(output_dir, bag=bagged))
        done = remove_items(catalog, list(names))
        notes = publish(catalog)
        catalog.save()
        catalog.drop_journal()
        if bagged:
            bag_output(output_dir, catalog)
    except ExporterError as exc:
        fail(exc)
    for item in done:
        click.echo(f"removed: {item.name}: {', '.join(item.titles)} ({', '.join(item.files) or 'no files left'})")
    for note in notes:
        click.echo(f"note: {note}", err=True)
