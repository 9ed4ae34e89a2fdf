"""The folder's catalog (exporter.library.catalog, record, identity): what a run folds in, and what it never
loses; any manifest.json, however broken, is read or refused in one line, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.errors import UsageError
from exporter.library.catalog import Catalog
from exporter.library.identity import bundle_id, item_id
from exporter.library.record import record_results
from exporter.model import RawArticle

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(tool=st.sampled_from(["exporter 0.1.0", "other", None]), items=JSON, extra=JSON)
def test_any_manifest_is_read_or_refused_never_a_crash(tmp_path_factory, tool, items, extra) -> None:
    folder = tmp_path_factory.mktemp("cat")
    data = {"tool": tool, "items": items, "runs": extra, "library_files": extra}
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    try:
        catalog = Catalog.load(folder)
    except UsageError as exc:
        assert "not an exporter catalog" in exc.message
        return
    catalog.owned_paths()
    assert isinstance(catalog.next_run, int)
    catalog.save()
    Catalog.load(folder)


def entry(ident: str, status: str = "ok", **more: object) -> dict[str, object]:
    return {"id": ident, "title": ident, "source": {"path": "/x"}, "status": status, "outputs": [], **more}


def test_a_failure_never_takes_out_a_good_book(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path)
    record_results(catalog, [entry("a"), entry("b", outputs=[{"format": "epub", "path": "b.epub"}])])
    record_results(catalog, [entry("b", "error", error="broken", run=2), entry("c", "error", error="bad")])
    assert [e["status"] for e in catalog.entries.values()] == ["ok", "ok", "error"]
    assert catalog.get(("b", None))["failed"] == {"run": 2, "error": "broken"}  # type: ignore[index]
    record_results(catalog, [entry("a", "skipped", reason="draft")])
    assert catalog.get(("a", None))["status"] == "ok"  # type: ignore[index]


def test_a_bundle_written_again_holds_this_runs_articles(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path)
    bundle = {"id": "bundle:b", "title": "B"}
    record_results(catalog, [entry("a", bundle=bundle), entry("b", bundle=bundle)], "bundle:b")
    record_results(catalog, [entry("b", bundle=bundle)], "bundle:b")
    assert list(catalog.entries) == [("b", "bundle:b")]


def test_identities() -> None:
    post = RawArticle(Path("/x/site.xml"), "", "T", post_id="12", site_url="https://site.example/")
    assert item_id(post) == "https://site.example/?p=12"
    page = RawArticle(Path("/x/p.html"), "", "T", source_url="https://site.example/p/")
    assert item_id(page) == "https://site.example/p/"
    text = RawArticle(Path("notes.txt"), "", "T")
    assert item_id(text) == f"path:{Path('notes.txt').resolve()}"
    assert bundle_id("Collected Posts!") == "bundle:collected-posts"


def test_an_older_manifest_gets_legacy_identities(tmp_path: Path) -> None:
    old = {"tool": "exporter 0.1.0", "bundle": "All", "items": [
        {"title": "A", "source": {"path": "in.xml", "post_id": "3"}, "status": "ok",
         "outputs": [{"format": "epub", "path": "all.epub", "part": 1}]},
    ]}  # fmt: skip
    (tmp_path / "manifest.json").write_text(json.dumps(old), encoding="utf-8")
    catalog = Catalog.load(tmp_path)
    assert list(catalog.entries) == [("legacy:in.xml?p=3", "bundle:all")]
    assert "all.epub" in catalog.owned_paths()


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.dictionaries(st.sampled_from(["id", "title", "status", "outputs", "site", "licence",
                                                         "authors", "subjects", "bundle", "published"]),
                                      JSON | st.just("ok"), max_size=10), max_size=4))  # fmt: skip
def test_the_books_of_any_catalog_are_read_never_a_crash(tmp_path_factory, items) -> None:
    from exporter.library.books import load_books

    folder = tmp_path_factory.mktemp("books")
    (folder / "manifest.json").write_text(json.dumps({"tool": "exporter 0.1.0", "items": items}), encoding="utf-8")
    for book in load_books(folder):
        assert isinstance(book.title, str)
