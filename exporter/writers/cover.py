"""Generated covers: a calm typographic 1400×2100 JPEG for every book, and its 350×525 thumbnail.

In the manner of calibre's and Standard Ebooks' generated covers: one muted colour (chosen from the site's name,
so one site's books look like a series), the site's name at the top, the title large in the middle, wrapped and
sized to fit however long it is, the author under it and the year at the foot, in a frame (doubled for a
bundle). A post's featured image
(``Article.cover_image``) fills the upper part and the text sits on a panel below it.

Text is set in the fonts print.css names (DejaVu Serif, DejaVu Sans where Serif lacks the script, as for Arabic
and Hebrew), found through fontconfig, else at Debian's paths; a title in a script DejaVu lacks (Chinese, Japanese,
Korean in the language's regional form, Devanagari, Thai…) in the first pinned Noto family that has all its letters.
Emoji and symbols the font lacks are left off the cover (the title page inside the book keeps them).
It is shaped by Pillow's raqm layout (HarfBuzz
and FriBiDi): right-to-left titles are joined and ordered right to left, and lines are broken by measuring the
shaped text. Without raqm, Pillow's basic layout is used and one warning is issued per process.

The same input gives the same bytes: no clock, no metadata, fixed JPEG settings (quality, 4:4:4, baseline,
no optimisation pass).
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import shutil
import subprocess
import threading
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as Pillow
from PIL import ImageDraw, ImageFont, ImageOps, features

from exporter.languages import is_rtl
from exporter.model import Article
from exporter.model import Image as ArticleImage
from exporter.writers import fontconfig, fonts

WIDTH, HEIGHT = 1400, 2100
THUMB_WIDTH, THUMB_HEIGHT = 350, 525
MARGIN = 140
"""No text comes nearer the left or right edge than this (the frame lies outside it)."""
FRAME_INSET, FRAME_WIDTH = 56, 4
WORD_FLOOR = 56
"""A title is made smaller, down to this size, rather than have a word broken between letters."""
PICTURE_HEIGHT = 1000
"""The featured image fills the cover's top this high; the text panel is below it."""
JPEG_SETTINGS = {"format": "JPEG", "quality": 90, "subsampling": 0, "optimize": False, "progressive": False}

PALETTE = (
    ((31, 42, 68), (233, 223, 196)),  # ink blue on cream
    ((35, 64, 58), (232, 226, 204)),  # deep green
    ((90, 35, 40), (240, 228, 210)),  # oxblood
    ((47, 59, 69), (226, 230, 226)),  # slate
    ((61, 44, 72), (236, 226, 214)),  # plum
    ((74, 59, 34), (240, 232, 212)),  # umber
)
"""(background, text) pairs: muted, with text contrast well above WCAG's 7:1."""

FONT_FILES = {
    ("DejaVu Serif", "Bold"): "DejaVuSerif-Bold.ttf",
    ("DejaVu Serif", "Book"): "DejaVuSerif.ttf",
    ("DejaVu Serif", "Italic"): "DejaVuSerif-Italic.ttf",
    ("DejaVu Sans", "Bold"): "DejaVuSans-Bold.ttf",
    ("DejaVu Sans", "Book"): "DejaVuSans.ttf",
}
"""The font files of the families print.css names, as Debian's fonts-dejavu-core/-extra install them."""
DEBIAN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
SERIF_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "COMBINING")
"""Letters DejaVu Serif draws (by their Unicode names); anything else is set in DejaVu Sans."""

_warned = False
_warned_lock = threading.Lock()


class BasicLayoutWarning(UserWarning):
    """Pillow has no raqm layout here: covers are drawn without shaping (right-to-left titles come out wrong)."""


def article_cover(article: Article) -> bytes:
    """The article's cover: title, author, site and year (and its featured image, if any) as a JPEG."""
    year = str(article.published.year) if article.published else ""
    return _render(
        Lines(
            title=article.title,
            language=article.language,
            byline=", ".join(article.authors),
            site=article.site_name or "",
            year=year,
            palette_key=article.site_name or article.title,
        ),
        article.cover_image,
    )


def bundle_cover(title: str, articles: Sequence[Article]) -> bytes:
    """A bundle's cover: its title, the site most of its articles come from, its authors or article count,
    and the years it spans."""
    sites = Counter(a.site_name for a in articles if a.site_name).most_common(1)
    site = sites[0][0] if sites else ""
    years = sorted({a.published.year for a in articles if a.published})
    span = "" if not years else str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
    authors = list(dict.fromkeys(name for a in articles for name in a.authors))
    count = f"{len(articles)} article{'s' if len(articles) != 1 else ''}"
    byline = ", ".join(authors) if 0 < len(authors) <= 2 else count
    languages = Counter(a.language for a in articles).most_common(1)
    return _render(
        Lines(
            title=title,
            language=languages[0][0] if languages else "en",
            byline=byline,
            site=site,
            year=span,
            palette_key=site or title,
            bundle=True,
        ),
        None,
    )


