"""Run every vector of ../shared/wordpress/autop-vectors.json against our ``wpautop``.

The file has no ``kind`` field: each vector has a ``compare`` mode (``exact``, ``trim`` or ``trim+ignore_eol``)
and a ``status`` (asserted by a core test, ``derived`` or ``hand-traced``); test ids start with both so a run
reports pass/fail per mode and status. Vectors marked ``since: 6.2`` hold for our port (WordPress ≥ 6.2).
None is skipped. The one vector about shortcodes also checks that ``shortcode_unautop`` gives the tag back.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from exporter.clean.autop import wpautop
from exporter.clean.shortcodes import shortcode_unautop
from tests.conftest import SHARED

pytestmark = pytest.mark.conformance

VECTORS = SHARED / "wordpress" / "autop-vectors.json"
PHP_TRIM = " \t\n\r\0\x0b"
COMPARE_MODES = {"exact", "trim", "trim+ignore_eol"}


def _load() -> list[dict[str, Any]]:
    if not VECTORS.is_file():
        return []
    return json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]


def _id(vector: dict[str, Any]) -> str:
    return f"{vector['compare']}/{vector.get('status', 'core')}/{vector['id']}"


ALL = _load()


def _normalise(text: str, mode: str) -> str:
    if mode == "exact":
        return text
    text = text.strip(PHP_TRIM)
    if mode == "trim+ignore_eol":
        text = text.replace("\r\n", "\n")
    return text


@pytest.mark.parametrize("vector", ALL, ids=[_id(v) for v in ALL])
def test_vector(vector: dict[str, Any], shared: object) -> None:
    mode = vector["compare"]
    assert mode in COMPARE_MODES, f"unknown compare mode {mode!r}"
    got = wpautop(vector["input"], vector.get("br", True))
    assert _normalise(got, mode) == _normalise(vector["expected"], mode)


def test_vectors_present(shared: object) -> None:
    """The file is there and has what its meta says (guards against an empty parametrisation)."""
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert len(data["vectors"]) == data["count"] > 0


def test_shortcode_vector_with_unautop(shared: object) -> None:
    """wpautop wraps a lone registered shortcode in <p>; shortcode_unautop takes it off again (§8)."""
    vector = next(v for v in ALL if v["id"].startswith("shortcode:"))
    registered = ["footag"]
    got = shortcode_unautop(wpautop(vector["input"]), lambda m: m.name in registered, registered)
    assert got == vector["input"] == "[footag]\n"
