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
import shutil
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

import bagit

from exporter import __version__, dates
from exporter.errors import ExporterError

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


def unbag(path: Path) -> None:
    """Turn a bag back into a plain output folder: drop the tag files and move ``data/``'s contents up.

    A file already at the top level wins over the bag's copy of the same name (it was written after the bag was
    made, by a newer export), and the old copy is discarded. Does nothing when ``path`` is not a bag.
    """
    if not is_bag(path):
        return
    for entry in path.iterdir():
        if entry.is_file() and _TAG_FILE.match(entry.name):
            entry.unlink()
    payload = path / PAYLOAD
    if not payload.is_dir():
        return
    old = path / f".bag-payload-{os.getpid()}"
    payload.rename(old)
    for entry in sorted(old.iterdir()):
        target = path / entry.name
        if target.exists() or target.is_symlink():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        else:
            entry.rename(target)
    old.rmdir()


def make_bag(output_dir: Path, *, source_organization: str | None, description: str, bagging_date: date) -> None:
    """Make the (already written) output folder a BagIt bag, byte-identical for the same files and arguments.

    ``source_organization`` is the site name (the line is left out when None), ``description`` goes into
    External-Description, ``bagging_date`` into Bagging-Date (see ``default_bagging_date``). A folder that is
    already a bag (an earlier ``--bag`` export into the same folder) is unbagged first, the newly written files
    taking precedence over the old bag's copies, and then bagged again. Raises ExporterError on failure.
    """
    output_dir = Path(output_dir).resolve()
    if not output_dir.is_dir():
        raise ExporterError("cannot make a bag: not a folder", output_dir)
    cwd = Path.cwd().resolve()
    if cwd != output_dir and cwd.is_relative_to(output_dir):
        raise ExporterError("cannot make a bag of a folder that holds the current directory", output_dir)
    info = {
        "Source-Organization": source_organization,
        "External-Description": description,
        "Bagging-Date": bagging_date.isoformat(),
        "Bag-Software-Agent": f"exporter {__version__}",
    }
    try:
        unbag(output_dir)
        # bagit refuses a cwd that merely shares the folder's name as a prefix; working from inside avoids that.
        with _quiet(), contextlib.chdir(output_dir):
            bagit.make_bag(
                str(output_dir),
                {k: _one_line(v) for k, v in info.items() if v is not None},
                processes=1,
                checksums=list(ALGORITHMS),
            )
        _normalise_tag_files(output_dir, info)
    except (bagit.BagError, RuntimeError, OSError) as exc:
        raise ExporterError(f"cannot make a bag: {exc}", output_dir) from exc


def verify_bag(path: Path) -> list[str]:
    """Check a bag's fixity (every payload and tag file), Payload-Oxum and completeness.

    Returns an empty list for a valid bag, else one line per problem naming the file (paths relative to the
    bag): ``data/x.pdf: checksum mismatch (sha256, sha512)``, ``data/y.epub: missing``,
    ``data/z.txt: not in the manifest``, ``not a BagIt bag (no bagit.txt)``. Never raises for a bad bag.
    """
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
    with _quiet():
        return len(bagit.Bag(str(path)).payload_entries())


# --- making ---------------------------------------------------------------------------------------------


def _one_line(value: str | None) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", value or "").strip()


def _normalise_tag_files(bag_dir: Path, info: dict[str, str | None]) -> None:
    """Rewrite bag-info.txt in a fixed order, sort the payload manifests by path, and write the tag manifests
    (sorted) last, so no line depends on directory order, the clock or bagit's own defaults."""
    oxum = bagit.Bag(str(bag_dir)).info.get("Payload-Oxum")
    lines = [
        f"{key}: {_one_line(value)}" for key, value in info.items() if value is not None and key != "Bag-Software-Agent"
    ]
    lines.append(f"Payload-Oxum: {oxum}")
    lines.append(f"Bag-Software-Agent: {info['Bag-Software-Agent']}")
    _write_lines(bag_dir / "bag-info.txt", lines)
    for alg in ALGORITHMS:
        manifest = bag_dir / f"manifest-{alg}.txt"
        entries = manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else []
        _write_lines(manifest, sorted((e for e in entries if e.strip()), key=lambda e: e.split(None, 1)[1]))
    for old in bag_dir.glob("tagmanifest-*.txt"):
        old.unlink()
    tag_files = sorted(_tag_files(bag_dir))
    for alg in ALGORITHMS:
        _write_lines(bag_dir / f"tagmanifest-{alg}.txt", [f"{_digest(bag_dir / rel, alg)}  {rel}" for rel in tag_files])


def _tag_files(bag_dir: Path) -> Iterator[str]:
    """Every file outside ``data/`` except the tag manifests, as posix paths relative to the bag."""
    for entry in bag_dir.iterdir():
        if entry.name == PAYLOAD:
            continue
        if entry.is_file():
            if not entry.name.startswith("tagmanifest-"):
                yield entry.name
        elif entry.is_dir():
            for sub in entry.rglob("*"):
                if sub.is_file() and not sub.name.startswith("tagmanifest-"):
                    yield sub.relative_to(bag_dir).as_posix()


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
