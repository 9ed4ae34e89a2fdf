"""BagIt packaging of an output folder (Library of Congress ``bagit``), byte-for-byte repeatable, and its check.

``make_bag`` turns a finished output folder (books + ``manifest.json``) into a BagIt bag: the payload under
``data/``, ``bag-info.txt`` (Source-Organization, External-Description, Bagging-Date, Payload-Oxum,
Bag-Software-Agent), SHA-256 and SHA-512 payload and tag manifests. ``bagit`` moves the payload and hashes it;
the tag files are then rewritten in a fixed order with a date the caller supplies (never the clock), so the same
folder gives the same bytes on any day, in any time zone.

``verify_bag`` checks a bag's fixity and completeness and names every file that changed, went missing or
appeared, one human line per problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from exporter import __version__, dates
from exporter.errors import ExporterError

if TYPE_CHECKING:
    import bagit  # imported where a bag is read (verify), never by an export without --bag

ALGORITHMS = ("sha256", "sha512")
PAYLOAD = "data"
_TAG_FILE = re.compile(r"^(bagit\.txt|bag-info\.txt|fetch\.txt|(tag)?manifest-[a-z0-9]+\.txt)$")
_HEX = re.compile(r"^[0-9a-f]+$")


def default_bagging_date(published: Iterable[datetime | None]) -> date:
    """The Bagging-Date: the build date of :mod:`exporter.dates` (SOURCE_DATE_EPOCH, else the newest publication
    date, else 1980-01-01), as a UTC calendar day. Never the clock, so runs on any day, in any zone, agree."""
    return dates.stamp(published).date()


def is_bag(path: Path) -> bool:
    """True when ``path`` holds a ``bagit.txt`` (a bag, or the remains of one)."""
    return (path / "bagit.txt").is_file()


def write_bagit_declaration(bag_dir: Path) -> None:
    """Write ``bagit.txt`` (BagIt 0.97, UTF-8 tag files): the folder is declared a bag from now on."""
    _write_lines(bag_dir / "bagit.txt", ["BagIt-Version: 0.97", "Tag-File-Character-Encoding: UTF-8"])


def make_bag(output_dir: Path, *, source_organization: str | None, description: str, bagging_date: date) -> None:
    """Make a plain folder a BagIt bag: everything in it moves under ``data/``; byte-identical for the same files
    and arguments. ``source_organization`` is the site name (the line is left out when None), ``description``
    goes into External-Description, ``bagging_date`` into Bagging-Date (see ``default_bagging_date``). A folder
    that is already a bag only has its manifests and ``bag-info.txt`` brought up to date. Raises ExporterError
    on failure."""
    output_dir = Path(output_dir).resolve()
    if not output_dir.is_dir():
        raise ExporterError("cannot make a bag: not a folder", output_dir)
    try:
        if not is_bag(output_dir):
            payload = output_dir / f".bag-payload-{os.getpid()}"
            payload.mkdir()
            for entry in sorted(output_dir.iterdir()):
                if entry != payload:
                    entry.rename(payload / entry.name)
            payload.rename(output_dir / PAYLOAD)
            write_bagit_declaration(output_dir)
    except OSError as exc:
        raise ExporterError(f"cannot make a bag: {exc}", output_dir) from exc
    update_bag(output_dir, source_organization=source_organization, description=description, bagging_date=bagging_date)


def update_bag(bag_dir: Path, *, source_organization: str | None, description: str, bagging_date: date) -> None:
    """Bring a bag whose payload (``data/``) changed up to date, in place: ``bagit.txt``, the SHA-256 and SHA-512
    payload manifests of every file under ``data/``, ``bag-info.txt`` (its Payload-Oxum counting what is really
    there) and the tag manifests. Files beside ``data/`` that are no tag files (a user's own) are left alone and
    listed in no manifest. Raises ExporterError on failure."""
    bag_dir = Path(bag_dir)
    info = {
        "Source-Organization": source_organization,
        "External-Description": description,
        "Bagging-Date": bagging_date.isoformat(),
        "Bag-Software-Agent": f"exporter {__version__}",
    }
    try:
        write_bagit_declaration(bag_dir)
        files = sorted(
            (p for p in (bag_dir / PAYLOAD).rglob("*") if p.is_file()), key=lambda p: p.relative_to(bag_dir).as_posix()
        )
        for alg in ALGORITHMS:
            _write_lines(
                bag_dir / f"manifest-{alg}.txt",
                [f"{_digest(p, alg)}  {_encode(p.relative_to(bag_dir).as_posix())}" for p in files],
            )
        oxum = f"{sum(p.stat().st_size for p in files)}.{len(files)}"
        lines = [f"{k}: {_one_line(v)}" for k, v in info.items() if v is not None and k != "Bag-Software-Agent"]
        _write_lines(
            bag_dir / "bag-info.txt",
            [*lines, f"Payload-Oxum: {oxum}", f"Bag-Software-Agent: {info['Bag-Software-Agent']}"],
        )
        for old in bag_dir.glob("tagmanifest-*.txt"):
            old.unlink()
        tag_files = sorted(_tag_files(bag_dir))
        for alg in ALGORITHMS:
            _write_lines(
                bag_dir / f"tagmanifest-{alg}.txt", [f"{_digest(bag_dir / rel, alg)}  {rel}" for rel in tag_files]
            )
    except OSError as exc:
        raise ExporterError(f"cannot update the bag: {exc}", bag_dir) from exc


def _encode(path: str) -> str:
    """A path as BagIt manifests write it (line breaks percent-encoded, as bagit does)."""
    return path.replace("\r", "%0D").replace("\n", "%0A")


def verify_bag(path: Path) -> list[str]:
    """Check a bag's fixity (every payload and tag file), Payload-Oxum and completeness.

    Returns an empty list for a valid bag, else one line per problem naming the file (paths relative to the
    bag): ``data/x.pdf: checksum mismatch (sha256, sha512)``, ``data/y.epub: missing``,
    ``data/z.txt: not in the manifest``, ``not a BagIt bag (no bagit.txt)``. Never raises for a bad bag.
    """
    import bagit

    path = Path(path)
    if not path.is_dir():
        return ["not a folder"]
    if not is_bag(path):
        return ["not a BagIt bag (no bagit.txt)"]
    with _quiet():
        try:
            bag = bagit.Bag(str(path))
        except (bagit.BagError, OSError, UnicodeDecodeError, ValueError) as exc:
            return [f"not a valid bag: {_message(exc)}"]
        try:
            bag.validate(processes=1)
        except bagit.BagValidationError as exc:
            return _report(bag, exc)
        except (bagit.BagError, OSError, UnicodeDecodeError, ValueError) as exc:
            return [f"not a valid bag: {_message(exc)}"]
    return []


def payload_count(path: Path) -> int:
    """How many payload files the bag's manifests list (for "OK: N files verified")."""
    import bagit

    with _quiet():
        return len(bagit.Bag(str(path)).payload_entries())


# --- making ---------------------------------------------------------------------------------------------


def _one_line(value: str | None) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", value or "").strip()


def _tag_files(bag_dir: Path) -> Iterator[str]:
    """The tag files beside ``data/`` except the tag manifests (a user's own files there are no tag files)."""
    for entry in bag_dir.iterdir():
        if entry.is_file() and _TAG_FILE.match(entry.name) and not entry.name.startswith("tagmanifest-"):
            yield entry.name


def _digest(path: Path, alg: str) -> str:
    h = hashlib.new(alg)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_lines(path: Path, lines: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.writelines(line + "\n" for line in lines)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence bagit's logger (it logs every problem, and tracebacks on failure, to stderr)."""
    logger = logging.getLogger("bagit")
    disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = disabled


# --- verifying ------------------------------------------------------------------------------------------


def _message(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text)


def _report(bag: bagit.Bag, exc: bagit.BagValidationError) -> list[str]:
    """Turn bagit's first failure into the full list of problems.

    bagit stops at the first failing stage (Payload-Oxum, then completeness, then fixity), so when it stopped
    before fixity the remaining stages are run here too: every changed, missing or extra file is named.
    """
    import bagit

    details = list(exc.details)
    head: list[str] = []
    if not details:
        text = _message(exc)
        if not text.startswith("Payload-Oxum"):
            return [f"not a valid bag: {text}"]
        head.append(f"Payload-Oxum mismatch: {text.split('.', 1)[1].strip()}" if "." in text else text)
    if not any(isinstance(d, bagit.ChecksumMismatch) for d in details):
        if not details:  # stopped at Payload-Oxum: completeness did not run either
            missing, extra = bag.compare_manifests_with_fs()
            details += [bagit.FileMissing(p) for p in missing] + [bagit.UnexpectedFile(p) for p in extra]
        gone = {d.path for d in details if isinstance(d, bagit.FileMissing)}
        details += _fixity(bag, skip=gone)
    return head + _lines(details)


def _fixity(bag: bagit.Bag, skip: set[str]) -> list[bagit.ChecksumMismatch]:
    """What bagit's fixity stage would report, for every manifest entry that exists."""
    import bagit

    found: list[bagit.ChecksumMismatch] = []
    for rel, hashes in sorted(bag.entries.items()):
        full = Path(bag.path) / rel
        if rel in skip or not full.is_file():
            continue
        for alg, expected in sorted(hashes.items()):
            try:
                actual = _digest(full, alg)
            except (OSError, ValueError) as exc:
                actual = f"Could not read {rel}: {exc}"
            if actual != expected.lower():
                found.append(bagit.ChecksumMismatch(rel, alg, expected.lower(), actual))
    return found


def _lines(details: list[bagit.BagError]) -> list[str]:
    """One line per file, sorted by path: checksum mismatches grouped by algorithm."""
    import bagit

    problems: dict[str, list[str]] = {}
    mismatched: dict[str, list[str]] = {}
    unreadable: set[str] = set()
    for d in details:
        rel = Path(getattr(d, "path", "") or "?").as_posix()
        if isinstance(d, bagit.ChecksumMismatch):
            if _HEX.match(str(d.found or "")):
                mismatched.setdefault(rel, []).append(str(d.algorithm))
            else:
                unreadable.add(rel)
        elif isinstance(d, bagit.FileMissing):
            problems.setdefault(rel, []).append("missing")
        elif isinstance(d, bagit.UnexpectedFile):
            problems.setdefault(rel, []).append("not in the manifest")
        else:
            problems.setdefault(rel, []).append(_message(d))
    for rel in unreadable:
        problems.setdefault(rel, []).append("cannot be read")
    for rel, algs in mismatched.items():
        if rel not in unreadable:
            problems.setdefault(rel, []).append(f"checksum mismatch ({', '.join(sorted(set(algs)))})")
    return [f"{rel}: {problem}" for rel in sorted(problems) for problem in problems[rel]]
