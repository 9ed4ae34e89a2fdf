"""Writers: one per output format. Writers never clean; they render an Article."""

from importlib.resources import files
from importlib.resources.abc import Traversable

STYLES: Traversable = files("exporter") / "styles"
"""The package's stylesheets (``exporter/styles/*.css``, installed as package data)."""


def stylesheet(name: str) -> bytes:
    """The bytes of one of the package's stylesheets, e.g. ``stylesheet("epub.css")``."""
    return STYLES.joinpath(name).read_bytes()
