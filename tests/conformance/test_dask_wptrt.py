"""The theme unit test export on a Dask ``LocalCluster`` of 2 worker processes: the same books, catalog and
manifest, byte for byte, as one local worker (``-j 1``), with the export's media (tests/wptrt_media.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tests.test_dask import tree_digest
from tests.tools import run_cli
from tests.wptrt_media import write_media

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"conformance data not found at {SHARED}"),
]

WXR = SHARED / "corpus" / "wptrt" / "themeunittestdata.wordpress.xml"


def test_theme_unit_test_on_a_local_cluster_equals_one_worker(tmp_path: Path) -> None:
    media = tmp_path / "media"
    assert write_media(WXR, media)
    outputs = {}
    for name, options in (("j1", ["-j", "1"]), ("local2", ["--scheduler", "local:2"])):
        out = tmp_path / name
        proc = run_cli("export", WXR, "--media", media, "-o", out, "-q", *options, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        outputs[name] = out
    items = json.loads((outputs["j1"] / "manifest.json").read_text(encoding="utf-8"))["items"]
    assert len([i for i in items if i["status"] == "ok"]) >= 60
    assert tree_digest(outputs["local2"]) == tree_digest(outputs["j1"])
