"""A registry of named items with priorities, in the manner of Python-Markdown's ``Registry``.

Readers (by name, chosen by suffix or by sniffing), writers (by format name) and the cleaner's transforms
(applied in priority order) are each kept in one of these. Registering a name again replaces the item.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from functools import cache
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Items by name; iteration goes from the lowest priority number up (registration order among equals),
    the order in which docutils applies transforms."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[T, float, int]] = {}
        self._counter = 0

    def register(self, item: T, name: str, priority: float = 500.0) -> None:
        """Add ``item`` under ``name`` (replacing an item of that name)."""
        self._counter += 1
        self._items[name] = (item, priority, self._counter)

    def deregister(self, name: str, strict: bool = True) -> None:
        """Remove ``name``; a missing name raises KeyError unless ``strict`` is False."""
        if name in self._items:
            del self._items[name]
        elif strict:
            raise KeyError(name)

    def get(self, name: str) -> T | None:
        """The item registered as ``name``, or None."""
        entry = self._items.get(name)
        return entry[0] if entry else None

    def priority(self, name: str) -> float:
        """The priority ``name`` was registered with."""
        return self._items[name][1]

    def names(self) -> list[str]:
        """Registered names in order."""
        return [name for name, _ in self._ordered()]

    def items(self) -> list[tuple[str, T]]:
        """(name, item) pairs in order."""
        return [(name, entry[0]) for name, entry in self._ordered()]

    def copy(self) -> Registry[T]:
        """An independent registry with the same items."""
        new: Registry[T] = Registry()
        new._items = dict(self._items)
        new._counter = self._counter
        return new

    def _ordered(self) -> list[tuple[str, tuple[T, float, int]]]:
        return sorted(self._items.items(), key=lambda kv: (kv[1][1], kv[1][2]))

    def __iter__(self) -> Iterator[T]:
        return (entry[0] for _, entry in self._ordered())

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def load(self, name: str) -> T:
        """The item registered as ``name`` (KeyError if none); an item registered as a ``"module:attribute"``
        string is imported on first use and registered in its place, with the same priority."""
        item = self[name]
        if isinstance(item, str) and ":" in item:
            item = import_target(item)
            self.register(item, name, self.priority(name))
        return item

    def __getitem__(self, name: str) -> T:
        return self._items[name][0]

    def __len__(self) -> int:
        return len(self._items)


@cache
def import_target(target: str) -> Any:
    """The object a ``"module:attribute"`` string names, imported once per process."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)
