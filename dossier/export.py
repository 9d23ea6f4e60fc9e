"""The dossier as data: JSON, JSON Lines and CSV, plus the schema.org JSON-LD of each fact page.

Exports carry what the site shows and what a reuser needs to verify it: every citation with its seed,
its quote and the character span ``[start, end)`` of the quote in the seed's body (the body is in
the JSON and in ``seeds.csv``), and each fact's corroboration. CSV text that a spreadsheet would run
as a formula gets a leading ``'`` (:func:`csv_cell`); JSON and JSON Lines keep every value exact,
with non-printable characters as ``\\u`` escapes (:func:`dossier.escape.json_text`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from dossier.dates import FuzzyDate
from dossier.escape import encodable, json_text
from dossier.model import Dossier, Entity, Fact, Seed

FORMATS = ("json", "jsonl", "csv")

# Lists of free text (aliases) are joined with this in CSV; the JSON keeps them as lists.
LIST_SEPARATOR = "; "


def _date(date: FuzzyDate | None) -> dict[str, str] | None:
    if date is None:
        return None
    return {
        "text": date.text,
        "start": date.start.isoformat(),
        "end": date.end.isoformat(),
        "precision": date.precision,
    }


def entity_record(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "type": entity.type,
        "name": entity.name,
        "aliases": list(entity.aliases),
        "description": entity.description,
        "url": entity.url,
        "notes": entity.notes,
    }


def seed_record(seed: Seed) -> dict[str, Any]:
    return {
        "id": seed.id,
        "title": seed.title,
        "outlet": seed.outlet,
        "published": _date(seed.published),
        "language": seed.language,
        "url": seed.url,
        "archived": seed.archived,
        "author": seed.author,
        "sha256": seed.sha256,
        # The captured file the text was extracted from (published beside the site's pages).
        "original": dataclasses.asdict(seed.original) if seed.original else None,
        "same_as": seed.same_as,
        "received_as": seed.received_as,
        "inferred": dict(seed.inferred),
        "notes": seed.notes,
        "body": seed.body,
    }


def fact_record(dossier: Dossier, fact: Fact) -> dict[str, Any]:
    corroboration = dossier.corroboration(fact)
    return {
        "id": fact.id,
        "statement": fact.statement,
        "date": _date(fact.date),
        "date_resolved": None
        if fact.date_resolved is None
        else {
            "phrase": fact.date_resolved.phrase,
            "seed": fact.date_resolved.seed,
            "note": fact.date_resolved.note,
        },
        "date_inferred": fact.date_inferred,
        "about": list(fact.about),
        "status": fact.status,
        "contradicts": list(fact.contradicts),
        "question": fact.question,
        "tags": list(fact.tags),
        "notes": fact.notes,
        "corroboration": {
            "level": corroboration.level,
            "seeds": list(corroboration.seeds),
            "articles": list(corroboration.articles),
            "outlets": list(corroboration.outlets),
            "origins": list(corroboration.origins),
        },
        "figures": [
            {
                "measure": g.measure,
                "qualifier": g.qualifier,
                "value": g.value,
                "min": g.min,
                "max": g.max,
                "unit": g.unit,
                "text": g.text,
                "seed": g.seed,
            }
            for g in fact.figures
        ],
        "citations": [
            {
                "n": n,
                "seed": c.seed,
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
                "attributed_to": list(c.attributed_to),
                "translation": c.translation,
                "anonymous": c.anonymous,
                "note": c.note,
            }
            for n, c in enumerate(fact.sources, 1)
        ],
    }


_KINDS = {"entities": "entity", "seeds": "seed", "facts": "fact"}  # a JSON Lines record's kind


def _record_lists(dossier: Dossier) -> tuple[tuple[str, Iterator[dict[str, Any]]], ...]:
    """The lists of the JSON document, each record made when it is asked for."""
    return (
        ("entities", (entity_record(e) for e in dossier.entities)),
        ("seeds", (seed_record(s) for s in dossier.seeds)),
        ("facts", (fact_record(dossier, f) for f in dossier.facts)),
    )


def records(dossier: Dossier) -> dict[str, Any]:
    """The dossier as plain JSON-ready values."""
    return {
        "title": dossier.title,
        "summary": dossier.summary,
        **{key: list(rows) for key, rows in _record_lists(dossier)},
    }


def to_json(dossier: Dossier, data: dict[str, Any] | None = None) -> str:
    """The whole dossier as one JSON document."""
    if data is None:
        return "".join(json_parts(dossier))
    # No indent: only the compact form uses json's C encoder, and 10,000 facts make it count.
    return json_text(data) + "\n"


def to_jsonl(dossier: Dossier, data: dict[str, Any] | None = None) -> str:
    """One JSON object a line, each with a ``kind``: entity, seed or fact (citations nested)."""
    if data is None:
        return "".join(jsonl_parts(dossier))
    return "".join(
        json_text({"kind": kind, **row}) + "\n" for key, kind in _KINDS.items() for row in data[key]
    )


# ``dossier export`` streams: at 50,000 facts the records and their JSON, held whole, took more
# memory (1.1 GB) than the dossier itself. The parts join to exactly the text of to_json(dossier,
# records(dossier)): json.dumps' own separators, and json_text escapes the same characters in a
# part as in the whole.
def json_parts(dossier: Dossier) -> Iterator[str]:
    """:func:`to_json`'s text, a record at a time."""
    yield f'{{"title": {json_text(dossier.title)}, "summary": {json_text(dossier.summary)}'
    for key, rows in _record_lists(dossier):
        yield f", {json_text(key)}: "
        yield from _json_list(rows)
    yield "}\n"


