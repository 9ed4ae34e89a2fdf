"""The fixed texts of our books (title page labels, licence page, contents, navigation) in the book's language.

The texts are gettext messages in ``exporter/locale/<lang>/LC_MESSAGES/exporter.po``, committed as ``.po`` files
(no build step). A language's catalog is read with Babel the first time a book in that language is written, compiled
to gettext's binary form in memory and kept for the rest of the process. English is the source language: it reads
no file and imports nothing. A language without a catalog gets the English texts (marked ``lang="en"``), and
:func:`fallback_message` says so. See ``docs/translations.md``.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from exporter.languages import direction, is_english
from exporter.messages import Message, info

if TYPE_CHECKING:
    from exporter.model import Licence

DOMAIN = "exporter"
_TRADITIONAL_REGIONS = frozenset({"TW", "HK", "MO"})
_CC_ELEMENTS = {"BY": "Attribution", "NC": "NonCommercial", "ND": "NoDerivatives", "SA": "ShareAlike"}
_CC_PORTS = ("International", "Unported", "Generic")
_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}
"""The digits of the numbering systems CLDR makes the default of a language we have a catalog for (``fa``)."""


def _(message: str) -> str:
    """Mark a message for extraction (``pybabel extract -k _``) without translating it here."""
    return message


# Messages composed at run time (licence names): listed here so that ``pybabel extract`` finds them.
_LICENCE_MESSAGES = (
    _("Attribution"),
    _("Attribution-ShareAlike"),
    _("Attribution-NoDerivatives"),
    _("Attribution-NonCommercial"),
    _("Attribution-NonCommercial-ShareAlike"),
    _("Attribution-NonCommercial-NoDerivatives"),
    _("International"),
    _("Unported"),
    _("Generic"),
    _("CC0 1.0 Universal"),
    _("Public Domain Mark 1.0"),
)


# The placeholder of an image that is not in the book (the cleaner's ``image-placeholders`` transform words it).
IMAGE_NOT_FOUND = _("Image not in the archive: {name}")
"""An image that is not in the input (not found, remote and never fetched, outside the input's folders)."""
IMAGE_NOT_FOUND_UNNAMED = _("Image not in the archive")
"""The same, for an image with neither a usable address nor alt text to name it by."""
IMAGE_LEFT_OUT = _("Image left out: {name}")
"""An image the input holds that we do not embed (not a picture, an unsafe SVG, too large, unreadable)."""


def catalog_names(tag: str) -> list[str]:
    """The catalog folders to try for a BCP 47 tag, most specific first: ``de-AT`` → ``de_AT``, ``de``;
    ``zh-TW`` and ``zh-Hant`` → ``zh_Hant`` (Traditional characters), never the Simplified ``zh``."""
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if language == "zh" and (script == "Hant" or (script is None and region in _TRADITIONAL_REGIONS)):
        return ["zh_Hant"]
    names = [f"{language}_{region}"] if region else []
    return [*names, language]


@cache
def _translations(name: str) -> gettext.GNUTranslations | None:
    """The catalog ``name`` (e.g. ``de``) as gettext translations, read once per process; None without one."""
    path = files("exporter").joinpath("locale", name, "LC_MESSAGES", f"{DOMAIN}.po")
    if not path.is_file():
        return None
    from babel.messages.mofile import write_mo  # only a book in another language than English pays for Babel
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=name)
    binary = io.BytesIO()
    write_mo(binary, catalog)
    binary.seek(0)
    return gettext.GNUTranslations(binary)


