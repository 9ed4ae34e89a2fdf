"""One item for a worker that holds no input files and no library folder (a Dask worker), and what it returns.

The client makes a :class:`RemoteTask` (:func:`remote_task`): the raw article without its web archive handle,
its name, the run's options, its manifest entry as far as the client knows it, the client's answers about its
images (:class:`~exporter.item_resources.ItemResources`) and the client's ``SOURCE_DATE_EPOCH``. The worker runs
:func:`render_remote`: it cleans and writes in a temporary folder of its own and returns a :class:`Rendered`, the
books' bytes. The client commits them (:func:`commit_rendered`) exactly as a local worker does: atomically, with
the same journal entry, so the books and the manifest are those of a local run.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from exporter import dates
from exporter.item_resources import ItemResources, PreparedResolver, Request, requested_urls
from exporter.messages import Message
from exporter.model import Article, RawArticle
from exporter.pipeline import (
    Commit,
    ItemResult,
    Options,
    Task,
    Write,
    announcer,
    book_writes,
    clean_raw,
    describe,
    failure_recorded,
    resolver_for,
    stub_result,
    used_paths,
    write_all,
)
from exporter.rules import RuleData, load_rules

RENDER_ROUNDS = 4
"""How often an item may come back for addresses the client's scan did not foresee before it fails."""


@dataclass
class RemoteTask:
    """Everything a worker needs for one item, and nothing it would have to open."""

    raw: RawArticle
    slug: str
    options: Options
    stub: ItemResult
    resources: ItemResources
    epoch: str | None = None
    """The client's ``SOURCE_DATE_EPOCH`` (the books' dates follow the client, not the worker's environment)."""


@dataclass
class Rendered:
    """What a worker returns for one item: its entry, and each file's path, bytes and writer messages; or the
    addresses it still needs (``missed``), or, for a bundle, the cleaned article."""

    result: ItemResult
    files: dict[str, tuple[str, bytes, list[Message]]] = field(default_factory=dict)
    image_paths: list[str] = field(default_factory=list)
    article: Article | None = None
    missed: list[Request] = field(default_factory=list)


def remote_task(task: Task, rules: RuleData | None) -> RemoteTask:
    """The client's side: gather the answers about ``task``'s images, then send the article without its web
    archive (the answers hold the archived images' bytes)."""
    resources = ItemResources(rules=rules)
    resources.gather(resolver_for(task.raw, task.options), requested_urls(task.raw), task.raw.base_dir)
    raw = dataclasses.replace(task.raw, archive=None)
    stub = stub_result(task.raw, task.options)
    return RemoteTask(raw, task.slug, task.options, stub, resources, os.environ.get("SOURCE_DATE_EPOCH"))


def gather_missed(remote: RemoteTask, original: RawArticle, missed: list[Request]) -> None:
    """The client's side of a second round: answer the addresses a worker lacked."""
    resolver = resolver_for(original, remote.options)
    for url, base in missed:
        remote.resources.gather(resolver, [url], Path(base) if base else None)


def rules_of(options: Options) -> RuleData | None:
    """The --rules file's rules, read once by the client."""
    return load_rules(options.rules) if options.rules is not None else None


@contextmanager
def source_date_epoch(value: str | None) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` as the client has it, for the time of one item (the worker's own is restored)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    _set_epoch(value)
    try:
        yield
    finally:
        _set_epoch(before)


def _set_epoch(value: str | None) -> None:
    if value is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = value


def render_remote(task: RemoteTask) -> Rendered:
    """The worker's side: clean the article with the client's answers and write its files in a temporary folder
    of the worker's; any failure is the item's error."""
    result = dataclasses.replace(task.stub, warnings=list(task.stub.warnings))
    rendered = Rendered(result)
    with source_date_epoch(task.epoch), failure_recorded(result):
        resolver = PreparedResolver(roots=[], resources=task.resources)
        article = clean_raw(task.raw, task.options, resolver, task.resources.rules)
        if resolver.missed:
            rendered.missed = list(dict.fromkeys(resolver.missed))
            return rendered
        resolver.attach_contents(article)
        describe(result, article)
        rendered.image_paths = [str(image.path) for image in article.images]
        if task.options.bundle:
            rendered.article = article
        else:
            result.date = dates.build_date([article.published])
            rendered.files = _render_files(book_writes(article, task.slug, task.options))
    return rendered


def _render_files(writes: dict[str, Write]) -> dict[str, tuple[str, bytes, list[Message]]]:
    """Run each write into a temporary folder and keep the bytes (the worker keeps no file)."""
    files: dict[str, tuple[str, bytes, list[Message]]] = {}
    with tempfile.TemporaryDirectory(prefix="exporter-item-") as tmp:
        for fmt, (rel, write) in writes.items():
            path = Path(tmp) / f"{fmt}-{Path(rel).name}"
            messages = write(path)
            files[fmt] = (rel, path.read_bytes(), messages)
    return files


def commit_rendered(rendered: Rendered, source: Path, options: Options, own: frozenset[str]) -> ItemResult:
    """The client's side: name the item's files as the manifest does and write them into the library folder,
    atomically and announced in the journal, as a local worker does."""
    result = rendered.result
    result.resources = used_paths([Path(p) for p in rendered.image_paths], source)
    if result.ok and rendered.files:
        with failure_recorded(result):
            writes = {fmt: (rel, _keeping(data, messages)) for fmt, (rel, data, messages) in rendered.files.items()}
            outputs, messages = write_all(Commit(options.root, own, announcer(result)), writes)
            result.warnings += messages
            result.outputs = outputs
    return result


def _keeping(data: bytes, messages: list[Message]) -> Callable[[Path], list[Message]]:
    def write(path: Path) -> list[Message]:
        path.write_bytes(data)
        return list(messages)

    return write
