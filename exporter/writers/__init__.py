"""Writers: one per output format. Writers never clean; they render an Article."""

from pathlib import Path

STYLES_DIR = Path(__file__).resolve().parents[2] / "styles"
"""The project's stylesheets (styles/*.css)."""
