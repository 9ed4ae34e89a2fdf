"""The shortcode handler registry and ``apply_shortcodes``, the cleaner's shortcode stage.

Each registered name maps to a :class:`Handler` with one of four actions:

* ``expand``: collapses, spoilers, accordions. The tags go, the content stays inline (processed again for
  nested shortcodes); a meaningful title attribute becomes an ``<h3>`` before it. Button labels such as
  ``expand_text="Show More"`` are never content.
* ``remove``: widgets and leftovers of inactive plugins (tickers, ads, share buttons, forms). The tag goes;
  an enclosing tag's content is kept unless the handler says it is by definition not article text.
* ``convert``: caption → ``<figure>``, embed/audio/video → a link; a hook (``converter``) for more.
* ``note``: footnote plugins; the footnotes stage makes notes of them (``Registry.note_names``).

A site's own plugins get handlers from a ``--rules`` file (:mod:`exporter.rules`, through
:meth:`Registry.update` and :meth:`Handler.from_mapping`).

Names that are not registered are shortcodes only when :meth:`ShortcodeRules.accept` says so (they look
like a shortcode name and have ``name=value`` attributes or a closing tag); everything else in brackets,
such as ``[5]`` or ``[simple boat]``, is prose and stays. Unknown enclosing shortcodes keep their content
and lose their tags; unknown standalone ones are removed. Every decision is a message record of the stage
``shortcodes``: ``info`` for a decision, ``warning`` where a person should look (an unknown shortcode, one
not closed, one that could not be converted).
"""

from __future__ import annotations

import bisect
import html as htmllib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from exporter.clean.shortcodes import (
    ShortcodeMatch,
    absorb_paragraph,
    find_shortcodes,
    is_valid_name,
    mask_protected,
    paragraph_state,
    plain_text,
    rename_shortcode,
)
from exporter.messages import Message, info, warning

__all__ = [
    "CONVERTERS",
    "Action",
    "Handler",
    "Registry",
    "ShortcodeRules",
    "apply_shortcodes",
    "convert_caption",
    "convert_media_link",
    "default_registry",
    "is_button_label",
]


class Action(StrEnum):
    """What happens to a registered shortcode."""

    EXPAND = "expand"
    REMOVE = "remove"
    CONVERT = "convert"
    NOTE = "note"
    """A footnote shortcode: the footnotes stage turns it into a note; any left after it stays as written."""


Converter = Callable[[ShortcodeMatch, str], "str | None"]
"""``converter(match, content) -> block HTML``; ``content`` is the processed inner HTML ('' if none).
Returning None means "cannot convert" and the handler's ``fallback`` option applies."""


@dataclass(frozen=True)
class Handler:
    """How one shortcode name is treated.

    ``title_attrs``: attributes (first non-empty, meaningful one wins) whose value becomes an ``<h3>``
    (expand). ``keep_content``: for remove, whether an enclosing tag's content stays (default: yes).
    ``reason``: a few words for the warning and the documentation. ``options``:
    ``rename_to`` (treat ``[name`` as ``[rename_to``, e.g. a preset tag), ``nested_underscore`` (the
    Shortcodes Ultimate ``[_su_x]`` nesting convention), ``fallback`` for convert without a result
    (``unwrap``: tags go, content stays; ``remove``; ``keep``: leave the shortcode as written) and
    ``enclosing`` (a convert tag that needs a closer; expand tags always do).
    """

    name: str
    action: Action
    title_attrs: tuple[str, ...] = ()
    keep_content: bool = True
    reason: str = ""
    converter: Converter | None = None
    plugin: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, name: str, data: Mapping[str, Any]) -> Handler:
        """Build a handler from plain data (e.g. one table of a TOML rules file).

        Keys: ``action``, ``title_attrs``, ``keep_content``, ``reason``, ``plugin``, ``converter`` (a name
        in :data:`CONVERTERS`) and any other key as an option.
        """
        data = dict(data)
        converter_name = data.pop("converter", None)
        converter = CONVERTERS[converter_name] if converter_name else None
        return cls(
            name=name,
            action=Action(data.pop("action")),
            title_attrs=tuple(data.pop("title_attrs", ())),
            keep_content=bool(data.pop("keep_content", True)),
            reason=str(data.pop("reason", "")),
            plugin=str(data.pop("plugin", "")),
            converter=converter,
            options=data,
        )


