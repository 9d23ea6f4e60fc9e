"""Stage 3: the checked dossier as Markdown pages, in memory. Pure: nothing is read or written.

:func:`render` returns ``{path below docs/generated/: Markdown text}``. Templates live in
``dossier/templates/``; Jinja runs with ``StrictUndefined`` and without autoescape (the output is
Markdown, not HTML), so every value must pass an escaping filter from :mod:`dossier.escape`, and
the environment's ``finalize`` refuses any printed value that did not.

Where pages live and how they link is :mod:`dossier.urls`'s business: each page is rendered with
``at``, its :class:`~dossier.urls.Place`, and asks it for every href. Markdown links are relative
``.md`` links, which both engines check and rewrite; raw HTML (the highlighted seed text, the graph)
gets hrefs written for the engine that builds the site.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, partial
from itertools import islice
from typing import Any, Generic, TypeVar

import jinja2
from markupsafe import Markup

from dossier import cite, escape, export, facets, graph, pagecache, urls
from dossier.dates import FuzzyDate
from dossier.diagnostics import RULES
from dossier.graph import Graph
from dossier.history import Change
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
    "relayed": "several outlets, one origin (or origins that name no one): one report repeated, "
    "not several confirmations",
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


@dataclass(frozen=True)
class Mark:
    """A cited passage on a seed page: which fact cites it (citation ``n``) and its number ``k``."""

    fact: Fact
    citation: Citation
    n: int
    k: int

    @property
    def anchor(self) -> Markup:
        return urls.passage(self.fact.id, self.n)


@dataclass(frozen=True)
class FigureConflict:
    """Figures of one measure in one fact that give different numbers."""

    fact: Fact
    measure: str
    figures: tuple[Figure, ...]


NEIGHBOURS = 20  # entities drawn around an entity on its page; the rest are in its list


@dataclass(frozen=True)
class When:
    """Where a fact sits on the timeline: its own date, or (``reported``) its first report's."""

    date: FuzzyDate
    reported: bool


