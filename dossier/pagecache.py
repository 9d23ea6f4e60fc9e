"""Render only the pages whose inputs changed: a cache of rendered fact, entity and seed pages.

Each page is keyed by a digest of everything its template reads (its *inputs*, listed by hand in
:func:`fact_inputs`, :func:`entity_inputs` and :func:`seed_inputs`), of the engine it is written
for, the build date, and the renderer itself (every source file and template of the package). The
cache holds no page, only the stamp (size, modification and change time, inode) of the file in
docs/generated/ the page was written to: a page whose key is in the cache and whose file is still
as stamped is left where it is, neither rendered, held in memory nor written again. A page file
deleted or edited by hand is rendered and written again.

The cache is only ever a speed-up. ``serve`` keeps it in memory between saves; ``dossier build``
keeps it in ``.dossier-cache/pages-ENGINE.json`` (never committed), where a missing, corrupt,
foreign or hostile file is ignored. An entry is used only when its key matches and its files are
as stamped, so at worst a page is rendered again. A cached page is what the renderer wrote
for exactly these inputs: ``tests/test_incremental_build.py`` renders random edits both ways and
requires the same bytes. A template that starts to read something new must add it to the inputs
here (that test is what notices).

Index pages (home, timeline, facts, entities, sources, disputes, graph, downloads) list every
fact or entity, so any edit changes them: they are always rendered.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from itertools import chain
from typing import Any

from dossier import atomic, fs
from dossier.cache import identity as identity  # the one test of who wrote a cache folder
from dossier.model import Dossier, Entity, Fact, Seed
from dossier.project import Project

# Fields that say where a record sits in its file, never printed on a page: left out of the key,
# so a fact inserted above another does not make every later page look changed.
_POSITION_FIELDS = frozenset({"line", "body_line", "path"})
_FORMAT = 4  # bump when the cache file's layout changes


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


def digest_each(parts: Iterable[Any]) -> str:
    """A sha256 over ``parts`` (as for :func:`digest`) taken one at a time, each as its length
    and its ``repr``: the outline's head covers every entity and every seed with its text, and
    their ``repr`` at once was the top of a save's memory (90 MB at 5,000 seeds)."""
    h = hashlib.sha256()
    for part in parts:
        data = repr(part).encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


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


# A fact as :func:`touched` needs it: a digest of its record and "last changed" date, the facts it
# contradicts, the seeds it cites, the entities whose pages list it.
Reach = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


@dataclasses.dataclass(frozen=True)
class Outline:
    """What :func:`touched` needs of a round's dossier, small enough to store between builds:
    ``head``, a digest of all but the facts (and of ``shared``: the context every page shares);
    each fact's reach, by id, in file order."""

    head: str
    facts: dict[str, Reach]


def outline(d: Dossier, history: Mapping[str, Any] | None = None, shared: str = "") -> Outline:
    """The outline of ``d``, rendered with ``history`` ("last changed") in context ``shared``."""
    # Each record names its kind, so the entities and the seeds need no boundary between them.
    head = digest_each(chain((shared, d.title, d.summary), map(record, d.entities), map(record, d.seeds)))
    changes = history or {}
    return Outline(
        head,
        {
            f.id: (
                digest(record(f), changes.get(f.id)),
                tuple(f.contradicts),
                tuple(sorted(_seeds_of(f))),
                tuple(sorted(_entities_of(f))),
            )
            for f in d.facts
        },
    )


def touched(before: Outline, after: Outline) -> set[str] | None:
    """The pages whose inputs an edit from ``before`` to ``after`` may have changed, by owner
    (``fact:ID``, ``entity:ID``, ``seed:ID``); every other page's inputs are what they were, so
    their last keys are reused without computing them. None when this cannot tell: an edit to
    an entity, a seed, the title, the shared context or the order of facts (then every page's
    inputs are computed).

    What a fact can reach, by the inputs above: its own page and its opponents' (both ways); the
    entity pages that list it (about or attributed) and those that draw one of these entities in
    their neighbourhood (its node shows its number of facts), i.e. every entity of every fact
    about one of them; and the seed pages it cites (their marks). Taken from both versions of
    the fact, so a removed link is followed as well as an added one. A superset is harmless (a
    page rendered again is the same page); ``tests/test_incremental_build.py`` and
    ``tests/test_incremental_serve.py`` render random edits both ways to catch a missing path.
    """
    if before.head != after.head:
        return None
    old, new = before.facts, after.facts
    changed = {i for i in old.keys() | new.keys() if i not in old or i not in new or old[i][0] != new[i][0]}
    if not changed:
        return set()
    if [i for i in old if i in new] != [i for i in new if i in old]:
        return None  # facts moved: lists in file order (an entity's facts of one day) may change
    found: set[str] = set()
    for facts in (old, new):
        against: dict[str, list[str]] = {}
        about: dict[str, list[str]] = {}  # model.Dossier.facts_about, by id
        for fact_id, (_, contradicts, _, entities) in facts.items():
            for o in contradicts:
                against.setdefault(o, []).append(fact_id)
            for e in entities:
                about.setdefault(e, []).append(fact_id)
        for fact_id in changed:
            fact = facts.get(fact_id)
            if fact is None:
                continue
            found.add(f"fact:{fact_id}")
            found.update(f"fact:{o}" for o in (*fact[1], *against.get(fact_id, ())))
            found.update(f"seed:{s}" for s in fact[2])
            for entity_id in fact[3]:
                found.add(f"entity:{entity_id}")
                for other in about.get(entity_id, ()):
                    found.update(f"entity:{e}" for e in facts[other][3])
    return found


