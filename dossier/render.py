"""Stage 3: the checked dossier as Markdown pages, in memory. Pure: nothing is read or written.

:func:`render` returns ``{path below docs/generated/: Markdown text}``. Templates live in
``dossier/templates/``; Jinja runs with ``StrictUndefined`` and without autoescape (the output is
Markdown, not HTML), so every value must pass an escaping filter from :mod:`dossier.escape`, and
the environment's ``finalize`` refuses any printed value that did not.

Pages link to each other with relative ``.md`` links, which MkDocs and Zensical check and rewrite.
Only raw HTML (the highlighted seed text) carries final URLs, which assume directory URLs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import jinja2
from markupsafe import Markup

from dossier import escape, export, graph
from dossier.dates import FuzzyDate
from dossier.model import (
    ENTITY_TYPES,
    STATUSES,
    Citation,
    Corroboration,
    Dossier,
    Entity,
    Fact,
    Figure,
    Seed,
    fact_order,
)

# Names MkDocs gives a meaning to: an entity called "index" must not become its folder's index page.
_RESERVED = {"index"}

TYPE_HEADINGS = {
    "person": "People",
    "organization": "Organizations",
    "state": "States",
    "equipment": "Weapon systems and equipment",
    "place": "Places",
    "event": "Events",
    "outlet": "Outlets",
    "other": "Other",
}
STATUS_MEANING = {
    "reported": "a source says so",
    "confirmed": "a party with knowledge confirms it",
    "disputed": "another party contests it",
    "denied": "a party it concerns denies it",
}
LEVEL_MEANING = {
    "independent": "more than one origin: sources that do not merely repeat each other",
    "relayed": "several outlets, one origin: one report repeated, not several confirmations",
    "single": "one outlet",
}
# Seed languages by ISO 639-1 code; a code not listed here is shown as it is.
LANGUAGES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "he": "Hebrew",
    "it": "Italian",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}
PRECISION_NOTE = {"day": "", "month": "day not stated", "year": "month not stated"}


def page_name(entity_or_fact_id: object) -> Markup:
    """The file name (without ``.md``) of an entity, fact or seed page; stable, never a path."""
    name = escape.slug(entity_or_fact_id)
    return name + Markup("_") if name in _RESERVED else name


@dataclass(frozen=True)
class Mark:
    """A cited passage on a seed page: which fact cites it (citation ``n``) and its number ``k``."""

    fact: Fact
    citation: Citation
    n: int
    k: int

    @property
    def anchor(self) -> str:
        return f"q-{self.fact.id}-{self.n}"


@dataclass(frozen=True)
class FigureConflict:
    """Figures of one measure in one fact that give different numbers."""

    fact: Fact
    measure: str
    figures: tuple[Figure, ...]


class View:
    """The dossier with the derived indexes the pages need, computed once per build."""

    def __init__(self, dossier: Dossier, built: str) -> None:
        self.d = dossier
        self.built = built
        self._fact_links: dict[tuple[str, str], Markup] = {}
        self._entity_links: dict[tuple[str, str], Markup] = {}
        self._levels: dict[str, Markup] = {}
        self._md_cache: dict[str, Markup] = {}

    def name(self, entity_id: str) -> str:
        entity = self.d.entity.get(entity_id)
        return entity.name if entity else entity_id

    def names(self, entity_ids: Iterable[str]) -> str:
        return ", ".join(self.name(e) for e in entity_ids)

    def corroboration(self, fact: Fact) -> Corroboration:
        return self._corroboration[fact.id]

    # --- fragments the templates share; each returns escaped Markdown/HTML -----------------
    # Pages repeat these thousands of times, so they are cached and built with escape.fill.
    def fact_link(self, fact: Fact, root: Markup) -> Markup:
        key = (fact.id, root)
        if key not in self._fact_links:
            self._fact_links[key] = escape.fill(
                "[{}]({}facts/{}.md)", escape.md(fact.statement), root, page_name(fact.id)
            )
        return self._fact_links[key]

    def entity_link(self, entity_id: str, root: Markup) -> Markup:
        key = (entity_id, root)
        if key not in self._entity_links:
            self._entity_links[key] = escape.fill(
                "[{}]({}entities/{}.md)", escape.md(self.name(entity_id)), root, page_name(entity_id)
            )
        return self._entity_links[key]

    def seed_link(self, seed: Seed, root: Markup, anchor: str = "") -> Markup:
        target = escape.fill("{}sources/{}.md", root, page_name(seed.id))
        if anchor:
            target = escape.fill("{}#{}", target, escape.slug(anchor))
        return escape.fill("[{}]({})", self._md(seed.title), target)

    def entity_links(self, entity_ids: Iterable[str], root: Markup) -> Markup:
        return escape.join(", ", (self.entity_link(e, root) for e in entity_ids))

    def status(self, status: str) -> Markup:
        return _badge(status)

    def level(self, fact: Fact) -> Markup:
        if fact.id not in self._levels:
            c = self.corroboration(fact)
            detail = f"({_n(len(c.outlets), 'outlet')}, {_n(len(c.origins), 'origin')})"
            self._levels[fact.id] = escape.fill("{} {}", _badge(c.level), escape.md(detail))
        return self._levels[fact.id]

    def badges(self, fact: Fact) -> Markup:
        return escape.fill("{} {}", self.status(fact.status), self.level(fact))

    def _md(self, text: str) -> Markup:
        if text not in self._md_cache:
            self._md_cache[text] = escape.md(text)
        return self._md_cache[text]

    @cached_property
    def _corroboration(self) -> dict[str, Corroboration]:
        return {f.id: self.d.corroboration(f) for f in self.d.facts}

    @cached_property
    def _contradicted_by(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = defaultdict(list)
        for fact in self.d.facts:
            for other in fact.contradicts:
                index[other].append(fact.id)
        return index

    def opponents(self, fact: Fact) -> list[Fact]:
        """Facts on the other side: those it contradicts and those that contradict it."""
        ids = dict.fromkeys([*fact.contradicts, *self._contradicted_by.get(fact.id, ())])
        return [self.d.fact[i] for i in ids if i in self.d.fact and i != fact.id]

    def role(self, entity_id: str, fact: Fact) -> str:
        """How an entity takes part in a fact: its subject, a credited source, or both."""
        about = entity_id in fact.about
        credited = any(entity_id in c.attributed_to for c in fact.sources)
        return (
            "subject and credited source" if about and credited else "subject" if about else "credited source"
        )

    def seeds_of(self, entity_id: str) -> list[tuple[Seed, int]]:
        """Seeds cited by facts about an entity (or that name it as outlet), most citations first."""
        counts: dict[str, int] = defaultdict(int)
        for fact in self.d.facts_about.get(entity_id, ()):
            for citation in fact.sources:
                counts[citation.seed] += 1
        for seed in self._seeds_by_outlet.get(entity_id, ()):
            counts.setdefault(seed.id, 0)
        return sorted(((self.d.seed[s], n) for s, n in counts.items()), key=lambda sn: (-sn[1], sn[0].id))

    @cached_property
    def _seeds_by_outlet(self) -> dict[str, list[Seed]]:
        index: dict[str, list[Seed]] = defaultdict(list)
        for seed in sorted(self.d.seeds, key=lambda s: (s.published.start, s.id)):
            index[seed.outlet].append(seed)
        return index

    def outlets(self) -> list[tuple[str, list[Seed]]]:
        """Outlet ids with their seeds, by outlet name."""
        return sorted(self._seeds_by_outlet.items(), key=lambda kv: (self.name(kv[0]).lower(), kv[0]))

    def seeds_of_outlet(self, outlet: str) -> list[Seed]:
        return self._seeds_by_outlet.get(outlet, [])

    def twins(self, seed: Seed) -> list[Seed]:
        """Other captures of the same article."""
        return [s for s in self._articles[seed.article] if s.id != seed.id]

    @cached_property
    def _articles(self) -> dict[str, list[Seed]]:
        index: dict[str, list[Seed]] = defaultdict(list)
        for seed in self.d.seeds:
            index[seed.article].append(seed)
        return index

    def marks(self, seed_id: str) -> list[Mark]:
        return self._marks.get(seed_id, [])

    @cached_property
    def _marks(self) -> dict[str, list[Mark]]:
        numbered = {
            (fact.id, id(citation)): n for fact in self.d.facts for n, citation in enumerate(fact.sources, 1)
        }
        marks: dict[str, list[Mark]] = {}
        for seed_id, pairs in self.d.citations_of.items():
            # By start offset, an enclosing passage before the ones inside it: the order in which
            # the seed text opens them, so the numbers shown in the text read 1, 2, 3, ...
            ordered = sorted(pairs, key=lambda fc: (fc[1].start, -fc[1].end))
            marks[seed_id] = [
                Mark(fact, citation, numbered[(fact.id, id(citation))], k)
                for k, (fact, citation) in enumerate(ordered, 1)
            ]
        return marks

    def entities_by_type(self) -> list[tuple[str, str, list[Entity]]]:
        groups: dict[str, list[Entity]] = defaultdict(list)
        for entity in self.d.entities:
            groups[entity.type].append(entity)
        return [
            (t, TYPE_HEADINGS[t], sorted(groups[t], key=lambda e: (e.name.lower(), e.id)))
            for t in ENTITY_TYPES
            if groups.get(t)
        ]

    def facts_with_status(self, status: str) -> list[Fact]:
        return [f for f in self.sorted_facts if f.status == status]

    @cached_property
    def sorted_facts(self) -> list[Fact]:
        return sorted(self.d.facts, key=fact_order)

    def key_facts(self, limit: int = 6) -> list[Fact]:
        """Facts tagged ``key``; without any, the best corroborated."""
        tagged = [f for f in self.sorted_facts if "key" in f.tags]
        if tagged:
            return tagged[:limit]
        score = {
            f.id: (len(self.corroboration(f).origins), len(self.corroboration(f).outlets))
            for f in self.d.facts
        }
        return sorted(self.d.facts, key=lambda f: (-score[f.id][0], -score[f.id][1], f.id))[:limit]

    def timeline(self) -> list[tuple[str, str, list[Fact]]]:
        """Dated facts grouped by the month they start in (or the year, for year-only dates).

        A year-only fact gets its own group before that year's months, so it is never shown as
        happening in January. Returns (heading, anchor, facts).
        """
        groups: dict[tuple[str, str], list[Fact]] = {}
        for fact in self.sorted_facts:
            if fact.date is None:
                continue
            start = fact.date.start
            if fact.date.precision == "year":
                key = (f"{start.year} (month not stated)", f"y{start.year}")
            else:
                key = (f"{_MONTHS[start.month - 1]} {start.year}", f"m{start.year}-{start.month:02d}")
            groups.setdefault(key, []).append(fact)
        return [(label, anchor, facts) for (label, anchor), facts in groups.items()]

    def undated(self) -> list[Fact]:
        return [f for f in self.sorted_facts if f.date is None]

    def reported(self, fact: Fact) -> list[tuple[FuzzyDate, list[str]]]:
        """When the fact was reported: each publication date with the outlets that published then."""
        dates: dict[FuzzyDate, set[str]] = defaultdict(set)
        for citation in fact.sources:
            seed = self.d.seed[citation.seed]
            dates[seed.published].add(seed.outlet)
        return [(d, sorted(dates[d], key=lambda o: self.name(o).lower())) for d in sorted(dates)]

    def disputed(self) -> list[Fact]:
        """Disputed and denied facts, and any fact in a contradiction."""
        return [
            f
            for f in self.sorted_facts
            if f.status in ("disputed", "denied") or f.contradicts or f.id in self._contradicted_by
        ]

    def disputes(self) -> list[list[Fact]]:
        """The contested facts grouped into disputes: facts that contradict each other share one.

        A group is a connected set of contradictions (A contradicts B, B contradicts C: one dispute
        with three sides); a disputed or denied fact that contradicts nothing stands alone. Groups
        and their sides are in date order.
        """
        contested = self.disputed()
        rank = {f.id: i for i, f in enumerate(contested)}
        group_of: dict[str, list[Fact]] = {}
        groups: list[list[Fact]] = []
        for fact in contested:
            if fact.id in group_of:
                continue
            group, todo = [fact], [fact]
            group_of[fact.id] = group
            while todo:
                for other in self.opponents(todo.pop()):
                    if other.id in rank and other.id not in group_of:
                        group_of[other.id] = group
                        group.append(other)
                        todo.append(other)
            group.sort(key=lambda f: rank[f.id])
            groups.append(group)
        return groups

    def dispute_topic(self, group: list[Fact]) -> Markup:
        """What the sides of a dispute are about: the entities all of them concern."""
        shared = [e for e in group[0].about if all(e in f.about for f in group[1:])]
        return escape.md(self.names(shared or group[0].about))

    def figure_conflicts(self) -> list[FigureConflict]:
        """Within a fact, figures of one measure that give different numbers."""
        found = []
        for fact in self.sorted_facts:
            by_measure: dict[str, list[Figure]] = defaultdict(list)
            for figure in fact.figures:
                by_measure[figure.measure].append(figure)
            for measure, figures in by_measure.items():
                if len({(g.qualifier, g.value, g.min, g.max) for g in figures}) > 1:
                    found.append(FigureConflict(fact, measure, tuple(figures)))
        return found

    def counts(self) -> dict[str, int]:
        return {
            "facts": len(self.d.facts),
            "entities": len(self.d.entities),
            "seeds": len(self.d.seeds),
            "outlets": len({s.outlet for s in self.d.seeds}),
            "articles": len({s.article for s in self.d.seeds}),
        }

    def status_counts(self) -> list[tuple[str, int]]:
        return [(s, sum(f.status == s for f in self.d.facts)) for s in STATUSES]

    def level_counts(self) -> list[tuple[str, int]]:
        return [
            (level, sum(self.corroboration(f).level == level for f in self.d.facts))
            for level in ("independent", "relayed", "single")
        ]

    @cached_property
    def graph(self) -> graph.Graph:
        return graph.build(self.d)

    def json_ld(self, fact: Fact) -> Markup:
        return escape.json_ld(export.claim(self.d, fact))

    def seed_text(self, seed: Seed) -> Markup:
        return highlight(seed, self.marks(seed.id))


def _n(count: int, noun: str) -> str:
    """``1 fact``, ``2 facts``, ``3 entities``."""
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"


_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def highlight(seed: Seed, marks: list[Mark]) -> Markup:
    """The seed body as escaped text, each cited span in a ``<mark>`` with the citation's anchor.

    Spans may nest or overlap; marks must nest, so a mark that outlives an inner one's parent is
    closed and reopened (the continuation carries no id). Each citation starts with its number
    ``[k]``, a link to its fact; passages are numbered by start offset (see :meth:`View.marks`).
    Line breaks become ``&#10;`` so the whole text is one line of raw HTML: a blank line would end
    Markdown's raw block and let Markdown loose on the evidence.
    """
    body = seed.body
    starts: dict[int, list[Mark]] = defaultdict(list)
    ends: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        starts[mark.citation.start].append(mark)
        ends[mark.citation.end].append(mark)
    cuts = sorted({0, len(body), *starts, *ends})
    out: list[Markup] = []
    stack: list[Mark] = []
    for i, pos in enumerate(cuts):
        ending = [m for m in stack if m.citation.end == pos]
        if ending:
            lowest = min(stack.index(m) for m in ending)
            reopen = [m for m in stack[lowest:] if m.citation.end != pos]
            out.append(Markup("</mark>") * (len(stack) - lowest))
            del stack[lowest:]
            for mark in reopen:
                out.append(Markup('<mark class="cite cite--cont">'))
                stack.append(mark)
        # Outer passages open first; each is numbered at its start, so numbers read in order.
        for mark in sorted(starts.get(pos, ()), key=lambda m: (-m.citation.end, m.k)):
            out.append(
                Markup(
                    '<mark class="cite" id="{}"><a class="cite-ref" href="../../facts/{}/#source-{}" '
                    'title="{}"><span class="sr-only">passage </span>[{}]</a>'
                ).format(
                    escape.slug(mark.anchor),
                    page_name(mark.fact.id),
                    mark.n,
                    escape.attr(mark.fact.statement),
                    mark.k,
                )
            )
            stack.append(mark)
        if i + 1 < len(cuts):
            out.append(escape.html(body[pos : cuts[i + 1]]))
    text = Markup("").join(out)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", Markup("&#10;"))


def _num(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _number(figure: Figure) -> Markup:
    """A figure's number or bounds: ``1,200``, ``12–20``, ``≥ 12``; ``—`` where the text gives none."""
    if figure.value is not None:
        text = _num(figure.value)
    elif figure.min is not None and figure.max is not None:
        text = f"{_num(figure.min)}–{_num(figure.max)}"
    elif figure.min is not None:
        text = f"≥ {_num(figure.min)}"
    elif figure.max is not None:
        text = f"≤ {_num(figure.max)}"
    else:
        text = "—"
    return escape.md(text)


