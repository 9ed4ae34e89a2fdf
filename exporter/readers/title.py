"""Titles that sources give as HTML (a WXR ``<title>``, a saved page's heading), read as a browser shows them.

WordPress themes print a post's title as HTML, so ``Title <em>With</em> Mark<sup>up</sup>`` reads "Title With
Markup" and ``Council &amp; Friends`` reads "Council & Friends". The reader keeps the markup itself as
``RawArticle.title_html``; the cleaner decides which of it the article's heading keeps.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

# Elements whose content a browser does not show as text.
NOT_SHOWN = ("script", "style", "template", "noscript", "head", "title", "textarea", "svg", "math")


def html_title_text(markup: str) -> str:
    """The text a browser shows for title markup: tags gone, entities decoded, a ``<br>`` a space, white space
    collapsed; empty when nothing shows."""
    soup = BeautifulSoup(markup, "html.parser")
    for el in soup.find_all("br"):
        el.replace_with(" ")
    for el in soup.find_all(NOT_SHOWN):
        el.decompose()
    return " ".join(soup.get_text().split())
