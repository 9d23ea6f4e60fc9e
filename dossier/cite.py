"""How to cite a fact: its permalink, a CSL-JSON record and a BibTeX entry, as plain text.

Pure data. The fact page prints them through :func:`dossier.escape.html`; the values inside are
encoded for their own format here (:func:`dossier.escape.bibtex`, :func:`dossier.escape.json_text`).
Nothing is invented: no author (a dossier names none), an ``issued`` date only when git history
says when the fact last changed, no ``accessed`` date (the reader's browser adds today's, see
``assets/cite.js``; without it the page shows the build date, called that).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dossier import escape, urls
from dossier.history import Change
from dossier.model import Fact

SHORT_TITLE = 80  # characters of a fact page's heading before it is cut at a word


@dataclass(frozen=True)
class Citation:
    """What a fact page offers a reader who cites it."""

    permalink: str  # absolute when the project sets site_url, else the page's path
    absolute: bool
    csl: str  # CSL-JSON: an array with one item, indented for reading
    bibtex: str


def short_title(statement: str, limit: int = SHORT_TITLE) -> str:
    """A heading for a fact page: the statement if it fits ``limit``, else cut at a word, with ``…``.

    One line, whitespace collapsed. A statement with no space before the limit is cut mid-word.
    """
    text = " ".join(statement.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and text[limit - 1] != " ":
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


def citation(title: str, fact: Fact, change: Change | None, site_url: str = "") -> Citation:
    """The citation of ``fact`` in the dossier called ``title``; ``change``: its last commit, if known."""
    permalink = urls.permalink(urls.fact(fact.id), site_url)
    item: dict[str, Any] = {
        "id": fact.id,
        "type": "webpage",
        "title": fact.statement,
        "container-title": title,
        "URL": permalink,
        "note": f"Fact {fact.id}",
    }
    dated = change is not None and change.committed and bool(change.date)
    if change is not None and dated:
        year, month, day = (int(part) for part in change.date.split("-"))
        item["issued"] = {"date-parts": [[year, month, day]]}
    # One key a line, each value compact: readable, and what assets/cite.js writes back.
    lines = ",\n".join(
        f"    {escape.json_text(key)}: {escape.json_text(value)}" for key, value in item.items()
    )
    csl = f"[\n  {{\n{lines}\n  }}\n]"
    fields = [
        ("title", "{" + escape.bibtex(fact.statement) + "}"),  # double braces: keep its capitals
        ("howpublished", escape.bibtex(title)),
        (
            "note",
            escape.bibtex(f"Fact {fact.id}" + (f", last changed {change.date}" if dated and change else "")),
        ),
    ]
    if change is not None and dated:
        fields.append(("year", change.date[:4]))
    url = escape.bibtex_url(permalink)
    if url:
        fields.append(("url", url))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    bibtex = f"@misc{{{escape.slug(fact.id)},\n{body}}}"
    return Citation(permalink, bool(site_url), csl, bibtex)
