"""Which reader reads which file (by suffix, else by sniffing), and how folders expand into input files.

The readers themselves are in :data:`exporter.readers.registry.READERS`; nothing here names one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from exporter.errors import InputError
from exporter.model import RawArticle, Skipped
from exporter.readers.decode import open_input
from exporter.readers.registry import DEFAULT_STATUSES, DEFAULT_TYPES, SNIFF_BYTES, Reader, Selection, readers

__all__ = ["DEFAULT_STATUSES", "DEFAULT_TYPES", "count_items", "expand_inputs", "read_file", "reader_for", "suffixes"]


def suffixes() -> tuple[str, ...]:
    """Every suffix a reader claims, in the readers' order (``.txt``, ``.html``, ``.htm``, ``.xhtml``, ``.xml``)."""
    seen: dict[str, None] = {}
    for reader in readers():
        seen.update(dict.fromkeys(s.lower() for s in reader.suffixes))
    return tuple(seen)


def expand_inputs(paths: list[Path]) -> list[Path | InputError]:
    """Files as given, and the files with a reader's suffix inside folders (sorted, recursive, hidden ones skipped).

    An InputError stands in place of a path that is missing or a folder with no supported file.
    """
    known = suffixes()
    out: list[Path | InputError] = []
    for path in paths:
        if not path.exists():
            out.append(InputError("no such file or folder", path))
        elif path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in known
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                out.append(InputError(f"folder holds no supported files ({', '.join(known)})", path))
            out.extend(found)
        else:
            out.append(path)
    return out


def reader_for(path: Path) -> Reader:
    """The reader of ``path``: the first that claims its suffix, else the first whose ``sniff`` claims its first
    bytes. InputError when none does (or the file cannot be opened to sniff it)."""
    suffix = path.suffix.lower()
    registered = readers()
    for reader in registered:
        if suffix in (s.lower() for s in reader.suffixes):
            return reader
    with open_input(path) as handle:
        try:
            head = handle.read(SNIFF_BYTES)
        except OSError as exc:
            raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None
    for reader in registered:
        if head.strip() and reader.sniff(head):
            return reader
    known = ", ".join(suffixes())
    raise InputError(f"unsupported file type '{suffix or '(none)'}' (expected {known})", path)


def read_file(
    path: Path, statuses: frozenset[str] = DEFAULT_STATUSES, types: frozenset[str] = DEFAULT_TYPES
) -> Iterator[RawArticle | Skipped]:
    """Read one input file into raw articles (and, for WXR, the posts it skips), with its reader."""
    yield from reader_for(path).read(path, Selection(statuses, types))


def count_items(path: Path, statuses: frozenset[str] = DEFAULT_STATUSES, types: frozenset[str] = DEFAULT_TYPES) -> int:
    """How many articles ``read_file`` will yield (for progress); 1 when the file cannot be read (its error)."""
    try:
        return reader_for(path).count(path, Selection(statuses, types))
    except InputError:
        return 1
