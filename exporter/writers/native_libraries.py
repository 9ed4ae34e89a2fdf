"""WeasyPrint's C libraries found without a compiler: one ``ldconfig -p`` listing instead of a process per name.

WeasyPrint loads Pango, HarfBuzz, fontconfig and GObject through cffi, trying several names for each (one per
platform's spelling, and optional libraries such as ``harfbuzz-vector`` that may not be installed). For every
name that is not a file, cffi asks ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and, when
that finds nothing, ``gcc`` and ``ld``: about 200 processes and 0.15 s for each WeasyPrint import, that is for
each PDF worker. While WeasyPrint is imported (:func:`import_weasyprint`), names are answered from one listing of
the linker cache, read as the standard library's own first step reads it; the libraries loaded are the same.
When ``LD_LIBRARY_PATH`` or ``LIBRARY_PATH`` is set (libraries outside the cache), or the listing cannot be read,
the standard lookup is used.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType

_ABI = {"x86_64": "libc6,x86-64", "aarch64": "libc6,AArch64", "ppc64le": "libc6,64bit", "s390x": "libc6,64bit"}
_lock = threading.Lock()


@cache
def _linker_cache() -> str | None:
    """``ldconfig -p``'s listing (in the C locale), or None when it cannot be run."""
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        try:
            done = subprocess.run(
                [ldconfig, "-p"], capture_output=True, text=True, env={"LC_ALL": "C", "LANG": "C"}, timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return done.stdout
    return None


def cached_find_library(name: str, listing: str) -> str | None:
    """The soname ``ldconfig -p`` lists for library ``name`` with this machine's ABI, or None."""
    abi = _ABI.get(os.uname().machine, "libc6")
    m = re.search(rf"\s(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}\b", listing)
    return m.group(1) if m else None


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    """``ctypes.util.find_library`` answered from the linker cache's listing for the time of the block."""
    listing = None
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("LD_LIBRARY_PATH")
        and not os.environ.get("LIBRARY_PATH")
    ):
        listing = _linker_cache()
    if listing is None:
        yield
        return
    standard: Callable[[str], str | None] = ctypes.util.find_library
    ctypes.util.find_library = lambda name: cached_find_library(name, listing)
    try:
        yield
    finally:
        ctypes.util.find_library = standard


@cache
def import_weasyprint() -> ModuleType:
    """The weasyprint module, imported once per process with the quick library lookup."""
    with _lock, quick_library_lookup():
        import weasyprint

    return weasyprint