class Registry:
    """Named handlers with priorities, in the spirit of Python-Markdown's registry.

    Iteration and :meth:`names` go from the highest priority down (registration order among equals);
    the order matters only when two registered names could match at the same place.
    """

    def __init__(self) -> None:
        self._items: dict[str, tuple[Handler, float, int]] = {}
        self._counter = 0

    def register(self, handler: Handler, priority: float = 50.0) -> None:
        """Add or replace the handler for ``handler.name``."""
        if not is_valid_name(handler.name):
            raise ValueError(f"invalid shortcode name: {handler.name!r}")
        self._counter += 1
        self._items[handler.name] = (handler, priority, self._counter)

    def deregister(self, name: str, strict: bool = True) -> None:
        """Remove ``name``; a missing name raises KeyError unless ``strict`` is False."""
        if name in self._items:
            del self._items[name]
        elif strict:
            raise KeyError(name)

    def update(self, rules: Mapping[str, Mapping[str, Any]], priority: float = 60.0) -> None:
        """Register handlers from plain data, ``{name: {"action": ..., ...}}`` (a TOML rules file)."""
        for name, data in rules.items():
            self.register(Handler.from_mapping(name, data), priority)

    def get(self, name: str) -> Handler | None:
        """The handler for ``name``, or None."""
        item = self._items.get(name)
        return item[0] if item else None

    def names(self) -> list[str]:
        """Registered names, highest priority first."""
        return [h.name for h in self]

    def note_names(self) -> tuple[str, ...]:
        """Names of the shortcodes that make footnotes (action ``note``), highest priority first."""
        return tuple(h.name for h in self if h.action is Action.NOTE)

    def copy(self) -> Registry:
        """An independent registry with the same handlers."""
        new = Registry()
        new._items = dict(self._items)
        new._counter = self._counter
        return new

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __getitem__(self, name: str) -> Handler:
        return self._items[name][0]

    def __iter__(self) -> Iterator[Handler]:
        ordered = sorted(self._items.values(), key=lambda item: (-item[1], item[2]))
        return (item[0] for item in ordered)

    def __len__(self) -> int:
        return len(self._items)


# --------------------------------------------------------------------------------------------------------
# Converters