def _outline_of(data: Any) -> Outline | None:
    """An outline as :func:`save` stored it, or None for anything else."""
    if not isinstance(data, dict) or not isinstance(data.get("head"), str):
        return None
    facts = data.get("facts")
    if not isinstance(facts, dict):
        return None
    found: dict[str, Reach] = {}
    for fact_id, reach in facts.items():
        if not (
            isinstance(reach, list)
            and len(reach) == 4
            and isinstance(reach[0], str)
            and all(isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in reach[1:])
        ):
            return None
        found[fact_id] = (reach[0], tuple(reach[1]), tuple(reach[2]), tuple(reach[3]))
    return Outline(data["head"], found)


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
    """Rendered pages by key, as the stamps of their files: ``entries[key] = {path: stamp}``, the
    stamp of the file in docs/generated/ the page was written to (see
    :class:`dossier.generated.Writer`; None until it is written, see :meth:`stamp`). One key may
    stand for several pages (a hub entity's split list). A page is reused when ``present(path,
    stamp)`` says its file is still as written, and is then neither rendered, held nor written
    again. The cache holds no page text.

    It also remembers, for the next round, each page's key by its owner (``fact:ID``,
    ``entity:ID``, ``seed:ID``; see :func:`touched`), the list items rendered (``items``: the
    text of a fact's line on the timeline, say, and its word count), and what the last round
    rendered (``previous``: its outline). ``serve`` keeps all this in memory between saves;
    ``dossier build`` has it from the last build (:func:`load`, :func:`save`).
    """

    entries: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    used: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    reused: set[str] = dataclasses.field(default_factory=set)  # pages taken from the cache
    hits: int = 0
    misses: int = 0
    keys: dict[str, str] = dataclasses.field(default_factory=dict)  # owner -> key, this round
    known: dict[str, str] = dataclasses.field(default_factory=dict)  # owner -> key, last round
    # Each list item packed (see _pack), with its word count.
    items: dict[str, tuple[bytes, int]] = dataclasses.field(default_factory=dict)
    items_used: dict[str, tuple[bytes, int]] = dataclasses.field(default_factory=dict)
    previous: Outline | None = None
    skipped: int = 0  # pages whose inputs were not computed: no edit could have changed them
    # Is this page's file still as stamped? (build.generate gives each round its Writer's.)
    present: Callable[[str, Any], bool] = dataclasses.field(kw_only=True)

    def item(self, key: str) -> tuple[bytes, int] | None:
        """A list item rendered before under ``key``, packed (see :func:`unpack`), and its words;
        kept for next round. None if there is none."""
        found = self.items.get(key)
        if found is not None:
            self.items_used[key] = found
        return found

    def put_item(self, key: str, text: str, words: int) -> bytes:
        """Keep a list item rendered under ``key``; returns it packed."""
        packed = _pack(text)
        self.items_used[key] = (packed, words)
        return packed

    def get(self, key: str) -> dict[str, Any] | None:
        found = self.entries.get(key)
        if found is None or not all(self.present(rel, stamp) for rel, stamp in found.items()):
            self.misses += 1
            return None
        self.hits += 1
        self.used[key] = found
        self.reused.update(found)
        return found

    def put(self, key: str, rels: Iterable[str]) -> None:
        """The pages rendered under ``key``: their stamps come once they are written."""
        self.used[key] = dict.fromkeys(rels)

    def stamp(self, stamps: Mapping[str, Any]) -> None:
        """Record the stamps of the files this round wrote for the pages it rendered."""
        for pages in self.used.values():
            for rel in pages:
                if pages[rel] is None:
                    pages[rel] = stamps.get(rel)

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


def _pack(text: str) -> bytes:
    """A list item as the cache keeps it: its UTF-8, deflated. The items are a line of Markdown
    and HTML each (a fact's line on the timeline, say), and nearly all hold a dash, which makes
    Python keep them at two bytes a character: packed, they take a third of that (1,040 bytes an
    item down to 330: 80 MB less at 50,000 facts, where serve keeps 110,000 of them), for 12 µs
    a pack and 4 µs a read."""
    return zlib.compress(text.encode("utf-8"), 1)


