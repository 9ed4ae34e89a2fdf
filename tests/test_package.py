"""The installable package: the stylesheets travel inside it, and a wheel installed elsewhere makes the same books.

The wheel test builds ``pip wheel . --no-deps``, installs that wheel (not editable) into a fresh venv and runs its
``exporter`` from a folder outside the checkout. The dependencies come from a wheelhouse of exactly the versions
``requirements.lock`` pins (hash-checked), made once per lock file inside the test venv (``.venv/test-wheelhouse-*``):
the first run downloads them, later runs install with ``--no-index``, offline and in seconds. Installing the wheel
against that wheelhouse alone also proves its declared dependencies accept the locked versions and need nothing else.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from exporter.writers import STYLES, stylesheet
from exporter.writers.fonts import pinned_families
from exporter.writers.pdf import PAPERS
from tests.conftest import FIXTURES, ROOT
from tests.tools import pdf_font_names, pdf_pages, pdftotext

STYLESHEETS = ("epub.css", "print.css", *(f"paper-{paper}.css" for paper in PAPERS), "library.css")
SCRIPTS = ("library.js",)
"""The reader's page's script (index.html inlines it, with library.css)."""
LOCK = ROOT / "requirements.lock"
CC_NAME = "Creative Commons Attribution-NonCommercial 4.0 International"


@pytest.mark.parametrize("name", STYLESHEETS)
def test_stylesheets_are_package_data_that_fetch_nothing(name: str) -> None:
    # The PDF writer hands WeasyPrint the stylesheets' bytes with no base URL, and its fetcher serves no styles
    # folder: a url() or @import in them would silently load nothing.
    css = re.sub(r"/\*.*?\*/", "", stylesheet(name).decode("utf-8"), flags=re.DOTALL)
    assert css.strip(), name
    assert not re.search(r"url\s*\(|@import", css, flags=re.IGNORECASE), name


def test_the_package_holds_exactly_the_stylesheets_the_writers_read() -> None:
    assert sorted(item.name for item in STYLES.iterdir() if item.name.endswith(".css")) == sorted(STYLESHEETS)
    assert sorted(item.name for item in STYLES.iterdir() if item.name.endswith(".js")) == sorted(SCRIPTS)


# ---- the wheel, installed into a fresh venv ----------------------------------------------------------------------


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command; on failure, fail the test with its output."""
    done = subprocess.run(list(map(str, args)), capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def pip(*args: str | Path) -> str:
    """This test venv's pip (which can install into another venv with ``--python``)."""
    return run(sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args)


def wheelhouse(scratch: Path) -> Path:
    """Wheels of exactly the locked versions (hash-checked) and of the build backend; made once per lock file.

    Kept in the test venv (``scratch`` when the tests run outside a venv).
    """
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()[:16]
    home = Path(sys.prefix) if sys.prefix != sys.base_prefix else scratch
    house = home / f"test-wheelhouse-{digest}"
    if not (house / ".complete").is_file():
        partial = house.with_name(house.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(house, ignore_errors=True)
        pip("wheel", "--require-hashes", "-r", LOCK, "-w", partial)
        build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
        pip("download", "--only-binary", ":all:", "-d", partial, *build)
        (partial / ".complete").touch()
        partial.rename(house)
    return house


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel, its venv, and the books its ``exporter`` made from a folder outside the checkout."""
    tmp = tmp_path_factory.mktemp("package")
    house = wheelhouse(tmp)
    # Built from a copy of what the package is made of: an in-tree build would leave build/ in the checkout, and
    # a stale exporter.egg-info there could add files that pyproject.toml does not declare.
    source = tmp / "source"
    shutil.copytree(ROOT / "exporter", source / "exporter", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip("wheel", "--no-deps", "--no-index", "--find-links", house, "-w", tmp / "dist", source)
    (wheel,) = (tmp / "dist").glob("exporter-*.whl")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    pip("--python", python, "install", "--no-index", "--find-links", house, "--no-compile", wheel)
    outside = tmp / "outside"
    outside.mkdir()
    assert not outside.is_relative_to(ROOT)
    shutil.copy(FIXTURES / "harbour-archive.txt", outside / "harbour-archive.txt")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    module = run(python, "-c", "import exporter; print(exporter.__file__)", cwd=outside, env=env).strip()
    run(venv / "bin" / "exporter", "export", "harbour-archive.txt", "-o", "books", cwd=outside, env=env)
    books = outside / "books"
    return {
        "wheel": wheel,
        "module": Path(module),
        "venv": venv,
        "epub": next(books.glob("*.epub")),
        "pdf": next(books.glob("*.pdf")),
    }


@pytest.mark.slow
def test_the_wheel_carries_the_stylesheets(installed: dict[str, Path]) -> None:
    with zipfile.ZipFile(installed["wheel"]) as zf:
        names = [n.removeprefix("exporter/styles/") for n in zf.namelist() if n.startswith("exporter/styles/")]
    assert sorted(names) == sorted(STYLESHEETS + SCRIPTS)


@pytest.mark.slow
def test_the_installed_wheel_makes_books_with_the_project_css_fonts_and_licence(installed: dict[str, Path]) -> None:
    # The exporter that ran is the wheel's copy in the venv, not the checkout.
    assert installed["module"].is_relative_to(installed["venv"]), installed["module"]
    with zipfile.ZipFile(installed["epub"]) as zf:
        css = zf.read("EPUB/style.css")
    assert css == (ROOT / "exporter" / "styles" / "epub.css").read_bytes()
    pdf = installed["pdf"]
    fonts = pdf_font_names(pdf)
    # DejaVu, and Noto Naskh Arabic for the fixture's Persian run: families print.css pins (docs/fonts.md)
    pinned = tuple(family.replace(" ", "-") for family in pinned_families())
    assert fonts and all(name.startswith(pinned) and embedded for name, embedded in fonts), fonts
    assert any(name.startswith("DejaVu-Serif") for name, _ in fonts), fonts
    last = " ".join(pdftotext(pdf, first=pdf_pages(pdf)).split())
    assert "Licence and attribution" in last and CC_NAME in last
