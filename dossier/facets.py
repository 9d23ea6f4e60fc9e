"""The compact indexes behind the facets of the facts and entities lists (``facets.js``).

The list pages work without JavaScript: they are plain lists, split into parts at scale. A reader
who filters or sorts needs the whole list, so the script fetches one of these files, and only
then: every fact (or entity) in a line of short keys, with what its filters ask about and the
page to open. Keys, for facts (``f``): ``i`` id, ``s`` statement (shortened), ``t`` status,
``l`` corroboration level, ``a`` entities it is about and ``o`` outlets that reported it (both
indexes into ``e``), ``d`` when it sits on the timeline (an ISO date, month, year or range, as
written), ``r`` 1 when that is when it was first reported (no date of its own), ``n`` date
inferred, ``u`` its page relative to this file, given only when it is not ``b`` + id + ``/`` (``b``,
at the top, is the folder of the pages). Entities (``e``): ``i``, ``n`` name, ``t`` type, ``c``
number of facts, ``k`` aliases, ``u`` likewise.

Text values are JSON strings with ``<``, ``>`` and ``&`` as ``\\u`` escapes (the file holds no
markup even if opened as HTML); the script inserts them with ``textContent``, never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dossier import escape, urls

if TYPE_CHECKING:
    from dossier.render import View

VERSION = 1
SHORT = 100  # characters of a statement kept in the index; the page has the rest


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHORT else text[: SHORT - 1].rstrip() + "…"


def _base(data_file: str, page: Callable[[str], str]) -> str:
    """The folder of a kind of page, relative to the data file (``../facts/``)."""
    return urls.from_data(data_file, page("x")).removesuffix("x/")


def _link(row: dict[str, Any], href: str, base: str) -> None:
    """Give the row its page, unless it is the usual one (``base`` + id + ``/``): 10,000 of them."""
    if href != f"{base}{row['i']}/":
        row["u"] = href


def facts(view: View) -> str:
    """``facets/facts.json``: every fact, in timeline order, with its facets."""
    entity_index: dict[str, int] = {}
    table: list[dict[str, Any]] = []

    def ref(entity_id: str) -> int:
        if entity_id not in entity_index:
            entity_index[entity_id] = len(table)
            entity = view.d.entity.get(entity_id)
            table.append({"i": entity_id, "n": view.name(entity_id), "t": entity.type if entity else ""})
        return entity_index[entity_id]

    fact_base = _base(urls.FACETS_FACTS, urls.fact)
    rows = []
    for fact in view.timeline_facts:
        when = view.when(fact)
        row: dict[str, Any] = {
            "i": fact.id,
            "s": _short(fact.statement),
            "t": fact.status,
            "l": view.corroboration(fact).level,
            "a": [ref(e) for e in fact.about],
            "o": [ref(o) for o in sorted({view.d.seed[c.seed].outlet for c in fact.sources})],
        }
        _link(row, urls.from_data(urls.FACETS_FACTS, urls.fact(fact.id)), fact_base)
        if when is not None:
            row["d"] = when.date.text
            if when.reported:
                row["r"] = 1
            elif fact.date_inferred:
                row["n"] = 1
        rows.append(row)
    return str(escape.json_ld({"v": VERSION, "b": fact_base, "e": table, "f": rows}, tight=True)) + "\n"


def entities(view: View) -> str:
    """``facets/entities.json``: every entity, by name, with its type and number of facts."""
    entity_base = _base(urls.FACETS_ENTITIES, urls.entity)
    rows = []
    for _, _, group in view.entities_by_type():
        for entity in group:
            row: dict[str, Any] = {
                "i": entity.id,
                "n": entity.name,
                "t": entity.type,
                "c": len(view.d.facts_about.get(entity.id, ())),
            }
            _link(row, urls.from_data(urls.FACETS_ENTITIES, urls.entity(entity.id)), entity_base)
            if entity.aliases:
                row["k"] = list(entity.aliases)
            rows.append(row)
    return str(escape.json_ld({"v": VERSION, "b": entity_base, "e": rows}, tight=True)) + "\n"
