"""BagIt packaging (exporter.bag): a valid bag, fixity problems named per file, the same bytes every time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import bagit
import pytest

from exporter.bag import default_bagging_date, is_bag, make_bag, payload_count, update_bag, verify_bag
from exporter.errors import ExporterError

ROOT = Path(__file__).resolve().parents[1]
BAG_ARGS = {
    "source_organization": "Harbour Archive",
    "description": "3 articles exported",
    "bagging_date": date(2024, 5, 17),
}
TAG_FILES = (
    "bagit.txt",
    "bag-info.txt",
    "manifest-sha256.txt",
    "manifest-sha512.txt",
    "tagmanifest-sha256.txt",
    "tagmanifest-sha512.txt",
)


def write_output(folder: Path) -> Path:
    """A small output folder: stand-ins for books and a manifest.json."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "harbour-lights.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"%%EOF\n")
    (folder / "harbour-lights.epub").write_bytes(b"PK\x03\x04mimetypeapplication/epub+zip" + b"\x00" * 300)
    (folder / "زبان-فارسی.epub").write_bytes(b"PK\x03\x04" + "متن".encode() * 50)
    manifest = {"tool": "exporter 0.1.0", "items": [{"title": "Harbour lights", "status": "ok"}]}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def bag(tmp_path: Path) -> Path:
    folder = write_output(tmp_path / "out")
    make_bag(folder, **BAG_ARGS)
    return folder


def test_bag_layout_and_bag_info(bag: Path) -> None:
    assert sorted(p.name for p in bag.iterdir()) == sorted((*TAG_FILES, "data"))
    assert sorted(p.name for p in (bag / "data").iterdir()) == sorted(
        ["harbour-lights.pdf", "harbour-lights.epub", "زبان-فارسی.epub", "manifest.json"]
    )
    sizes = sum(p.stat().st_size for p in (bag / "data").iterdir())
    assert (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines() == [
        "Source-Organization: Harbour Archive",
        "External-Description: 3 articles exported",
        "Bagging-Date: 2024-05-17",
        f"Payload-Oxum: {sizes}.4",
        "Bag-Software-Agent: exporter 0.1.0",
    ]
    assert is_bag(bag)


def test_bagit_library_validates_the_bag(bag: Path) -> None:
    b = bagit.Bag(str(bag))
    assert b.validate(processes=1)
    assert set(b.algorithms) == {"sha256", "sha512"}
    assert verify_bag(bag) == []
    assert payload_count(bag) == 4


def test_manifests_are_sorted_by_path(bag: Path) -> None:
    for name in ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"):
        paths = [line.split(None, 1)[1] for line in (bag / name).read_text(encoding="utf-8").splitlines()]
        assert paths == sorted(paths), name
    tagged = [line.split(None, 1)[1] for line in (bag / "tagmanifest-sha256.txt").read_text().splitlines()]
    assert tagged == ["bag-info.txt", "bagit.txt", "manifest-sha256.txt", "manifest-sha512.txt"]


def test_flipped_byte_in_the_pdf_is_named(bag: Path) -> None:
    pdf = bag / "data" / "harbour-lights.pdf"
    data = bytearray(pdf.read_bytes())
    data[100] ^= 0x01
    pdf.write_bytes(bytes(data))
    assert not bagit.Bag(str(bag)).is_valid()
    assert verify_bag(bag) == ["data/harbour-lights.pdf: checksum mismatch (sha256, sha512)"]


def test_deleted_file_is_named(bag: Path) -> None:
    (bag / "data" / "harbour-lights.epub").unlink()
    problems = verify_bag(bag)
    assert "data/harbour-lights.epub: missing" in problems
    assert problems[0].startswith("Payload-Oxum mismatch")
    assert len(problems) == 2


def test_stray_file_is_named(bag: Path) -> None:
    (bag / "data" / "notes.txt").write_text("added later\n")
    problems = verify_bag(bag)
    assert "data/notes.txt: not in the manifest" in problems
    assert len(problems) == 2  # and the Payload-Oxum line


def test_every_problem_is_named_at_once(bag: Path) -> None:
    (bag / "data" / "harbour-lights.epub").unlink()
    (bag / "data" / "notes.txt").write_text("x")
    pdf = bag / "data" / "harbour-lights.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%%EOX"))  # same size
    info = bag / "bag-info.txt"
    info.write_text(info.read_text().replace("Harbour Archive", "Harbour Archivf"))
    assert verify_bag(bag)[1:] == [
        "bag-info.txt: checksum mismatch (sha256, sha512)",
        "data/harbour-lights.epub: missing",
        "data/harbour-lights.pdf: checksum mismatch (sha256, sha512)",
        "data/notes.txt: not in the manifest",
    ]


