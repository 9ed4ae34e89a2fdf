"""WeasyPrint's C libraries found from one linker-cache listing (exporter.writers.native_libraries): the same
libraries as the standard lookup, without a compiler process per name."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

from exporter.writers.native_libraries import _linker_cache, cached_find_library, quick_library_lookup

LOADED = "import re; print(sorted(set(re.findall(r'/\\S+\\.so[.\\d]*', open('/proc/self/maps').read()))))"

pytestmark = pytest.mark.skipif(_linker_cache() is None, reason="no ldconfig here: the standard lookup is used")


def loaded_after(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", f"{code}; {LOADED}"], capture_output=True, text=True, check=True)
    return done.stdout


def test_the_quick_import_loads_the_same_libraries() -> None:
    quick = loaded_after("from exporter.writers.native_libraries import import_weasyprint; import_weasyprint()")
    assert "libpango" in quick and "libharfbuzz" in quick and "libfontconfig" in quick
    assert quick == loaded_after("import weasyprint")


def test_names_are_answered_as_the_standard_lookup_answers_them() -> None:
    listing = _linker_cache()
    assert listing is not None
    for name in ("gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0"):
        assert cached_find_library(name, listing) == ctypes.util.find_library(name)
    assert cached_find_library("libgobject-2.0-0", listing) is None  # a spelling of another platform
    assert cached_find_library("no-such-library-here", listing) is None


def test_the_standard_lookup_is_back_after_the_block() -> None:
    standard = ctypes.util.find_library
    with quick_library_lookup():
        assert ctypes.util.find_library is not standard
    assert ctypes.util.find_library is standard
