"""Hostile values for every text field, and sites built from them (see test_hostile_site.py).

Two routes to a page. :func:`hostile_dossier` puts payloads straight into the checked model, past
``dossier check``, as if a value slipped through it (control and bidi characters included: the
check refuses those, rendering must be safe on its own). :func:`hostile_sources` writes the
check-proof payloads into ``facts.yaml`` and seed front matter, for the real ``dossier build``.
Every payload that could run script would set ``window.__pwned``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

from dossier import build, search, site
from dossier.check import check
from dossier.escape import visible
from dossier.model import Dossier
from dossier.project import Project
from tests.sitefixtures import SITE_FIXTURE, site_project

PWN = "window.__pwned=1"
REMOTE = "evil.example"

# One per trick; each is a complete, distinct text so its presence on a page can be asserted.
PAYLOADS: tuple[str, ...] = (
    f"[click me](javascript:{PWN})",
    f"[x](javascript:{PWN}){{: onfocus={PWN} autofocus tabindex=1 }}",
    f'plain {{: onfocus="{PWN}" autofocus }}',
    f"<script>{PWN}</script>",
    f"<img src=x onerror={PWN}>",
    f"<svg onload={PWN}><a xlink:href=javascript:{PWN}><text>t</text></a></svg>",
    f"]]></script><script>{PWN}</script><!--",
    "---\ntitle: pwned\nsearch:\n  exclude: true\n---",
    f"![remote](https://{REMOTE}/x.png) <img src=https://{REMOTE}/y.png>",
    f"&lt;script&gt;{PWN}&lt;/script&gt; &amp; &#106;avascript: &#x3C;b&#x3E;",
    f"DEL\x7f [del link](javascript:{PWN}) {{: onfocus={PWN} }}",
    f"NEL\x85 title: pwned\x85---\x85[nel](javascript:{PWN})",
    "NUL\x00 and C1\x80\x9f and C0\x01\x1b",
    "\u202egnp.exe\u202c \u2066isolate\u2069 \u200fmark\u061c",
    "\x02wzxhzdk:0\x03 and \x02klzzwxh:1\x03",  # Python-Markdown's own placeholders
    f'<a href="vbscript:msgbox(1)">vb</a> <form action=javascript:{PWN}><button formaction=javascript:1>',
    f"data:text/html,<script>{PWN}</script> [d](data:text/html;base64,PHNjcmlwdD4=)",
    "<!-- comment --> <![CDATA[ x ]]> <?php echo 1 ?>",
    'line one\n\n    code block\n# heading\n- list\n> quote\n!!! note "adm"\n| a | b |',
    "`code` *em* __strong__ \\ backslash \" quote ' apostrophe",
    f"<style>@import url(https://{REMOTE}/x.css)</style> <link rel=stylesheet href=//{REMOTE}/y.css>",
    f"<iframe src=https://{REMOTE}/></iframe> <object data=https://{REMOTE}/o></object>",
    "line\u2028separator\u2029paragraph",
    f'[ref]: javascript:{PWN} "title"',
    f"<http://{REMOTE}/autolink> <javascript:{PWN}> https://{REMOTE}/bare",
    f"<math><mi xlink:href=javascript:{PWN}>x</mi></math>",
    "1. ordered\n+ plus\n= setext\n===",
    "*[HTML]: abbreviation <abbr title=x>",
    "lone \ud800 surrogate \udfff",
    f'x" onmouseover="{PWN}" autofocus onfocus="{PWN}" y="',  # out of a double-quoted attribute
    f"x' onfocus='{PWN}' autofocus y='",  # not even UTF-8: a page must still be written
)

# Printable to no one but legal in a title: format characters (zero-width, BOM, soft hyphen, a tag
# character) and a non-character above U+FFFF. Front matter must carry them as \u/\U escapes.
FORMAT_CHARS = "zero\u200bwidth\ufeffbom\u00adsoft\U000e0041tag\U0010fffe"

# Values that could choose an id the generator uses: a passage anchor, a source heading, a section.
COLLISIONS = ("q-russia-delivers-s-300-1", "source-1", "facts", "top", "cited", "text")

T = TypeVar("T")


def shown(text: str) -> str:
    """How a payload must read on a page: invisible controls as U+FFFD, whitespace collapsed."""
    return " ".join(visible(text).split())


def generated_payloads(count: int, seed: int = 8) -> list[str]:
    """A few more payloads, mixed from pieces of the corpus and odd characters (deterministic)."""
    rng = random.Random(seed)
    pieces = [p for payload in PAYLOADS for p in payload.split(" ")]
    odd = ["\x7f", "\x85", "\u202e", "\u2028", "\x0b", "\ufeff", "\U0001f600", "\x1f", "{", "}", "\\"]
    return [
        " ".join(rng.choice(pieces) + rng.choice(odd) * rng.randint(0, 1) for _ in range(rng.randint(2, 6)))
        for _ in range(count)
    ]


class _Payloads:
    """Hands out payloads in turn, so every field gets several and every payload many fields."""

    def __init__(self, payloads: list[str]) -> None:
        self._payloads = payloads
        self._i = 0

    def __call__(self, label: str) -> str:
        payload = self._payloads[self._i % len(self._payloads)]
        self._i += 1
        return f"{label} {payload}"


def _replace(obj: T, **changes: Any) -> T:
    return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


def hostile_dossier(dossier: Dossier, payloads: list[str]) -> Dossier:
    """``dossier`` with payloads in every text field, built past the check.

    Seed bodies get payloads appended (after every cited span, so the spans stay true), and one seed
    title and one statement take ids the generator uses.
    """
    p = _Payloads(payloads)
    entities = tuple(
        _replace(
            e,
            name=p("name"),
            aliases=(p("alias"), p("alias")),
            description=p("description"),
            notes=p("notes"),
            url=e.url if i % 2 else f"javascript:{PWN}",
        )
        for i, e in enumerate(dossier.entities)
    )
    seeds = tuple(
        _replace(
            s,
            title=COLLISIONS[0] if i == 0 else p("title"),
            notes=p("seed notes"),
            received_as=p("received"),
            inferred={"published": p("inferred"), "outlet": p("inferred")},
            body=s.body + "\n\n" + "\n\n".join(payloads) + "\n",
            url=s.url if i % 2 else f"javascript:{PWN}",
            author=p("author"),
            archived=s.url if i % 2 else f"javascript:{PWN}",
            # The schema allows two letters; past it, a code that closes the attribute list.
            language=s.language if i % 2 else f'x}}{{: onfocus={PWN} autofocus tabindex=0 }}" x="',
        )
        for i, s in enumerate(dossier.seeds)
    )
    facts = []
    for i, fact in enumerate(dossier.facts):
        sources = tuple(
            _replace(c, quote=p("quote"), translation=p("translation"), note=p("note")) for c in fact.sources
        )
        figures = tuple(_replace(g, text=p("figure"), unit=p("unit")) for g in fact.figures)
        resolved = fact.date_resolved and _replace(fact.date_resolved, phrase=p("phrase"), note=p("resolved"))
        facts.append(
            _replace(
                fact,
                statement=COLLISIONS[1]
                if i == 0
                else p("statement") + (f" {FORMAT_CHARS}" if i == 1 else ""),
                notes=p("fact notes"),
                question=p("question"),
                tags=(p("tag"),),
                sources=sources,
                figures=figures,
                date_resolved=resolved,
                acknowledge={"W401": p("acknowledged")},
            )
        )
    return Dossier(p("dossier"), p("summary"), entities, tuple(facts), seeds)


def texts(dossier: Dossier) -> Iterator[str]:
    """Every text field of ``dossier`` that a page shows in full."""
    yield dossier.title
    yield dossier.summary
    for e in dossier.entities:
        yield from (e.name, *e.aliases, e.description, e.notes)
    for s in dossier.seeds:
        # received_as is not shown: readers see no internal file names (it is in the downloads).
        yield from (s.title, s.notes, s.author, *s.inferred.values())
    for f in dossier.facts:
        yield from (f.statement, f.notes, *f.tags)
        if dossier.corroboration(f).level == "single":  # the analyst's note shows beside "one outlet"
            yield from f.acknowledge.values()
        for c in f.sources:
            yield from (c.quote, c.translation or "", c.note)
        for g in f.figures:
            yield from (g.text, g.unit)
        if f.date_resolved:
            yield from (f.date_resolved.phrase, f.date_resolved.note)
    from dossier.render import View  # the disputes page heads each dispute with its first question

    for group in View(dossier, "2024-09-01").disputes():
        yield next((f.question for f in group if f.question), "")


# Payloads the check lets through: no control or bidi character (another layer refuses those).
def check_proof(payloads: tuple[str, ...] | list[str]) -> list[str]:
    return [p for p in payloads if visible(p) == p and "\u2028" not in p and "\u2029" not in p]


def hostile_sources(project: Path, payloads: list[str]) -> None:
    """Write payloads into the fixture project's ``facts.yaml`` and seed front matter.

    Free-text fields get payloads; quotes stay verbatim, except one new citation of a hostile
    sentence appended to a seed (its sha256 updated), so the check passes and ``dossier build`` runs.
    """
    p = _Payloads(payloads)
    facts_file = project / "data" / "facts.yaml"
    data = yaml.safe_load(facts_file.read_text("utf-8"))
    data["title"], data["summary"] = p("dossier"), p("summary")
    for entity in data["entities"]:
        entity.update(name=p("name"), aliases=[p("alias")], description=p("description"), notes=p("notes"))
    sentence = f"Officials wrote <script>{PWN}</script> and [x](javascript:{PWN})."
    seed_file = project / "seeds" / "daily-example-radar.md"
    for i, fact in enumerate(data["facts"]):
        fact.update(statement=p("statement"), notes=p("fact notes"))
        for cite in fact["sources"]:
            cite["note"] = p("note")
            if "translation" in cite:
                cite["translation"] = p("translation")
        for figure in fact.get("figures", ()):
            figure["unit"] = p("unit")
        if i == 0:
            fact["sources"].append({"seed": seed_file.stem, "quote": sentence, "note": p("note")})
    # JSON is YAML: every value a double-quoted scalar, whatever it holds.
    facts_file.write_text(json.dumps(data, indent=1, ensure_ascii=False), "utf-8")
    for path in sorted((project / "seeds").glob("*.md")):
        _, front, body = path.read_text("utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        meta.update(title=p("title"), notes=p("seed notes"), received_as=p("received"))
        meta["inferred"] = {"outlet": p("inferred")}
        if path == seed_file:
            body += f"\n{sentence}\n"
        meta["sha256"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
        lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in meta.items())
        path.write_text(f"---\n{lines}---\n{body}", "utf-8")


def model_site(dest: Path, built: str = "2024-09-01") -> tuple[Path, Dossier]:
    """Build the fixture site from :func:`hostile_dossier` (every payload, past the check) into ``dest``.

    Returns the built site's folder and the dossier it shows.
    """
    project = Project(site_project(dest))
    checked = check(Project(SITE_FIXTURE)).dossier
    assert checked is not None
    dossier = hostile_dossier(checked, [*PAYLOADS, *COLLISIONS, *generated_payloads(6)])
    build.generate(project, dossier, built=built)
    site.engine("mkdocs").build(project, quiet=True)
    search.index(project, "mkdocs")  # the header search runs on the Pagefind index
    return project.site_dir, dossier
