"""Which reader reads which file, and how folders expand into input files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from exporter.errors import InputError
from exporter.model import RawArticle, Skipped

SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".xml")
DEFAULT_STATUSES = frozenset({"publish"})
DEFAULT_TYPES = frozenset({"post", "page"})


def expand_inputs(paths: list[Path]) -> list[Path | InputError]:
    """Files as given, and the supported files inside folders (sorted, recursive, hidden ones skipped).

    An InputError stands in place of a path that is missing or a folder with no supported file.
    """
    out: list[Path | InputError] = []
    for path in paths:
        if not path.exists():
            out.append(InputError("no such file or folder", path))
        elif path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                out.append(InputError(f"folder holds no supported files ({', '.join(SUFFIXES)})", path))
            out.extend(found)
        else:
            out.append(path)
    return out


def read_file(
    path: Path, statuses: frozenset[str] = DEFAULT_STATUSES, types: frozenset[str] = DEFAULT_TYPES
) -> Iterator[RawArticle | Skipped]:
    """Read one input file into raw articles (and, for WXR, the posts it skips), by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        from exporter.readers.text import read_text

        yield read_text(path)
    elif suffix in (".html", ".htm", ".xhtml"):
        from exporter.readers.html import read_html

        yield read_html(path)
    elif suffix == ".xml":
        from exporter.readers.wxr import iter_wxr

        yield from iter_wxr(path, statuses=statuses, types=types)
    else:
        raise InputError(f"unsupported file type '{suffix or '(none)'}' (expected {', '.join(SUFFIXES)})", path)


def count_items(path: Path, statuses: frozenset[str] = DEFAULT_STATUSES, types: frozenset[str] = DEFAULT_TYPES) -> int:
    """How many articles ``read_file`` will yield (for progress); 1 for a page or text, 0 if unreadable."""
    if path.suffix.lower() != ".xml":
        return 1
    from exporter.readers.wxr import count_wxr

    try:
        return count_wxr(path, statuses=statuses, types=types)
    except InputError:
        return 1
