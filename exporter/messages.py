"""Messages as records: every decision and problem of a run, with its stage, code, level, text and place.

A module that decides something or meets a problem makes a :class:`Message` with :func:`info`, :func:`warning`
or :func:`error`, always with a literal stage and code (``docs/messages.md`` lists them all; a test checks that
every code in the source is documented there). Messages travel with the item: readers put them on the
``RawArticle``, transforms on the document's :class:`Reporter`, writers return them; ``manifest.json`` and
``exporter inspect --json`` hold them as JSON objects, and ``-v`` prints them grouped by stage.

Levels: ``info`` is a decision the exporter made that the user may want to know of (a licence detected, a
shortcode expanded); ``warning`` is something a person should look at (an image not found, an unknown
shortcode removed, a refused URL); ``error`` is a failure of the item (the book was not written).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

LEVELS = ("info", "warning", "error")


@dataclass(frozen=True)
class Message:
    """One record: ``stage`` (read, content, footnotes, shortcodes, …), ``code`` (kebab-case, unique in its
    stage), ``level``, readable ``text``, and optionally ``where`` (a line, an element, a note) and ``detail``
    (for an internal error, the traceback)."""

    stage: str
    code: str
    text: str
    level: str = "info"
    where: str | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown message level {self.level!r}")

    def __str__(self) -> str:
        return f"{self.text} ({self.where})" if self.where else self.text

    def to_json(self) -> dict[str, str]:
        """The record as the manifest and ``inspect --json`` write it (``where`` and ``detail`` only when set)."""
        data = {"stage": self.stage, "code": self.code, "level": self.level, "text": self.text}
        if self.where:
            data["where"] = self.where
        if self.detail:
            data["detail"] = self.detail
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> Message:
        """A record read back from a manifest; a plain string (a manifest of an older version) becomes a
        ``legacy/text`` record."""
        if isinstance(data, str):
            return cls("legacy", "text", data)
        return cls(
            stage=str(data.get("stage", "legacy")),
            code=str(data.get("code", "text")),
            text=str(data.get("text", "")),
            level=str(data.get("level", "info")) if data.get("level") in LEVELS else "info",
            where=data.get("where"),
            detail=data.get("detail"),
        )

    def with_stage(self, stage: str) -> Message:
        """The same record, told again by another stage (e.g. a shortcode inside a footnote)."""
        return Message(stage, self.code, self.text, self.level, self.where, self.detail)


def info(stage: str, code: str, text: str, *, where: str | None = None) -> Message:
    """A decision the exporter made."""
    return Message(stage, code, text, "info", where)


def warning(stage: str, code: str, text: str, *, where: str | None = None) -> Message:
    """Something a person should look at."""
    return Message(stage, code, text, "warning", where)


def error(stage: str, code: str, text: str, *, where: str | None = None, detail: str | None = None) -> Message:
    """A failure of the item."""
    return Message(stage, code, text, "error", where, detail)


class Reporter:
    """Collects the messages of one item; transforms and writers report through it."""

    def __init__(self, messages: Iterable[Message] = ()) -> None:
        self.messages: list[Message] = list(messages)

    def add(self, message: Message) -> None:
        """Record one message."""
        self.messages.append(message)

    def extend(self, messages: Iterable[Message]) -> None:
        """Record several messages."""
        self.messages.extend(messages)

    def info(self, stage: str, code: str, text: str, *, where: str | None = None) -> None:
        """Record a decision."""
        self.add(info(stage, code, text, where=where))

    def warning(self, stage: str, code: str, text: str, *, where: str | None = None) -> None:
        """Record something a person should look at."""
        self.add(warning(stage, code, text, where=where))

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)


def by_stage(messages: Iterable[Message]) -> dict[str, list[Message]]:
    """Messages grouped by stage, stages in the order they first appear."""
    groups: dict[str, list[Message]] = {}
    for message in messages:
        groups.setdefault(message.stage, []).append(message)
    return groups