def unpack(packed: bytes) -> str:
    """The text :func:`_pack` packed; ValueError for what it did not pack. Its text deflates to
    a third or so: a stream that would unpack to many times its size (a decompression bomb in a
    damaged cache file) is refused, at worst the item of a very repetitive line rendered again.
    Strict UTF-8: a page is written as such, so a lone surrogate must not come back from here."""
    unpacker = zlib.decompressobj()
    text = unpacker.decompress(packed, 64 * len(packed) + 65536)
    if unpacker.unconsumed_tail or unpacker.unused_data or not unpacker.eof:
        raise ValueError("not one packed list item")
    return text.decode("utf-8")


def unwritten(rel: str, stamp: Any) -> bool:
    """``present`` while no page file is known (``serve``'s cache before a round, which
    build.generate gives the round's Writer): no page is on disk as stamped."""
    return False


def _file(project: Project, engine: str) -> Any:
    return project.cache_dir / f"pages-{engine}.json"


def _valid(entry: Any) -> bool:
    return isinstance(entry, dict) and all(
        isinstance(rel, str)
        and isinstance(stamp, list)
        and len(stamp) == 4
        and all(type(n) is int for n in stamp)
        for rel, stamp in entry.items()
    )


def load(project: Project, engine: str, context: str, present: Callable[[str, Any], bool]) -> PageCache:
    """The stored page stamps for ``context`` (engine, build date, renderer), or an empty cache;
    ``present`` tells whether a page's file is still as stamped (see :class:`PageCache`).

    Anything unexpected in the file (a link, bad JSON, another version) means an empty cache.
    """
    try:
        data = json.loads(fs.read_text(_file(project, engine), root=project.root))
    except (OSError, ValueError, UnicodeDecodeError, fs.UnsafePath):
        return PageCache(present=present)
    if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("context") != context:
        return PageCache(present=present)
    entries = data.get("pages")
    if not isinstance(entries, dict):
        return PageCache(present=present)
    items = data.get("items")
    keys = data.get("keys")
    previous = _outline_of(data.get("outline"))
    return PageCache(
        {k: e for k, e in entries.items() if isinstance(k, str) and _valid(e)},
        present=present,
        # The last build's page keys by owner, and its outline: with them, the pages an edit
        # cannot reach keep their keys, their inputs not even computed (see touched).
        known={k: v for k, v in keys.items() if isinstance(v, str)}
        if isinstance(keys, dict) and previous is not None
        else {},
        previous=previous,
        items=_items_of(items),
    )


def _items_of(data: Any) -> dict[str, tuple[bytes, int]]:
    """The list items as :func:`save` stored them (each packed, in base64, with its word count);
    what is not one, or does not unpack (a damaged file), is left out and rendered again. Checked
    here, where they come in: what this process packed needs no check on every later use."""
    items = {}
    for key, item in data.items() if isinstance(data, dict) else ():
        if isinstance(key, str) and isinstance(item, list) and len(item) == 2 and type(item[1]) is int:
            with contextlib.suppress(TypeError, ValueError, binascii.Error, zlib.error):
                packed = base64.b64decode(item[0], validate=True)
                unpack(packed)  # ValueError (UnicodeDecodeError is one) or zlib.error if damaged
                items[key] = (packed, item[1])
    return items


def save(project: Project, engine: str, context: str, pages: PageCache) -> None:
    """Store the page stamps and list items used by this render (and only those: a removed
    fact's page is dropped); a page with no stamp is left out."""
    used = {key: found for key, found in pages.used.items() if all(v is not None for v in found.values())}
    payload = {
        "format": _FORMAT,
        "context": context,
        "pages": used,
        "items": {
            k: [base64.b64encode(packed).decode("ascii"), n] for k, (packed, n) in pages.items_used.items()
        },
        "keys": pages.keys,
        "outline": None
        if pages.previous is None
        else {"head": pages.previous.head, "facts": pages.previous.facts},
    }
    # No cache, no harm: the next build renders every page again.
    with contextlib.suppress(OSError, fs.UnsafePath):
        atomic.write_parts(_file(project, engine), _json_parts(payload), root=project.root)


def _json_parts(payload: dict[str, Any], batch: int = 2000) -> Iterator[bytes]:
    """``json.dumps(payload)`` in pieces, each mapping inside it ``batch`` entries at a time: the
    whole text at 50,000 facts (their list items, mostly) would take a hundred megabytes."""
    yield b"{"
    for n, (key, value) in enumerate(payload.items()):
        yield f"{', ' if n else ''}{json.dumps(key)}: ".encode()
        if not isinstance(value, dict) or len(value) <= batch:
            yield json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
            continue
        entries = list(value.items())
        yield b"{"
        for start in range(0, len(entries), batch):
            piece = json.dumps(dict(entries[start : start + batch]), ensure_ascii=False)[1:-1]
            yield f"{', ' if start else ''}{piece}".encode("utf-8", "surrogatepass")
        yield b"}"
    yield b"}"


def context_key(engine: str, built: str, *shared: str) -> str:
    """What every page shares: the engine it is written for, the build date, the renderer, and
    whatever else ``shared`` names (the site's address, the dossier's title)."""
    return digest("context", engine, built, renderer_version(), *shared)