class View:
    """The dossier with the derived indexes the pages need, computed once per build."""

    def __init__(
        self,
        dossier: Dossier,
        built: str,
        engine: str = urls.DEFAULT_ENGINE,
        history: Mapping[str, Change] | None = None,
        site_url: str = "",
    ) -> None:
        self.d = dossier
        self.built = built
        self.engine = engine
        self.history = history  # None: no git history to ask (see dossier.history)
        self.site_url = site_url
        self._fact_links: dict[tuple[str, str], Markup] = {}
        self._entity_links: dict[tuple[str, str], Markup] = {}
        self._levels: dict[str, Markup] = {}
        self._md_cache: dict[str, Markup] = {}
        self._corroborations: dict[str, Corroboration] = {}
        self._timeline_cache: dict[
            int, tuple[list[Fact], dict[int, dict[int, int]], dict[tuple[int, int], Fact]]
        ] = {}

    def name(self, entity_id: str) -> str:
        entity = self.d.entity.get(entity_id)
        return entity.name if entity else entity_id

    def names(self, entity_ids: Iterable[str]) -> str:
        return ", ".join(self.name(e) for e in entity_ids)

    def corroboration(self, fact: Fact) -> Corroboration:
        # Each fact's once, when first asked: serve renders an edited fact's page alone first.
        found = self._corroborations.get(fact.id)
        if found is None:
            found = self._corroborations[fact.id] = self.d.corroboration(fact)
        return found

    # --- fragments the templates share; each returns escaped Markdown/HTML -----------------
    # Pages repeat these thousands of times, so they are cached and built with escape.fill.
    # Links depend on the folder they are written from, so the caches key on it, not the page.
    def fact_link(self, fact: Fact, at: urls.Place) -> Markup:
        key = (fact.id, at.folder)
        if key not in self._fact_links:
            self._fact_links[key] = escape.fill(
                "[{}]({})", escape.md(fact.statement), at.md(urls.fact(fact.id))
            )
        return self._fact_links[key]

    def entity_link(self, entity_id: str, at: urls.Place) -> Markup:
        key = (entity_id, at.folder)
        if key not in self._entity_links:
            self._entity_links[key] = escape.fill(
                "[{}]({})", escape.md(self.name(entity_id)), at.md(urls.entity(entity_id))
            )
        return self._entity_links[key]

    def seed_link(self, seed: Seed, at: urls.Place, anchor: str = "") -> Markup:
        return escape.fill("[{}]({})", self._md(seed.title), at.md(urls.seed(seed.id), anchor))

    def entity_links(self, entity_ids: Iterable[str], at: urls.Place) -> Markup:
        return escape.join(", ", (self.entity_link(e, at) for e in entity_ids))

    def status(self, status: str) -> Markup:
        return _badge(status)

    def level(self, fact: Fact) -> Markup:
        if fact.id not in self._levels:
            c = self.corroboration(fact)
            unnamed = f", {len(c.unidentified)} unnamed" if c.unidentified else ""
            detail = f"({_n(len(c.outlets), 'outlet')}, {_n(len(c.origins), 'origin')}{unnamed})"
            self._levels[fact.id] = escape.fill("{} {}", _badge(c.level), escape.md(detail))
        return self._levels[fact.id]

    def badges(self, fact: Fact) -> Markup:
        return escape.fill("{} {}", self.status(fact.status), self.level(fact))

    def rule_link(self, code: str, at: urls.Place) -> Markup:
        """``[W409 number-not-quoted](../checks.md#w409)``: a check linked to its entry on the
        generated checks page (every dossier has it, unlike this repository's docs/rules.md);
        a code the catalogue does not know stays plain text."""
        rule = RULES.get(code)
        if rule is None:
            return escape.md(code)
        return escape.fill(
            "[{} {}]({})", escape.md(code), escape.md(rule.name), at.md(urls.CHECKS, code.lower())
        )

    def rule_summary(self, code: str) -> Markup:
        """What the check flags, in the catalogue's words."""
        rule = RULES.get(code)
        return escape.md(rule.summary if rule else "A check this version of dossier does not know.")

    def _md(self, text: str) -> Markup:
        if text not in self._md_cache:
            self._md_cache[text] = escape.md(text)
        return self._md_cache[text]

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

    def entities_by_type(
        self, entities: Iterable[Entity] | None = None
    ) -> list[tuple[str, str, list[Entity]]]:
        groups: dict[str, list[Entity]] = defaultdict(list)
        for entity in self.d.entities if entities is None else entities:
            groups[entity.type].append(entity)
        return [
            (t, TYPE_HEADINGS[t], sorted(groups[t], key=lambda e: (e.name.lower(), e.id)))
            for t in ENTITY_TYPES
            if groups.get(t)
        ]

    def facts_with_status(self, status: str, facts: Iterable[Fact] | None = None) -> list[Fact]:
        return [f for f in (self.sorted_facts if facts is None else facts) if f.status == status]

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

    # --- the timeline ---------------------------------------------------------------------
    def when(self, fact: Fact) -> When | None:
        """Where a fact sits on the timeline: when it happened, or else when it was first reported
        (the earliest publication date of its cited seeds). None only for a fact with no source."""
        return self._when.get(fact.id)

    @cached_property
    def _when(self) -> dict[str, When]:
        found = {}
        for fact in self.d.facts:
            if fact.date is not None:
                found[fact.id] = When(fact.date, False)
                continue
            published = [self.d.seed[c.seed].published for c in fact.sources if c.seed in self.d.seed]
            if published:
                found[fact.id] = When(min(published, key=lambda d: (d.start, d.end)), True)
        return found

    @cached_property
    def timeline_facts(self) -> list[Fact]:
        """Facts in timeline order: by when they sit on it (a year-only date before its January),
        those with no place last."""

        def key(fact: Fact) -> tuple[int, str, int, str]:
            when = self.when(fact)
            if when is None:
                return (1, "", 0, fact.id)
            return (0, when.date.start.isoformat(), when.date.precision != "year", fact.id)

        return sorted(self.d.facts, key=key)

    def timeline(
        self, facts: Iterable[Fact] | None = None
    ) -> list[tuple[int, Markup, list[tuple[str, Markup, list[Fact]]]]]:
        """Facts grouped by year, then by the month they start in: (year, anchor, [(label, anchor,
        facts)]). A year-only date gets its own group before that year's months, so it is never
        shown as happening in January. Facts with no place on the timeline are left out."""
        years: dict[int, dict[tuple[str, Markup], list[Fact]]] = {}
        for fact in self.timeline_facts if facts is None else facts:
            when = self.when(fact)
            if when is None:
                continue
            start = when.date.start
            if when.date.precision == "year":
                key = (f"{start.year}, month not stated", urls.year_unstated(start.year))
            else:
                key = (f"{_MONTHS[start.month - 1]} {start.year}", urls.month(start.year, start.month))
            years.setdefault(start.year, {}).setdefault(key, []).append(fact)
        return [
            (year, urls.year(year), [(label, anchor, group) for (label, anchor), group in months.items()])
            for year, months in years.items()
        ]

    def undated(self, facts: Iterable[Fact] | None = None) -> list[Fact]:
        return [f for f in (self.timeline_facts if facts is None else facts) if self.when(f) is None]

    def track(self, fact: Fact) -> Markup:
        """A fact's mark on its month (or, for a year-only date, its year), as raw inline HTML.

        A day is a point, a month or year a band across it, a range a bar (cut at the end of the
        month, with an arrow, when it runs on); a fact placed by its first report is drawn hollow.
        Only numbers and fixed class names go into the markup. Hidden from screen readers: the
        words beside it say the same.
        """
        when = self.when(fact)
        if when is None:
            return Markup("")
        date = when.date
        if date.precision == "year":
            first, last = dt.date(date.start.year, 1, 1), dt.date(date.start.year, 12, 31)
        else:
            first = date.start.replace(day=1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        span = (last - first).days + 1
        end = min(date.end, last)
        left = 100 * (date.start - first).days / span
        width = 100 * ((end - date.start).days + 1) / span
        shape = "range" if date.is_range else date.precision
        classes = f"tl-mark tl-mark--{shape}"
        if when.reported:
            classes += " tl-mark--reported"
        if date.end > last:
            classes += " tl-mark--runs-on"
        scale = "year" if date.precision == "year" else "month"
        return escape.fill(
            '<span class="tl-track tl-track--{}" aria-hidden="true"><span class="{}" '
            'style="left:{:.2f}%;width:{:.2f}%"></span></span>',
            escape.attr(scale),
            escape.attr(classes),
            left,
            width,
        )

    def timeline_overview(self, facts: list[Fact], at: urls.Place, page_of: Callable[[Fact], str]) -> Markup:
        """The zoom bar: each year and its twelve months, a month's bar as tall as its share of
        the busiest month, each a link to its section (on whichever page of a split timeline
        holds it). Raw HTML: works without JavaScript, as plain links to anchors."""
        counts, firsts = self._timeline_counts(facts)
        target: dict[tuple[int, int], Markup] = {}
        for (y, m), fact in firsts.items():
            anchor = urls.year(y) if m == -1 else urls.year_unstated(y) if m == 0 else urls.month(y, m)
            target[(y, m)] = self._here(at, page_of(fact), anchor)
        if not counts:
            return Markup("")
        busiest = max(n for months in counts.values() for n in months.values())
        out = [Markup('<nav class="tl-overview" aria-label="Zoom the timeline to a year or month">')]
        for y, months in counts.items():
            total = sum(months.values())
            out.append(
                escape.fill(
                    '<div class="tl-ov-year"><a class="tl-ov-label" href="{}" aria-label="{}">{}</a>'
                    '<ol class="tl-ov-months">',
                    target[(y, -1)],
                    escape.attr(f"{y}: {_n(total, 'fact')}"),
                    y,
                )
            )
            for m in range(0, 13):
                n = months.get(m, 0)
                if m == 0 and not n:
                    continue
                name = f"{y}, month not stated" if m == 0 else f"{_MONTHS[m - 1]} {y}"
                short = "?" if m == 0 else _MONTHS[m - 1][:3]
                if n:
                    out.append(
                        escape.fill(
                            '<li><a href="{}" aria-label="{}">'
                            '<span class="tl-ov-bar" style="height:{:.0f}%"></span>'
                            '<span class="tl-ov-m">{}</span></a></li>',
                            target[(y, m)],
                            escape.attr(f"{name}: {_n(n, 'fact')}"),
                            max(8, 100 * n / busiest),
                            escape.html(short),
                        )
                    )
                else:
                    out.append(
                        escape.fill(
                            '<li class="tl-ov-none"><span class="tl-ov-m">{}</span></li>', escape.html(short)
                        )
                    )
            out.append(Markup("</ol></div>"))
        out.append(Markup("</nav>"))
        return Markup("").join(out)

    def _timeline_counts(
        self, facts: list[Fact]
    ) -> tuple[dict[int, dict[int, int]], dict[tuple[int, int], Fact]]:
        """Facts per year and month (0: month not stated) and the first fact of each month and
        (month -1) of each year. Every page of a split timeline draws the same zoom bar, so this
        is counted once per list, not once per page (257 pages × 10,000 facts)."""
        cached = self._timeline_cache.get(id(facts))
        if cached is not None and cached[0] is facts:
            return cached[1], cached[2]
        counts: dict[int, dict[int, int]] = {}
        firsts: dict[tuple[int, int], Fact] = {}
        for fact in facts:
            when = self.when(fact)
            if when is None:
                continue
            y = when.date.start.year
            m = 0 if when.date.precision == "year" else when.date.start.month
            counts.setdefault(y, {}).setdefault(m, 0)
            counts[y][m] += 1
            firsts.setdefault((y, m), fact)
            firsts.setdefault((y, -1), fact)
        self._timeline_cache[id(facts)] = (facts, counts, firsts)  # the list is kept: its id stays its own
        return counts, firsts

    @staticmethod
    def _here(at: urls.Place, page: str, anchor: Markup) -> Markup:
        """A raw-HTML href to ``anchor`` on ``page``: the fragment alone when it is this page."""
        if urls.docs_path(page) == at.source:
            return escape.fill("#{}", anchor)
        return at.html(page, anchor)

    def reported(self, fact: Fact) -> list[tuple[Markup, list[str]]]:
        """When the fact was reported: each publication date (marked where inferred) with the
        outlets that published then."""
        dates: dict[tuple[FuzzyDate, bool], set[str]] = defaultdict(set)
        for citation in fact.sources:
            seed = self.d.seed[citation.seed]
            dates[(seed.published, "published" in seed.inferred)].add(seed.outlet)
        return [
            (_published_text(d, inferred), sorted(dates[(d, inferred)], key=lambda o: self.name(o).lower()))
            for d, inferred in sorted(dates)
        ]

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

    def dispute_question(self, group: list[Fact]) -> Markup:
        """What a dispute is about: the plain-language ``question:`` an analyst gave one of its
        facts (the first in the group's order), else, in the data's own words, the statement of
        its first disputed or denied claim, framed by that status (``Disputed: …``). Nothing is
        made up: a dispute of claims that only contradict each other is ``Contradicted: <the
        first claim>``."""
        asked = next((f.question for f in group if f.question), "")
        if asked:
            return escape.md(asked)
        contested = [f for f in group if f.status in ("disputed", "denied")]
        head = contested[0] if contested else group[0]
        frame = head.status.capitalize() if contested else "Contradicted"
        return escape.md(f"{frame}: {head.statement}")

    def dispute_sides(self, group: list[Fact], at: urls.Place) -> Markup:
        """The claims of a dispute side by side (a CSS grid; stacked on a narrow screen), each with
        its status, corroboration, date and quoted sources. Raw HTML, so hrefs are written for the
        engine (see :mod:`dossier.urls`) and every value passes :func:`dossier.escape.html`."""
        out = [escape.fill('<div class="dispute-sides dispute-sides--{}">', min(len(group), 3))]
        for i, fact in enumerate(group, 1):
            c = self.corroboration(fact)
            unnamed = f", {len(c.unidentified)} unnamed" if c.unidentified else ""
            detail = f"({_n(len(c.outlets), 'outlet')}, {_n(len(c.origins), 'origin')}{unnamed})"
            label = f"Side {i} of {len(group)}" if len(group) > 1 else "The claim"
            out.append(
                escape.fill(
                    '<div class="dispute-side" id="{}"><p class="dispute-side__label">{}</p>'
                    '<p class="dispute-side__claim"><a href="{}">{}</a></p>'
                    '<p class="dispute-side__meta">{} {} {} · {}</p><ul class="dispute-side__sources">',
                    escape.fill("fact-{}", escape.slug(fact.id)),
                    escape.html(label),
                    at.html(urls.fact(fact.id)),
                    escape.html(fact.statement),
                    _badge(fact.status),
                    _badge(c.level),
                    escape.html(detail),
                    _happened(fact),  # a date in words: nothing Markdown or HTML would read
                )
            )
            for n, source in enumerate(fact.sources, 1):
                seed = self.d.seed[source.seed]
                credit = f" (crediting {self.names(source.attributed_to)})" if source.attributed_to else ""
                translation = (
                    escape.fill(
                        ' <span class="dispute-side__translation">(translation: “{}”)</span>',
                        escape.html(source.translation),
                    )
                    if source.translation
                    else Markup("")
                )
                out.append(
                    escape.fill(
                        '<li>{}: <q>{}</q>{} — <a href="{}">{}</a></li>',
                        escape.html(f"{self.name(seed.outlet)}{credit}"),
                        escape.html(source.quote),
                        translation,
                        at.html(urls.seed(seed.id), urls.passage(fact.id, n)),
                        escape.html(seed.title),
                    )
                )
            out.append(Markup("</ul></div>"))
        out.append(Markup("</div>"))
        return Markup("").join(out)

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
        return self._status_counts

    @cached_property
    def _status_counts(self) -> list[tuple[str, int]]:
        # Once per build: list pages ask on every part, and each count walks every fact.
        return [(s, sum(f.status == s for f in self.d.facts)) for s in STATUSES]

    def level_counts(self) -> list[tuple[str, int]]:
        return [
            (level, sum(self.corroboration(f).level == level for f in self.d.facts))
            for level in ("independent", "relayed", "single")
        ]

    @cached_property
    def graph(self) -> graph.Graph:
        return graph.build(self.d)

    # --- the fact page: its heading, history, citation; the breadcrumbs of every item page -------
    def short_title(self, fact: Fact) -> str:
        return cite.short_title(fact.statement)

    def last_changed(self, fact: Fact) -> Change | None:
        """The fact's last commit; None when there is no git history (the page then says nothing)."""
        return None if self.history is None else self.history.get(fact.id)

    def citation(self, fact: Fact) -> cite.Citation:
        return cite.citation(self.d.title, fact, self.last_changed(fact), self.site_url)

    def breadcrumbs(self, at: urls.Place, section: str, label: str, here: str) -> Markup:
        """``Home › Facts › <this page>``: a trail of Markdown links, the page itself as text.

        A paragraph with attributes (attr_list), so both engines render it alike, links checked.
        """
        return escape.fill(
            '[Home]({}) › [{}]({}) › {}\n{{: .dossier-breadcrumbs role="navigation" aria-label="Breadcrumb" }}',
            at.home(),
            escape.md(label),
            at.md(section),
            escape.md(here),
        )

    def json_ld(self, fact: Fact) -> Markup:
        return escape.json_ld(export.claim(self.d, fact))

    def seed_text(self, seed: Seed, at: urls.Place) -> Markup:
        return highlight(seed, self.marks(seed.id), at)

    def graph_svg(self, at: urls.Place, title: str) -> Markup:
        return graph.svg(self.graph, title, lambda entity_id: at.html(urls.entity(entity_id)))

    def neighbourhood(self, entity_id: str) -> Graph:
        """An entity and its most connected neighbours, for its page (see graph.neighbourhood)."""
        return graph.neighbourhood(self.d, entity_id, NEIGHBOURS)

    def neighbourhood_svg(self, near: Graph, at: urls.Place) -> Markup:
        name = self.name(near.centre)
        return graph.svg(
            near,
            f"{name} and the entities it shares facts with",
            lambda entity_id: at.html(urls.entity(entity_id)),
            ident="near",
            desc=f"{name} in the middle, joined to each entity it shares facts with; a thicker line "
            "for more shared facts; each circle links to its entity's page. The same entities are "
            "listed under Related entities.",
        )


def _n(count: int, noun: str) -> str:
    """``1 fact``, ``2 facts``, ``3 entities``."""
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"


_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def highlight(seed: Seed, marks: list[Mark], at: urls.Place | None = None) -> Markup:
    """The seed body as escaped text, each cited span in a ``<mark>`` with the citation's anchor.

    Spans may nest or overlap; marks must nest, so a mark that outlives an inner one's parent is
    closed and reopened (the continuation carries no id). Each citation starts with its number
    ``[k]``, a link to its fact; passages are numbered by start offset (see :meth:`View.marks`).
    Line breaks become ``&#10;`` so the whole text is one line of raw HTML: a blank line would end
    Markdown's raw block and let Markdown loose on the evidence. The ``[k]`` links are raw HTML, so
    their hrefs are written for the engine ``at`` names (see :mod:`dossier.urls`).
    """
    at = at or urls.Place.of(urls.seed(seed.id))
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
            # A foreign-language passage's translation follows it, outside its mark.
            out.extend(_translation(m) for m in sorted(ending, key=lambda m: m.k) if m.citation.translation)
            for mark in reopen:
                # The continuation names its passage, so the reader script can focus all of it.
                out.append(Markup('<mark class="cite cite--cont" data-passage="{}">').format(mark.anchor))
                stack.append(mark)
        # Outer passages open first; each is numbered at its start, so numbers read in order.
        for mark in sorted(starts.get(pos, ()), key=lambda m: (-m.citation.end, m.k)):
            out.append(
                Markup(
                    '<mark class="cite" id="{}"><a class="cite-ref" href="{}" '
                    'title="{}"><span class="sr-only">passage </span>[{}]</a>'
                ).format(
                    mark.anchor,
                    at.html(urls.fact(mark.fact.id), urls.source(mark.n)),
                    escape.attr(mark.fact.statement),
                    mark.k,
                )
            )
            stack.append(mark)
        if i + 1 < len(cuts):
            out.append(escape.html(body[pos : cuts[i + 1]]))
    text = Markup("").join(out)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", Markup("&#10;"))


def _translation(mark: Mark) -> Markup:
    """The citation's translation as a note beside its passage, in English, named for its number."""
    return Markup(
        '<span class="cite-translation" role="note" lang="en" data-passage="{}">'
        '<span class="cite-translation__label">Translation [{}]:</span> {}</span>'
    ).format(mark.anchor, mark.k, escape.html(mark.citation.translation or ""))


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


def _published(seed: Seed) -> Markup:
    """A seed's publication date, marked where its text does not print it (``inferred:``)."""
    return _published_text(seed.published, "published" in seed.inferred)


def _published_text(date: FuzzyDate, inferred: bool) -> Markup:
    when = _date(date)
    return escape.fill("{} (inferred)", when) if inferred else when


def _happened(fact: Fact) -> Markup:
    """When a fact happened, marked where no source states the date and the editor inferred it."""
    when = _date(fact.date)
    return escape.fill("{} (inferred)", when) if fact.date is not None and fact.date_inferred else when


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
        "date": _date,
        "happened": _happened,
        "published": _published,
        "number": _number,
        "language": _language,
    }
    env.filters.update(filters)
    env.globals.update(
        STATUS_MEANING=STATUS_MEANING,
        LEVEL_MEANING=LEVEL_MEANING,
        STATUSES=STATUSES,
        TYPE_HEADINGS=TYPE_HEADINGS,
        urls=urls,
        external=_external,
        n=lambda count, noun: escape.md(_n(count, noun)),
    )
    return env


