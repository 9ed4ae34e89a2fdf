"""The library folder on disk: where its books live (the folder, or a bag's ``data/``), which names are free,
and what happened to books deleted by hand.

The exporter only ever writes, replaces or deletes files its catalog says it made. A user's own file is never
touched, moved or deleted; its name is simply not free.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from exporter.bag import PAYLOAD, is_bag, write_bagit_declaration
from exporter.errors import UsageError
from exporter.library.catalog import BOOK_FORMATS, CATALOG, JOURNAL, Catalog, Key, stem_of

COVERS = "covers"
THUMBNAILS = "thumbnails"


def book_paths(stem: str, suffixes: Iterable[str]) -> list[str]:
    """Every file an item named ``stem`` may have: its books (one per suffix), its cover and thumbnail."""
    return [f"{stem}{s}" for s in suffixes] + [cover_path(stem), thumbnail_path(stem)]


def cover_path(stem: str) -> str:
    """Where the 1400×2100 cover of the book ``stem`` lives, relative to the library root."""
    return f"{COVERS}/{stem}.jpg"


def thumbnail_path(stem: str) -> str:
    """Where the 350×525 thumbnail of the book ``stem`` lives, relative to the library root."""
    return f"{THUMBNAILS}/{stem}.jpg"


def library_root(output_dir: Path, *, bag: bool) -> Path:
    """The folder books and catalog go into: ``output_dir``, or its ``data/`` when it is (or becomes) a bag.

    Raises UsageError, before anything changes, for a bag without ``--bag`` (the run would take it apart) and
    for ``--bag`` into a folder whose ``data/`` is someone else's.
    """
    if is_bag(output_dir):
        if not bag:
            raise UsageError(
                f"{output_dir} is a BagIt bag: add --bag to export into it (its books stay under data/ and its "
                "manifests are updated)"
            )
        return output_dir / PAYLOAD
    if bag and (output_dir / PAYLOAD).exists():
        raise UsageError(
            f"{output_dir / PAYLOAD} already exists and is not a bag's payload: a bag keeps its books in data/; "
            "move it away or choose another folder"
        )
    return output_dir / PAYLOAD if bag else output_dir


def become_bag(output_dir: Path) -> None:
    """Start making the library in ``output_dir`` a bag: move the files its catalog names (and nothing else)
    into ``data/`` and declare the bag. The user's own files stay where they are, beside ``data/``."""
    payload = output_dir / PAYLOAD
    payload.mkdir(parents=True, exist_ok=True)
    if (output_dir / CATALOG).is_file():
        catalog = Catalog.load(output_dir)
        for rel in sorted(catalog.owned_paths() | {JOURNAL}):
            source = output_dir / rel
            if source.is_file() and not source.is_symlink():
                target = payload / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
        for sub in (COVERS, THUMBNAILS, "opds"):
            _remove_empty_dirs(output_dir / sub)
    write_bagit_declaration(output_dir)


def _remove_empty_dirs(folder: Path) -> None:
    if not folder.is_dir() or folder.is_symlink():
        return
    for sub in sorted(folder.rglob("*"), reverse=True):
        if sub.is_dir() and not sub.is_symlink() and not any(sub.iterdir()):
            sub.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()


def stem_for(catalog: Catalog, key: Key) -> str | None:
    """The file name stem an item (or a bundle, keyed ``(bundle id, None)``) already has in the folder."""
    entry = catalog.get(key)
    outputs = entry.get("outputs") if entry else None
    if not outputs and key[1] is None:  # a bundle: any of its parts names it
        outputs = next((e.get("outputs") for (_, b), e in catalog.entries.items() if b == key[0]), None)
    return stem_of(str(outputs[0]["path"])) if outputs else None


def name_is_free(root: Path, catalog: Catalog, suffixes: Iterable[str]) -> Callable[[str], bool]:
    """A test of a stem for a new item: no entry's files bear it and no file (a user's, or anything) is at any
    of its paths."""
    owners = catalog.owner()
    suffixes = tuple(suffixes)

    def is_free(stem: str) -> bool:
        if stem in owners:
            return False
        return not any(os.path.lexists(root / rel) for rel in book_paths(stem, suffixes))

    return is_free


def prune_deleted(catalog: Catalog) -> list[str]:
    """Drop from the catalog the books deleted by hand; returns one note per dropped file or entry.

    An output whose file is gone leaves its entry; an entry left with no EPUB or PDF is dropped, and its cover
    and thumbnail (ours, and no use without the book) are deleted.
    """
    notes: list[str] = []
    noted: set[str] = set()
    for key in list(catalog.entries):
        entry = catalog.entries[key]
        outputs = [o for o in entry.get("outputs") or [] if isinstance(o, dict)]
        if not outputs:
            continue
        present = [o for o in outputs if (catalog.root / str(o["path"])).is_file()]
        if any(o["format"] in BOOK_FORMATS for o in present):
            if len(present) < len(outputs):
                for gone in (o for o in outputs if o not in present):
                    if gone["path"] not in noted:
                        noted.add(gone["path"])
                        notes.append(f"{gone['path']} was deleted by hand: dropped from the catalog")
                entry["outputs"] = present
            continue
        catalog.remove(key)
        for picture in present:
            if not any(o["path"] == picture["path"] for _, o in catalog.outputs()):
                (catalog.root / str(picture["path"])).unlink(missing_ok=True)
        books = ", ".join(str(o["path"]) for o in outputs if o["format"] in BOOK_FORMATS)
        if books not in noted:
            noted.add(books)
            notes.append(f"{entry.get('title') or key[0]} ({books}): deleted by hand: dropped from the catalog")
    return notes
