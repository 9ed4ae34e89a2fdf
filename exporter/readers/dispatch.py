"""Which reader reads which file (by suffix, else by sniffing), how folders expand into input files, and standard
input (``-``) as an input.

The readers themselves are in :data:`exporter.readers.registry.READERS`; nothing here names one of them.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import InputError
from exporter.messages import info
from exporter.model import RawArticle, Skipped
from exporter.readers.decode import open_input
from exporter.readers.registry import DEFAULT_STATUSES, DEFAULT_TYPES, SNIFF_BYTES, Reader, Selection, readers

__all__ = [
    "DEFAULT_STATUSES",
    "DEFAULT_TYPES",
    "STDIN",
    "Input",
    "StdinInput",
    "count_items",
    "expand_inputs",
    "read_file",
    "reader_for",
    "sniffed_reader",
    "suffixes",
    "unsupported_files",
]

STDIN = "-"
"""The input name that stands for standard input, and the ``source.path`` of what was read from it."""


@dataclass(frozen=True)
class StdinInput:
    """Standard input, read whole: its bytes, and the base name ``--name`` gave its article (a slug), if any."""

    data: bytes
    name: str | None = None


Input = Path | StdinInput
"""One input of a run: a file or folder, or standard input."""


def suffixes() -> tuple[str, ...]:
    """Every suffix a reader claims, in the readers' order (``.txt``, ``.html``, ``.htm``, ``.xhtml``, ``.xml``)."""
    seen: dict[str, None] = {}
    for reader in readers():
        seen.update(dict.fromkeys(s.lower() for s in reader.suffixes))
    return tuple(seen)


def claimed_suffix(path: Path, known: Iterable[str]) -> str | None:
    """The longest of the ``known`` suffixes the lower-cased file name ends with (``.warc.gz`` before ``.gz``),
    or None. Multi-part suffixes are matched by the name's end, not by ``Path.suffix``."""
    name = path.name.lower()
    found = [s for s in known if name.endswith(s.lower()) and len(name) > len(s)]
    return max(found, key=len) if found else None


def _folder_files(folder: Path) -> list[Path]:
    """Every file inside ``folder`` (recursive, sorted), hidden files and folders left out, and the library folders
    an export made inside it (their books, pages, feeds and bag files are no inputs)."""
    libraries = _libraries_inside(folder)
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and not any(p.is_relative_to(lib) for lib in libraries)
    )


def _libraries_inside(folder: Path) -> list[Path]:
    """The exporter's library folders strictly inside ``folder``: those holding a ``manifest.json`` written by the
    exporter (a bag: the folder holding its ``data/``)."""
    found = []
    for catalog in folder.rglob("manifest.json"):
        root = catalog.parent
        if root == folder:
            continue
        try:
            with catalog.open("rb") as f:
                head = f.read(200)
        except OSError:
            continue
        if b'"tool": "exporter' not in head:
            continue
        if root.name == "data" and (root.parent / "bagit.txt").is_file() and root.parent != folder:
            root = root.parent
        found.append(root)
    return found


def expand_inputs(inputs: list[Input], besides: Iterable[Path | None] = ()) -> list[Input | InputError]:
    """Files as given, and the files with a reader's suffix inside folders (sorted, recursive, hidden ones skipped);
    standard input as it is. Files inside the ``besides`` folders (the output folder: its pages and feeds are no
    inputs) are left out of the input folders that hold them.

    An InputError stands in place of a path that is missing or a folder with no supported file.
    """
    known = suffixes()
    others = [b.resolve() for b in besides if b is not None]
    out: list[Input | InputError] = []
    for path in inputs:
        if isinstance(path, StdinInput):
            out.append(path)
        elif not path.exists():
            out.append(InputError("no such file or folder", path))
        elif path.is_dir():
            inside = [o for o in others if not path.resolve().is_relative_to(o)]  # not when it is the input itself
            found = [
                p
                for p in _folder_files(path)
                if claimed_suffix(p, known) and not any(p.resolve().is_relative_to(o) for o in inside)
            ]
            if not found:
                out.append(InputError(f"folder holds no supported files ({', '.join(known)})", path))
            out.extend(found)
        else:
            out.append(path)
    return out


