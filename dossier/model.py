"""The dossier as frozen values: entities, seeds, facts, citations and figures.

Built by :mod:`dossier.check` only from input that passed every check, so renderers can trust
every reference. Derived indexes (facts about an entity, corroboration) are computed once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from dossier.dates import FuzzyDate

Status = Literal["reported", "confirmed", "disputed", "denied"]
STATUSES: tuple[Status, ...] = ("reported", "confirmed", "disputed", "denied")
ENTITY_TYPES = ("person", "organization", "state", "equipment", "place", "event", "outlet", "other")


@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    url: str | None = None
    notes: str = ""
    line: int = 0
    # A placeholder for sources a seed does not name ("media reports"): see Corroboration.level.
    unidentified: bool = False


@dataclass(frozen=True)
class KeptOriginal:
    """The captured file (saved web page, PDF) a seed's text was extracted from, kept in seeds/."""

    file: str  # relative to seeds/: originals/<id>.html or .pdf
    sha256: str
    media_type: str


@dataclass(frozen=True)
class Seed:
    """A source document: metadata plus the exact body text."""

    id: str
    title: str
    outlet: str
    published: FuzzyDate
    language: str
    url: str | None
    sha256: str
    body: str
    path: str
    body_line: int
    same_as: str | None = None
    inferred: Mapping[str, str] = field(default_factory=dict)
    received_as: str = ""
    notes: str = ""
    author: str = ""
    archived: str | None = None  # an archived copy's URL (a web-archive snapshot)
    original: KeptOriginal | None = None

    @property
    def article(self) -> str:
        """Captures of one article share this key: the smaller of the two ids."""
        return min(self.id, self.same_as) if self.same_as else self.id


@dataclass(frozen=True)
class Citation:
    """A quote from a seed, anchored to the character span ``[start, end)`` of its body."""

    seed: str
    quote: str
    start: int
    end: int
    attributed_to: tuple[str, ...] = ()
    translation: str | None = None
    note: str = ""
    # The seed credits unnamed sources ("officials said") for this quote.
    anonymous: bool = False