# --- long lists, split by size ----------------------------------------------------------------
# Zensical refuses a page section whose search text exceeds 8192 token positions (0.0.73:
# "exceeds the search index limit"), and a page of thousands of lines is no use to a reader either.
# A list page is rendered whole; when its text is over the budget it is split by its natural
# keys (year, then month; type, then letter), each part rendered and measured again, and a part
# still over the budget at the finest key is cut into numbered pieces. The budget is measured
# in the same unit as the limit, words of the page's text, with room to spare for what the
# engine counts that we do not (headings, link targets, the page title).
SEARCH_BUDGET = 4000
# The longest part name a list gets (a year's "month not stated" group, tenth part): the page around
# a list is measured with every link pointing at a part of this name, so no real part is longer.
_LONG_PART = "2024-2024-year-10"
_WORD = re.compile(r"\w+")


def tokens(text: str) -> int:
    """Words in a page's Markdown: what a search index counts, near enough (links add a few)."""
    return len(_WORD.findall(text))


T = TypeVar("T")
Level = Callable[[T], tuple[str, str]]  # an item's key (a slug part) and its label at one level


@dataclass(frozen=True)
class Part(Generic[T]):
    """One page of a split list: its key (for the file name), its label and the items on it."""

    key: str
    label: str
    items: list[T]


