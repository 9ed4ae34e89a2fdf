"""Start-up cost: an EPUB-only export never imports the PDF stack (WeasyPrint, pikepdf, the PDF writer's
modules) nor bagit, and the command line imports only the command it runs.

The runs are real processes (``python -m exporter``) with ``PYTHONPROFILEIMPORTTIME=1``: Python then lists on
stderr every module an ``import`` statement loads, in the main process and in the forked worker processes alike.
A module loaded with ``importlib.import_module`` (the registries' ``"module:attribute"`` entries) is not listed
itself, but every module it imports is: the PDF writer's own imports (its helper modules, WeasyPrint) show.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import run_cli

ROOT = Path(__file__).resolve().parents[1]

PDF_ONLY = (
    "weasyprint",
    "pikepdf",
    "exporter.writers.pdf",
    "exporter.writers.pdf_archival",
    "exporter.writers.pdf_cmaps",
    "exporter.writers.weasyprint_pages",
    "exporter.writers.hyphenation",
)
"""Modules only a PDF needs: an EPUB-only run must not import them (nor their submodules). (``fonts`` is not
one: the EPUB cover uses it.)"""
BAG_ONLY = ("bagit",)
"""Only ``--bag`` and ``verify`` need bagit."""
DASK_ONLY = ("dask", "distributed")
"""Only ``--scheduler`` needs Dask: a run on local worker processes never imports it."""
OTHER_COMMANDS = (
    "exporter.commands.inspect",
    "exporter.commands.verify",
    "exporter.commands.remove",
    "exporter.commands.serve",
)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Lamps on the quay | Harbour notes</title>
<meta name="author" content="Ada Keel"><meta property="article:published_time" content="2021-03-04T10:00:00Z">
</head><body><header class="site-header"><p class="site-title">Harbour notes</p></header>
<article><h1 class="entry-title">Lamps on the quay</h1>
<div class="entry-content"><p>The lamps on the quay were lit at six, one after another, by a keeper who
walked the length of the harbour wall.</p><p>By seven the fishing boats had come in and the lamps showed
them the way to their moorings.</p></div></article>
<aside class="widget"><h2>Recent posts</h2><p>Nothing here.</p></aside></body></html>
"""


def imported_modules(stderr: str) -> set[str]:
    """The module names Python's import-time report lists (``PYTHONPROFILEIMPORTTIME``)."""
    return set(re.findall(r"(?m)^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$", stderr))


def forbidden(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The modules that are one of ``names`` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def export_epub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *inputs: Path) -> set[str]:
    """Export ``inputs`` as EPUB only, in a process that reports its imports; the modules it imported."""
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")
    out = tmp_path / "out"
    proc = run_cli("export", *inputs, "-f", "epub", "-o", out, "-q", "-j", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(p.suffix for p in out.glob("*.epub")) == [".epub"] * len(inputs)
    assert not list(out.glob("*.pdf"))
    return imported_modules(proc.stderr)


def test_import_report_lists_the_modules_a_run_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report is read right: an EPUB run imports ebooklib's writer (in its worker), lxml and the pipeline,
    so a name missing from the report means the module was really not imported."""
    page = tmp_path / "lamps.html"
    page.write_text(PAGE, encoding="utf-8")
    modules = export_epub(tmp_path, monkeypatch, page)
    assert {"ebooklib.epub", "lxml.etree", "exporter.pipeline", "exporter.clean"} <= modules


def test_epub_only_export_never_imports_the_pdf_stack_or_bagit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "lamps.html"
    page.write_text(PAGE, encoding="utf-8")
    text = tmp_path / "harbour.txt"
    text.write_text("The harbour at dawn\n\nThe tide turned before the first boat left.\n", encoding="utf-8")
    modules = export_epub(tmp_path, monkeypatch, page, text)
    assert forbidden(modules, PDF_ONLY + BAG_ONLY + DASK_ONLY) == []


def test_epub_only_export_of_the_theme_page_never_imports_the_pdf_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The saved page the single-article bench measures (bench/single_bench.py)."""
    modules = export_epub(tmp_path, monkeypatch, ROOT / "fixtures" / "theme-page.html")
    assert forbidden(modules, PDF_ONLY + BAG_ONLY + DASK_ONLY) == []


def test_epub_only_export_of_titles_in_other_scripts_never_imports_the_pdf_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cover whose title DejaVu lacks (Japanese) or has (Greek) looks its fonts up through fontconfig: in this
    process, not through WeasyPrint's binding."""
    pages = []
    for name, lang, title in (("kyoto", "ja", "港の灯り"), ("limani", "el", "Τα φώτα του λιμανιού")):
        page = tmp_path / f"{name}.html"
        page.write_text(PAGE.replace('lang="en"', f'lang="{lang}"').replace("Lamps on the quay", title), "utf-8")
        pages.append(page)
    modules = export_epub(tmp_path, monkeypatch, *pages)
    assert forbidden(modules, PDF_ONLY + BAG_ONLY + DASK_ONLY) == []


def test_export_imports_no_other_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "lamps.html"
    page.write_text(PAGE, encoding="utf-8")
    modules = export_epub(tmp_path, monkeypatch, page)
    assert forbidden(modules, OTHER_COMMANDS) == []


def test_help_still_lists_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands are imported on demand, but ``exporter --help`` still lists each with its summary."""
    proc = run_cli("--help")
    assert proc.returncode == 0, proc.stderr
    for name in ("export", "inspect", "verify", "remove", "serve"):
        assert re.search(rf"(?m)^\s+{name}\s+\S", proc.stdout), name


def test_deferred_writers_name_the_suffix_and_format_of_the_writer_they_import() -> None:
    """The registry knows each built-in writer's format and suffix without importing it; they must agree."""
    from exporter.writers.registry import WRITERS, DeferredWriter, _imported

    for name in WRITERS.names():
        deferred = WRITERS.load(name)
        assert isinstance(deferred, DeferredWriter)
        real = _imported(deferred.target)
        assert (deferred.format, deferred.suffix) == (real.format, real.suffix) == (name, f".{name}")


def test_deferred_readers_name_the_suffixes_of_the_reader_they_import() -> None:
    """The registry knows each built-in reader's name and suffixes without importing it; they must agree."""
    from exporter.readers.registry import READERS, DeferredReader, _imported

    for name in READERS.names():
        deferred = READERS.load(name)
        assert isinstance(deferred, DeferredReader)
        real = _imported(deferred.target)
        assert (deferred.name, deferred.suffixes) == (real.name, real.suffixes)
        assert deferred.name == name


def test_an_html_export_imports_no_other_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved pages only: the WXR and web archive readers stay unimported (their own imports do not show), and
    so does the email package while the page's dates are ISO 8601 (only RFC 2822 dates need it)."""
    page = tmp_path / "lamps.html"
    page.write_text(PAGE, encoding="utf-8")
    modules = export_epub(tmp_path, monkeypatch, page)
    assert forbidden(modules, ("defusedxml", "warcio", "exporter.readers.warc_pages", "email")) == []


def test_load_writer_imports_the_writer_s_module_now() -> None:
    """What a worker warming up calls: unlike ``writer_for``, it imports the writer (in a fresh process here)."""
    code = (
        "import sys\n"
        "from exporter.writers.registry import load_writer, writer_for\n"
        "writer_for('pdf')\n"
        "before = 'exporter.writers.pdf' in sys.modules\n"
        "writer = load_writer('pdf')\n"
        "print(before, 'exporter.writers.pdf' in sys.modules, type(writer).__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True", "PdfWriter"]
