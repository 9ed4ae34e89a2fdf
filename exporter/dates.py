"""The date policy: which date every output carries, decided here once (docs/dates.md explains it).

Two dates, never the clock:

* the **publication date** (EPUB ``dc:date``, the PDF's XMP ``dc:date``, the title page): the source's, and only
  the source's; absent when the source gives none;
* the **build date**, the moment the files say they were made (EPUB ``dcterms:modified`` and ZIP entry times,
  the PDF's ``/CreationDate``, ``xmp:CreateDate`` and embedded files' ``/ModDate``, the bag's Bagging-Date,
  each item's ``date`` in ``manifest.json``): :func:`build_date`, that is ``SOURCE_DATE_EPOCH`` when it is set,
  else the latest publication date of the articles the file holds, else none. A format that must carry a date
  (EPUB, ZIP, bag) carries :data:`UNKNOWN` (1980-01-01, the ZIP epoch) instead of none; see :func:`stamp`.
  Libraries that would stamp the clock into what they make (fontTools, subsetting a colour emoji font for
  WeasyPrint, writes the time into the font's ``head``) run inside :func:`tools_build_date`.

A date without a time zone is taken as UTC, so the same input gives the same bytes in every time zone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

UNKNOWN = datetime(1980, 1, 1, tzinfo=UTC)
"""The build date of a file that must carry one when no date is known: the earliest a ZIP entry can hold."""


def source_date_epoch() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) as an aware datetime; None when unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(value), UTC) if value.isdigit() else None


def aware(when: datetime) -> datetime:
    """``when`` with a time zone: a naive datetime is taken as UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def latest(dates: Iterable[datetime | None]) -> datetime | None:
    """The latest of the known ``dates`` (compared as instants, naive ones as UTC), as given; None if none."""
    known = [d for d in dates if d is not None]
    return max(known, key=aware) if known else None


def build_date(published: Iterable[datetime | None]) -> datetime | None:
    """The build date of a file holding articles published at ``published``: ``SOURCE_DATE_EPOCH`` when set,
    else the latest publication date, else None."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch
    newest = latest(published)
    return aware(newest) if newest is not None else None


def stamp(published: Iterable[datetime | None]) -> datetime:
    """:func:`build_date` in UTC, for a format that must carry a date: :data:`UNKNOWN` when none is known."""
    when = build_date(published)
    return when.astimezone(UTC) if when is not None else UNKNOWN


def utc_text(when: datetime) -> str:
    """``2024-05-16T08:00:00Z``: the instant in UTC, as EPUB's ``dcterms:modified`` and the manifest write it."""
    return f"{aware(when).astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def w3c_datetime(when: datetime) -> str:
    """A W3C/XMP date-time with seconds and a numeric zone, in the zone ``when`` has (naive is UTC)."""
    when = aware(when)
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{when:%Y-%m-%dT%H:%M:%S}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def pdf_date(when: datetime) -> str:
    """A PDF date string (``D:YYYYMMDDHHmmSS+HH'mm'``) for the same instant and zone as :func:`w3c_datetime`."""
    text = w3c_datetime(when)  # YYYY-MM-DDTHH:MM:SS+HH:MM
    digits = text[:19].replace("-", "").replace("T", "").replace(":", "")
    return f"D:{digits}{text[19]}{text[20:22]}'{text[23:25]}'"


def zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry's date_time for ``when`` in UTC; never before 1980-01-01, the earliest ZIP can hold."""
    utc = aware(when).astimezone(UTC)
    return max((utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second), (1980, 1, 1, 0, 0, 0))


@contextmanager
def tools_build_date(when: datetime) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` set to ``when`` while a library writes part of a file, then restored as it was.

    fontTools reads it (the reproducible-builds rule) when it saves a font WeasyPrint had it rebuild, as it does
    for colour emoji: without it the font's ``head.modified`` is the clock, and the PDF changes every run. Our
    own dates are read before, so they are unchanged (and equal to ``when`` when the variable was already set).
    """
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(aware(when).timestamp()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
