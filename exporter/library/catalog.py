"""The folder's catalog, ``manifest.json``: every book in the folder, from every run, and the runs themselves.

An entry is one item's books (an article's, or one article's part of a bundle), keyed by the item's identity
(:mod:`exporter.library.identity`) and, for a bundle's parts, the bundle's. Runs add and replace entries and
never remove one: only ``exporter remove`` does, or a book deleted by hand (its entry is then dropped with a
note). The catalog also names the pages and feeds the exporter made (``library_files``, with their checksums), so
a file the user put in the folder is never taken for one of ours.

Writes are atomic (a temporary file renamed over the old one). Each item's books are announced in a journal
(``.exporter-journal``) just before they are renamed into place, so a run killed between two catalog writes
leaves books the next run still knows as its own: it folds the journal in before anything else.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporter import __version__
from exporter.errors import UsageError

CATALOG = "manifest.json"
JOURNAL = ".exporter-journal"
BOOK_FORMATS = ("epub", "pdf")

Key = tuple[str, str | None]
"""An entry's key: (the item's identity, the bundle's identity or None)."""
Entry = dict[str, Any]


def entry_key(entry: Entry) -> Key:
    """The key of a catalog entry."""
    bundle = entry.get("bundle")
    return (str(entry.get("id")), bundle.get("id") if isinstance(bundle, dict) else None)


