"""Shared test fixtures: paths, the conformance data beside the clone, and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = Path(os.environ.get("EXPORTER_SHARED", ROOT.parent / "shared"))

settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def shared() -> Path:
    """The ../shared folder (seed, corpus, WordPress vectors); skips the test when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"conformance data not found at {SHARED}")
    return SHARED
