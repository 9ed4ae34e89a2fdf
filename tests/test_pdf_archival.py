"""PDF variants (plain, PDF/A-3b, PDF/UA-1) and their archival finishing, checked with real tools.

WeasyPrint renders, pikepdf reads back; qpdf --check, pdfdetach, pdffonts and pdfinfo judge the files. No PDF/A
validator (veraPDF) is reachable on this machine, so the tests check the structure PDF/A-3b and PDF/UA-1 ask for.
Each variant is rendered once per module; the determinism test renders them again in a second process with
another time zone and, where ``faketime`` is installed, a clock years ahead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from exporter.errors import UsageError
from exporter.model import Article, Image, Licence
from exporter.pipeline import Options, run_export
from exporter.writers import pages, pdf_archival
from exporter.writers.pdf import write_pdf, write_pdf_bundle
from exporter.writers.pdf_archival import XHTML_NS, XMP_NAMESPACES
from tests.test_pdf_writer import LICENCE_NAME, LICENCE_URL, NOTE_TEXT, PERSIAN_SPAN, TITLE, make_article, tiny_png
from tests.tools import pdffonts, pdfinfo, texts

REPO = Path(__file__).resolve().parent.parent
VARIANTS = [None, "pdf/a-3b", "pdf/ua-1"]
FILES = {None: "plain.pdf", "pdf/a-3b": "pdf-a-3b.pdf", "pdf/ua-1": "pdf-ua-1.pdf"}
STATEMENT = "This work is licensed under a Creative Commons Attribution-NonCommercial 4.0 International License."
CAPTION = "The harbour at dawn"
NS = {**XMP_NAMESPACES, "h": XHTML_NS}
ITEM_XML = (
    '<item xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><title>A Harbour in Winter</title>'
    "<dc:creator>jane</dc:creator><content:encoded><![CDATA[<p>The harbour had been quiet…</p>]]></content:encoded>"
    "<wp:post_id>42</wp:post_id><wp:post_date>2018-01-04 09:12:44</wp:post_date></item>"
)


def build_article(image_dir: Path, *, dated: bool = True) -> Article:
    """The writer tests' article (licence CC BY-NC 4.0, Persian span, footnote) plus three images and a WXR item:
    one image with alt text, one with only a caption, one with neither."""
    png = image_dir / "pic.png"
    if not png.exists():
        png.write_bytes(tiny_png())
    article = make_article()
    article.body += (
        "<figure><img src='images/pic.png' alt='a red square'/><figcaption>Red</figcaption></figure>"
        f"<figure><img src='images/pic.png' alt=''/><figcaption>  {CAPTION}\n</figcaption></figure>"
        "<p>An image with nothing to describe it: <img src='images/pic.png' alt=''/></p>"
    )
    article.images = [Image("images/pic.png", png, "image/png", "")]
    article.source_xml = ITEM_XML  # type: ignore[attr-defined]  # Article.source_xml is being added
    if not dated:
        article.published = None
    return article


def render_all(out: Path, image_dir: Path) -> dict[str, list[str]]:
    """Every variant of the article, and an undated one as PDF/A-3b, into ``out``; warnings by file name."""
    out.mkdir(parents=True, exist_ok=True)
    warnings = {}
    for variant, name in FILES.items():
        warnings[name] = write_pdf(build_article(image_dir), out / name, resource_roots=[image_dir], variant=variant)
    undated = build_article(image_dir, dated=False)
    warnings["undated.pdf"] = write_pdf(undated, out / "undated.pdf", resource_roots=[image_dir], variant="pdf/a-3b")
    return warnings


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, list[str]]]:
    """(output folder, image folder, warnings by file name), rendered once for the module."""
    base = tmp_path_factory.mktemp("archival")
    image_dir = base / "input"
    image_dir.mkdir()
    return base / "first", image_dir, render_all(base / "first", image_dir)


def pdf_path(rendered: tuple[Path, Path, dict[str, list[str]]], variant: str | None) -> Path:
    return rendered[0] / FILES[variant]


def xmp(path: Path) -> etree._Element:
    """The catalog's XMP packet, parsed."""
    with pikepdf.open(path) as pdf:
        data = pdf.Root.Metadata.read_bytes()
    return etree.fromstring(data)


