"""The ``--rules`` file: shortcode handlers for a site's own plugins, read from TOML.

A rules file has one table, ``shortcodes``; each key is a shortcode name and its value an action, either as a
string (``site_widget = "remove"``) or as a table (``[shortcodes.faq]`` with ``action``, and optionally
``title``, ``reason``, ``plugin``). A rule adds a handler to the built-in registry or replaces the built-in
handler of the same name. ``docs/rules.md`` describes the format for users.

Actions:

* ``expand``: the tags go, the content stays inline; the first meaningful attribute named in ``title``
  (default: ``title``) becomes a heading;
* ``remove``: the shortcode goes, and for an enclosing one its content goes with it;
* ``keep-content``: the tags go, the content stays;
* ``note``: the content becomes a footnote at the place of the shortcode;
* ``figure``: an image with a caption becomes a figure (as ``[caption]``).

Any problem with the file is a :class:`~exporter.errors.UsageError` naming the file, the line when it is known,
and the problem, raised before any input is read.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from exporter.clean.gallery import registry_for
from exporter.clean.handlers import Registry, default_registry
from exporter.clean.shortcodes import is_valid_name
from exporter.errors import UsageError
from exporter.model import RawArticle

__all__ = ["ACTIONS", "RULES_PRIORITY", "load_rules", "registry_with_rules"]

RULES_PRIORITY = 70.0
"""The rules' handlers come before the built-ins (50) and the export's galleries (60) where both could match."""

ACTIONS: dict[str, dict[str, Any]] = {
    "expand": {"action": "expand"},
    "remove": {"action": "remove", "keep_content": False},
    "keep-content": {"action": "remove", "keep_content": True},
    "note": {"action": "note", "fallback": "keep"},
    "figure": {"action": "convert", "converter": "caption", "fallback": "unwrap", "enclosing": True},
}
"""Each rules-file action as the handler data it stands for (:meth:`Handler.from_mapping`'s keys)."""

DEFAULT_REASONS = {
    "remove": "rules file",
    "keep-content": "rules file",
    "note": "left as written for the footnotes stage",
    "figure": "figure with caption",
}
_KEYS = ("action", "title", "reason", "plugin")
_TOML_PLACE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*\Z")


RuleData = dict[str, dict[str, Any]]
"""A rules file's handler data by shortcode name (what :func:`load_rules` returns)."""


def load_rules(path: Path) -> RuleData:
    """The rules of ``path`` as handler data by shortcode name, for :meth:`Registry.update`.

    Raises UsageError (one line: the file, the line when known, the problem) for a file that cannot be read,
    is not TOML, or holds an unknown table, key, action or a value of the wrong type.
    """
    return dict(_load(str(path), *_stamp(path)))


def registry_with_rules(raw: RawArticle, rules: Path | None, loaded: RuleData | None = None) -> Registry | None:
    """The shortcode registry for one article: built-ins, the export's galleries, then the rules of ``rules``
    (``loaded``: those rules already read, by a client for a worker that cannot read the file).

    None (the cleaner's own default) when there is no rules file.
    """
    if rules is None and loaded is None:
        return None
    registry = (registry_for(raw) or default_registry()).copy()
    registry.update(loaded if loaded is not None else load_rules(rules), priority=RULES_PRIORITY)  # type: ignore[arg-type]
    return registry


def _stamp(path: Path) -> tuple[int, int]:
    """The file's modification time and size: a changed file is read again."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise UsageError("rules file not found", path) from None
    except OSError as exc:
        raise UsageError(f"rules file cannot be read ({exc.strerror or exc})", path) from None
    return stat.st_mtime_ns, stat.st_size


@functools.cache
def _load(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Read and check one rules file (cached per process: the workers clean many articles with it)."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except IsADirectoryError:
        raise UsageError("is a folder, not a rules file", path) from None
    except OSError as exc:
        raise UsageError(f"rules file cannot be read ({exc.strerror or exc})", path) from None
    except UnicodeDecodeError:
        raise UsageError("rules file is not UTF-8 text", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(_toml_problem(str(exc)), path) from None
    return tuple(_Checker(path, text).rules(data).items())


def _toml_problem(message: str) -> str:
    """tomllib's message as 'line L, column C: not valid TOML: problem'."""
    place = _TOML_PLACE.search(message)
    problem = message[: place.start()] if place else message
    problem = problem[:1].lower() + problem[1:]
    if place is None:
        return f"not valid TOML: {problem}"
    if place.group(1) is None:
        return f"at the end of the file: not valid TOML: {problem}"
    return f"line {place.group(1)}, column {place.group(2)}: not valid TOML: {problem}"


class _Checker:
    """Checks the parsed TOML and names the line of a problem (TOML itself keeps no positions)."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def rules(self, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        for key in data:
            if key != "shortcodes":
                self.fail(f"unknown table or key {key!r} (a rules file holds only [shortcodes])", key)
        table = data.get("shortcodes", {})
        if not isinstance(table, dict):
            self.fail("'shortcodes' must be a table of shortcode names", "shortcodes")
        return {name: self.rule(name, value) for name, value in table.items()}

    def rule(self, name: str, value: Any) -> dict[str, Any]:
        if not is_valid_name(name):
            self.fail(f"{name!r} is not a shortcode name (no spaces, quotes, '<>&/[]=')", name)
        if isinstance(value, str):
            value = {"action": value}
        elif not isinstance(value, dict):
            self.fail(f"[{name}]: give an action as a string, or a table with 'action'", name)
        for key in value:
            if key not in _KEYS:
                self.fail(f"[{name}]: unknown key {key!r} (expected {', '.join(_KEYS)})", name, key)
        action = value.get("action")
        if action is None:
            self.fail(f"[{name}]: no action (choose from {', '.join(ACTIONS)})", name)
        if not isinstance(action, str) or action not in ACTIONS:
            self.fail(f"[{name}]: unknown action {action!r} (choose from {', '.join(ACTIONS)})", name, "action")
        data = dict(ACTIONS[action])
        for key in ("reason", "plugin"):
            if key in value and not isinstance(value[key], str):
                self.fail(f"[{name}]: {key!r} must be a string", name, key)
        data["reason"] = value.get("reason") or DEFAULT_REASONS.get(action, "")
        data["plugin"] = value.get("plugin", "rules file")
        if "title" in value:
            if action != "expand":
                self.fail(f"[{name}]: 'title' is for the action 'expand' only", name, "title")
            title = value["title"]
            attrs = [title] if isinstance(title, str) else title
            if not isinstance(attrs, list) or not attrs or not all(isinstance(a, str) and a for a in attrs):
                self.fail(f"[{name}]: 'title' must be an attribute name or a list of them", name, "title")
            data["title_attrs"] = [a.lower() for a in attrs]
        elif action == "expand":
            data["title_attrs"] = ["title"]
        return data

    def fail(self, problem: str, name: str, key: str | None = None) -> None:
        """Raise the one-line UsageError, with the line of ``name`` (and of its ``key``) when it can be found."""
        line = self.line_of(name, key)
        raise UsageError(f"line {line}: {problem}" if line else problem, self.path)

    def line_of(self, name: str, key: str | None) -> int | None:
        """The line that defines ``name`` (a table header or a key), or of ``key`` inside it; None if not found."""
        quoted = rf"(?:{re.escape(name)}|\"{re.escape(name)}\"|'{re.escape(name)}')"
        header = re.compile(rf"\s*\[\s*(?:shortcodes\s*\.\s*)?{quoted}\s*\]")
        entry = re.compile(rf"\s*(?:shortcodes\s*\.\s*)?{quoted}\s*[=.]")
        start = next((i for i, line in enumerate(self.lines) if header.match(line)), None)
        if start is None:
            start = next((i for i, line in enumerate(self.lines) if entry.match(line)), None)
        if start is None:
            return None
        if key is not None:
            inner = re.compile(rf"\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
            for i in range(start, len(self.lines)):
                if i > start and self.lines[i].lstrip().startswith("["):
                    break
                if inner.match(self.lines[i]) or (i == start and key in self.lines[i]):
                    return i + 1
        return start + 1