@dataclass(frozen=True)
class Labels:
    """Our fixed texts in one language: ``language`` is the tag they are in (the book's, or ``en`` when there is
    no catalog for it); ``locale`` names the catalog (and Babel's locale for dates and lists)."""

    language: str
    locale: str
    translations: gettext.NullTranslations
    digits: str | None = None
    """The language's own digits (``۰``–``۹`` for Persian), when CLDR says they are its default; else None."""

    @property
    def english(self) -> bool:
        """True when the texts are the English source texts."""
        return self.locale == "en"

    @property
    def direction(self) -> str:
        """'rtl' or 'ltr': the direction of the language the texts are in."""
        return direction(self.language)

    def text(self, message: str, **values: object) -> str:
        """One message, translated, with ``{name}`` placeholders filled in."""
        translated = self.translations.gettext(message)
        return translated.format(**values) if values else translated

    def plural(self, singular: str, plural: str, count: int, **values: object) -> str:
        """A message whose form depends on ``count`` (``{count}`` is filled in with the others)."""
        return self.translations.ngettext(singular, plural, count).format(count=self.number(count), **values)

    def number(self, value: int) -> str:
        """A whole number in the language's own digits."""
        return self._digits(str(value))

    def number_text(self, text: str) -> str:
        """``text`` (a time such as '12:00') with its digits in the language's own."""
        return self._digits(text)

    def date(self, when: datetime) -> str:
        """A date as a reader of the language writes it ('3 January 2018', '3. Januar 2018', '2018年1月3日',
        '۳ ژانویهٔ ۲۰۱۸')."""
        if self.english:
            return f"{when.day} {when:%B %Y}"
        from babel.dates import format_date

        return self._digits(format_date(when.date(), format="long", locale=self.locale))

    def _digits(self, text: str) -> str:
        return text.translate(str.maketrans("0123456789", self.digits)) if self.digits else text

    def names(self, names: list[str]) -> str:
        """Names joined as the language lists them ('A, B and C', 'A, B und C', 'A、B和C')."""
        if len(names) <= 1:
            return "".join(names)
        if self.english:
            return ", ".join(names[:-1]) + " and " + names[-1]
        from babel.lists import format_list

        return format_list(names, locale=self.locale)

    def licence_name(self, licence: Licence) -> str | None:
        """The licence's name as Creative Commons gives it in this language (``Namensnennung 4.0 International``),
        or None when the texts are English or the licence is not one of Creative Commons' we know."""
        if self.english:
            return None
        if licence.id == "CC0-1.0":
            return self.text("CC0 1.0 Universal")
        if licence.id == "PDM-1.0":
            return self.text("Public Domain Mark 1.0")
        parts = licence.id.split("-")
        if len(parts) < 3 or parts[0] != "CC" or any(p not in _CC_ELEMENTS for p in parts[1:-1]):
            return None
        elements = "-".join(_CC_ELEMENTS[p] for p in parts[1:-1])
        port = licence.name.rsplit(" ", 1)[-1]
        return self.text(
            "{elements} {version} {port}",
            elements=self.text(elements),
            version=parts[-1],
            port=self.text(port) if port in _CC_PORTS else "",
        ).strip()


ENGLISH = Labels("en", "en", gettext.NullTranslations())


@cache
def labels(language: str) -> Labels:
    """Our fixed texts for a book (or a part of one) in ``language``: its catalog's, else English."""
    if not language or is_english(language):
        return ENGLISH
    for name in catalog_names(language):
        translations = _translations(name)
        if translations is not None:
            return Labels(language, name, translations, _DIGITS.get(_numbering_system(name)))
    return ENGLISH


def _numbering_system(locale: str) -> str:
    """CLDR's default numbering system of a locale ('latn', 'arabext'…)."""
    from babel import Locale

    return Locale.parse(locale).default_numbering_system


def fallback_message(language: str) -> Message | None:
    """The message that a book in ``language`` has its fixed texts in English (no catalog), or None."""
    if not language or language.lower() in ("und", "zxx", "mul") or is_english(language):
        return None
    if not labels(language).english:
        return None
    return info(
        "write",
        "labels-in-english",
        f"no translation of the book's own texts (title page, licence page, contents) for language {language!r}:"
        " they are in English",
    )
