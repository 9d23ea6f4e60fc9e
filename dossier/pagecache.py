"""Render only the pages whose inputs changed: a cache of rendered fact, entity and seed pages.

Each page is keyed by a digest of everything its template reads (its *inputs*, listed by hand in
:func:`fact_inputs`, :func:`entity_inputs` and :func:`seed_inputs`), of the engine it is written
for, the build date, and the renderer itself (every source file and template of the package). A
page whose key is in the cache is not rendered again; its stored text is used as it is.

The cache is only ever a speed-up. It lives in ``.dossier-cache/pages-ENGINE.json`` (never
committed); a missing, corrupt, foreign or hostile file is ignored, and an entry is used only when
its key matches, so at worst a page is rendered again. Cached text is page text the renderer wrote
for exactly these inputs: ``tests/test_incremental_build.py`` renders random edits both ways and
requires the same bytes. A template that starts to read something new must add it to the inputs
here (that test is what notices).

Index pages (home, timeline, facts, entities, sources, disputes, graph, downloads) list every
fact or entity, so any edit changes them: they are always rendered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from dossier import atomic, fs
from dossier.cache import identity as identity  # the one test of who wrote a cache folder
from dossier.model import Dossier, Entity, Fact, Seed
from dossier.project import Project

# Fields that say where a record sits in its file, never printed on a page: left out of the key,
# so a fact inserted above another does not make every later page look changed.
_POSITION_FIELDS = frozenset({"line", "body_line", "path"})
_FORMAT = 2  # bump when the cache file's layout changes


def record(value: Any) -> tuple[Any, ...]:
    """A model record (Fact, Entity, Seed) as a tuple of its fields, without its position."""
    kind = type(value)
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.name not in _POSITION_FIELDS)
    return (kind.__name__, *(getattr(value, name) for name in _FIELDS[kind]))


_FIELDS: dict[type, tuple[str, ...]] = {}


def digest(*parts: Any) -> str:
    """A sha256 over ``parts``: plain data (tuples, lists, str, numbers, model dataclasses).

    ``repr`` is exact for these and the same in every process (no sets among the model's fields;
    a mapping keeps its file's order, so a reordered one only misses the cache). It is also
    several times faster than building canonical JSON, which matters at 10,000 pages.
    """
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


@cache
def renderer_version() -> str:
    """A digest of every Python file and template of the package: an upgrade, or an edit to a
    template while developing, misses every cached page."""
    h = hashlib.sha256()
    root = resources.files("dossier")
    for folder in (root, root / "templates"):
        for item in sorted(folder.iterdir(), key=lambda i: i.name):
            if item.is_file() and item.name.endswith((".py", ".j2")):
                h.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return h.hexdigest()


# --- what each page reads ----------------------------------------------------------------------
# ``v`` is the render.View the page is rendered with; only its public methods are used.


def _names(v: Any, entity_ids: Iterable[str]) -> list[tuple[str, str]]:
    return [(e, v.name(e)) for e in dict.fromkeys(entity_ids)]


def _seed_meta(v: Any, seed: Seed) -> list[Any]:
    """What a page that links a seed shows of it (not its text)."""
    return [
        seed.id,
        seed.title,
        seed.outlet,
        v.name(seed.outlet),
        seed.published,
        seed.inferred,
        seed.language,
    ]


def fact_inputs(v: Any, fact: Fact) -> list[Any]:
    """Everything fact.md.j2 reads for ``fact``."""
    c = v.corroboration(fact)
    seed_ids = [c.seed for c in fact.sources] + [g.seed for g in fact.figures]
    if fact.date_resolved is not None:
        seed_ids.append(fact.date_resolved.seed)
    seeds = [v.d.seed[s] for s in dict.fromkeys(seed_ids)]
    entity_ids = [
        *fact.about,
        *c.outlets,
        *c.origins,
        *c.unidentified,
        *(e for cite in fact.sources for e in cite.attributed_to),
        *(s.outlet for s in seeds),
    ]
    return [
        "fact",
        record(fact),
        c,
        c.level,
        [(o.id, o.statement, o.status) for o in v.opponents(fact)],
        [(str(date), outlets) for date, outlets in v.reported(fact)],
        _names(v, entity_ids),
        [[*_seed_meta(v, s), s.url] for s in seeds],
        str(v.json_ld(fact)),
        v.last_changed(fact),  # "Last changed", from git history
        v.citation(fact),  # "Cite this fact": permalink, CSL-JSON, BibTeX
    ]


def entity_inputs(v: Any, entity: Entity) -> list[Any]:
    """Everything entity.md.j2 reads for ``entity`` (and the parts of a hub's split list)."""
    facts = list(v.d.facts_about.get(entity.id, ()))
    return [
        "entity",
        record(entity),
        [
            (
                f.id,
                f.statement,
                f.date,
                f.date_inferred,
                str(v.badges(f)),
                v.role(entity.id, f),
                _names(v, f.about),
            )
            for f in facts
        ],
        [(other.id, other.name, shared) for other, shared in v.d.related(entity.id)],
        [(_seed_meta(v, seed), cited) for seed, cited in v.seeds_of(entity.id)],
        v.neighbourhood(entity.id),  # the neighbourhood graph: its entities, their facts and edges
    ]


def seed_inputs(v: Any, seed: Seed) -> list[Any]:
    """Everything seed.md.j2 reads for ``seed``: the seed itself, its twins, its cited passages."""
    return [
        "seed",
        record(seed),
        v.name(seed.outlet),
        [(t.id, t.title) for t in v.twins(seed)],
        [
            (
                m.fact.id,
                m.fact.statement,
                m.fact.status,
                m.citation.start,
                m.citation.end,
                m.citation.translation,  # shown beside its passage
                m.n,
                m.k,
            )
            for m in v.marks(seed.id)
        ],
    ]


def touched(before: Dossier, after: Dossier) -> set[str] | None:
    """The pages whose inputs an edit from ``before`` to ``after`` may have changed, by owner
    (``fact:ID``, ``entity:ID``, ``seed:ID``); every other page's inputs are what they were, so
    ``serve`` reuses its key without computing them. None when this cannot tell: an edit to an
    entity, a seed, the title or the order of facts (then every page's inputs are computed).

    What a fact can reach, by the inputs above: its own page and its opponents' (both ways); the
    entity pages that list it (about or attributed) and those that draw one of these entities in
    their neighbourhood (its node shows its number of facts), i.e. every entity of every fact
    about one of them; and the seed pages it cites (their marks). Taken from both versions of
    the fact, so a removed link is followed as well as an added one. A superset is harmless (a
    page rendered again is the same page); ``tests/test_incremental_build.py`` renders random
    edits both ways to catch a missing path.
    """
    if (before.title, before.summary) != (after.title, after.summary):
        return None
    if len(before.entities) != len(after.entities) or len(before.seeds) != len(after.seeds):
        return None
    if any(record(a) != record(b) for a, b in zip(before.entities, after.entities, strict=True)):
        return None
    if any(record(a) != record(b) for a, b in zip(before.seeds, after.seeds, strict=True)):
        return None
    old, new = before.fact, after.fact
    changed = {
        i for i in old.keys() | new.keys() if i not in old or i not in new or record(old[i]) != record(new[i])
    }
    if [f.id for f in before.facts if f.id in new] != [f.id for f in after.facts if f.id in old]:
        return None  # facts moved: lists in file order (an entity's facts of one day) may change
    found: set[str] = set()
    for d in (before, after):
        against: dict[str, list[str]] = {}
        for f in d.facts:
            for o in f.contradicts:
                against.setdefault(o, []).append(f.id)
        for fact_id in changed:
            fact = d.fact.get(fact_id)
            if fact is None:
                continue
            found.add(f"fact:{fact.id}")
            found.update(f"fact:{o}" for o in (*fact.contradicts, *against.get(fact.id, ())))
            found.update(f"seed:{s}" for s in _seeds_of(fact))
            for entity_id in _entities_of(fact):
                found.add(f"entity:{entity_id}")
                for other in d.facts_about.get(entity_id, ()):
                    found.update(f"entity:{e}" for e in _entities_of(other))
    return found


def _entities_of(fact: Fact) -> set[str]:
    """The entities whose pages list ``fact`` (model.Dossier.facts_about)."""
    return {*fact.about, *(e for c in fact.sources for e in c.attributed_to)}


def _seeds_of(fact: Fact) -> set[str]:
    found = {c.seed for c in fact.sources} | {g.seed for g in fact.figures}
    if fact.date_resolved is not None:
        found.add(fact.date_resolved.seed)
    return found


# --- the cache file ------------------------------------------------------------------------------


@dataclasses.dataclass
class PageCache:
    """Rendered pages by key. ``entries[key] = {path: [text, front matter]}``: one key may stand
    for several pages (a hub entity's split list).

    Kept in memory (``serve``) it also remembers, for the next round, each page's key by its
    owner (``fact:ID``, ``entity:ID``, ``seed:ID``; see :func:`touched`), the list items rendered
    (``items``: the text of a fact's line on the timeline, say, and its word count), and what
    the last round rendered (``previous``: the dossier, the history and the shared context).
    """

    entries: dict[str, dict[str, list[Any]]] = dataclasses.field(default_factory=dict)
    used: dict[str, dict[str, list[Any]]] = dataclasses.field(default_factory=dict)
    reused: set[str] = dataclasses.field(default_factory=set)  # pages taken from the cache
    hits: int = 0
    misses: int = 0
    keys: dict[str, str] = dataclasses.field(default_factory=dict)  # owner -> key, this round
    known: dict[str, str] = dataclasses.field(default_factory=dict)  # owner -> key, last round
    items: dict[str, tuple[str, int]] = dataclasses.field(default_factory=dict)
    items_used: dict[str, tuple[str, int]] = dataclasses.field(default_factory=dict)
    previous: tuple[Any, Any, str] | None = None
    skipped: int = 0  # pages whose inputs were not computed: no edit could have changed them

    def item(self, key: str) -> tuple[str, int] | None:
        """A list item rendered before under ``key`` (its text and words), kept for next round."""
        found = self.items.get(key)
        if found is not None:
            self.items_used[key] = found
        return found

    def put_item(self, key: str, text: str, words: int) -> None:
        self.items_used[key] = (text, words)

    def get(self, key: str) -> dict[str, list[Any]] | None:
        found = self.entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self.used[key] = found
        self.reused.update(found)
        return found

    def put(self, key: str, pages: dict[str, list[Any]]) -> None:
        self.used[key] = pages

    def next_round(self) -> None:
        """Before another render with this cache kept in memory (``serve``): what the last render
        used becomes what this one may reuse; pages no longer rendered are dropped."""
        if self.used:
            self.entries, self.used = self.used, {}
        if self.keys:
            self.known, self.keys = self.keys, {}
        if self.items_used:
            self.items, self.items_used = self.items_used, {}
        self.hits = self.misses = self.skipped = 0
        self.reused = set()


def _file(project: Project, engine: str) -> Any:
    return project.cache_dir / f"pages-{engine}.json"


def _valid(entry: Any) -> bool:
    return isinstance(entry, dict) and all(
        isinstance(rel, str)
        and isinstance(page, list)
        and len(page) == 2
        and isinstance(page[0], str)
        and isinstance(page[1], dict)
        for rel, page in entry.items()
    )


def load(project: Project, engine: str, context: str) -> PageCache:
    """The stored pages for ``context`` (engine, build date, renderer), or an empty cache.

    Anything unexpected in the file (a link, bad JSON, another version) means an empty cache.
    """
    try:
        data = json.loads(fs.read_text(_file(project, engine), root=project.root))
    except (OSError, ValueError, UnicodeDecodeError, fs.UnsafePath):
        return PageCache()
    if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("context") != context:
        return PageCache()
    entries = data.get("pages")
    if not isinstance(entries, dict):
        return PageCache()
    items = data.get("items")
    return PageCache(
        {k: e for k, e in entries.items() if isinstance(k, str) and _valid(e)},
        items={
            k: (i[0], i[1])
            for k, i in (items.items() if isinstance(items, dict) else ())
            if isinstance(k, str)
            and isinstance(i, list)
            and len(i) == 2
            and isinstance(i[0], str)
            and type(i[1]) is int
        },
    )


def save(project: Project, engine: str, context: str, pages: PageCache) -> None:
    """Store the pages and list items used by this render (and only those: a removed fact's
    page is dropped)."""
    payload = {"format": _FORMAT, "context": context, "pages": pages.used, "items": pages.items_used}
    # No cache, no harm: the next build renders every page again.
    with contextlib.suppress(OSError, fs.UnsafePath):
        atomic.write_text(_file(project, engine), json.dumps(payload, ensure_ascii=False), root=project.root)


def context_key(engine: str, built: str, *shared: str) -> str:
    """What every page shares: the engine it is written for, the build date, the renderer, and
    whatever else ``shared`` names (the site's address, the dossier's title)."""
    return digest("context", engine, built, renderer_version(), *shared)
