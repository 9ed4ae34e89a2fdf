"""Which capture of a URL to read: the one nearest a moment (or the latest), redirects inside the archive
followed, revisit records resolved to the record that holds the payload.

URLs are matched exactly first, then after normalising (:func:`url_key`: http and https are the same page, the
fragment is dropped, the host is lower-cased).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

from exporter.readers.warc_index import Entry

MAX_REDIRECTS = 5


def url_key(url: str) -> str:
    """A URL normalised for matching captures: scheme-less (http = https), host lower-cased, no default port,
    no fragment, an empty path as ``/``."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    return urlunsplit(("", host, parts.path or "/", parts.query, ""))


@dataclass(frozen=True)
class Resolved:
    """A capture chosen: the record that answered the URL (``entry``), the record that holds its payload
    (``payload``: itself, or a revisit's original) and what was done to reach them."""

    entry: Entry
    payload: Entry
    notes: tuple[str, ...] = ()


@dataclass
class Captures:
    """The captures of an archive by URL, each list sorted by date."""

    by_uri: dict[str, list[Entry]] = field(default_factory=dict)
    by_key: dict[str, list[Entry]] = field(default_factory=dict)
    by_digest: dict[str, list[Entry]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Captures:
        """The captures of these entries."""
        found = cls()
        for entry in entries:
            found.by_uri.setdefault(entry.uri, []).append(entry)
            found.by_key.setdefault(url_key(entry.uri), []).append(entry)
            if entry.digest and entry.rtype != "revisit":
                found.by_digest.setdefault(entry.digest, []).append(entry)
        for table in (found.by_uri, found.by_key, found.by_digest):
            for captures in table.values():
                captures.sort(key=lambda e: e.date)
        return found

    def of_url(self, url: str) -> list[Entry]:
        """Every capture of ``url``: under the exact URL if there are any, else under its normalised form."""
        return self.by_uri.get(url) or self.by_key.get(url_key(url), [])

    def nearest(self, url: str, when: datetime | None) -> Entry | None:
        """The capture of ``url`` nearest ``when`` (the latest when None; a tie goes to the later one)."""
        return nearest(self.of_url(url), when)

    def resolve(self, entry: Entry) -> Resolved | None:
        """Follow ``entry``'s redirects inside the archive (to the capture nearest in time of each target) and
        resolve revisits; None when a redirect leads nowhere the archive holds, loops, or a revisit's original is
        missing."""
        notes: list[str] = []
        seen = {entry}
        for _ in range(MAX_REDIRECTS + 1):
            payload = entry
            if entry.rtype == "revisit":
                original = self.original(entry)
                if original is None:
                    return None
                notes.append(f"revisit of {entry.uri} resolved to the capture of {original.date:%Y-%m-%d %H:%M:%S}")
                payload = original
            status = entry.status if entry.status is not None else payload.status
            location = entry.location or payload.location
            if status is None or not 300 <= status < 400 or not location:
                return Resolved(entry, payload, tuple(notes))
            target = urljoin(entry.uri, location)
            following = self.nearest(target, entry.date)
            if following is None or following in seen:
                return None
            notes.append(f"{entry.uri} redirects ({status}) to {target}")
            seen.add(following)
            entry = following
        return None

    def original(self, revisit: Entry) -> Entry | None:
        """The record a revisit stands for: by WARC-Refers-To-Target-URI and date, else by payload digest (the
        capture nearest the revisit in time)."""
        if revisit.refers_uri:
            candidates = [e for e in self.of_url(revisit.refers_uri) if e.rtype != "revisit"]
            if revisit.refers_date is not None:
                exact = [e for e in candidates if e.date == revisit.refers_date]
                if exact:
                    return exact[0]
            found = nearest(candidates, revisit.refers_date or revisit.date)
            if found is not None and (not revisit.digest or not found.digest or found.digest == revisit.digest):
                return found
        if revisit.digest:
            return nearest(self.by_digest.get(revisit.digest, []), revisit.date)
        return None


def nearest(captures: list[Entry], when: datetime | None) -> Entry | None:
    """The capture nearest ``when`` (sorted by date; the latest when None; ties go to the later one)."""
    if not captures:
        return None
    if when is None:
        return captures[-1]
    return min(reversed(captures), key=lambda e: abs((e.date - when).total_seconds()))
