"""Taking items out of a library folder: their books, cover and thumbnail, and their catalog entries.

An item is named by its identity (as the catalog and the reader's page give it), by a bundle's identity, or by
the name of one of its books (``about``, ``about.epub``). Only files the catalog lists for the item are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from exporter.errors import UsageError
from exporter.library.catalog import Catalog, Key, stem_of


@dataclass
class Removed:
    """What one name removed: the entries' titles and the files deleted."""

    name: str
    titles: list[str]
    files: list[str]


def find_keys(catalog: Catalog, name: str) -> list[Key]:
    """The entries ``name`` designates; raises UsageError (one line) when none, or when it is only part of a
    bundle (the bundle is removed whole)."""
    keys = [k for k in catalog.entries if k[0] == name and k[1] is None]
    keys += [k for k in catalog.entries if k[1] == name]
    if not keys:
        stem = stem_of(name) if "." in name.rsplit("/", 1)[-1] else name
        keys = [
            k for k, o in catalog.outputs() if stem_of(str(o["path"])) == stem and o.get("format") in ("epub", "pdf")
        ]
    keys = list(dict.fromkeys(keys))
    if not keys:
        if any(k[0] == name for k in catalog.entries):
            bundles = sorted({str(k[1]) for k in catalog.entries if k[0] == name})
            raise UsageError(f"{name}: only part of a bundle ({', '.join(bundles)}): remove the bundle instead")
        raise UsageError(f"{name}: no such item in {catalog.root / 'manifest.json'}")
    return keys


def remove_items(catalog: Catalog, names: list[str]) -> list[Removed]:
    """Remove the items ``names`` designate (all are checked before anything is deleted)."""
    chosen = [(name, find_keys(catalog, name)) for name in names]
    removed: list[Removed] = []
    for name, keys in chosen:
        titles: list[str] = []
        paths: list[str] = []
        for key in keys:
            entry = catalog.remove(key)
            if entry is None:
                continue  # named twice
            titles.append(str((entry.get("bundle") or {}).get("title") or entry.get("title") or key[0]))
            paths += [str(o["path"]) for o in entry.get("outputs") or [] if isinstance(o, dict)]
        still_listed = {str(o["path"]) for _, o in catalog.outputs()}
        files = []
        for rel in dict.fromkeys(paths):
            path = catalog.root / rel
            if rel not in still_listed and path.is_file() and not path.is_symlink():
                path.unlink()
                files.append(rel)
        removed.append(Removed(name, list(dict.fromkeys(titles)), files))
    return removed