def unsupported_files(inputs: list[Input], besides: Iterable[Path | None] = ()) -> list[tuple[Path, str]]:
    """The files inside the input folders that ``expand_inputs`` leaves out (no reader claims their suffix), each
    with the reason. Hidden files, and files inside the ``besides`` folders (the media and output folders, which
    are no inputs), are not listed. Files named on the command line are never left out."""
    known = suffixes()
    others = [b.resolve() for b in besides if b is not None]
    return [
        (p, f"unsupported file type '{p.suffix.lower() or '(none)'}'")
        for path in inputs
        if isinstance(path, Path) and path.is_dir()
        for p in _folder_files(path)
        if not claimed_suffix(p, known) and not any(p.resolve().is_relative_to(o) for o in others)
    ]


def reader_for(path: Path) -> Reader:
    """The reader of ``path``: the first that claims its suffix, else the first whose ``sniff`` claims its first
    bytes. InputError when none does (or the file cannot be opened to sniff it)."""
    suffix = path.suffix.lower()
    registered = readers()
    claimed = claimed_suffix(path, suffixes())
    for reader in registered:
        if claimed is not None and claimed in (s.lower() for s in reader.suffixes):
            return reader
    with open_input(path) as handle:
        try:
            head = handle.read(SNIFF_BYTES)
        except OSError as exc:
            raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None
    sniffed = sniffed_reader(head)
    if sniffed is not None:
        return sniffed
    known = ", ".join(suffixes())
    raise InputError(f"unsupported file type '{suffix or '(none)'}' (expected {known})", path)


def read_file(path: Input, selection: Selection | None = None) -> Iterator[RawArticle | Skipped]:
    """Read one input file (or standard input) into raw articles (and, for WXR, the posts it skips), with its
    reader; ``selection`` says which items (default: published posts and pages, every archived article)."""
    selection = selection or Selection()
    if isinstance(path, StdinInput):
        yield from _read_stdin(path, selection)
    else:
        yield from reader_for(path).read(path, selection)


def count_items(path: Input, selection: Selection | None = None) -> int:
    """How many articles ``read_file`` will yield (for progress); 1 when the file cannot be read (its error)."""
    try:
        with _spooled(path) as file:
            return reader_for(file).count(file, selection or Selection())
    except InputError:
        return 1


def sniffed_reader(data: bytes) -> Reader | None:
    """The first reader, in priority order, whose ``sniff`` claims these first bytes (None for none, or blank)."""
    head = data[:SNIFF_BYTES]
    return next((r for r in readers() if head.strip() and r.sniff(head)), None)


@contextmanager
def _spooled(source: Input) -> Iterator[Path]:
    """The file to read: a path as it is; standard input's bytes written to a private temporary file with no
    suffix (so its reader is chosen by sniffing), named by --name (for a title taken from the file name)."""
    if isinstance(source, Path):
        yield source
        return
    with tempfile.TemporaryDirectory(prefix="exporter-stdin-") as folder:
        path = Path(folder) / (source.name or "untitled")
        path.write_bytes(source.data)
        yield path


def _read_stdin(source: StdinInput, selection: Selection) -> Iterator[RawArticle | Skipped]:
    """Standard input's articles, as if read from a file named ``-`` in no folder: relative images are looked up
    in --media only, and the books are named by --name, else as a file's (slug, title)."""
    if sniffed_reader(source.data) is None:
        raise InputError("not a WordPress WXR export, an HTML page or text (judged by its first bytes)", STDIN)
    with _spooled(source) as path:
        try:
            for item in reader_for(path).read(path, selection):
                if isinstance(item, Skipped):
                    yield dataclasses.replace(item, source_path=Path(STDIN))
                    continue
                warnings = list(item.warnings)
                if source.name is None and item.post_id is None:
                    text = "standard input has no file name: the books are named from the title (--name NAME to choose)"
                    warnings.append(info("read", "stdin-name", text))
                yield dataclasses.replace(
                    item,
                    source_path=Path(STDIN),
                    base_dir=None,
                    slug=source.name or item.slug,
                    warnings=warnings,
                )
        except InputError as exc:
            raise InputError(exc.message, STDIN) from None
