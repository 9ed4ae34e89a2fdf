"""Transforms in the manner of docutils: small named steps with priorities, applied in order by one transformer.

A transform is a function that takes a document object and changes it in place (the cleaner's
:class:`~exporter.clean.document.CleanDocument`, or a writer's :class:`~exporter.writers.document.BookBody`).
Each kind of document has one :class:`Transforms` registry; its order is the priorities' order, declared where
the transforms are registered, so it is written down once. A user's or a test's own transform is one call::

    from exporter.clean import TRANSFORMS

    @TRANSFORMS.add("drop-pullquotes", 650)
    def drop_pullquotes(doc):
        for el in doc.root.find_class("pullquote"):
            el.drop_tree()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exporter.registry import Registry

Transform = Callable[[Any], None]


class Transforms(Registry[Transform]):
    """The transforms of one kind of document, by name and priority (lowest number first)."""

    def add(self, name: str, priority: float) -> Callable[[Transform], Transform]:
        """Decorator: register the function as the transform ``name`` at ``priority``."""

        def register(func: Transform) -> Transform:
            self.register(func, name, priority)
            return func

        return register

    def apply(self, document: Any) -> None:
        """Apply every transform to ``document``, in priority order."""
        for transform in self:
            transform(document)

    def copy(self) -> Transforms:
        """An independent set of the same transforms (to add one for a single run or test)."""
        new = Transforms()
        new._items = dict(self._items)
        new._counter = self._counter
        return new

    def table(self) -> list[tuple[float, str, str]]:
        """(priority, name, first docstring line) of each transform, in order: the documented order."""
        return [
            (self.priority(name), name, ((func.__doc__ or "").strip().splitlines() or [""])[0])
            for name, func in self.items()
        ]