_IMAGE_LEAD = re.compile(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)\Z", re.DOTALL | re.IGNORECASE)
_P_TAGS = re.compile(r"</?p(?:\s[^<>]*)?>", re.IGNORECASE)
_EDGE_BREAKS = re.compile(r"\A(?:\s|<br\s*/?>)+|(?:\s|<br\s*/?>)+\Z", re.IGNORECASE)
_URL = re.compile(r"(?:https?:)?//\S+\Z|/\S*\Z", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
_MEDIA_ATTRS = (
    "src",
    "url",
    "mp3",
    "m4a",
    "ogg",
    "flac",
    "wav",
    "mp4",
    "m4v",
    "webm",
    "ogv",
    "wmv",
    "flv",
    "0",
)


def _has_text(fragment: str) -> bool:
    return bool(htmllib.unescape(_TAGS.sub("", fragment)).strip())


def convert_caption(match: ShortcodeMatch, content: str) -> str | None:
    """``[caption]``/``[wp_caption]`` → ``<figure>`` with the image and a ``<figcaption>``."""
    content = _EDGE_BREAKS.sub("", _P_TAGS.sub(" ", content))
    caption = match.attrs.get("caption", "").strip()
    lead = _IMAGE_LEAD.match(content)
    if caption:
        body = content
    elif lead is not None:
        body, caption = lead.group(1), _EDGE_BREAKS.sub("", lead.group(2))
    else:
        return None
    if not _has_text(caption):
        return f"<figure>{body}</figure>" if body.strip() else None
    return f"<figure>{body}<figcaption>{caption}</figcaption></figure>"


def convert_media_link(match: ShortcodeMatch, content: str) -> str | None:
    """``[embed]URL[/embed]``, ``[audio src=…]``, ``[video mp4=…]`` → a paragraph with a link to the URL.

    Content other than the URL itself is kept after the link when it has text; markup without text
    (``<source>`` elements) is not.
    """
    text = htmllib.unescape(_TAGS.sub("", content)).strip()
    candidates = [text] if match.name == "embed" else []
    candidates += [match.attrs.get(key, "").strip() for key in _MEDIA_ATTRS]
    url = next((c for c in candidates if c and _URL.match(c)), "")
    if not url:
        return None
    href = htmllib.escape(htmllib.unescape(url), quote=True)
    link = f'<p><a href="{href}">{href}</a></p>'
    rest = "" if url == text else _EDGE_BREAKS.sub("", _P_TAGS.sub(" ", content))
    return link + (f"<p>{rest}</p>" if _has_text(rest) else "")


CONVERTERS: dict[str, Converter] = {"caption": convert_caption, "media_link": convert_media_link}
"""Converters by name, for rules given as plain data."""


# --------------------------------------------------------------------------------------------------------
# The default registry

_BUTTON_LABELS = frozenset(
    {
        "",
        "show more",
        "show less",
        "show",
        "hide",
        "read more",
        "read less",
        "more",
        "less",
        "click to expand",
        "click to collapse",
        "click to open",
        "click to close",
        "click here",
        "click to read more",
        "expand",
        "collapse",
        "open",
        "close",
        "toggle",
        "details",
        "show details",
        "hide details",
        "more info",
        "see more",
        "view more",
        "show all",
        "continue reading",
        "spoiler",
        "spoiler title",
    }
)


def is_button_label(text: str) -> bool:
    """True for generic toggle labels ("Show More", "Read more…", "Click to expand") that are not titles."""
    return " ".join(text.lower().split()).strip(" .…»›>:!+-–—") in _BUTTON_LABELS


def default_registry() -> Registry:
    """The built-in handlers (collapses, spoilers, media, notes, and noise from common plugins)."""
    reg = Registry()

    def expand(name: str, plugin: str, title_attrs: tuple[str, ...] = (), **options: Any) -> None:
        reg.register(Handler(name, Action.EXPAND, title_attrs, plugin=plugin, options=options))

    def remove(name: str, plugin: str, reason: str, keep_content: bool = True) -> None:
        reg.register(Handler(name, Action.REMOVE, keep_content=keep_content, reason=reason, plugin=plugin))

    def convert(name: str, plugin: str, converter: Converter | None, reason: str, **options: Any) -> None:
        reg.register(Handler(name, Action.CONVERT, converter=converter, reason=reason, plugin=plugin, options=options))

    # Show-Hide / Collapse-Expand (Bunte Giraffe): expand_text/collapse_text are button labels, never content.
    bg = "Show-Hide/Collapse-Expand"
    for name in ("bg_collapse", "bg_collapse_level2", "bg_collapse_level3"):
        expand(name, bg)
    # The plugin renames its preset tag to bg_collapse before shortcodes run; we do the same.
    expand("bg_collapse_preset1", bg, rename_to="bg_collapse")
    # Collapse-O-Matic: title is the trigger text; expandsubN exist for nesting.
    com = "Collapse-O-Matic"
    for name in ("expand", *(f"expandsub{i}" for i in range(1, 30))):
        expand(name, com, ("title",))
    # Shortcodes Ultimate (default prefix su_, and the bare names used by sites with an empty prefix).
    su = "Shortcodes Ultimate"
    for name in ("su_spoiler", "_su_spoiler", "su_accordion", "_su_accordion", "su_expand", "su_tabs", "su_tab"):
        expand(name, su, ("title",), nested_underscore=True)
    for name in ("spoiler", "accordion", "accordion-item", "accordion_item", "toggle", "collapse", "tabs", "tab"):
        expand(name, "Shortcodes Ultimate without prefix, theme accordions, WP Spoiler", ("title",))
    expand("accordions", "Arconix Shortcodes")

    # Media and figures.
    for name in ("caption", "wp_caption"):
        convert(name, "WordPress core", convert_caption, "figure with caption", fallback="unwrap", enclosing=True)
    for name in ("embed", "audio", "video"):
        convert(name, "WordPress core", convert_media_link, "link to the media", fallback="keep")
    for name in ("gallery", "playlist"):
        convert(name, "WordPress core", None, "needs attachment data; not converted yet", fallback="remove")
    # Footnote plugins: the footnotes stage makes notes of them; any left after it stay as written.
    for name, plugin in (
        ("efn_note", "Easy Footnotes"),
        ("footnote", "various footnote plugins"),
        ("ref", "various footnote plugins"),
        ("mfn", "Modern Footnotes"),
        ("modern_footnote", "Modern Footnotes"),
    ):
        reg.register(
            Handler(
                name,
                Action.NOTE,
                reason="left as written for the footnotes stage",
                plugin=plugin,
                options={"fallback": "keep"},
            )
        )

    # Noise. An enclosing noise tag's content is kept (it is the author's text) unless stated otherwise.
    remove("premium_newsticker", "WP Premium News Ticker", "inactive plugin leftover")
    for name, plugin in (
        ("ssba", "Simple Share Buttons Adder"),
        ("ssba-buttons", "Simple Share Buttons Adder"),
        ("addtoany", "AddToAny"),
        ("shareaholic", "Shareaholic"),
        ("social_warfare", "Social Warfare"),
        ("easy-social-share", "Easy Social Share Buttons"),
        ("feather_share", "Feather"),
    ):
        remove(name, plugin, "share buttons")
    for name, plugin in (("adrotate", "AdRotate"), ("the_ad", "Advanced Ads"), ("the_ad_group", "Advanced Ads")):
        remove(name, plugin, "advertisement")
    for name, plugin in (
        ("mc4wp_form", "Mailchimp for WordPress"),
        ("jetpack_subscription_form", "Jetpack"),
        ("subscribe2", "Subscribe2"),
        ("newsletter", "Newsletter"),
        ("email-subscribers-form", "Email Subscribers"),
    ):
        remove(name, plugin, "subscription form")
    for name, plugin in (
        ("contact-form-7", "Contact Form 7"),
        ("wpforms", "WPForms"),
        ("gravityform", "Gravity Forms"),
        ("ninja_form", "Ninja Forms"),
        ("formidable", "Formidable Forms"),
    ):
        remove(name, plugin, "form")
    # Jetpack's contact form encloses [contact-field] definitions: form fields, not article text.
    remove("contact-form", "Jetpack", "form; its content is field definitions", keep_content=False)
    remove("contact-field", "Jetpack", "form field")
    for name, plugin in (
        ("toc", "Table of Contents Plus"),
        ("ez-toc", "Easy Table of Contents"),
        ("lwptoc", "LuckyWP Table of Contents"),
        ("wpseo_breadcrumb", "Yoast SEO"),
        ("print_link", "WP-Print"),
    ):
        remove(name, plugin, "navigation widget")
    for name, plugin in (("fbcomments", "Facebook Comments"), ("jetpack-related-posts", "Jetpack"), ("yarpp", "YARPP")):
        remove(name, plugin, "site widget")
    return reg


# --------------------------------------------------------------------------------------------------------
# Applying the rules

_NAME_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_INT_KEY = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")
_BLOCK_HTML = re.compile(
    r"</?(?:p|div|h[1-6]|ul|ol|li|blockquote|table|tr|td|pre|figure|section|article|hr|dl)(?=[\s/>])",
    re.IGNORECASE,
)
_SPACE = r"(?:[ \t\r\n\u00a0]|&nbsp;|&#160;|<br\s*/?>)"
_MARK = "\ufdd0"
MAX_DEPTH = 40
WHERE_LEN = 60
"""A message's ``where`` shows at most this much of the opening tag."""
MAX_ATTR_LEN = 2000
"""Longer attribute text means the tag lost its ']' (it would swallow the text up to the next ']')."""
_EMPTY_P = re.compile(
    rf"<p(?:\s[^<>]*)?>(?:{_SPACE})*{_MARK}(?:{_SPACE}|{_MARK})*</p\s*>",
    re.IGNORECASE,
)
_NESTED_SU = re.compile(r"\[_/?(?=su_)|\[/_(?=su_)")
_CLOSER = re.compile(r"\[/([^\[\]]+)\]")


class ShortcodeRules:
    """The predicate and the transformation for one registry (message records collected in ``messages``)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.names = registry.names()
        self.messages: list[Message] = []
        self.mark = _MARK

    # -- the predicate ----------------------------------------------------------------------------------
    def accept(self, m: ShortcodeMatch) -> bool:
        """Is this candidate a shortcode? Registered, or shaped like one with attributes or a closer."""
        if m.name in self.registry:
            if _BLOCK_HTML.search(m.attr_text):
                self.messages.append(
                    warning(
                        "shortcodes",
                        "runs-into-html",
                        f"shortcode [{m.name}] runs into HTML before its ']': left as text",
                        where=_where(m),
                    )
                )
                return False
            return True
        if not _NAME_SHAPE.match(m.name) or "<" in m.attr_text:
            return False
        if m.content is not None:
            return True
        named = sum(1 for key in m.attrs if not _INT_KEY.match(key))
        return named > 0 and len(m.attrs) - named <= named

    # -- the transformation -----------------------------------------------------------------------------
    def apply(self, text: str, in_paragraph: bool = False, depth: int = 0) -> str:
        """Process every shortcode in ``text`` (recursively into kept content)."""
        if depth > MAX_DEPTH:
            self.messages.append(
                warning(
                    "shortcodes",
                    "too-deep",
                    f"shortcodes nested more than {MAX_DEPTH} deep: inner ones left as written",
                )
            )
            return text
        matches = find_shortcodes(text, self.accept, self.names, unwrap_paragraphs=True, max_attr_len=MAX_ATTR_LEN)
        edits: list[tuple[int, int, ShortcodeMatch | str]] = []
        for m in matches:
            if m.escaped:
                edits.append((*m.span, m))
            else:
                edits.append((m.outer_open[0], (m.outer_close or m.outer_open)[1], m))
        edits += self._orphan_closers(text, edits)
        edits.sort(key=lambda e: e[0])
        inside = paragraph_state(text, in_paragraph)
        out: list[str] = []
        pos = 0
        for start, end, item in edits:
            out.append(text[pos:start])
            if isinstance(item, str):
                self.messages.append(
                    info("shortcodes", "orphan-closer", f"shortcode closing tag [/{item}] without opening tag removed")
                )
                out.append(self._bridge(inside(start), inside(end)))
            else:
                out.append(self._render(item, text, inside, depth))
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _orphan_closers(self, text: str, edits: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
        """Closing tags of registered names that close nothing (e.g. the outer one of a same-tag nest)."""
        if "[/" not in text:
            return []
        masked = mask_protected(text)
        bounds = sorted((s, e) for s, e, _ in edits)
        starts = [s for s, _ in bounds]
        result: list[tuple[int, int, Any]] = []
        last = 0
        for m in _CLOSER.finditer(masked):
            name = m.group(1)
            if name not in self.registry:
                continue
            start, end = m.span()
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and bounds[i][1] > start:
                continue
            floor = max(last, bounds[i][1] if i >= 0 else 0)
            ceil = starts[i + 1] if i + 1 < len(starts) else len(text)
            lo, hi = absorb_paragraph(text, start, end, floor, ceil)
            result.append((lo, hi, name))
            last = hi
        return result

    def _bridge(self, start_in_p: bool, end_in_p: bool) -> str:
        """Markup that takes the paragraph state from ``start_in_p`` to ``end_in_p`` around a removal."""
        if start_in_p and not end_in_p:
            return self.mark + "</p>"
        if end_in_p and not start_in_p:
            return "<p>" + self.mark
        return self.mark

    def _block(self, block: str, start_in_p: bool, end_in_p: bool) -> str:
        """Block-level output placed where the paragraph state goes from ``start_in_p`` to ``end_in_p``."""
        before = self.mark + "</p>" if start_in_p else self.mark
        after = "<p>" + self.mark if end_in_p else self.mark
        return before + block + after

    def _render(self, m: ShortcodeMatch, text: str, inside: Callable[[int], bool], depth: int) -> str:
        if m.escaped:
            self.messages.append(info("shortcodes", "escaped", f"escaped shortcode {m.raw} printed as {m.raw[1:-1]}"))
            return m.raw[1:-1]
        if m.quotes_repaired:
            self.messages.append(
                info(
                    "shortcodes",
                    "typographic-quotes",
                    f"shortcode [{m.name}]: typographic quotes in attributes read as ASCII",
                    where=_where(m),
                )
            )
        start = m.outer_open[0]
        end = (m.outer_close or m.outer_open)[1]
        handler = self.registry.get(m.name)
        inner_span = m.inner_span
        inner = text[inner_span[0] : inner_span[1]] if inner_span else ""

        def content(transform: Callable[[str], str] | None = None) -> str:
            if inner_span is None:
                return ""
            raw = transform(inner) if transform else inner
            return self.apply(raw, inside(inner_span[0]), depth + 1)

        if handler is None:
            if inner_span is None:
                self.messages.append(
                    warning("shortcodes", "unknown-removed", f"shortcode [{m.name}] unknown, removed", where=_where(m))
                )
                return self._bridge(inside(start), inside(end))
            self.messages.append(
                warning(
                    "shortcodes",
                    "unknown-unwrapped",
                    f"shortcode [{m.name}] unknown, tags removed, content kept",
                    where=_where(m),
                )
            )
            return self.mark + content() + self.mark

        if handler.action is Action.EXPAND:
            if inner_span is None:
                self.messages.append(_not_closed(m))
                return self._bridge(inside(start), inside(end))
            nested = _unnest_su if handler.options.get("nested_underscore") else None
            title = self._title(m, handler)
            body = content(nested)
            if title:
                self.messages.append(
                    info(
                        "shortcodes",
                        "expanded-with-title",
                        f"shortcode [{m.name}] expanded inline, title kept as heading",
                        where=_where(m),
                    )
                )
                s = inside(start)
                return self._block(f"<h3>{title}</h3>", s, s) + body + self.mark
            self.messages.append(
                info("shortcodes", "expanded", f"shortcode [{m.name}] expanded inline", where=_where(m))
            )
            return self.mark + body + self.mark

        if handler.action is Action.REMOVE:
            why = f" ({handler.reason})" if handler.reason else ""
            if inner_span is None:
                self.messages.append(
                    info("shortcodes", "removed", f"shortcode [{m.name}] removed{why}", where=_where(m))
                )
                return self._bridge(inside(start), inside(end))
            if handler.keep_content:
                self.messages.append(
                    info(
                        "shortcodes",
                        "removed-kept-content",
                        f"shortcode [{m.name}] removed{why}, content kept",
                        where=_where(m),
                    )
                )
                return self.mark + content() + self.mark
            self.messages.append(
                info(
                    "shortcodes",
                    "removed-with-content",
                    f"shortcode [{m.name}] removed with its content{why}",
                    where=_where(m),
                )
            )
            return self._bridge(inside(start), inside(end))

        # CONVERT
        fallback = handler.options.get("fallback", "unwrap")
        if inner_span is None and handler.options.get("enclosing") and fallback != "keep":
            self.messages.append(_not_closed(m))
            return self._bridge(inside(start), inside(end))
        result = handler.converter(m, content()) if handler.converter else None
        if result is not None:
            self.messages.append(
                info(
                    "shortcodes",
                    "converted",
                    f"shortcode [{m.name}] converted ({handler.reason or 'converted'})",
                    where=_where(m),
                )
            )
            return self._block(result, inside(start), inside(end))
        if fallback == "keep":
            if handler.converter:
                self.messages.append(
                    warning(
                        "shortcodes",
                        "not-converted-kept",
                        f"shortcode [{m.name}] could not be converted: left as written",
                        where=_where(m),
                    )
                )
            else:
                self.messages.append(
                    info(
                        "shortcodes",
                        "left-as-written",
                        f"shortcode [{m.name}] {handler.reason or 'left as written'}",
                        where=_where(m),
                    )
                )
            return text[start:end]
        if fallback == "remove" or inner_span is None:
            self.messages.append(
                warning(
                    "shortcodes",
                    "not-converted-removed",
                    f"shortcode [{m.name}] removed ({handler.reason or 'not converted'})",
                    where=_where(m),
                )
            )
            if inner_span is not None and handler.keep_content:
                return self.mark + content() + self.mark
            return self._bridge(inside(start), inside(end))
        self.messages.append(
            warning(
                "shortcodes",
                "not-converted-unwrapped",
                f"shortcode [{m.name}] not converted: tags removed, content kept",
                where=_where(m),
            )
        )
        return self.mark + content() + self.mark

    def _title(self, m: ShortcodeMatch, handler: Handler) -> str:
        for attr in handler.title_attrs:
            value = m.attrs.get(attr, "")
            value = value.replace("%(%", "<").replace("%)%", ">").replace("%{%", "[").replace("%}%", "]")
            title = plain_text(value)
            if title and not is_button_label(htmllib.unescape(title)):
                return title
        return ""


def _not_closed(m: ShortcodeMatch) -> Message:
    """The record of an opening tag whose closer never comes: the tag goes, the text after it stays."""
    return warning(
        "shortcodes", "not-closed", f"shortcode [{m.name}] not closed: tag removed, text kept", where=_where(m)
    )


def _where(m: ShortcodeMatch) -> str:
    """The opening tag as written (shortened), to find the shortcode in the source."""
    start, end = m.open_tag
    tag = " ".join(m.raw[start - m.span[0] : end - m.span[0]].split())
    return tag if len(tag) <= WHERE_LEN else tag[: WHERE_LEN - 2] + "…]"


def _unnest_su(text: str) -> str:
    """Shortcodes Ultimate nesting: ``[_su_x]…[_/su_x]`` inside an outer tag reads as ``[su_x]…[/su_x]``."""
    return _NESTED_SU.sub(lambda m: "[/" if "/" in m.group() else "[", text)


_DEFAULT: Registry | None = None


def apply_shortcodes(html: str, registry: Registry | None = None) -> tuple[str, list[Message]]:
    """Expand, remove or convert the shortcodes in ``html``; return the new HTML and one message per decision
    (stage ``shortcodes``; ``where`` is the opening tag as written, shortened).

    Text outside shortcode tags is never lost, and the content of expanded or unknown enclosing shortcodes
    is kept. Balanced input gives balanced output: a tag standing alone in a paragraph takes the
    ``<p>…</p>`` with it, and paragraphs emptied by a removal are dropped.
    """
    global _DEFAULT
    if "[" not in html:
        return html, []
    if registry is None:
        if _DEFAULT is None:
            _DEFAULT = default_registry()
        registry = _DEFAULT
    rules = ShortcodeRules(registry)
    for handler in registry:
        target = handler.options.get("rename_to")
        if target:
            html = rename_shortcode(html, handler.name, str(target))
    use_mark = _MARK not in html
    if not use_mark:
        rules.mark = ""
    out = rules.apply(html)
    if use_mark and _MARK in out:
        for _ in range(3):  # paragraphs emptied by a removal; nested <p> (invalid anyway) only a few levels
            out, count = _EMPTY_P.subn(_MARK, out)
            if not count:
                break
        out = out.replace(_MARK, "")
    return out, rules.messages
