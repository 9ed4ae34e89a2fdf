"""Titles as readers make them: a title given as HTML (a WXR ``<title>``, a saved page's heading) read as a browser
shows it, and a title made from a file name or slug when the source has none.

WordPress themes print a post's title as HTML, so ``Title <em>With</em> Mark<sup>up</sup>`` reads "Title With
Markup" and ``Council &amp; Friends`` reads "Council & Friends". The reader keeps the markup itself as
``RawArticle.title_html``; the cleaner decides which of it the article's heading keeps.
"""

from __future__ import annotations

import re

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


def humanise(stem: str) -> str:
    """A title from a file name or a slug: ``2023-10-14_my-first-post`` → ``My first post``."""
    words = re.sub(r"^\d{4}[-_]\d{2}[-_]\d{2}[-_]?", "", stem)
    words = " ".join(re.sub(r"[-_.+]+", " ", words).split()) or stem
    return words[:1].upper() + words[1:]
