"""One date rule (docs/dates.md): the EPUB, the PDF, the bag and manifest.json of one export say the same date."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from exporter import dates
from exporter.writers.pdf_archival import XMP_NAMESPACES
from tests.conftest import FIXTURES, ROOT

DATED = FIXTURES / "theme-page.html"  # published 2023-10-14T09:30:00+02:00
UNDATED = FIXTURES / "harbour-archive.txt"  # no date in the source
PUBLISHED = datetime(2023, 10, 14, 7, 30, tzinfo=UTC)
EPOCH_ZERO = datetime(1970, 1, 1, tzinfo=UTC)


# ---- the rule ----------------------------------------------------------------------------------------------


def test_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert dates.source_date_epoch() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert dates.source_date_epoch() == EPOCH_ZERO  # zero is a date, not "unset"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1700000000\n")
    assert dates.source_date_epoch() == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    for junk in ("", "-1", "1.5", "yesterday"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", junk)
        assert dates.source_date_epoch() is None, junk


def test_build_date_prefers_source_date_epoch_then_the_latest_publication(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plus2 = datetime(2023, 10, 14, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    naive = datetime(2023, 10, 14, 8, 0)  # taken as UTC: later than plus2 (07:30 UTC)
    assert dates.build_date([None, plus2]) == plus2
    assert dates.build_date([plus2, naive, None]) == naive.replace(tzinfo=UTC)
    assert dates.latest([plus2, naive]) is naive
    assert dates.build_date([None]) is None
    assert dates.stamp([None]) == dates.UNKNOWN == datetime(1980, 1, 1, tzinfo=UTC)
    assert dates.stamp([plus2]) == PUBLISHED and dates.stamp([plus2]).tzinfo == UTC
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert dates.build_date([plus2]) == dates.stamp([]) == EPOCH_ZERO


def test_formats_of_one_instant() -> None:
    plus2 = datetime(2023, 10, 14, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert dates.utc_text(plus2) == "2023-10-14T07:30:00Z"
    assert dates.w3c_datetime(plus2) == "2023-10-14T09:30:00+02:00"
    assert dates.pdf_date(plus2) == "D:20231014093000+02'00'"
    assert dates.pdf_date(datetime(2020, 1, 2, tzinfo=timezone(timedelta(hours=-3, minutes=-30)))) == (
        "D:20200102000000-03'30'"
    )
    assert dates.zip_time(plus2) == (2023, 10, 14, 7, 30, 0)
    assert dates.zip_time(EPOCH_ZERO) == (1980, 1, 1, 0, 0, 0)


# ---- one export, every output ------------------------------------------------------------------------------


def export(out: Path, *args: str, epoch: str | None) -> None:
    """`exporter export` as its own process, in a zone far from UTC, with or without SOURCE_DATE_EPOCH."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["TZ"] = "Pacific/Kiritimati"
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    cmd = [sys.executable, "-m", "exporter", "export", *args, "--pdf-variant", "pdf/a-3b", "--bag", "-j", "1"]
    proc = subprocess.run([*cmd, "-o", str(out), "-q"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr


@dataclass
class Said:
    """Every build date one EPUB and one PDF say, and the manifest's, for one item."""

    epub_modified: datetime
    zip_times: set[tuple[int, ...]]
    epub_published: str | None
    pdf_created: datetime | None
    xmp_created: datetime | None
    embedded: set[datetime | None]
    xmp_published: str | None
    manifest: datetime | None


def _pdf_time(text: str) -> datetime:
    m = re.fullmatch(r"D:(\d{14})([+-])(\d\d)'(\d\d)'", text)
    assert m, text
    sign = 1 if m.group(2) == "+" else -1
    zone = timezone(sign * timedelta(hours=int(m.group(3)), minutes=int(m.group(4))))
    return datetime.strptime(m.group(1), "%Y%m%d%H%M%S").replace(tzinfo=zone)


def read_item(data: Path, item: dict) -> Said:
    paths = {o["format"]: data / o["path"] for o in item["outputs"]}
    with zipfile.ZipFile(paths["epub"]) as zf:
        opf = zf.read("EPUB/content.opf").decode()
        zip_times = {i.date_time for i in zf.infolist()}
    modified = re.search(r'<meta property="dcterms:modified">([^<]+)</meta>', opf)
    assert modified is not None
    published = re.search(r"<dc:date>([^<]+)</dc:date>", opf)
    with pikepdf.open(paths["pdf"]) as pdf:
        info = pdf.docinfo
        created = _pdf_time(str(info.CreationDate)) if "/CreationDate" in info else None
        assert "/ModDate" not in info
        embedded = {
            _pdf_time(str(spec.EF.F.Params.ModDate)) if "/ModDate" in spec.EF.F.Params else None for spec in pdf.Root.AF
        }
        xmp = etree.fromstring(pdf.Root.Metadata.read_bytes())
    xmp_created = xmp.xpath("//xmp:CreateDate/text()", namespaces=XMP_NAMESPACES)
    xmp_published = xmp.xpath("//dc:date//rdf:li/text()", namespaces=XMP_NAMESPACES)
    return Said(
        epub_modified=datetime.strptime(modified.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
        zip_times=zip_times,
        epub_published=published.group(1) if published else None,
        pdf_created=created,
        xmp_created=datetime.fromisoformat(xmp_created[0]) if xmp_created else None,
        embedded=embedded,
        xmp_published=xmp_published[0] if xmp_published else None,
        manifest=datetime.fromisoformat(item["date"]) if item["date"] else None,
    )


def bagging_date(out: Path) -> str:
    info = (out / "bag-info.txt").read_text(encoding="utf-8")
    found = re.search(r"^Bagging-Date: (.+)$", info, re.MULTILINE)
    assert found is not None
    return found.group(1)


def bag_lines(out: Path) -> list[str]:
    """bag-info.txt's Bagging-Date and Source-Organization lines."""
    lines = (out / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith(("Bagging-Date:", "Source-Organization:"))]


def items(out: Path) -> dict[str, dict]:
    manifest = json.loads((out / "data" / "manifest.json").read_text(encoding="utf-8"))
    return {Path(i["source"]["path"]).name: i for i in manifest["items"]}


def assert_agree(said: Said, when: datetime | None, embedded: set[datetime | None] | None = None) -> None:
    """The EPUB, the PDF and the manifest say ``when`` (None: the source gives no date and no epoch is set); the
    files embedded in the PDF say ``embedded`` (each article's own build date), by default ``when``."""
    assert said.manifest == when
    assert said.pdf_created == said.xmp_created == when
    assert said.embedded == (embedded if embedded is not None else {when})
    assert said.epub_modified == (when or dates.UNKNOWN)
    assert said.zip_times == {dates.zip_time(when or dates.UNKNOWN)}


def test_without_source_date_epoch_every_output_says_the_publication_date(tmp_path: Path) -> None:
    export(tmp_path, str(DATED), str(UNDATED), epoch=None)
    found = items(tmp_path)
    dated = read_item(tmp_path / "data", found[DATED.name])
    assert_agree(dated, PUBLISHED)
    assert dated.pdf_created is not None and dated.pdf_created.utcoffset() == timedelta(hours=2)  # the source's
    assert (dated.epub_published, dated.xmp_published) == ("2023-10-14", "2023-10-14T09:30:00+02:00")
    undated = read_item(tmp_path / "data", found[UNDATED.name])
    assert_agree(undated, None)
    assert (undated.epub_published, undated.xmp_published) == (None, None)
    assert bagging_date(tmp_path) == "2023-10-14"  # the latest of the items


def test_source_date_epoch_zero_is_the_date_of_every_output(tmp_path: Path) -> None:
    """The issue's case: an EPUB dated 1970-01-01 and a PDF dated from the source. Now both say 1970."""
    export(tmp_path, str(DATED), str(UNDATED), epoch="0")
    found = items(tmp_path)
    for name in (DATED.name, UNDATED.name):
        assert_agree(read_item(tmp_path / "data", found[name]), EPOCH_ZERO)
    dated = read_item(tmp_path / "data", found[DATED.name])
    assert (dated.epub_published, dated.xmp_published) == ("2023-10-14", "2023-10-14T09:30:00+02:00")
    assert bagging_date(tmp_path) == "1970-01-01"


def test_a_bundle_has_the_latest_date_in_every_output(tmp_path: Path) -> None:
    export(tmp_path, str(DATED), str(UNDATED), "--bundle", "Both", epoch=None)
    found = items(tmp_path)
    for name in (DATED.name, UNDATED.name):  # the embedded sources keep each article's own date
        assert_agree(read_item(tmp_path / "data", found[name]), PUBLISHED, embedded={PUBLISHED, None})
    assert bagging_date(tmp_path) == "2023-10-14"


def test_resume_keeps_the_rule(tmp_path: Path) -> None:
    """A resumed run reuses books only when their date is still the rule's, and bags with the same date."""
    export(tmp_path, str(DATED), str(UNDATED), epoch=None)
    first = bag_lines(tmp_path)
    assert len(first) == 2, first
    export(tmp_path, str(DATED), str(UNDATED), "--resume", epoch=None)
    assert all(
        "unchanged" in [m["code"] for m in i["warnings"] if isinstance(m, dict)] for i in items(tmp_path).values()
    )
    assert bag_lines(tmp_path) == first  # the manifest changed (its messages say "unchanged"), not these
    export(tmp_path, str(DATED), str(UNDATED), "--resume", epoch="0")
    found = items(tmp_path)
    for name in (DATED.name, UNDATED.name):
        assert "unchanged" not in [m["code"] for m in found[name]["warnings"] if isinstance(m, dict)]
        assert_agree(read_item(tmp_path / "data", found[name]), EPOCH_ZERO)