def one(tree: etree._Element, xpath: str) -> str:
    found = tree.xpath(xpath, namespaces=NS)
    assert len(found) == 1, (xpath, found)
    return str(found[0]).strip() if not isinstance(found[0], etree._Element) else found[0].text.strip()


def values(tree: etree._Element, prop: str) -> list[str]:
    return [li.text for li in tree.xpath(f"//{prop}//rdf:li", namespaces=NS)]


# ---- variants and metadata -------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xmp_carries_the_licence_and_the_article(rendered, variant: str | None) -> None:
    tree = xmp(pdf_path(rendered, variant))
    assert len(tree.xpath("//rdf:Description", namespaces=NS)) == 1, "one packet, one description"
    assert values(tree, "dc:title") == [TITLE]
    assert values(tree, "dc:creator") == ["Jane Roe", "John Doe"]
    assert values(tree, "dc:date") == ["2018-01-04T09:12:44+03:30"]
    assert values(tree, "dc:language") == ["en"]
    assert values(tree, "dc:rights") == [STATEMENT]
    assert one(tree, "//xmpRights:Marked") == "True"
    assert one(tree, "//xmpRights:WebStatement") == LICENCE_URL
    assert one(tree, "//xmp:CreateDate") == "2018-01-04T09:12:44+03:30"
    if variant == "pdf/a-3b":
        assert one(tree, "//pdfaid:part") == "3"
        assert one(tree, "//pdfaid:conformance") == "B"
    else:
        assert not tree.xpath("//pdfaid:*", namespaces=NS)
    if variant == "pdf/ua-1":
        assert one(tree, "//pdfuaid:part") == "1"
    else:
        assert not tree.xpath("//pdfuaid:*", namespaces=NS)


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_document_info_has_the_licence_url_and_matches_the_xmp(rendered, variant: str | None) -> None:
    path = pdf_path(rendered, variant)
    info = pdfinfo(path)
    out = subprocess.run(["pdfinfo", "-custom", str(path)], capture_output=True, text=True, check=True).stdout
    custom = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}
    assert custom["License"] == LICENCE_URL
    assert custom["Rights"] == STATEMENT
    assert info["Title"] == TITLE
    assert info["Author"] == "Jane Roe, John Doe"
    tree = xmp(path)
    with pikepdf.open(path) as pdf:
        docinfo = pdf.docinfo
        assert str(docinfo.CreationDate) == "D:20180104091244+03'30'"
        assert str(docinfo.Producer) == one(tree, "//pdf:Producer")
        assert str(docinfo.Creator) == one(tree, "//xmp:CreatorTool")
        assert str(docinfo.Keywords) == one(tree, "//pdf:Keywords")
        assert values(tree, "dc:description") == [str(docinfo.Subject)]
        assert "/ModDate" not in docinfo


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_qpdf_check_is_clean_and_every_font_is_embedded(rendered, variant: str | None) -> None:
    path = pdf_path(rendered, variant)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout
    assert not check.stderr
    fonts = pdffonts(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts


def test_pdfa_has_an_srgb_output_intent(rendered) -> None:
    with pikepdf.open(pdf_path(rendered, "pdf/a-3b")) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFA1"
        assert "sRGB" in str(intent.OutputConditionIdentifier)
        profile = intent.DestOutputProfile
        assert profile.N == 3
        header = profile.read_bytes()[:20]
        assert header[16:20] == b"RGB ", "an RGB ICC profile"
        assert pdf.pdf_version == "1.7"


def test_pdfa_embeds_the_sources_with_relationship_source(rendered, tmp_path: Path) -> None:
    path = pdf_path(rendered, "pdf/a-3b")
    listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert listing.splitlines() == ["2 embedded files", "1: article.xhtml", "2: wordpress-item.xml"]
    with pikepdf.open(path) as pdf:
        specs = list(pdf.Root.AF)
        assert [str(s.UF) for s in specs] == ["article.xhtml", "wordpress-item.xml"]
        for spec, mime in zip(specs, ["/application/xhtml+xml", "/application/xml"], strict=True):
            assert spec.Type == "/Filespec" and spec.AFRelationship == "/Source"
            assert str(spec.F) == str(spec.UF) and str(spec.Desc)
            stream = spec.EF.F
            assert stream.Type == "/EmbeddedFile" and stream.Subtype == mime
            assert stream.Params.Size == len(stream.read_bytes())
            assert str(stream.Params.ModDate) == "D:20180104091244+03'30'"
        names = pdf.Root.Names.EmbeddedFiles.Names
        assert [str(names[i]) for i in range(0, len(names), 2)] == ["article.xhtml", "wordpress-item.xml"]
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(path)], check=True)
    item = (tmp_path / "wordpress-item.xml").read_text(encoding="utf-8")
    assert item.startswith("<?xml") and item.endswith(ITEM_XML)
    doc = etree.parse(str(tmp_path / "article.xhtml")).getroot()
    assert doc.get("lang") == "en" and doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert doc.findtext("h:head/h:title", namespaces=NS) == TITLE
    assert doc.xpath("//h:link[@rel='license']/@href", namespaces=NS) == [LICENCE_URL]
    text = "".join(doc.itertext())
    assert PERSIAN_SPAN in text and NOTE_TEXT in text and "Historians disagree" in text
    assert doc.xpath("//h:span[@lang='fa'][@dir='rtl']", namespaces=NS)


