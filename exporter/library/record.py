"""Folding a run's results into the folder's catalog: runs add and replace, and never remove what they did not
replace.

* An exported item replaces its own entry (same identity), keeping its place in the catalog.
* A failure adds an entry, except that an item exported earlier keeps its entry and books: the failure is noted
  on it (``failed``), so a bad run never takes a good book out of the catalog.
* A skipped post (status or type not asked for) is recorded only when the catalog knows nothing better of it.
* A bundle written again replaces its parts: its book holds exactly this run's articles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exporter import __version__
from exporter.library.catalog import Catalog, Entry, entry_key
from exporter.library.identity import unreadable_id


def record_results(catalog: Catalog, entries: list[Entry], bundle: str | None = None) -> None:
    """Fold this run's entries (in reading order) into ``catalog``."""
    if bundle is not None and any(e.get("status") == "ok" for e in entries):
        new = {entry_key(e) for e in entries}
        for key in [k for k in catalog.entries if k[1] == bundle and k not in new]:
            catalog.remove(key)
    for entry in entries:
        key = entry_key(entry)
        old = catalog.get(key)
        status = entry.get("status")
        if status == "ok":
            catalog.add(entry)
            read_failure = (unreadable_id(str(entry["source"]["path"])), None)
            if read_failure != key and (catalog.get(read_failure) or {}).get("status") == "error":
                catalog.remove(read_failure)  # the input reads now: its old read failure is history
        elif status == "error":
            if old is not None and old.get("status") == "ok":
                old["failed"] = {"run": entry.get("run"), "error": entry.get("error")}
            else:
                catalog.add(entry)
        elif old is None or old.get("status") == "skipped":
            catalog.add(entry)


def run_record(run: int, inputs: list[str], entries: list[Entry], notes: list[str]) -> dict[str, Any]:
    """What the catalog keeps of a run: its number, inputs, counts and notes (no clock time: docs/dates.md)."""
    counts = {"exported": 0, "unchanged": 0, "failed": 0, "skipped": 0}
    for entry in entries:
        if entry.get("status") == "error":
            counts["failed"] += 1
        elif entry.get("status") == "skipped":
            counts["skipped"] += 1
        elif any(w.get("code") == "unchanged" for w in entry.get("warnings", [])):
            counts["unchanged"] += 1
        else:
            counts["exported"] += 1
    record: dict[str, Any] = {"run": run, "tool": f"exporter {__version__}", "inputs": inputs, **counts}
    if notes:
        record["notes"] = notes
    return record


def shown_input(path: object) -> str:
    """An input as the run record names it: a path as given, ``-`` for standard input."""
    return str(path) if isinstance(path, Path) else "-"