def split(
    items: list[T],
    levels: list[Level[T]],
    weight: Callable[[T], int],
    budget: int,
    key: str = "",
    label: str = "",
) -> list[Part[T]]:
    """``items`` in parts whose weights sum to at most ``budget``, in their order.

    Items come ordered by their keys (the timeline by date, the facts index by status, then date),
    so that each group is one run of the list and the parts read in the list's order.

    One part when the whole fits; else grouped by the first level's key, and each group split
    again by the remaining levels; past the last level, packed greedily into numbered pieces. A
    level whose key every item shares still names the part (``2024-08``), so a part's file name
    does not change when a second year arrives. Only a single item over the budget stays over it.
    """
    if sum(weight(item) for item in items) <= budget or len(items) <= 1:
        return [Part(key, label, items)]
    if levels:
        groups: dict[tuple[str, str], list[T]] = {}
        for item in items:
            groups.setdefault(levels[0](item), []).append(item)
        return [
            part
            for (k, name), group in groups.items()
            for part in split(group, levels[1:], weight, budget, _join(key, k), name)
        ]
    pieces: list[list[T]] = [[]]
    used = 0
    for item in items:
        if pieces[-1] and used + weight(item) > budget:
            pieces.append([])
            used = 0
        pieces[-1].append(item)
        used += weight(item)
    return [Part(_join(key, str(i)), _piece(label, i), piece) for i, piece in enumerate(pieces, 1)]


