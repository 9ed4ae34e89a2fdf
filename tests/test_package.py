"""The installable package: stylesheets travel inside it as package data."""

from __future__ import annotations

import re

import pytest

from exporter.writers import STYLES, stylesheet
from exporter.writers.pdf import PAPERS

STYLESHEETS = ("epub.css", "print.css", *(f"paper-{paper}.css" for paper in PAPERS))


@pytest.mark.parametrize("name", STYLESHEETS)
def test_stylesheets_are_package_data_that_fetch_nothing(name: str) -> None:
    # The PDF writer hands WeasyPrint the stylesheets' bytes with no base URL, and its fetcher serves no styles
    # folder: a url() or @import in them would silently load nothing.
    css = re.sub(r"/\*.*?\*/", "", stylesheet(name).decode("utf-8"), flags=re.DOTALL)
    assert css.strip(), name
    assert not re.search(r"url\s*\(|@import", css, flags=re.IGNORECASE), name


def test_the_package_holds_exactly_the_stylesheets_the_writers_read() -> None:
    assert sorted(item.name for item in STYLES.iterdir() if item.name.endswith(".css")) == sorted(STYLESHEETS)