@cache
def _language(code: str) -> Markup:
    """``German (de)``; a code we have no name for is shown as the code."""
    name = LANGUAGES.get(code.split("-")[0].lower())
    return escape.md(f"{name} ({code})" if name else code)


def _external(label: Markup, target: object) -> Markup:
    """A link that leaves the site (a seed's or entity's URL): http(s) only, no opener, no referrer.

    Empty when the URL is not http(s), so no link is made at all.
    """
    href = escape.url(target)
    if not href:
        return Markup("")
    return escape.fill('[{}]({}){{ rel="noopener noreferrer" }}', label, href)


def _only_escaped(value: Any) -> Any:
    """Jinja ``finalize``: let through escaped markup and numbers, refuse anything else."""
    if isinstance(value, Markup) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    raise TypeError(f"template printed {type(value).__name__} {value!r:.80} without an escaping filter")


@cache
def _badge(word: str) -> Markup:
    """A status or corroboration level as a coloured label; the words are a fixed vocabulary."""
    return escape.fill('<span class="badge badge--{}">{}</span>', escape.slug(word), escape.md(word))


@cache
def _date(date: FuzzyDate | None) -> Markup:
    """A date as precise as known, in words: ``5 August 2024``, ``August 2024 (day not stated)``.

    Plain text on purpose: pages list thousands of dates, and each inline tag costs the site
    engine's Markdown parser more than the rest of the line.
    """
    if date is None:
        return Markup("undated")
    note = "range" if date.is_range else PRECISION_NOTE[date.precision]
    return escape.md(f"{date.human()} ({note})" if note else date.human())


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dossier", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown output; values are escaped explicitly, and finalize checks it
        finalize=_only_escaped,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    filters: dict[str, Callable[..., Any]] = {
        "md": escape.md,
        "html": escape.html,
        "attr": escape.attr,
        "url": escape.url,
        "slug": escape.slug,
        "page": page_name,
        "date": _date,
        "number": _number,
        "language": _language,
    }
    env.filters.update(filters)
    env.globals.update(
        STATUS_MEANING=STATUS_MEANING,
        LEVEL_MEANING=LEVEL_MEANING,
        STATUSES=STATUSES,
        graph_svg=graph.svg,
        external=_external,
        n=lambda count, noun: escape.md(_n(count, noun)),
    )
    return env