def thumbnail(cover: bytes) -> bytes:
    """The cover at 350×525 (cropped to 2:3 first if it is not), as a JPEG."""
    with Pillow.open(io.BytesIO(cover)) as img:
        img.draft("RGB", (THUMB_WIDTH, THUMB_HEIGHT))  # a JPEG decodes straight at 1/4 scale: 10 times faster
        small = ImageOps.fit(img.convert("RGB"), (THUMB_WIDTH, THUMB_HEIGHT), Pillow.Resampling.LANCZOS)
    return _jpeg(small)


# ---- Layout ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lines:
    """The texts a cover shows."""

    title: str
    language: str
    byline: str
    site: str
    year: str
    palette_key: str
    bundle: bool = False
    """A collection: its frame is doubled."""


@dataclass(frozen=True)
class Box:
    """A horizontal band of the cover: text is centred in it between the margins."""

    top: int
    bottom: int


def _render(lines: Lines, picture: ArticleImage | None) -> bytes:
    digest = hashlib.sha256(lines.palette_key.encode("utf-8")).digest()
    background, ink = PALETTE[digest[0] % len(PALETTE)]
    canvas = Pillow.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(canvas)
    photo = _picture(picture) if picture is not None else None
    if photo is not None:
        canvas.paste(photo, (0, 0))
        draw.rectangle((0, PICTURE_HEIGHT, WIDTH, PICTURE_HEIGHT + FRAME_WIDTH * 2 - 1), fill=ink)
        panel = PICTURE_HEIGHT + FRAME_WIDTH * 2
        site, title, byline, year = (
            Box(panel + 60, panel + 130),
            Box(panel + 210, HEIGHT - 350),
            Box(HEIGHT - 280, HEIGHT - 180),
            Box(HEIGHT - 150, HEIGHT - 80),
        )
        largest = 120
    else:
        for inset, width in ((FRAME_INSET, FRAME_WIDTH), (FRAME_INSET + 20, 2))[: 2 if lines.bundle else 1]:
            draw.rectangle((inset, inset, WIDTH - 1 - inset, HEIGHT - 1 - inset), outline=ink, width=width)
        site, title, byline, year = Box(190, 330), Box(420, 1500), Box(1580, 1800), Box(1850, 1950)
        largest = 150
    _block(draw, lines.site.upper(), site, ink, sizes=(54, 30), font_style="Book", sans=True, max_lines=2)
    rule = site.bottom + (title.top - site.bottom) // 2
    if lines.site:
        draw.rectangle((WIDTH // 2 - 120, rule - 2, WIDTH // 2 + 120, rule + 1), fill=ink)
    _block(draw, lines.title, title, ink, sizes=(largest, 36), font_style="Bold", language=lines.language)
    rule = title.bottom + (byline.top - title.bottom) // 2
    if lines.byline:
        draw.rectangle((WIDTH // 2 - 120, rule - 2, WIDTH // 2 + 120, rule + 1), fill=ink)
    _block(draw, lines.byline, byline, ink, sizes=(68, 32), font_style="Book", max_lines=2)
    _block(draw, lines.year, year, ink, sizes=(54, 30), font_style="Book", sans=True, max_lines=1)
    return _jpeg(canvas)


def _picture(image: ArticleImage) -> Pillow.Image | None:
    """The featured image cropped to fill the cover's top, or None when Pillow cannot read it (an SVG)."""
    try:
        with Pillow.open(io.BytesIO(image.read_bytes())) as img:
            img.draft("RGB", (WIDTH, PICTURE_HEIGHT))
            img = ImageOps.exif_transpose(img)
            if img.mode in ("RGBA", "LA", "P", "PA"):
                img = img.convert("RGBA")
                flat = Pillow.new("RGB", img.size, (255, 255, 255))
                flat.paste(img, mask=img.getchannel("A"))
                img = flat
            img = img.convert("RGB")
            return ImageOps.fit(img, (WIDTH, PICTURE_HEIGHT), Pillow.Resampling.LANCZOS, centering=(0.5, 0.4))
    except (OSError, ValueError, Pillow.DecompressionBombError):
        return None


def _block(
    draw: ImageDraw.ImageDraw,
    text: str,
    box: Box,
    ink: tuple[int, int, int],
    *,
    sizes: tuple[int, int],
    font_style: str,
    sans: bool = False,
    language: str | None = None,
    max_lines: int = 0,
) -> None:
    """Draw ``text`` centred in ``box``, wrapped at the margins (see :func:`fit`)."""
    text = " ".join(text.split())
    if not text:
        return
    family = "DejaVu Sans" if sans or not _serif_draws(text) else "DejaVu Serif"
    if not _draws(family, "".join(c for c in text if not _is_symbol(c))):
        family = _script_family(text, language, sans) or family
    text = " ".join("".join(c for c in text if _draws(family, c) or not _is_symbol(c)).split())
    if not text:
        return
    direction = _direction(text, language)
    font, rows = fit(text, box.bottom - box.top, sizes, (family, font_style), direction, language, max_lines)
    leading = round(font.size * 1.22)
    top = box.top + (box.bottom - box.top - len(rows) * leading) // 2
    ascent, descent = font.getmetrics()
    for n, row in enumerate(rows):
        left, _, right, _ = font.getbbox(row, anchor="ls", **_shaping(direction, language))
        x = (WIDTH - (right - left)) // 2 - left
        baseline = top + n * leading + (leading - ascent - descent) // 2 + ascent
        draw.text((x, baseline), row, font=font, fill=ink, anchor="ls", **_shaping(direction, language))


def fit(
    text: str,
    height: int,
    sizes: tuple[int, int],
    face: tuple[str, str],
    direction: str,
    language: str | None,
    max_lines: int = 0,
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The font and lines of ``text`` wrapped at the margins, at the largest size (from ``sizes``' first down to
    its second) whose lines fit ``height`` (and ``max_lines``), and above :data:`WORD_FLOOR` only a size that
    breaks no word between letters; at the smallest size, the lines that do not fit are cut with an ellipsis."""
    largest, smallest = sizes
    size = largest
    ideographic = bool(_IDEOGRAPHIC.search(text))  # Chinese and Japanese lines break between any two characters
    while True:
        font = _font(*face, size)
        leading = round(size * 1.22)
        rows, broken = _wrap(text, font, direction, language)
        fits = len(rows) * leading <= height and (not max_lines or len(rows) <= max_lines)
        if (fits and not (broken and size > WORD_FLOOR and not ideographic)) or size <= smallest:
            break
        size = max(smallest, size - max(2, size // 20))
    room = max(1, height // leading)
    if max_lines:
        room = min(room, max_lines)
    if len(rows) > room:
        rows = [*rows[: room - 1], _ellipsis(" ".join(rows[room - 1 :]), font, direction, language)]
    return font, rows


def _wrap(text: str, font: ImageFont.FreeTypeFont, direction: str, language: str | None) -> tuple[list[str], bool]:
    """Greedy line breaking at spaces, measuring each candidate line as shaped; a word wider than the line is
    broken after its hyphens, else between letters. Returns the lines and whether a word was broken between
    letters."""
    limit = WIDTH - 2 * MARGIN
    rows: list[str] = []
    line = ""
    broken = False
    for word in text.split(" "):
        for n, part in enumerate(re.split(r"(?<=-)(?=.)", word)):  # a line may end after a hyphen
            candidate = f"{line} {part}" if line and n == 0 else line + part
            if _width(candidate, font, direction, language) <= limit:
                line = candidate
                continue
            if line:
                rows.append(line)
            pieces = _pieces(part, font, direction, language, limit)
            broken = broken or len(pieces) > 1
            rows.extend(pieces[:-1])
            line = pieces[-1]
    if line:
        rows.append(line)
    return rows, broken


def _pieces(word: str, font: ImageFont.FreeTypeFont, direction: str, language: str | None, limit: int) -> list[str]:
    """A word cut between letters into pieces that each fit ``limit`` (most words are one piece)."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and _width(piece + char, font, direction, language) > limit:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def _ellipsis(text: str, font: ImageFont.FreeTypeFont, direction: str, language: str | None) -> str:
    """The longest start of ``text`` that fits one line with an ellipsis after it."""
    limit = WIDTH - 2 * MARGIN
    words = text.split(" ")
    while len(words) > 1 and _width(" ".join(words) + "…", font, direction, language) > limit:
        words.pop()
    line = " ".join(words)
    while line and _width(line + "…", font, direction, language) > limit:
        line = line[:-1]
    return line.rstrip() + "…"


def _width(text: str, font: ImageFont.FreeTypeFont, direction: str, language: str | None) -> int:
    """The inked width of ``text`` as shaped."""
    left, _, right, _ = font.getbbox(text, anchor="ls", **_shaping(direction, language))
    return int(right - left)


def _direction(text: str, language: str | None) -> str:
    """``rtl`` when the text's first strong character is right to left (or the language is, and the text has
    right-to-left letters), else ``ltr``."""
    classes = [unicodedata.bidirectional(c) for c in text]
    if language and is_rtl(language) and any(c in ("R", "AL") for c in classes):
        return "rtl"
    first = next((c for c in classes if c in ("L", "R", "AL")), "L")
    return "ltr" if first == "L" else "rtl"


_IDEOGRAPHIC = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_REGIONS = {"ja": "JP", "ko": "KR", "zh-hant": "TC", "zh-tw": "TC", "zh-mo": "TC", "zh-hk": "HK", "yue": "HK"}
"""The regional form of the CJK fonts a language tag's title is set in (Simplified Chinese otherwise), as in
print.css."""


def _is_symbol(char: str) -> bool:
    """Emoji, dingbats and other symbols: left off a cover whose font lacks them (a box would stand there)."""
    return unicodedata.category(char).startswith("S")


def _draws(family: str, text: str) -> bool:
    """True when ``family`` has every character of ``text`` that prints (letters, marks, digits, symbols)."""
    chars = [c for c in text if not fonts.renders_nothing(c)]
    if family.startswith("DejaVu") and all(ord(c) < 0x250 for c in chars):
        return True  # Latin: every DejaVu face has it (no font is opened for a Latin title)
    covered = fonts.family_codepoints(family)
    return all(ord(c) in covered for c in chars)


def _script_family(text: str, language: str | None, sans: bool) -> str | None:
    """The first pinned Noto family (serif, or sans for ``sans``) that has every letter, mark and digit of
    ``text``: for the scripts DejaVu lacks (CJK in the language's regional form, Devanagari, Thai…)."""
    tag = (language or "").lower()
    region = CJK_REGIONS.get(tag) or CJK_REGIONS.get(tag.split("-")[0]) or "SC"
    kind = "Sans" if sans else "Serif"
    candidates = [f for f in fonts.pinned_families() if f.startswith(f"Noto {kind} ") and "CJK" not in f]
    candidates.append(f"Noto {kind} CJK {region}")
    letters = "".join(c for c in text if unicodedata.category(c)[0] in "LMN")
    return next((f for f in candidates if _draws(f, letters)), None)


def _serif_draws(text: str) -> bool:
    """True when every letter and mark of ``text`` is in a script DejaVu Serif has (Latin, Greek, Cyrillic)."""
    for char in text:
        if unicodedata.category(char)[0] in "LM" and not unicodedata.name(char, "").startswith(SERIF_SCRIPTS):
            return False
    return True


# ---- Fonts, shaping, JPEG ---------------------------------------------------------------------------------


def layout_engine() -> ImageFont.Layout:
    """RAQM when Pillow has it (shaping, bidi), else BASIC with one warning per process."""
    global _warned
    if features.check("raqm"):
        return ImageFont.Layout.RAQM
    with _warned_lock:
        if not _warned:
            _warned = True
            text = "Pillow has no raqm layout (libraqm/libfribidi missing): covers are drawn without text shaping"
            warnings.warn(text, BasicLayoutWarning, stacklevel=2)
    return ImageFont.Layout.BASIC


def _shaping(direction: str, language: str | None) -> dict[str, str]:
    """The keyword arguments raqm takes for a run of text (basic layout takes none)."""
    if layout_engine() != ImageFont.Layout.RAQM:
        return {}
    return {"direction": direction, **({"language": language} if language else {})}


@functools.lru_cache(maxsize=64)
def _font(family: str, style: str, size: int) -> ImageFont.FreeTypeFont:
    if (family, style) in FONT_FILES:
        return ImageFont.truetype(str(font_file(family, style)), size, layout_engine=layout_engine())
    path = fonts.font_file(family, "Bold" if style == "Bold" else None) or fonts.font_file(family)
    if path is None:
        raise FileNotFoundError(f"font {family!r} is not installed: run scripts/setup.sh")
    index = fonts.collection_index(path, family)
    return ImageFont.truetype(str(path), size, index=index, layout_engine=layout_engine())


@functools.lru_cache(maxsize=16)
def font_file(family: str, style: str) -> Path:
    """The file of a pinned font: what fontconfig names for it when it is a DejaVu file, else Debian's path."""
    name = FONT_FILES[(family, style)]
    found = _matched_file(family, style)
    if found is not None and found.name == name and found.is_file():
        return found
    return DEBIAN_FONTS / name


def _matched_file(family: str, style: str) -> Path | None:
    """What ``fc-match "family:style=style"`` names: asked in this process, else of the command when the library
    cannot be loaded; None when neither answers."""
    if fontconfig.available():
        match = fontconfig.match(family, style)
        return match.file if match is not None else None
    if not shutil.which("fc-match"):
        return None
    try:
        command = ["fc-match", "-f", "%{file}", f"{family}:style={style}"]
        found = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found else None


def _jpeg(img: Pillow.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, **JPEG_SETTINGS)
    return out.getvalue()