def _join(key: str, part: str) -> str:
    return f"{key}-{part}" if key else part


def _piece(label: str, n: int) -> str:
    return f"{label}, part {n}" if label else f"Part {n}"


def _letter(name: str) -> tuple[str, str]:
    """The first letter of a name, for splitting an alphabetical list: ``a`` ... ``z``, ``other``."""
    first = name[:1].lower()
    return (first, first.upper()) if first.isascii() and first.isalnum() else ("other", "Other")


def _year(date: FuzzyDate | None) -> tuple[str, str]:
    return (str(date.start.year), str(date.start.year)) if date else ("undated", "Undated")


def _month(date: FuzzyDate | None) -> tuple[str, str]:
    if date is None:
        return ("undated", "Undated")
    if date.precision == "year":
        return (f"{date.start.year}-year", f"{date.start.year} (month not stated)")
    return (f"{date.start.month:02d}", f"{_MONTHS[date.start.month - 1]} {date.start.year}")


@dataclass(frozen=True)
class Rendered:
    """The generated pages (front matter included) and what each page's front matter says.

    ``meta`` is the intent: :func:`dossier.generated.verify_front_matter` reads every page back
    with MkDocs' own parser and compares it with this. A page with no entry has no front matter.
    """

    pages: dict[str, str]
    meta: dict[str, dict[str, Any]]