# The titles of the index pages, by page; home.md has none (docs/index.md includes it).
_TITLES = {
    "entities/index.md": "Entities",
    "facts/index.md": "Facts",
    "sources/index.md": "Sources",
    "timeline.md": "Timeline",
    "disputes.md": "Disputes",
    "graph.md": "Graph",
    "downloads/index.md": "Downloads",
}


def front_matter(dossier: Dossier) -> dict[str, dict[str, Any]]:
    """What each page's front matter must say, keyed like :func:`render`'s pages.

    A page with no entry has no front matter. :func:`dossier.generated.verify_front_matter` reads
    every page back with MkDocs' own parser and compares it with this.
    """
    meta: dict[str, dict[str, Any]] = {rel: {"title": title} for rel, title in _TITLES.items()}
    for entity in dossier.entities:
        # An entity's page is its hub: a search for "S-300" finds it before the facts.
        meta[f"entities/{page_name(entity.id)}.md"] = {
            "title": escape.title(entity.name),
            "search": {"boost": 2},
        }
    for fact in dossier.facts:
        meta[f"facts/{page_name(fact.id)}.md"] = {"title": escape.title(fact.statement)}
    for seed in dossier.seeds:
        meta[f"sources/{page_name(seed.id)}.md"] = {"title": escape.title(seed.title)}
    return meta