@dataclass(frozen=True)
class Figure:
    """A number as one seed gives it."""

    measure: str
    qualifier: str
    unit: str
    text: str
    seed: str
    value: float | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class DateResolution:
    """A relative date ("Monday") resolved against a seed's publication date."""

    phrase: str
    seed: str
    note: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    statement: str
    about: tuple[str, ...]
    status: Status
    sources: tuple[Citation, ...]
    date: FuzzyDate | None = None
    date_resolved: DateResolution | None = None
    # How the parts of ``date`` that no cited text states were inferred.
    date_inferred: str = ""
    contradicts: tuple[str, ...] = ()
    question: str = ""  # for a dispute: the question it is about, written by the analyst
    figures: tuple[Figure, ...] = ()
    tags: tuple[str, ...] = ()
    notes: str = ""
    acknowledge: Mapping[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Corroboration:
    """How many independent things stand behind a fact.

    Captures of one article count once (``articles``); outlets count once however many of their
    articles are cited. Each citation has one *origin*: the first entry of its ``attributed_to``
    (whom the seed credits; later entries name the channel, e.g. ``[sergei-shoigu, rossiya-24]``),
    or the outlet itself where the seed credits no one. So five outlets relaying one New York
    Times report show as one origin, and one outlet quoting two people is still one outlet.
    """

    seeds: tuple[str, ...]
    articles: tuple[str, ...]
    outlets: tuple[str, ...]
    origins: tuple[str, ...]
    # (outlet, origin) for each citation: which outlet carried which origin's account.
    paths: tuple[tuple[str, str], ...] = ()
    # Origins that name no one ("according to media reports"): they may be any other origin.
    unidentified: tuple[str, ...] = ()

    @property
    def level(self) -> Literal["independent", "relayed", "single"]:
        """independent: two citations differ in both outlet and origin, and both origins are
        identified (an unnamed one may be the same report as the other); relayed: several
        outlets, no such pair; single: everything comes through one outlet."""
        if len(self.outlets) < 2:
            return "single"
        named = [(outlet, origin) for outlet, origin in self.paths if origin not in self.unidentified]
        for i, (outlet_a, origin_a) in enumerate(named):
            for outlet_b, origin_b in named[i + 1 :]:
                if outlet_a != outlet_b and origin_a != origin_b:
                    return "independent"
        return "relayed"


@dataclass(frozen=True)
class Dossier:
    title: str
    summary: str
    entities: tuple[Entity, ...]
    facts: tuple[Fact, ...]
    seeds: tuple[Seed, ...]

    @cached_property
    def entity(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    @cached_property
    def fact(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    @cached_property
    def seed(self) -> dict[str, Seed]:
        return {s.id: s for s in self.seeds}

    @cached_property
    def facts_about(self) -> dict[str, tuple[Fact, ...]]:
        """Entity id → facts about it or attributed to it, in date order (undated last)."""
        index: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.facts:
            ids = set(fact.about)
            for citation in fact.sources:
                ids.update(citation.attributed_to)
            for entity_id in ids:
                index[entity_id].append(fact)
        return {k: tuple(sorted(v, key=fact_order)) for k, v in index.items()}

    @cached_property
    def citations_of(self) -> dict[str, tuple[tuple[Fact, Citation], ...]]:
        """Seed id → (fact, citation) pairs, in body order."""
        index: dict[str, list[tuple[Fact, Citation]]] = defaultdict(list)
        for fact in self.facts:
            for citation in fact.sources:
                index[citation.seed].append((fact, citation))
        return {k: tuple(sorted(v, key=lambda fc: (fc[1].start, fc[1].end))) for k, v in index.items()}

    @cached_property
    def text_of(self) -> dict[str, str]:
        """Each seed's article, by text: seeds joined by ``same_as`` (in chains too) or whose
        bodies are the same bytes share one key, the smallest id among them.

        Three outlets printing one text are one article and one origin, not three
        confirmations, whether or not the analyst marked them ``same_as``.
        """
        parent = {s.id: s.id for s in self.seeds}

        def root(seed_id: str) -> str:
            while parent[seed_id] != seed_id:
                parent[seed_id] = parent[parent[seed_id]]
                seed_id = parent[seed_id]
            return seed_id

        def join(a: str, b: str) -> None:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        first_with: dict[str, str] = {}
        for seed in self.seeds:
            if seed.same_as in parent:
                join(seed.id, seed.same_as)
            join(seed.id, first_with.setdefault(seed.sha256, seed.id))
        return {s.id: root(s.id) for s in self.seeds}

    def corroboration(self, fact: Fact) -> Corroboration:
        paths = set()
        for citation in fact.sources:
            seed = self.seed[citation.seed]
            # An uncredited citation's origin is its text's first outlet: a syndicated text
            # printed by several outlets is one report.
            own = self.seed[self.text_of[seed.id]].outlet
            paths.add((seed.outlet, citation.attributed_to[0] if citation.attributed_to else own))
        seeds = [self.seed[c.seed] for c in fact.sources]
        return Corroboration(
            seeds=tuple(sorted({s.id for s in seeds})),
            articles=tuple(sorted({self.text_of[s.id] for s in seeds})),
            outlets=tuple(sorted({outlet for outlet, _ in paths})),
            origins=tuple(sorted({origin for _, origin in paths})),
            paths=tuple(sorted(paths)),
            unidentified=tuple(
                sorted({o for _, o in paths if o in self.entity and self.entity[o].unidentified})
            ),
        )

    def related(self, entity_id: str) -> list[tuple[Entity, int]]:
        """Entities sharing facts with this one, most shared first."""
        counts: dict[str, int] = defaultdict(int)
        for fact in self.facts_about.get(entity_id, ()):
            for other in set(fact.about) - {entity_id}:
                counts[other] += 1
        return sorted(((self.entity[k], n) for k, n in counts.items()), key=lambda en: (-en[1], en[0].name))


def fact_order(fact: Fact) -> tuple[int, str, str]:
    """Dated facts first, by the first day they cover; then by id for a stable order."""
    if fact.date is None:
        return (1, "", fact.id)
    return (0, fact.date.start.isoformat(), fact.id)
