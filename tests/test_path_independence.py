"""The same input gives the same books wherever it sits: no absolute path reaches an EPUB's or a PDF's bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from exporter.pipeline import Options, run_export
from tests.test_pdf_writer import tiny_png

POST = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A Harbour Photograph</title></head>
<body><article><h1>A Harbour Photograph</h1>
<p>The crane at the north quay, photographed at dawn.</p>
<figure><img src="images/crane.png" alt="The crane"><figcaption>The crane at dawn.</figcaption></figure>
<p>It was taken down the following spring.</p></article></body></html>"""


def export_from(folder: Path) -> dict[str, bytes]:
    """Write the post and its image under ``folder``, export it there, and return the books' bytes by name."""
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "crane.png").write_bytes(tiny_png())
    (folder / "post.html").write_text(POST, encoding="utf-8")
    out = folder / "out"
    results = run_export([folder / "post.html"], Options(output_dir=out, jobs=1))
    assert [r.error for r in results] == [None]
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".epub", ".pdf")}


def test_books_do_not_depend_on_the_folder_the_input_sits_in(tmp_path: Path) -> None:
    first = export_from(tmp_path / "one")
    second = export_from(tmp_path / "a" / "much" / "deeper" / "other folder")
    assert sorted(first) == ["a-harbour-photograph.epub", "a-harbour-photograph.pdf"]
    with pikepdf.open(io.BytesIO(first["a-harbour-photograph.pdf"])) as pdf:
        assert any(page.get_images() for page in pdf.pages), "the photograph is in the PDF"
    for name, data in first.items():
        assert data == second[name], f"{name} differs between the two folders"
