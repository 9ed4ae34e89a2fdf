"""docs/messages.md lists every message code the source can emit, with its level, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALL = re.compile(r'\b(info|warning|error)\(\s*"([a-z]+)",\s*"([a-z0-9-]+)"')
REFUSAL = re.compile(r'Refusal\(url, [^\n]*?, "([a-z0-9-]+)"\)')
ROW = re.compile(r"^\| `([a-z]+)` \| `([a-z0-9-]+)` \| (info|warning|error) \| (.+) \|$", re.MULTILINE)
NOT_IN_SOURCE = {("legacy", "text")}  # what Message.from_json makes of a string in an older manifest


def source_codes() -> dict[tuple[str, str], set[str]]:
    """(stage, code) → the levels the source gives it."""
    found: dict[tuple[str, str], set[str]] = {}
    for path in sorted((ROOT / "exporter").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for level, stage, code in CALL.findall(text):
            found.setdefault((stage, code), set()).add(level)
        for code in REFUSAL.findall(text):  # image refusals: reported by the images stage (a spacer is info)
            found.setdefault(("images", code), set()).add("info" if code == "spacer" else "warning")
    return found


def documented() -> dict[tuple[str, str], str]:
    """(stage, code) → level, from the tables of docs/messages.md."""
    rows = ROW.findall((ROOT / "docs" / "messages.md").read_text(encoding="utf-8"))
    table = {(stage, code): level for stage, code, level, _ in rows}
    assert len(table) == len(rows), "a (stage, code) is listed twice"
    return table


def test_the_scan_finds_the_codes_it_should() -> None:
    codes = source_codes()
    assert (
        ("pdf", "note-away") in codes and ("images", "outside-input") in codes and ("export", "internal-error") in codes
    )
    assert len(codes) > 30


def test_every_code_in_the_source_is_documented_with_its_level() -> None:
    docs = documented()
    missing = sorted(f"{s}/{c}" for s, c in source_codes() if (s, c) not in docs)
    assert not missing, f"add these to docs/messages.md: {missing}"
    wrong = sorted(f"{s}/{c}: {lv} vs {docs[s, c]}" for (s, c), lv in source_codes().items() if docs[s, c] not in lv)
    assert not wrong, wrong


def test_every_documented_code_is_in_the_source() -> None:
    stale = sorted(f"{s}/{c}" for s, c in documented() if (s, c) not in source_codes() and (s, c) not in NOT_IN_SOURCE)
    assert not stale, f"docs/messages.md lists codes no code emits: {stale}"


def test_a_code_has_one_level() -> None:
    mixed = sorted(f"{s}/{c}: {sorted(lv)}" for (s, c), lv in source_codes().items() if len(lv) > 1)
    assert not mixed, mixed