def render(dossier: Dossier, *, built: str) -> dict[str, str]:
    """Every generated page, keyed by its path below ``docs/generated/``.

    ``built`` is the build date shown on the home page; passing it in keeps rendering pure.
    Templates render the body; the front matter comes from :func:`front_matter`, emitted by
    :func:`dossier.escape.front_matter` so that no value can break it.
    """
    pages = _bodies(dossier, built)
    for rel, meta in front_matter(dossier).items():
        pages[rel] = escape.front_matter(meta) + pages[rel]
    return pages


def _bodies(dossier: Dossier, built: str) -> dict[str, str]:
    env = environment()
    view = View(dossier, built)

    def page(template: str, **context: Any) -> str:
        return env.get_template(template).render(v=view, **context)

    # home.md is not a page of its own: docs/index.md includes it, so its links start at docs/.
    pages = {
        "home.md": page("home.md.j2", root=Markup("generated/")),
        "entities/index.md": page("entities.md.j2", root=Markup("../")),
        "facts/index.md": page("facts.md.j2", root=Markup("../")),
        "sources/index.md": page("sources.md.j2", root=Markup("../")),
        "timeline.md": page("timeline.md.j2", root=Markup("")),
        "disputes.md": page("disputes.md.j2", root=Markup("")),
        "graph.md": page("graph.md.j2", root=Markup("")),
        "downloads/index.md": page("downloads.md.j2", root=Markup("../"), files=export.FILE_NAMES),
    }
    entity_page = env.get_template("entity.md.j2")
    fact_page = env.get_template("fact.md.j2")
    seed_page = env.get_template("seed.md.j2")
    root = Markup("../")
    for entity in dossier.entities:
        pages[f"entities/{page_name(entity.id)}.md"] = entity_page.render(v=view, root=root, entity=entity)
    for fact in dossier.facts:
        pages[f"facts/{page_name(fact.id)}.md"] = fact_page.render(v=view, root=root, fact=fact)
    for seed in dossier.seeds:
        pages[f"sources/{page_name(seed.id)}.md"] = seed_page.render(v=view, root=root, seed=seed)
    return pages