def _json_list(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    separator = "["
    for item in items:
        yield separator + json_text(item)
        separator = ", "
    yield "[]" if separator == "[" else "]"


def jsonl_parts(dossier: Dossier) -> Iterator[str]:
    """:func:`to_jsonl`'s text, a line at a time."""
    for key, rows in _record_lists(dossier):
        kind = _KINDS[key]
        for row in rows:
            yield json_text({"kind": kind, **row}) + "\n"


def chunks(parts: Iterable[str], size: int = 1 << 20) -> Iterator[str]:
    """``parts`` joined into pieces of about ``size`` characters: fewer, larger writes."""
    batch: list[str] = []
    length = 0
    for part in parts:
        batch.append(part)
        length += len(part)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


# A spreadsheet runs a cell that starts with one of these as a formula: `=HYPERLINK(...)` in a
# statement would become a live link, or worse. OWASP's advice: prefix such text with a quote.
# Spreadsheets skip leading spaces and line breaks and read fullwidth signs (as an East Asian input
# method types them) as the ASCII ones, so the first character that is not whitespace counts.
_FORMULA_START = ("\t", "\r")
_FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")


def csv_cell(value: Any) -> Any:
    """A CSV cell: ``None`` as empty, text that a spreadsheet would run as a formula defused with ``'``.

    Only text is touched (numbers such as a span's ``start`` stay numbers); JSON keeps the data exact.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        value = encodable(value)  # CSV keeps text exact, but UTF-8 cannot carry a lone surrogate
        first = value.lstrip()[:1]
        if value.startswith(_FORMULA_START) or (first and first in _FORMULA_SIGNS):
            return "'" + value
    return value


def _table(header: list[str], rows: Iterable[list[Any]]) -> str:
    return "".join(_table_parts(header, rows))


def _table_parts(header: list[str], rows: Iterable[list[Any]], size: int = 1 << 20) -> Iterator[str]:
    """:func:`_table`'s text in pieces of about ``size`` characters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        if out.tell() >= size:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


T = TypeVar("T")


def to_csv(dossier: Dossier) -> dict[str, str]:
    """One CSV table per noun, keyed by file name. Slug lists are space-separated."""
    return _csv(dossier, _table)


def _csv(dossier: Dossier, _table: Callable[[list[str], Iterable[list[Any]]], T]) -> dict[str, T]:
    """:func:`to_csv`'s tables, each made by ``_table`` from its header and rows."""
    corroboration = {f.id: dossier.corroboration(f) for f in dossier.facts}
    return {
        "entities.csv": _table(
            ["id", "type", "name", "aliases", "description", "url", "notes"],
            (
                [e.id, e.type, e.name, LIST_SEPARATOR.join(e.aliases), e.description, e.url, e.notes]
                for e in dossier.entities
            ),
        ),
        "seeds.csv": _table(
            ["id", "title", "outlet", "published", "language", "url", "sha256", "same_as", "body"],
            (
                [s.id, s.title, s.outlet, s.published.text, s.language, s.url, s.sha256, s.same_as, s.body]
                for s in dossier.seeds
            ),
        ),
        "facts.csv": _table(
            [
                "id",
                "statement",
                "date",
                "date_start",
                "date_end",
                "date_precision",
                "date_inferred",
                "status",
                "about",
                "contradicts",
                "tags",
                "corroboration",
                "seeds",
                "outlets",
                "origins",
                "notes",
            ],
            (
                [
                    f.id,
                    f.statement,
                    f.date.text if f.date else None,
                    f.date.start.isoformat() if f.date else None,
                    f.date.end.isoformat() if f.date else None,
                    f.date.precision if f.date else None,
                    f.date_inferred,
                    f.status,
                    " ".join(f.about),
                    " ".join(f.contradicts),
                    " ".join(f.tags),
                    corroboration[f.id].level,
                    " ".join(corroboration[f.id].seeds),
                    " ".join(corroboration[f.id].outlets),
                    " ".join(corroboration[f.id].origins),
                    f.notes,
                ]
                for f in dossier.facts
            ),
        ),
        "citations.csv": _table(
            [
                "fact",
                "n",
                "seed",
                "start",
                "end",
                "quote",
                "translation",
                "attributed_to",
                "anonymous",
                "note",
            ],
            (
                [
                    f.id,
                    n,
                    c.seed,
                    c.start,
                    c.end,
                    c.quote,
                    c.translation,
                    " ".join(c.attributed_to),
                    "true" if c.anonymous else "",
                    c.note,
                ]
                for f in dossier.facts
                for n, c in enumerate(f.sources, 1)
            ),
        ),
        "figures.csv": _table(
            ["fact", "measure", "qualifier", "value", "min", "max", "unit", "text", "seed"],
            (
                [f.id, g.measure, g.qualifier, g.value, g.min, g.max, g.unit, g.text, g.seed]
                for f in dossier.facts
                for g in f.figures
            ),
        ),
    }


FILE_NAMES = (
    "dossier.json",
    "dossier.jsonl",
    "entities.csv",
    "seeds.csv",
    "facts.csv",
    "citations.csv",
    "figures.csv",
)


def files(dossier: Dossier) -> dict[str, str]:
    """Every export, keyed by file name: what ``dossier export`` writes and the site offers."""
    data = records(dossier)
    return {
        "dossier.json": to_json(dossier, data),
        "dossier.jsonl": to_jsonl(dossier, data),
        **to_csv(dossier),
    }


def file_parts(dossier: Dossier) -> dict[str, Iterator[str]]:
    """:func:`files`, each file's text in pieces as it is made: at 50,000 facts the downloads
    held whole take hundreds of megabytes."""
    return {
        "dossier.json": chunks(json_parts(dossier)),
        "dossier.jsonl": chunks(jsonl_parts(dossier)),
        **_csv(dossier, _table_parts),
    }


def claim(dossier: Dossier, fact: Fact) -> dict[str, Any]:
    """A schema.org ``Claim`` for a fact page: what is claimed, about whom, and where it appeared."""
    appearances = []
    for citation in fact.sources:
        seed = dossier.seed[citation.seed]
        work: dict[str, Any] = {
            "@type": "CreativeWork",
            "headline": seed.title,
            "datePublished": seed.published.text,
            "inLanguage": seed.language,
            "publisher": {"@type": "Organization", "name": _name(dossier, seed.outlet)},
            "text": citation.quote,
        }
        if seed.url and seed.url.startswith(("http://", "https://")):
            work["url"] = seed.url
        appearances.append(work)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Claim",
        "identifier": fact.id,
        "text": fact.statement,
        "about": [{"@type": "Thing", "name": _name(dossier, e)} for e in fact.about],
        "appearance": appearances,
    }
    if fact.date is not None:
        data["temporalCoverage"] = fact.date.text  # ISO 8601: 2024-08-05, 2024-08, or an interval
    return data


def _name(dossier: Dossier, entity_id: str) -> str:
    entity = dossier.entity.get(entity_id)
    return entity.name if entity else entity_id