@pytest.mark.parametrize("variant", [None, "pdf/ua-1"], ids=str)
def test_other_variants_embed_nothing(rendered, variant: str | None) -> None:
    path = pdf_path(rendered, variant)
    listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert listing.strip() == "0 embedded files"
    with pikepdf.open(path) as pdf:
        assert "/AF" not in pdf.Root


def test_pdfua_is_tagged_with_language_title_and_alt_text(rendered) -> None:
    _, _, warnings = rendered
    with pikepdf.open(pdf_path(rendered, "pdf/ua-1")) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "en"
        assert root.MarkInfo.Marked is True
        assert root.ViewerPreferences.DisplayDocTitle is True
        figures = []
        stack = [root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    figures.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                stack.extend(reversed(list(kids)) if isinstance(kids, pikepdf.Array) else [kids] if kids else [])
    assert sorted(figures) == sorted(["a red square", CAPTION, pdf_archival.NO_ALT_TEXT])
    assert all(figures)
    missing = [w for w in texts(warnings[FILES["pdf/ua-1"]]) if pdf_archival.NO_ALT_WARNING in w]
    assert missing == ["PDF/UA: image without alt text or caption (pic.png)"]
    assert not [w for name in ("plain.pdf", "pdf-a-3b.pdf") for w in warnings[name]], "only PDF/UA warns"


def test_plain_and_pdfa_are_not_tagged(rendered) -> None:
    for variant in (None, "pdf/a-3b"):
        with pikepdf.open(pdf_path(rendered, variant)) as pdf:
            assert "/StructTreeRoot" not in pdf.Root


# ---- determinism -----------------------------------------------------------------------------------------


def test_same_bytes_in_another_time_zone_on_a_later_day(rendered) -> None:
    """A second process: another TZ, SOURCE_DATE_EPOCH unset and, with faketime, a clock in 2031."""
    first, image_dir, _ = rendered
    second = first.parent / "second"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["TZ"] = "America/Los_Angeles" if os.environ.get("TZ") == "Asia/Tehran" else "Asia/Tehran"
    prefix = ["faketime", "2031-07-15 03:04:05"] if shutil.which("faketime") else []
    code = "import sys; from pathlib import Path; from tests.test_pdf_archival import render_all; "
    code += "render_all(Path(sys.argv[1]), Path(sys.argv[2]))"
    run = subprocess.run(
        [*prefix, sys.executable, "-c", code, str(second), str(image_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    for name in [*FILES.values(), "undated.pdf"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    if prefix:
        for name in [*FILES.values(), "undated.pdf"]:
            raw = subprocess.run(
                ["qpdf", "--qdf", "--object-streams=disable", str(second / name), "-"], capture_output=True
            ).stdout
            assert b"D:2031" not in raw and b"2031-07" not in raw, f"the faked clock leaked into {name}"


def test_an_undated_article_has_no_dates_unless_source_date_epoch(rendered, tmp_path, monkeypatch) -> None:
    first, image_dir, _ = rendered
    path = first / "undated.pdf"
    with pikepdf.open(path) as pdf:
        assert "/CreationDate" not in pdf.docinfo
        assert "/ModDate" not in pdf.Root.AF[0].EF.F.Params
    tree = xmp(path)
    assert not tree.xpath("//xmp:CreateDate | //dc:date", namespaces=NS)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # 2020-09-13T12:26:40Z
    again = tmp_path / "epoch.pdf"
    write_pdf(build_article(image_dir, dated=False), again, resource_roots=[image_dir], variant="pdf/a-3b")
    with pikepdf.open(again) as pdf:
        assert str(pdf.docinfo.CreationDate) == "D:20200913122640+00'00'"
        assert str(pdf.Root.AF[0].EF.F.Params.ModDate) == "D:20200913122640+00'00'"
    tree = xmp(again)
    assert one(tree, "//xmp:CreateDate") == "2020-09-13T12:26:40+00:00"
    assert not tree.xpath("//dc:date", namespaces=NS), "dc:date is the publication date: the source's only"


# ---- API, bundles, rights --------------------------------------------------------------------------------


def test_unknown_variant_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    source = tmp_path / "post.txt"
    source.write_text("A title\n\nA paragraph.\n", encoding="utf-8")
    out = tmp_path / "out"
    for variant in ("pdf/a-1b", "pdf/x-4"):
        with pytest.raises(UsageError, match="pdf/a-3b"):
            run_export([source], Options(output_dir=out, pdf_variant=variant, jobs=1))
    assert not out.exists(), "nothing is written before the options are checked"


def test_bundle_pdfa_embeds_every_article_and_lists_each_licence(rendered, tmp_path: Path) -> None:
    _, image_dir, _ = rendered
    first = build_article(image_dir)
    other = make_article(
        body="<p>A short second article.</p>",
        footnotes=[],
        title="Another Harbour",
        licence=Licence("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://x.org/by/4.0/", ""),
    )
    path = tmp_path / "bundle.pdf"
    warnings = write_pdf_bundle("Harbours", [first, other], path, resource_roots=[image_dir], variant="pdf/a-3b")
    assert not warnings
    listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert listing.splitlines()[1:] == ["1: article-1.xhtml", "2: article-2.xhtml", "3: wordpress-item-1.xml"]
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    tree = xmp(path)
    assert one(tree, "//pdfaid:part") == "3"
    rights = values(tree, "dc:rights")[0]
    assert LICENCE_NAME in rights and "https://x.org/by/4.0/" in rights and "Another Harbour" in rights
    assert not tree.xpath("//xmpRights:WebStatement | //xmpRights:Marked", namespaces=NS), "no single licence"
    assert values(tree, "dc:title") == ["Harbours"]


def test_rights_marked_follows_the_licence() -> None:
    cc0 = make_article(licence=Licence("CC0-1.0", "CC0 1.0 Universal", "https://cc.org/zero/1.0/", ""))
    rights = pdf_archival.rights_for([cc0])
    assert rights.marked is False and rights.url == "https://cc.org/zero/1.0/"
    assert "CC0 1.0 Universal" in rights.statement
    none = pdf_archival.rights_for([make_article(licence=None)])
    assert none == pdf_archival.Rights(pages.NO_LICENCE)
    meta = pdf_archival.article_metadata(make_article(licence=None))
    tree = etree.fromstring(pdf_archival.xmp_packet(meta, None, producer=None, creator_tool=None))
    assert values(tree, "dc:rights") == [pages.NO_LICENCE]
    assert not tree.xpath("//xmpRights:*", namespaces=NS)


def test_canonical_xhtml_accepts_html_only_markup() -> None:
    article = make_article(body="<p>Caf&eacute;&nbsp;au lait<br></p><p>un<b>closed</p>")
    doc = etree.fromstring(pdf_archival.canonical_xhtml(article))
    text = "".join(doc.itertext())
    assert "Café\u00a0au lait" in text and "closed" in text