def test_same_size_change_and_stray_file(bag: Path) -> None:
    """Completeness fails before fixity in bagit; the changed file is still named."""
    pdf = bag / "data" / "harbour-lights.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%%EOX"))
    (bag / "data" / "notes.txt").write_text("")  # zero bytes: Payload-Oxum bytes unchanged, count not
    problems = verify_bag(bag)
    assert "data/harbour-lights.pdf: checksum mismatch (sha256, sha512)" in problems
    assert "data/notes.txt: not in the manifest" in problems


def test_missing_tag_file_is_named(bag: Path) -> None:
    (bag / "manifest-sha512.txt").unlink()
    assert verify_bag(bag) == ["manifest-sha512.txt: missing"]


def test_not_a_bag(tmp_path: Path) -> None:
    folder = write_output(tmp_path / "plain")
    assert verify_bag(folder) == ["not a BagIt bag (no bagit.txt)"]
    assert verify_bag(tmp_path / "nowhere") == ["not a folder"]


def test_broken_bag_gives_a_line_not_a_traceback(bag: Path) -> None:
    (bag / "bagit.txt").write_text("nonsense\n")
    [line] = verify_bag(bag)
    assert line.startswith("not a valid bag:")
    (bag / "bagit.txt").write_text("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
    os.rename(bag / "data", bag / "payload")
    [line] = verify_bag(bag)
    assert line.startswith("not a valid bag:")


def test_updating_a_bag_in_place(tmp_path: Path) -> None:
    """A later export changes the payload under data/; the bag is brought up to date in place and equals a fresh
    bag of the same files."""
    again = write_output(tmp_path / "again")
    make_bag(again, **BAG_ARGS)
    (again / "data" / "harbour-lights.pdf").write_bytes(b"%PDF-1.7 newer\n")
    (again / "data" / "manifest.json").write_text('{"items": []}\n')
    assert verify_bag(again) != []
    make_bag(again, **BAG_ARGS)  # already a bag: only brought up to date
    assert verify_bag(again) == []
    assert not (again / "data" / "data").exists()

    fresh = write_output(tmp_path / "fresh")
    (fresh / "harbour-lights.pdf").write_bytes(b"%PDF-1.7 newer\n")
    (fresh / "manifest.json").write_text('{"items": []}\n')
    make_bag(fresh, **BAG_ARGS)
    assert _snapshot(again) == _snapshot(fresh)


def test_a_users_file_beside_data_is_left_alone(bag: Path) -> None:
    """A file the user puts beside data/ is no tag file: no manifest lists it, it is never moved, and bagit's own
    validation still passes after an update."""
    (bag / "my notes.txt").write_text("mine\n", encoding="utf-8")
    (bag / "data" / "extra.epub").write_bytes(b"PK\x03\x04 more")
    update_bag(bag, **BAG_ARGS)
    assert (bag / "my notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert "my notes" not in "".join(p.read_text(encoding="utf-8") for p in bag.glob("*manifest-*.txt"))
    bagit.Bag(str(bag)).validate()
    assert "Payload-Oxum: " in (bag / "bag-info.txt").read_text() and payload_count(bag) == 5


def test_source_organization_may_be_absent(tmp_path: Path) -> None:
    folder = write_output(tmp_path / "out")
    make_bag(folder, source_organization=None, description="line one\nline two", bagging_date=date(2020, 1, 2))
    lines = (folder / "bag-info.txt").read_text().splitlines()
    assert lines[0] == "External-Description: line one line two"
    assert not any(line.startswith("Source-Organization") for line in lines)
    assert verify_bag(folder) == []


def test_make_bag_errors_are_exporter_errors(tmp_path: Path) -> None:
    with pytest.raises(ExporterError):
        make_bag(tmp_path / "missing", **BAG_ARGS)


_BAG_IN_SUBPROCESS = """
import sys, datetime, bagit
from pathlib import Path
class FakeDate(datetime.date):
    @classmethod
    def today(cls):
        return cls(2031, 12, 31)
bagit.date = FakeDate   # bagit's own Bagging-Date default reads date.today()
from exporter.bag import make_bag
make_bag(Path(sys.argv[1]), source_organization="Harbour Archive", description="3 articles exported",
         bagging_date=datetime.date(2024, 5, 17))
"""


def test_same_bytes_across_clocks_and_time_zones(tmp_path: Path) -> None:
    """Two bags of the same files, one here and one in a subprocess with another TZ and a faked later date."""
    first = write_output(tmp_path / "first")
    make_bag(first, **BAG_ARGS)
    second = write_output(tmp_path / "second")
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-c", _BAG_IN_SUBPROCESS, str(second)], check=True, env=env, cwd=tmp_path)
    for name in TAG_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert _snapshot(first) == _snapshot(second)


def test_default_bagging_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    late = datetime(2024, 5, 16, 23, 30, tzinfo=UTC)
    assert default_bagging_date([None, datetime(2020, 1, 1, tzinfo=UTC), late]) == date(2024, 5, 16)
    assert default_bagging_date([]) == date(1980, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert default_bagging_date([late]) == date(2023, 11, 14)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
