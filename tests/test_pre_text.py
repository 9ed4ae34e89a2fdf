"""Code blocks keep their text: every ``pre`` of a book holds exactly what the cleaner's Article body holds.

ebooklib pretty-prints the XHTML it writes, which put a blank line and an indent at the start of every code block;
the EPUB writer serializes its content documents itself, unindented.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from exporter.clean import clean
from exporter.model import Article, RawArticle
from exporter.writers.registry import WRITERS, WriteOptions

_XHTML = "{http://www.w3.org/1999/xhtml}"

# Our own code blocks: leading blank lines, indentation, tabs, trailing spaces, <code> inside <pre>, entities.
SOURCE = (
    "<p>Some code follows.</p>"
    "<pre>\n\n    indented after two blank lines\n\tand a tab  \n</pre>"
    '<pre><code>def greet(name):\n    return f"hello {name}"   \n</code></pre>'
    "<p>Between the blocks.</p>"
    "<pre>  if (a &lt; b &amp;&amp; c &gt; d) {\n\t\treturn 'x';\n  }</pre>"
    '<pre class="wp-block-code"><code>first line\n\n\n    after three newlines\n   </code></pre>'
    "<pre>plain   <em>emphasis</em>   and <strong>bold</strong>\n  second</pre>"
)


def pre_texts_of_body(body: str) -> list[str]:
    """The text of each ``pre`` of an Article body (an XHTML fragment)."""
    root = etree.fromstring(f"<div>{body}</div>")
    return ["".join(pre.itertext()) for pre in root.iter("pre")]


def pre_texts_of_epub(path: Path) -> list[str]:
    """The text of each ``pre`` of an EPUB's content documents, in file order."""
    texts = []
    with zipfile.ZipFile(path) as zf:
        for name in sorted(n for n in zf.namelist() if n.endswith(".xhtml")):
            root = etree.fromstring(zf.read(name))
            texts += ["".join(pre.itertext()) for pre in root.iter(f"{_XHTML}pre")]
    return texts


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Article:
    folder = tmp_path_factory.mktemp("pre")
    return clean(RawArticle(source_path=folder / "code.html", html=SOURCE, title="Code", base_dir=folder))


def test_the_cleaner_keeps_our_code_blocks(article: Article) -> None:
    """HTML drops the newline right after ``<pre>``: two newlines in the source are one blank line."""
    texts = pre_texts_of_body(article.body)
    assert texts[0] == "\n    indented after two blank lines\n\tand a tab  \n"
    assert texts[2] == "  if (a < b && c > d) {\n\t\treturn 'x';\n  }"
    assert len(texts) == 5


def test_epub_pre_text_is_the_article_body_pre_text(article: Article, tmp_path: Path) -> None:
    path = tmp_path / "code.epub"
    WRITERS.load("epub").write(article, path, WriteOptions())
    assert pre_texts_of_epub(path) == pre_texts_of_body(article.body)


def test_epub_bundle_pre_text_is_the_article_body_pre_text(article: Article, tmp_path: Path) -> None:
    path = tmp_path / "bundle.epub"
    WRITERS.load("epub").write_bundle("Both", [article, article], path, WriteOptions())
    assert pre_texts_of_epub(path) == pre_texts_of_body(article.body) * 2


def layout_lines(path: Path) -> list[str]:
    """The PDF's first page as pdftotext -layout reads it, each line's spaces collapsed."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.fixture(scope="module")
def pdf(article: Article, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "code.pdf"
    WRITERS.load("pdf").write(article, path, WriteOptions())
    return path


def test_pdf_pre_text_is_the_article_body_pre_text(article: Article, pdf: Path) -> None:
    """pdftotext does not keep spaces; each block's lines are there, in order, one PDF line each."""
    lines = [line for line in layout_lines(pdf) if line]
    for text in pre_texts_of_body(article.body):
        expected = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        start = lines.index(expected[0])
        assert lines[start : start + len(expected)] == expected


def test_pdf_keeps_the_blank_line_a_code_block_starts_with(pdf: Path) -> None:
    """WeasyPrint's HTML parser drops the line break right after ``<pre>``; the block's own first line stays."""
    lines = layout_lines(pdf)

    def gap(before: str, first: str) -> int:
        return lines.index(first) - lines.index(before) - 1

    starts_blank = gap("Some code follows.", "indented after two blank lines")
    starts_with_text = gap("Between the blocks.", "if (a < b && c > d) {")
    assert starts_blank > starts_with_text