@dataclass
class Catalog:
    """The parsed ``manifest.json`` of a library folder."""

    root: Path
    entries: dict[Key, Entry] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    library_files: dict[str, str] = field(default_factory=dict)
    """The pages and feeds the exporter wrote (path relative to the root → SHA-256)."""
    announced: dict[str, set[str]] = field(default_factory=dict)
    """Pages and feeds a stopped run announced in its journal (path → SHA-256s): ours too."""
    base_url: str | None = None
    """The address the folder is served from (``--base-url``), kept for later runs; None: relative links."""

    @classmethod
    def load(cls, root: Path) -> Catalog:
        """The catalog of ``root`` (empty when there is none yet); raises UsageError when ``manifest.json`` is not
        one of ours, so a folder holding someone else's ``manifest.json`` is never written into."""
        catalog = cls(root)
        path = root / CATALOG
        if not path.exists():
            return catalog
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise UsageError(
                f"{path}: not an exporter catalog ({exc}); move it away or choose another folder"
            ) from None
        if not isinstance(data, dict) or not str(data.get("tool", "")).startswith("exporter"):
            raise UsageError(f'{path}: not an exporter catalog (no "tool": "exporter …"); choose another folder')
        legacy_bundle = data.get("bundle") if isinstance(data.get("bundle"), str) else None
        for item in _list(data.get("items")):
            if isinstance(item, dict):
                catalog.add(_upgrade(_sound(item), legacy_bundle))
        catalog.runs = [r for r in _list(data.get("runs")) if isinstance(r, dict)]
        files = data.get("library_files", {})
        catalog.library_files = {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
        catalog.base_url = data.get("base_url") if isinstance(data.get("base_url"), str) else None
        return catalog

    @property
    def next_run(self) -> int:
        """The number the next run gets (1 for a new folder; after the last run recorded or seen on an entry)."""
        seen = [r.get("run") for r in self.runs] + [e.get("run") for e in self.entries.values()]
        return max((n for n in seen if isinstance(n, int)), default=0) + 1

    def add(self, entry: Entry) -> None:
        """Add an entry, or replace the entry of the same key in its place."""
        self.entries[entry_key(entry)] = entry

    def get(self, key: Key) -> Entry | None:
        """The entry of ``key``, or None."""
        return self.entries.get(key)

    def remove(self, key: Key) -> Entry | None:
        """Take the entry of ``key`` out of the catalog (its files stay: the caller deletes them)."""
        return self.entries.pop(key, None)

    def outputs(self) -> Iterator[tuple[Key, dict[str, Any]]]:
        """Every output of every entry, with its entry's key."""
        for key, entry in self.entries.items():
            for output in entry.get("outputs") or []:
                if isinstance(output, dict) and output.get("path"):
                    yield key, output

    def owner(self) -> dict[str, set[Key]]:
        """Each stem (a book's file name without suffix) → the keys of the entries whose files bear it."""
        owners: dict[str, set[Key]] = {}
        for key, output in self.outputs():
            owners.setdefault(stem_of(str(output["path"])), set()).add(key)
        return owners

    def owned_paths(self) -> set[str]:
        """Every file of the folder the catalog says the exporter made (relative paths)."""
        return {str(o["path"]) for _, o in self.outputs()} | set(self.library_files) | set(self.announced) | {CATALOG}

    def to_json(self) -> dict[str, Any]:
        """The catalog as ``manifest.json`` holds it."""
        return {
            "tool": f"exporter {__version__}",
            **({"base_url": self.base_url} if self.base_url else {}),
            "items": list(self.entries.values()),
            "library_files": dict(sorted(self.library_files.items())),
            "runs": self.runs,
        }

    def save(self) -> Path:
        """Write ``manifest.json`` atomically (the old catalog or the new one, never a mix)."""
        path = self.root / CATALOG
        write_atomic(path, (json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return path

    # --- the journal ---------------------------------------------------------------------------------------

    def fold_journal(self) -> int:
        """Add the entries a killed run announced in its journal (books it renamed into place after its last
        catalog write); returns how many. The journal itself is removed by :meth:`drop_journal` once the catalog
        holding them is saved."""
        path = self.root / JOURNAL
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return 0
        count = 0
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # the line being written when the run was killed
            if isinstance(entry, dict) and isinstance(entry.get("library_files"), dict):
                for rel, digest in entry["library_files"].items():
                    self.announced.setdefault(str(rel), set()).add(str(digest))
            elif isinstance(entry, dict) and entry.get("id"):
                self.add(entry)
                count += 1
        return count

    def drop_journal(self) -> None:
        """Remove the journal (after a catalog holding its entries was saved)."""
        (self.root / JOURNAL).unlink(missing_ok=True)


def journal(root: Path, entry: Entry) -> None:
    """Announce an entry's books before they are renamed into place (one line, appended in one write)."""
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(root / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def stem_of(path: str) -> str:
    """A book file's name without folder and suffix (``covers/about.jpg`` → ``about``)."""
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _sound(item: Entry) -> Entry:
    """An entry as the code expects it, whatever a hand edit did: outputs a list of objects with a path,
    a bundle an object with an id, an identity a string."""
    item["outputs"] = [o for o in _list(item.get("outputs")) if isinstance(o, dict) and isinstance(o.get("path"), str)]
    if "bundle" in item and not (isinstance(item["bundle"], dict) and isinstance(item["bundle"].get("id"), str)):
        del item["bundle"]
    if item.get("id") is not None and not isinstance(item["id"], str):
        item["id"] = json.dumps(item["id"])
    return item


def _upgrade(item: Entry, legacy_bundle: str | None) -> Entry:
    """An entry of an older manifest.json (no ``id``) given a stable legacy identity, so the next export of the
    same source replaces it (see ``legacy_match``)."""
    if item.get("id"):
        return item
    source = item.get("source") if isinstance(item.get("source"), dict) else {}
    item = {"id": legacy_id(str(source.get("path")), source.get("post_id")), **item}
    if legacy_bundle and any(isinstance(o, dict) and o.get("part") for o in item.get("outputs") or []):
        from exporter.library.identity import bundle_id

        item["bundle"] = {"id": bundle_id(legacy_bundle), "title": legacy_bundle}
    return item


def legacy_id(path: str, post_id: object) -> str:
    """The identity an entry written before identities existed gets: its source path and post id."""
    return f"legacy:{path}" + (f"?p={post_id}" if post_id else "")