def render(
    dossier: Dossier,
    *,
    built: str,
    engine: str = urls.DEFAULT_ENGINE,
    history: Mapping[str, Change] | None = None,
    site_url: str = "",
) -> dict[str, str]:
    """Every generated page, keyed by its path below ``docs/generated/`` (see :func:`render_site`)."""
    return render_site(dossier, built=built, engine=engine, history=history, site_url=site_url).pages


def render_site(
    dossier: Dossier,
    *,
    built: str,
    engine: str = urls.DEFAULT_ENGINE,
    history: Mapping[str, Change] | None = None,
    site_url: str = "",
    cache: pagecache.PageCache | None = None,
    emit: Emit | None = None,
) -> Rendered:
    """Every generated page and its front matter.

    ``built`` is the build date shown on the home page; passing it in keeps rendering pure.
    ``engine`` is the site engine the pages are for: raw-HTML links differ (see :mod:`dossier.urls`).
    ``history`` is when each fact last changed (:func:`dossier.history.for_project`; None: not
    known), ``site_url`` the published site's address (permalinks are paths without it).
    Templates render the bodies; the front matter is data, emitted by
    :func:`dossier.escape.front_matter` so that no value can break it.

    ``emit``: called with each fact, entity, seed and list page (its path, text and front matter)
    as soon as it is rendered; those pages are then not in the result, so that they are never all
    held at once. With ``cache`` (which needs ``emit``: it holds no page, only the stamp of each
    page's file), a fact, entity or seed page whose inputs are unchanged and whose file is still
    as written is not rendered: ``emit`` gets None for its text and front matter (see
    :mod:`dossier.pagecache`).
    """
    bodies, meta = _bodies(dossier, built, engine, history, site_url, cache, emit)
    pages = {rel: _page(body, meta.get(rel)) for rel, body in bodies.items()}
    return Rendered(pages, meta)


def fact_body(view: View, fact: Fact) -> tuple[str, str, dict[str, Any]]:
    """A fact's page as :func:`render_site` renders it: its path below docs/generated/, its body
    and its front matter. ``serve`` writes an edited fact's page with this before the rest."""
    path = urls.fact(fact.id)
    body = (
        environment()
        .get_template("fact.md.j2")
        .render(v=view, at=urls.Place.of(path, view.engine), fact=fact)
    )
    return path, body, _title(fact.statement, "")  # the browser tab and search: the whole statement


# Where render_site sends each fact, entity and seed page: path, text and front matter (None
# and None: the page's file is as the cache says it was written).
Emit = Callable[[str, str | None, dict[str, Any] | None], None]


def _page(body: str, front: dict[str, Any] | None) -> str:
    """A page's text: its front matter (if any), then its body."""
    return body if front is None else escape.front_matter(front) + body


_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _fix(text: str) -> Markup:
    """A rule's fix for the checks page, as text: its links to this repository's docs/ reduced to
    their words first (a dossier has no such pages)."""
    return escape.fill("**Fix:** {}", escape.md(_MD_LINK.sub(r"\1", text))) if text else escape.md("")


def _title(base: str, part: str) -> dict[str, Any]:
    """Front matter for a page titled ``base`` (and ``part`` of it, for a split list)."""
    return {"title": escape.title(f"{base}: {part}" if part else base)}


