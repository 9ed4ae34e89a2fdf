"""Which reader reads which file, and how folders expand into input files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from exporter.errors import InputError
from exporter.model import RawArticle

SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".xml")


def expand_inputs(paths: list[Path]) -> Iterator[Path | InputError]:
    """Files as given, and the supported files inside folders (sorted, recursive, hidden ones skipped).

    Yields an InputError in place of a path that is missing or a folder with no supported file.
    """
    for path in paths:
        if not path.exists():
            yield InputError("no such file or folder", path)
        elif path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                yield InputError(f"folder holds no supported files ({', '.join(SUFFIXES)})", path)
            yield from found
        else:
            yield path


def read_file(path: Path) -> list[RawArticle]:
    """Read one input file into one or more raw articles, by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        from exporter.readers.text import read_text

        return [read_text(path)]
    if suffix in (".html", ".htm", ".xhtml"):
        from exporter.readers.html import read_html

        return [read_html(path)]
    if suffix == ".xml":
        raise InputError("WordPress WXR exports are not supported yet", path)
    raise InputError(f"unsupported file type '{suffix or '(none)'}' (expected {', '.join(SUFFIXES)})", path)