def _bodies(
    dossier: Dossier,
    built: str,
    engine: str,
    history: Mapping[str, Change] | None,
    site_url: str,
    cache: pagecache.PageCache | None = None,
    emit: Emit | None = None,
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    if cache is not None and emit is None:
        raise ValueError("a page cache holds no pages, only their files' stamps: render_site needs emit")
    env = environment()
    view = View(dossier, built, engine, history, site_url)
    # What every page depends on besides its own inputs: the engine, the build date, the site's
    # address (permalinks) and the dossier's title (citations).
    context = pagecache.context_key(engine, built, site_url, dossier.title) if cache is not None else ""
    # serve: the pages an edit since the last round may have changed; every other page keeps its
    # last key, its inputs not even computed (None: compute every page's, see pagecache.touched).
    stale: set[str] | None = None
    now = pagecache.outline(dossier, history, context) if cache is not None else None
    if cache is not None and cache.previous is not None and now is not None:
        stale = pagecache.touched(cache.previous, now)

    def key_of(owner: str, inputs: Callable[[], list[Any]]) -> str:
        """The cache key of the page(s) of ``owner`` (``fact:ID``...): a digest of its inputs."""
        assert cache is not None
        key = cache.keys.get(owner)
        if key is None:
            key = cache.known.get(owner) if stale is not None and owner not in stale else None
            if key is None:
                key = pagecache.digest(context, inputs())
            else:
                cache.skipped += 1
            cache.keys[owner] = key
        return key

    def fact_key(fact: Fact) -> str:
        """A fact's page key: it covers everything a list shows of the fact (the timeline's,
        the facts index's and a dispute's lines read a subset of the fact page's inputs)."""
        return key_of(f"fact:{fact.id}", partial(pagecache.fact_inputs, view, fact))

    def seed_key(seed: Seed) -> str:
        return key_of(f"seed:{seed.id}", partial(pagecache.seed_inputs, view, seed))

    def reuse(owner: str, inputs: Callable[[], list[Any]], make: Callable[[], None]) -> None:
        """Run ``make`` (which renders pages) unless the cache says its pages for ``inputs`` are
        on disk as written; with ``emit``, hand the pages over instead of keeping them."""
        key = ""
        if cache is not None and emit is not None:  # emit is never None with a cache (above)
            key = key_of(owner, inputs)
            hit = cache.get(key)
            if hit is not None:
                for rel in hit:
                    emit(rel, None, None)  # on disk as written: neither rendered nor held
                return
        count = len(pages)
        make()
        # The pages make() added are the last ones in the dict (it only adds): taking them from
        # its end costs what they cost, where comparing key sets grew with every page before.
        added = list(reversed(list(islice(reversed(pages.keys()), len(pages) - count))))
        if cache is not None:
            cache.put(key, added)  # the stamp of each page's file comes once written (PageCache.stamp)
        if emit is not None:
            for rel in added:
                front = meta.pop(rel, None)
                emit(rel, _page(pages.pop(rel), front), front)

    def place(path: str) -> urls.Place:
        return urls.Place.of(path, engine)

    def page(template: str, path: str, **context: Any) -> str:
        return env.get_template(template).render(v=view, at=place(path), **context)

    # home.md has no front matter: docs/index.md includes it.
    meta: dict[str, dict[str, Any]] = {
        urls.GRAPH: _title("Graph", ""),
        urls.DOWNLOADS: _title("Downloads", ""),
        urls.CHECKS: _title("Checks", ""),
    }
    pages = {
        urls.HOME: page("home.md.j2", urls.HOME),
        urls.GRAPH: page("graph.md.j2", urls.GRAPH),
        urls.DOWNLOADS: page("downloads.md.j2", urls.DOWNLOADS, files=export.FILE_NAMES),
        urls.CHECKS: page("checks.md.j2", urls.CHECKS, rules=[(r, _fix(r.fix)) for r in RULES.values()]),
    }

    def listing(
        template: str,
        index: str,
        items: list[T],
        levels: list[Level[T]],
        title: str,
        extra: dict[str, Any] | None = None,
        item_key: Callable[[T], str] | None = None,
        flush: Callable[[], None] = lambda: None,
        **context: Any,
    ) -> None:
        """A list page, split into parts beside it when too long for the search index (see split);
        ``flush`` is called after each part.

        Each item is rendered once, by the template's ``item`` macro: its words are counted, and
        its text is printed as is on whichever page it lands (the template prints ``item_text``).
        Parts sit in the list page's folder, so the items' links are the same on any of them.
        With the page cache, an item whose ``item_key`` (a digest of at least everything its
        macro reads) was rendered before is taken from it with its word count.
        """
        tmpl = env.get_template(template)
        at = place(index)
        blank = {"v": view, "at": at, "part": "", "parts": (), "prev": None, "next": None, **context}
        # The whole list and the page each item lands on, for a page that links into every part
        # (the timeline's zoom bar); filled in once the parts are known. Until then every item is
        # on a part with a long name, so the page around the list is measured at its largest.
        page_at: dict[int, str] = {}
        fallback = [urls.part(index, _LONG_PART)]
        blank.update(all_items=items, page_of=lambda x: page_at.get(id(x), fallback[0]))
        module = tmpl.make_module({**blank, "items": [], "item_text": None})
        # The page around the list, as a part shows it: intro, a part label, links to the
        # neighbouring parts, and the front matter added later (its title and the label again).
        label = "September 2024 (month not stated), part 10"
        neighbour = (label, at.md(urls.part(index, _LONG_PART)), 0)
        around = tmpl.render(
            {**blank, "items": [], "item_text": None, "part": label}, prev=neighbour, next=neighbour
        )
        base = max(tokens(str(module)), tokens(around)) + tokens(f"{title}: {label}")
        item = getattr(module, "item")  # noqa: B009 - a macro, unknown to the type checker
        # Each item's text, rendered once: measured here, and printed as is on whichever page.
        # With the page cache it is held packed until printed: the texts of a 50,000-fact list
        # unpacked at once took 100 MB.
        texts: dict[int, Markup | bytes] = {}
        weights: dict[int, int] = {}
        for x in items:
            key = f"{template}\0{index}\0{item_key(x)}" if cache is not None and item_key is not None else ""
            kept = cache.item(key) if key and cache is not None else None
            if kept is None:
                text = Markup(item(x))  # noqa: S704 - template output, escaped inside
                weights[id(x)] = tokens(text)
                texts[id(x)] = (
                    cache.put_item(key, text, weights[id(x)]) if key and cache is not None else text
                )
            else:
                texts[id(x)], weights[id(x)] = kept

        def item_text(x: T) -> Markup:
            text = texts[id(x)]
            return text if isinstance(text, Markup) else Markup(pagecache.unpack(text))  # noqa: S704 - as above

        blank["item_text"] = item_text
        # What the list may fill: the budget less the page around it (at least a quarter of it, so a
        # page with a long fixed part still gets parts of a useful size).
        parts = split(items, levels, lambda x: weights[id(x)], max(SEARCH_BUDGET - base, SEARCH_BUDGET // 4))
        meta[index] = {**_title(title, ""), **(extra or {})}
        fallback[0] = index
        if len(parts) == 1:
            pages[index] = tmpl.render(blank, items=items)
            return
        page_at.update((id(x), urls.part(index, p.key)) for p in parts for x in p.items)
        nav = [(p.label, at.md(urls.part(index, p.key)), len(p.items)) for p in parts]
        pages[index] = tmpl.render(blank, items=[], parts=nav)
        for i, p in enumerate(parts):
            meta[urls.part(index, p.key)] = {**_title(title, p.label), **(extra or {})}
            pages[urls.part(index, p.key)] = tmpl.render(
                blank,
                items=p.items,
                part=p.label,
                prev=nav[i - 1] if i else None,
                next=nav[i + 1] if i + 1 < len(nav) else None,
            )
            flush()

    def listed(*args: Any, **kwargs: Any) -> None:
        """A list page (and its parts): with ``emit``, each page handed over as soon as it is
        made, so a build never holds a whole list's pages at once."""
        count = len(pages)

        def flush() -> None:
            if emit is not None:
                for rel in list(islice(pages.keys(), count, None)):
                    front = meta.pop(rel, None)
                    emit(rel, _page(pages.pop(rel), front), front)

        listing(*args, **{**kwargs, "flush": flush})
        flush()

    facts = view.sorted_facts

    def on_timeline(fact: Fact) -> FuzzyDate | None:
        when = view.when(fact)
        return when.date if when else None

    listed(
        "timeline.md.j2",
        urls.TIMELINE,
        view.timeline_facts,
        [lambda f: _year(on_timeline(f)), lambda f: _month(on_timeline(f))],
        "Timeline",
        item_key=fact_key,
    )
    pages[urls.FACETS_FACTS] = facets.facts(view)
    pages[urls.FACETS_ENTITIES] = facets.entities(view)
    listed(
        "facts.md.j2",
        urls.FACTS,
        sorted(facts, key=lambda f: STATUSES.index(f.status)),  # stable: each status in date order
        [lambda f: (f.status, f.status.capitalize()), lambda f: _year(f.date), lambda f: _month(f.date)],
        "Facts",
        item_key=fact_key,
    )
    entities = [e for _, _, group in view.entities_by_type() for e in group]
    listed(
        "entities.md.j2",
        urls.ENTITIES,
        entities,
        [lambda e: (e.type, TYPE_HEADINGS[e.type]), lambda e: _letter(e.name)],
        "Entities",
    )
    listed(
        "sources.md.j2",
        urls.SOURCES,
        view.outlets(),
        [lambda o: _letter(view.name(o[0]))],
        "Sources",
        # An outlet's seeds' page keys cover its section: each seed with its outlet's name, its
        # twins and the passages cited in it.
        item_key=lambda o: "+".join([o[0], *(seed_key(s) for s in o[1])]),
    )
    disputes = view.disputes()
    listed(
        "disputes.md.j2",
        urls.DISPUTES,
        disputes,
        [lambda g: _year(g[0].date), lambda g: _month(g[0].date)],
        "Disputes",
        item_key=lambda group: "+".join(fact_key(f) for f in group),
        contested=len(view.disputed()),
        dispute_count=len(disputes),
        conflicts=view.figure_conflicts(),
    )
    entity_page = env.get_template("entity.md.j2")
    seed_page = env.get_template("seed.md.j2")

    def entity_pages(entity: Entity) -> None:
        path = urls.entity(entity.id)
        meta[path] = _title(entity.name, "")
        facts_about = list(dossier.facts_about.get(entity.id, ()))
        pages[path] = entity_page.render(
            v=view, at=place(path), entity=entity, items=facts_about, part="", parts=(), prev=None, next=None
        )
        if tokens(pages[path]) > SEARCH_BUDGET:  # a hub: its facts are split like a list page
            listing(
                "entity.md.j2",
                path,
                facts_about,
                [lambda f: _year(f.date), lambda f: _month(f.date)],
                entity.name,
                entity=entity,
            )

    def fact_pages(fact: Fact) -> None:
        path, pages[path], meta[path] = fact_body(view, fact)

    def seed_pages(seed: Seed) -> None:
        path = urls.seed(seed.id)
        meta[path] = _title(seed.title, "")
        pages[path] = seed_page.render(v=view, at=place(path), seed=seed)

    # Each page is rendered from what pagecache.*_inputs list; the cache is keyed on exactly that.
    for entity in dossier.entities:
        reuse(
            f"entity:{entity.id}",
            partial(pagecache.entity_inputs, view, entity),
            partial(entity_pages, entity),
        )
    for fact in dossier.facts:
        reuse(f"fact:{fact.id}", partial(pagecache.fact_inputs, view, fact), partial(fact_pages, fact))
    for seed in dossier.seeds:
        reuse(f"seed:{seed.id}", partial(pagecache.seed_inputs, view, seed), partial(seed_pages, seed))
    if cache is not None:
        cache.previous = now
    return pages, meta
