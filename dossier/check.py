"""Stage 2: judge what was loaded. Every rule adds diagnostics; none raises or stops the others.

Only when no error remains is the :class:`~dossier.model.Dossier` built, so later stages never
see a dangling reference or an unanchored quote.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from dossier import dates, parallel, quotes
from dossier.diagnostics import Diagnostic, Severity, diag, sort_key
from dossier.ids import MAX_ID_LENGTH, NONBLANK, SLUG, Exact, not_ascii
from dossier.load import Loaded, load, problem_diagnostics
from dossier.model import (
    Citation,
    DateResolution,
    Dossier,
    Entity,
    Fact,
    Figure,
    KeptOriginal,
    Seed,
)
from dossier.project import Project
from dossier.seeds import SeedFile, original_file
from dossier.yamlload import CONTROL, YMap, YSeq, char_name

if TYPE_CHECKING:
    from dossier.incremental import Memory


@dataclass(frozen=True)
class CheckResult:
    """The findings, how many warnings the data acknowledged, and the dossier when sound."""

    diagnostics: tuple[Diagnostic, ...]
    acknowledged: int = 0
    dossier: Dossier | None = None

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)


@cache
def _schema(name: str) -> Any:
    import jsonschema  # imported late: the no-change fast path never needs it

    schema = json.loads(resources.files("dossier").joinpath(f"schema/{name}").read_text("utf-8"))
    # JSON Schema patterns are ECMA-262, where '$' is the end of the text; Python's re.search
    # would also let it match before a final newline ("s-300\n"). Anchored patterns are
    # therefore matched in full, as editors with the YAML language server match them.
    validator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator, {"pattern": _exact_pattern}
    )
    # Our schemas are not recursive, so every $ref can be replaced by its definition once.
    # That makes validating 10,000 facts about three times faster (3.6 s -> 1.3 s).
    return validator(_inline_refs(schema, schema.get("$defs", {})))


@cache
def _compiled(pattern: str) -> Any:
    if pattern.startswith("^") and pattern.endswith("$"):
        return Exact(pattern).match
    return re.compile(pattern).search


def _exact_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and not _compiled(pattern)(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            rest = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
            return {**_inline_refs(defs[ref.removeprefix("#/$defs/")], defs), **rest}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _pos(node: Any, path: list[Any], where: tuple[int, int] | None = None) -> tuple[int, int]:
    """Position of the value at ``path`` below ``node`` (or of its nearest located parent);
    ``where`` is the position of ``node`` itself where it knows none (a scalar list item)."""
    where = getattr(node, "pos", where or (1, 1))
    for step in path:
        if isinstance(node, dict) and step in node:
            where = node.value_pos[step]  # type: ignore[attr-defined]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            where = node.item_pos[step]  # type: ignore[attr-defined]
        else:
            break
        node = node[step]
    return where


def _describe(path: list[Any], root: str = "top level") -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or root


_KIND = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


@cache
def _part_schema(name: str, part: str) -> Any:
    """A validator for one part of a schema: ``items:KEY`` validates one item of the top-level
    list KEY, ``head`` the top level with every list item accepted as it is (each item is
    validated on its own). The parts' findings together are the whole schema's findings."""
    whole = _schema(name)
    schema = dict(whole.schema)
    properties = dict(schema["properties"])
    if part == "head":
        for key, value in properties.items():
            if isinstance(value, dict) and "items" in value:
                properties[key] = {**value, "items": True}
        return type(whole)({**schema, "properties": properties})
    return type(whole)(properties[part.removeprefix("items:")]["items"])


def schema_diagnostics(
    path: str,
    data: Any,
    schema_name: str,
    root: str = "top level",
    *,
    part: str = "",
    prefix: tuple[Any, ...] = (),
    at: tuple[int, int] | None = None,
) -> list[Diagnostic]:
    """Validate with JSON Schema; map each error to a code and to the line it is about.

    With ``part`` (see :func:`_part_schema`) ``data`` is that part, found at ``prefix`` below the
    top level and at position ``at``; findings read as the whole file's validation reads them."""
    found = []
    describe = partial(_describe, root=root)
    validator = _part_schema(schema_name, part) if part else _schema(schema_name)
    for error in validator.iter_errors(data):
        line, col = _pos(data, list(error.absolute_path), at)
        where = [*prefix, *error.absolute_path]
        field_name = where[-1] if where and isinstance(where[-1], str) else None
        code, message = "E201", error.message
        if error.validator == "required":
            missing = [r for r in error.validator_value if r not in error.instance]
            message = f"{describe(where)} is missing required field {missing[0]!r}"
            if missing[0] == "sources":
                code = "E204"
                message = f"{describe(where)} has no 'sources': every fact cites at least one seed"
        elif error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            extra = sorted(set(error.instance) - set(allowed))
            line, col = error.instance.key_pos[extra[0]]
            message = f"unknown field {extra[0]!r} in {describe(where)} (allowed: {', '.join(allowed)})"
        elif error.validator == "minItems" and field_name == "sources":
            code, message = "E204", f"{describe(where)} is empty: every fact cites at least one seed"
        elif error.validator == "pattern" and field_name in ("url", "archived"):
            code, message = (
                "E205",
                f"{error.instance!r} is not an http(s) URL; only http and https links are allowed",
            )
            if error.instance != error.instance.strip():
                message = (
                    f"{error.instance!r} is not an http(s) URL: remove the spaces or line breaks around it"
                )
        elif error.validator == "pattern" and field_name in ("date", "published"):
            code, message = (
                "E501",
                f"{error.instance!r} is not a date: write 2024, 2024-08, 2024-08-05 or a range A/B",
            )
        elif error.validator in ("pattern", "maxLength") and error.schema.get("pattern") == SLUG.pattern:
            code, message = "E203", _slug_message(error.instance, f"{error.instance!r} in {describe(where)}")
        elif error.validator == "pattern" and error.validator_value == NONBLANK.pattern:
            message = (
                f"{describe(where)} is blank: write the text, or leave the field out where it is optional"
            )
        elif error.validator == "type":
            wanted = error.validator_value
            wanted = [wanted] if isinstance(wanted, str) else wanted
            message = f"{describe(where)} must be {' or '.join(_KIND.get(w, w) for w in wanted)}, not {_kind_of(error.instance)}"
        elif error.validator == "enum":
            message = f"{error.instance!r} is not allowed in {describe(where)}: use one of {', '.join(map(str, error.validator_value))}"
        elif error.validator == "propertyNames":
            message = f"{describe(where)}: {error.message}"
        found.append(diag(path, line, col, code, message))
    return found


def _slug_message(value: str, named: str) -> str:
    """Why ``value`` (``named``, e.g. "'x' in facts[0].id") is not an id, in plain words."""
    odd = not_ascii(value)
    if odd is not None:
        return (
            f"{named} is not a slug: it holds {char_name(odd)}, which is not ASCII "
            "(it may look like a Latin letter); use a-z, 0-9 and single hyphens"
        )
    if len(value) > MAX_ID_LENGTH:
        return f"{named[:60]}... is {len(value)} characters long; an id has at most {MAX_ID_LENGTH}"
    if value != value.strip():
        return f"{named} is not a slug: remove the spaces or line breaks around it"
    return f"{named} is not a slug: use a-z, 0-9 and single hyphens"


def front_matter_diagnostics(path: str, meta: YMap) -> list[Diagnostic]:
    """Schema findings for a seed's front matter (a schema error is E601 there)."""
    return [
        d if d.code != "E201" else diag(d.path, d.line, d.column, "E601", d.message)
        for d in schema_diagnostics(path, meta, "seed.schema.json", "front matter")
    ]


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    for kind, types in (("a mapping", dict), ("a list", list), ("true or false", bool), ("text", str)):
        if isinstance(value, types):
            return kind
    return "a number"


def _entries(data: Any, key: str) -> Iterator[tuple[int, YMap]]:
    """The mappings in the list ``data[key]``, with their indexes; anything else is skipped."""
    items = data.get(key) if isinstance(data, YMap) else None
    if isinstance(items, YSeq):
        for i, item in enumerate(items):
            if isinstance(item, YMap):
                yield i, item


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass
class _Seed:
    """A seed that loaded well enough to be cited: file, metadata and folded body."""

    file: SeedFile
    meta: YMap
    published: dates.FuzzyDate | None

    @cached_property
    def folded(self) -> quotes.Folded:
        """The folded body, made when first needed: an incremental check needs few."""
        return quotes.fold(self.file.body)


@dataclass
class _Checker:
    loaded: Loaded
    found: list[Diagnostic] = field(default_factory=list)
    seeds: dict[str, _Seed] = field(default_factory=dict)
    entities: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    anchors: dict[tuple[int, int], quotes.Anchor] = field(default_factory=dict)
    acknowledged: int = 0
    fact_dates: dict[int, dates.FuzzyDate | None] = field(default_factory=dict)  # by id() of the fact
    _unread: frozenset[str] | None = None

    def unread_seeds(self) -> frozenset[str]:
        """The seeds whose files are there but could not be read as seeds (E105, E110, E601...):
        what the rules would say of them is unknown, so they say nothing that depends on it."""
        if self._unread is None:
            self._unread = frozenset(f.id for f in self.loaded.seeds if not isinstance(f.meta, YMap))
        return self._unread

    def add(self, line_col: tuple[int, int], code: str, message: str, path: str | None = None) -> None:
        self.found.append(diag(path or self.loaded.facts_path, *line_col, code, message))

    def run(self) -> None:
        """Every rule but the schema and control characters, in order: the one sequence both the
        full check and the incremental one (dossier.incremental, which judges facts its own way by
        overriding :meth:`check_facts`) run, so a rule added here is never missed by either."""
        self.check_seeds()
        self.check_stray_originals()
        if self.loaded.data is not None:
            self.index_ids()
            self.check_seed_links()
            self.check_outlets()
            self.check_facts()
            self.check_usage()

    # --- seeds -------------------------------------------------------------------------
    def check_seeds(self) -> None:
        for file in self.loaded.seeds:
            path = self._seed_path(file)
            if not SLUG.match(file.id):
                raw = os.fsencode(file.id)
                if raw.decode("utf-8", "replace") != file.id:  # a byte that is not UTF-8: say so plainly
                    shown = raw.decode("utf-8", "backslashreplace")
                    message = (
                        f"seed file name '{shown}' is not a slug: it holds a byte that is not UTF-8; "
                        "rename the file with a-z, 0-9 and single hyphens"
                    )
                else:
                    message = _slug_message(file.id, f"seed file name {file.id!r}")
                self.add((1, 1), "E203", message, path)
                continue
            if file.error:
                self.add((file.body_line, file.error_column), file.error_code, file.error, path)
                continue
            self.found += problem_diagnostics(path, file.problems)
            if not isinstance(file.meta, YMap):
                if not file.problems:
                    self.add(
                        (2, 1),
                        "E601",
                        "the front matter must be a mapping of fields (title, outlet, published, ...)",
                        path,
                    )
                continue
            meta = file.meta
            self.found += self.front_matter(file, path)
            if isinstance(meta.get("sha256"), str) and meta["sha256"] != file.body_sha256:
                # Windows line endings are the likeliest change nobody meant: git's core.autocrlf
                # makes them on checkout where .gitattributes does not say "seeds/** -text".
                crlf = ""
                if "\r\n" in file.body and file.body.count("\r\n") == file.body.count("\n"):
                    crlf = (
                        "; its lines end in CRLF (Windows line endings): save it with LF endings, or"
                        " restore it from git (git writes CRLF on checkout with core.autocrlf unless"
                        " .gitattributes says 'seeds/** -text')"
                    )
                elif "\r\n" in file.body:
                    crlf = "; some of its lines end in CRLF (Windows line endings): save it with LF endings"
                self.add(
                    meta.value_pos["sha256"],
                    "E602",
                    f"the body's sha256 is {file.body_sha256}, not the recorded one: the text changed after vetting "
                    f"(restore it, or re-vet and update sha256){crlf}",
                    path,
                )
            self._check_original(file, meta, path)
            published = None
            if isinstance(meta.get("published"), (str, int)):
                try:
                    published = dates.parse(meta["published"])
                except ValueError as exc:
                    self.add(meta.value_pos["published"], "E501", str(exc), path)
            self.seeds[file.id] = _Seed(file, meta, published)

    def front_matter(self, file: SeedFile, path: str) -> list[Diagnostic]:
        """Schema findings for a seed's front matter (an incremental check remembers them)."""
        return front_matter_diagnostics(path, file.meta)

    def _seed_path(self, file: SeedFile) -> str:
        return seed_path(self.loaded, file)

    def _check_original(self, file: SeedFile, meta: YMap, path: str) -> None:
        """E111: the kept original a seed names is where it must be, and its sha256 still matches."""
        original = meta.get("original")
        if not isinstance(original, YMap):
            return  # absent, or a schema finding
        expected = original_file(file.id, original.get("media_type"))
        named = original.get("file")
        if expected is None or not isinstance(named, str):
            return  # a schema finding (E601) names the field
        shown = f"{path.rsplit('/', 1)[0]}/{expected}"
        if named != expected:
            self.add(
                original.value_pos["file"],
                "E111",
                f"the original of seed {file.id!r} is kept as {expected} (named after the seed, with the "
                f"extension of its media_type), not {named!r}: write file: {expected}",
                path,
            )
            return
        found = self.loaded.originals.get(file.id)
        if found is None:
            return
        if found.error:
            advice = (
                " restore it from the capture, or remove 'original:'" if found.error_code == "E111" else ""
            )
            self.add(
                original.value_pos["file"],
                found.error_code,
                f"the kept original {shown} {found.error}:{advice or ' replace it with the file itself'}",
                path,
            )
        elif isinstance(original.get("sha256"), str) and found.sha256 != original["sha256"]:
            self.add(
                original.value_pos["sha256"],
                "E111",
                f"the kept original {shown} has sha256 {found.sha256}, not the recorded one: the captured file "
                "changed after import; restore the original capture",
                path,
            )

    def check_stray_originals(self) -> None:
        """W413: a file in seeds/originals/ that no seed names is neither checked nor published."""
        folder = self.loaded.facts_path.rsplit("data/", 1)[0] + "seeds/"
        for rel in self.loaded.stray_originals:
            self.add(
                (0, 0),
                "W413",
                f"{rel.rsplit('/', 1)[1]} is the original of no seed (no seed's 'original: file:' names it): "
                "it is neither verified nor published; delete it, or name it in its seed's front matter",
                folder + rel,
            )

    def check_seed_links(self) -> None:
        for seed in self.seeds.values():
            meta, path = seed.meta, self._seed_path(seed.file)
            outlet = meta.get("outlet")
            if isinstance(outlet, str) and SLUG.match(outlet):
                entity = self.entities.get(outlet)
                if entity is None:
                    self.add(
                        meta.value_pos["outlet"],
                        "E301",
                        f"outlet {outlet!r} is not an entity in data/facts.yaml{suggest(outlet, self._outlets)}",
                        path,
                    )
                elif entity.get("type") != "outlet":
                    self.add(
                        meta.value_pos["outlet"],
                        "E306",
                        f"outlet {outlet!r} is an entity of type {entity.get('type')!r}, not 'outlet'",
                        path,
                    )
            same_as = meta.get("same_as")
            if (
                isinstance(same_as, str)
                and SLUG.match(same_as)
                and same_as not in self.seeds
                and same_as not in self.unread_seeds()  # there, with an error of its own
            ):
                self.add(
                    meta.value_pos["same_as"],
                    "E302",
                    f"same_as names no seed: seeds/{same_as}.md does not exist",
                    path,
                )

    # --- facts file ----------------------------------------------------------------------
    def index_ids(self) -> None:
        data = self.loaded.data
        for key, table in (("entities", self.entities), ("facts", self.facts)):
            noun = key[:-1] if key == "facts" else "entity"
            for _, entry in _entries(data, key):
                entry_id = entry.get("id")
                if not isinstance(entry_id, str):
                    continue
                if entry_id in table:
                    first = table[entry_id].pos[0]
                    self.add(
                        entry.value_pos["id"],
                        "E202",
                        f"duplicate {noun} id {entry_id!r} (first defined at line {first})",
                    )
                else:
                    table[entry_id] = entry

    @cached_property
    def _outlets(self) -> dict[str, Any]:
        return {i: e for i, e in self.entities.items() if e.get("type") == "outlet"}

    def check_outlets(self) -> None:
        """W412: two outlet entities so alike that they are likely one outlet entered twice, which
        would count as two outlets when corroboration is judged."""
        from dossier.outlets import twins

        named = [(i, e.get("name"), _strs(e.get("aliases"))) for i, e in self._outlets.items()]
        for later, earlier in twins(named):
            entity = self._outlets[later]
            self.add(
                entity.value_pos["id"],
                "W412",
                f"outlet {later!r} ({entity.get('name')}) looks like outlet {earlier!r} "
                f"({self._outlets[earlier].get('name')}): one outlet entered twice counts as two "
                "independent outlets; if they are one, keep one entity and point every seed's outlet: at it",
            )

    def check_facts(self) -> None:
        for fact in self.facts.values():
            self.check_fact(fact)
        self.check_contradictions()

    def check_fact(self, fact: YMap) -> None:
        """Every rule that judges one fact by itself, its seeds and the entities.

        These findings depend on nothing else (not on other facts, nor on where the fact stands
        in the file beyond its own positions), so an incremental check may keep them."""
        raised: set[str] = set()  # warning codes this fact raises, acknowledged or not
        self._check_list_refs(fact, "about", self.entities, "E301", "entity")
        self._check_date(fact, raised)
        self._check_sources(fact, raised)
        self._check_corroboration(fact, raised)
        self._check_resolved_date(fact, raised)
        self._check_date_after_sources(fact, raised)
        self._check_date_stated(fact)
        self._check_anonymous(fact, raised)
        self._check_quote_length(fact, raised)
        self._check_numbers(fact, raised)
        self._check_entities_quoted(fact, raised)
        self._check_acknowledgements(fact, raised)

    def _warn(self, fact: YMap, pos: tuple[int, int], code: str, message: str, raised: set[str]) -> None:
        """Raise a warning about ``fact``, or count it when the fact acknowledges it."""
        raised.add(code)
        if code in _ack(fact):
            self.acknowledged += 1
        else:
            self.add(pos, code, message)

    def check_contradictions(self) -> None:
        """E303 and E307: the rules that compare facts with each other."""
        for fact in self.facts.values():
            self._check_list_refs(fact, "contradicts", self.facts, "E303", "fact")
            self._check_contradictions(fact)

    def _check_list_refs(self, node: YMap, key: str, known: dict[str, Any], code: str, noun: str) -> None:
        """Report each slug in the list ``node[key]`` that names nothing in ``known``."""
        refs = node.get(key)
        if not isinstance(refs, YSeq):
            return  # the schema reports a wrong shape
        for ref, pos in zip(refs, refs.item_pos, strict=True):  # one position per item
            if isinstance(ref, str) and SLUG.match(ref) and ref not in known:
                self.add(pos, code, f"unknown {noun} {ref!r}{suggest(ref, known)}")

    def _check_date(self, fact: YMap, raised: set[str]) -> None:
        value = fact.get("date")
        when = None
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            try:
                when = dates.parse(value)
            except ValueError as exc:
                self.add(fact.value_pos["date"], "E501", str(exc))
        resolved = fact.get("date_resolved")
        if isinstance(resolved, YMap):
            seed_id, phrase = resolved.get("seed"), resolved.get("phrase")
            if isinstance(seed_id, str) and SLUG.match(seed_id):
                seed = self._seed_ref(resolved, "seed")
                cited = {s["seed"] for _, s in _entries(fact, "sources") if isinstance(s.get("seed"), str)}
                if seed and seed_id not in cited:
                    # Any seed holds a "yesterday" somewhere: only a cited one speaks for this fact.
                    self.add(
                        resolved.value_pos["seed"],
                        "E309",
                        f"date_resolved names seed {seed_id!r}, which is not among this fact's sources: "
                        "resolve the date against a seed the fact cites, or cite that seed",
                    )
                if seed and isinstance(phrase, str) and quotes.find(seed.folded, phrase) is None:
                    self.add(
                        resolved.value_pos["phrase"],
                        "E403",
                        f"phrase {phrase!r} does not occur in seed {seed_id!r}",
                    )
                published = seed.published if seed else None
                if when and published and _PRECISION[when.precision] > _PRECISION[published.precision]:
                    self._warn(
                        fact,
                        resolved.value_pos["seed"],
                        "W406",
                        f"date {when.text!r} is resolved against seed {seed_id!r}, whose publication date "
                        f"({published.text}) is only {published.precision}-precise: say in the note where the "
                        "missing precision comes from, and acknowledge: {W406: reason}",
                        raised,
                    )

    def _seed_ref(self, node: Any, key: str) -> _Seed | None:
        seed_id = node.get(key)
        if not isinstance(seed_id, str) or not SLUG.match(seed_id):
            return None
        seed = self.seeds.get(seed_id)
        if seed is None and not any(f.id == seed_id for f in self.loaded.seeds):
            self.add(
                node.value_pos[key],
                "E302",
                f"unknown seed {seed_id!r}: no seeds/{seed_id}.md{suggest(seed_id, self.seeds)}",
            )
        return seed

    def _check_sources(self, fact: YMap, raised: set[str]) -> None:
        for i, source in _entries(fact, "sources"):
            seed = self._seed_ref(source, "seed")
            self._check_list_refs(source, "attributed_to", self.entities, "E301", "entity")
            quote = source.get("quote")
            if seed is None or not isinstance(quote, str) or not quote.strip():
                continue
            if seed.meta.get("language", "en") != "en" and not source.get("translation"):
                self.add(
                    source.pos,
                    "E305",
                    f"quote from seed {seed.file.id!r} ({seed.meta.get('language')}) needs an English 'translation'",
                )
            elif seed.meta.get("language", "en") == "en" and source.get("translation") is not None:
                self.add(
                    source.key_pos["translation"],
                    "E308",
                    f"seed {seed.file.id!r} is in English: a translation is for quotes from non-English seeds; "
                    "remove it (a reader would take the analyst's words for the source's)",
                )
            anchor = quotes.locate(seed.folded, quote)
            if isinstance(anchor, quotes.Cut):
                self.add(
                    source.value_pos["quote"],
                    "E404",
                    f"{anchor.describe()} (seeds/{seed.file.path.name} line {seed.file.line_of(anchor.start)}); "
                    "quote whole words",
                )
                continue
            if anchor is None:
                self.add(source.value_pos["quote"], "E401", _not_found(seed, quote))
                continue
            self.anchors[(id(fact), i)] = anchor
            if anchor.occurrences > 1:
                self._warn(
                    fact,
                    source.value_pos["quote"],
                    "W402",
                    f"quote occurs {anchor.occurrences} times in seed {seed.file.id!r}; lengthen it so it points at one place",
                    raised,
                )
            self._check_hedges_kept(fact, source, seed, anchor, raised)
        self._check_figures(fact)

    def _check_hedges_kept(
        self, fact: YMap, source: YMap, seed: _Seed, anchor: quotes.Anchor, raised: set[str]
    ) -> None:
        """W411: the quote leaves out a negation, hedge or verdict of its own clause.

        "Russian instructors are in Iran" is verbatim in "No Russian instructors are in Iran", and
        means the opposite. The words are the ones `dossier quote` takes in (quotes.keep_hedges).
        """
        body = seed.file.body
        wide = quotes.keep_hedges(body, anchor.start, anchor.end)
        left_out = quotes.hedges_taken_in(body, (anchor.start, anchor.end), wide)
        if left_out:
            words = ", ".join(repr(w) for w in dict.fromkeys(left_out))
            self._warn(
                fact,
                source.value_pos["quote"],
                "W411",
                f"the quote leaves out {words} from its own clause in seed {seed.file.id!r} "
                f"(line {seed.file.line_of(wide[0])}), which may reverse or hedge it: quote the clause "
                "with them, or acknowledge: {W411: why the quote keeps its meaning without them}",
                raised,
            )

    def _check_figures(self, fact: Any) -> None:
        # Each quote as the span of its seed it stands for (cut or not), or as its own text
        # where it is in no seed: a figure must be whole words there, as a quote must be.
        cited: dict[str, list[Callable[[str], bool]]] = {}
        for i, source in _entries(fact, "sources"):
            seed_id, quote = source.get("seed"), source.get("quote")
            if isinstance(seed_id, str) and isinstance(quote, str):
                cited.setdefault(seed_id, []).append(self._figure_finder(fact, i, seed_id, quote))
        for _, figure in _entries(fact, "figures"):
            seed_id, text = figure.get("seed"), figure.get("text")
            if not isinstance(seed_id, str) or not SLUG.match(seed_id):
                continue
            if seed_id not in cited:
                self.add(
                    figure.value_pos["seed"],
                    "E304",
                    f"figure cites seed {seed_id!r}, which is not among this fact's sources",
                )
            elif isinstance(text, str) and not any(found(text) for found in cited[seed_id]):
                self.add(
                    figure.value_pos["text"],
                    "E402",
                    f"figure text {text!r} is not in any quote from seed {seed_id!r} as whole words",
                )

    def _figure_finder(self, fact: Any, i: int, seed_id: str, quote: str) -> Callable[[str], bool]:
        """Whether a figure's text stands at whole words in the passage this quote cites."""
        seed = self.seeds.get(seed_id)
        span = self.anchors.get((id(fact), i)) or (quotes.locate(seed.folded, quote) if seed else None)
        if seed is not None and span is not None:
            folded, start, end = seed.folded, span.start, span.end
            return lambda text: quotes.find_within(folded, text, start, end)
        own = quotes.fold(quote)
        return lambda text: quotes.find(own, text) is not None

    def _check_corroboration(self, fact: YMap, raised: set[str]) -> None:
        outlets = set()
        for _, source in _entries(fact, "sources"):
            seed_id = source.get("seed")
            seed = self.seeds.get(seed_id) if isinstance(seed_id, str) else None
            outlet = seed.meta.get("outlet") if seed is not None else None
            if not isinstance(outlet, str):
                # An unknown seed or a malformed outlet is reported already. Whether the fact rests
                # on one outlet cannot be judged then, so an acknowledgement of W401 is not stale
                # (W405 would tell the analyst to remove what they need once the typo is fixed).
                raised.add("W401")
                return
            outlets.add(outlet)
        if len(outlets) == 1:
            self._warn(
                fact,
                fact.pos,
                "W401",
                f"fact {fact.get('id')!r} rests on one outlet ({next(iter(outlets))}); "
                "cite another outlet, or acknowledge: {W401: reason}",
                raised,
            )

    # --- editorial consistency (issue 7) -------------------------------------------------
    def _check_contradictions(self, fact: YMap) -> None:
        """E307: ``contradicts`` runs both ways, and both sides are disputed or denied."""
        refs = fact.get("contradicts")
        if not isinstance(refs, YSeq):
            return
        fact_id = fact.get("id")
        known = [r for r in refs if isinstance(r, str) and r in self.facts and r != fact_id]
        status = fact.get("status")
        if known and isinstance(status, str) and status not in _CONTESTED:
            self.add(
                fact.value_pos["status"],
                "E307",
                f"fact {fact_id!r} contradicts {known[0]!r} but its status is {status!r}: "
                "set 'status: disputed' (or 'denied' where a party it concerns denies it)",
            )
        for ref, pos in zip(refs, refs.item_pos, strict=True):
            other = self.facts.get(ref) if isinstance(ref, str) else None
            if other is None:
                continue  # E303 reports an unknown id
            if ref == fact_id:
                self.add(pos, "E307", f"fact {ref!r} lists itself in 'contradicts': remove it")
                continue
            if fact_id not in _strs(other.get("contradicts")):
                fix = f"add {fact_id!r} to the 'contradicts' of {ref!r} (line {other.pos[0]})"
                if other.get("status") not in _CONTESTED:
                    fix += f" and change its status {other.get('status')!r} to disputed or denied"
                self.add(pos, "E307", f"one-sided contradiction: {ref!r} does not list {fact_id!r}; {fix}")

    def _fact_date(self, fact: YMap) -> dates.FuzzyDate | None:
        """The fact's date, or None where it is missing or malformed (E501 says so)."""
        if id(fact) not in self.fact_dates:
            self.fact_dates[id(fact)] = self._parse_fact_date(fact)
        return self.fact_dates[id(fact)]

    def _parse_fact_date(self, fact: YMap) -> dates.FuzzyDate | None:
        value = fact.get("date")
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            return None
        try:
            return dates.parse(value)
        except ValueError:
            return None

    def _resolution(self, fact: YMap) -> tuple[str, _Seed, dates.Phrase] | None:
        """The ``date_resolved`` seed id, seed and phrase, where all are usable and dated."""
        resolved = fact.get("date_resolved")
        if not isinstance(resolved, YMap) or not isinstance(resolved.get("phrase"), str):
            return None
        seed_id = resolved.get("seed")
        seed = self.seeds.get(seed_id) if isinstance(seed_id, str) else None
        if seed is None or seed.published is None or not isinstance(seed_id, str):
            return None
        return seed_id, seed, dates.read_phrase(resolved["phrase"])

    def _check_resolved_date(self, fact: YMap, raised: set[str]) -> None:
        """W501: the date agrees with the weekday, month or period its phrase names."""
        when, resolution = self._fact_date(fact), self._resolution(fact)
        if when is None or resolution is None:
            return
        seed_id, seed, phrase = resolution
        published = seed.published
        assert published is not None  # _resolution returns dated seeds only
        problems = []
        if phrase.weekdays:
            if when.precision != "day":
                problems.append(f"names {_weekday_names(phrase.weekdays)} but the date is not a day")
            else:
                off = [d for d in {when.start, when.end} if d.weekday() not in phrase.weekdays]
                problems += [
                    f"names {_weekday_names(phrase.weekdays)} but {d.isoformat()} is a {dates.DAY_NAMES[d.weekday()]}"
                    for d in sorted(off)
                ]
        if phrase.months and {when.start.month, when.end.month} - phrase.months:
            problems.append(f"names {_month_names(phrase.months)} but the date {when.text!r} is not in it")
        if phrase.years and {when.start.year, when.end.year} - phrase.years:
            named = " or ".join(map(str, sorted(phrase.years)))
            problems.append(f"names {named} but the date {when.text!r} is not in it")
        days = dates.candidates(phrase, published)
        if days and not problems:
            # A day must be one the phrase can mean; a coarser date must contain one of them.
            ok = (
                all(d in days for d in (when.start, when.end))
                if when.precision == "day"
                else any(when.start <= d <= when.end for d in days)
            )
            if not ok:
                words = phrase.period_words or _weekday_names(phrase.weekdays)
                span = (
                    days[0].isoformat()
                    if len(days) == 1
                    else f"{days[0].isoformat()} … {days[-1].isoformat()}"
                )
                problems.append(
                    f"means {span} ({words!r} relative to {seed_id!r}, published {published.text}), "
                    f"but the date is {when.text!r}"
                )
        if problems:  # one finding per fact: findings at one place have no stable order
            self._warn(
                fact,
                fact.value_pos["date"],
                "W501",
                f"date_resolved phrase {phrase.text!r} {'; and '.join(problems)}: correct the date or the phrase",
                raised,
            )

    def _source_seeds(self, fact: YMap) -> list[_Seed] | None:
        """The seeds the fact cites, or None when one of them is unknown (reported elsewhere)."""
        found = []
        for _, source in _entries(fact, "sources"):
            seed_id = source.get("seed")
            seed = self.seeds.get(seed_id) if isinstance(seed_id, str) else None
            if seed is None:
                return None
            found.append(seed)
        return found

    def _check_date_after_sources(self, fact: YMap, raised: set[str]) -> None:
        """W502: a fact dated after every source that reports it."""
        when, seeds = self._fact_date(fact), self._source_seeds(fact)
        if when is None or not seeds or any(s.published is None for s in seeds):
            return
        start = (when.start, when.start_precision)
        if all(_later(start, (s.published.start, s.published.precision)) for s in seeds if s.published):
            latest = max(seeds, key=lambda s: s.published.start if s.published else when.start)
            self._warn(
                fact,
                fact.value_pos["date"],
                "W502",
                f"date {when.text!r} is later than the publication of every source (the latest, "
                f"{latest.file.id!r}, is dated {latest.published.text if latest.published else '?'}): "
                "correct the date, or if the sources announce a future event, acknowledge: {W502: reason}",
                raised,
            )

    def _cited_texts(self, fact: YMap, *, translations: bool = True) -> list[str]:
        """The fact's quotes, and their translations unless ``translations`` is False.

        A translation is the analyst's own unchecked text: it may vouch for warnings (W408, W409),
        never for an error's check (E502) that a source states something."""
        keys = ("quote", "translation") if translations else ("quote",)
        texts = []
        for _, source in _entries(fact, "sources"):
            texts += [source[k] for k in keys if isinstance(source.get(k), str)]
        return texts

    def _check_date_stated(self, fact: YMap) -> None:
        """E502: each year, month and day of the date is stated by a cited text or recorded as inferred."""
        when = self._fact_date(fact)
        if when is None or isinstance(fact.get("date_inferred"), str):
            return
        texts = self._cited_texts(fact, translations=False)
        resolution = self._resolution(fact)
        resolved = fact.get("date_resolved")
        if isinstance(resolved, YMap) and resolution is None:
            return  # the phrase's seed is broken or unknown (reported elsewhere): nothing to judge by
        days: list[dt.date] = []  # the days the date_resolved phrase can mean
        unanchored = ""  # why the phrase resolves nothing: its seed's own date is inferred
        if resolution is not None:
            _, seed, phrase = resolution
            texts.append(phrase.text)  # verbatim from the seed (E403 checks)
            inferred = seed.meta.get("inferred")
            if seed.published and not (isinstance(inferred, dict) and "published" in inferred):
                days = dates.candidates(phrase, seed.published)
            elif seed.published:
                unanchored = (
                    f" (the phrase resolves against the publication date of {seed.file.id}, which "
                    "is itself inferred, not printed in its text)"
                )
        cited = "\0".join(texts)  # one search per part; no pattern spans the NUL between texts
        missing = []
        for day, precision in when.points:
            wanted: list[tuple[Part, str]] = [("year", str(day.year))]
            if precision != "year":
                wanted.append(("month", dates.MONTH_NAMES[day.month - 1]))
            if precision == "day":
                wanted.append(("day", f"{day.day} {dates.MONTH_NAMES[day.month - 1]}"))
            for part, label in wanted:
                if not _phrase_states(days, part, day, precision) and not _states(cited, part, day):
                    missing.append(f"the {part} ({label})")
        if missing:
            self.add(
                fact.value_pos["date"],
                "E502",
                f"date {when.text!r}: {', '.join(dict.fromkeys(missing))} "
                f"{'is' if len(missing) == 1 else 'are'} in no cited quote"
                f"{' and not given by the date_resolved phrase' if resolution else ''}{unanchored}: "
                'add date_inferred: "how the date was inferred", or cite a quote that states it',
            )

    def _check_anonymous(self, fact: YMap, raised: set[str]) -> None:
        """W410: a fact that rests only on unnamed sources cannot be confirmed."""
        sources = [s for _, s in _entries(fact, "sources")]
        if fact.get("status") == "confirmed" and sources and all(s.get("anonymous") is True for s in sources):
            self._warn(
                fact,
                fact.value_pos["status"],
                "W410",
                "status is 'confirmed' but every citation credits anonymous sources: "
                "use 'reported', cite a named source, or acknowledge: {W410: reason}",
                raised,
            )

    def _check_quote_length(self, fact: YMap, raised: set[str]) -> None:
        """W407: a quote too short to check in context."""
        for _, source in _entries(fact, "sources"):
            quote = source.get("quote")
            if isinstance(quote, str) and 0 < len(quote.split()) < SHORT_QUOTE_WORDS:
                self._warn(
                    fact,
                    source.value_pos["quote"],
                    "W407",
                    f"quote {quote!r} has {len(quote.split())} word(s): quote at least "
                    f"{SHORT_QUOTE_WORDS} so a reader can check it in context, or acknowledge: {{W407: reason}}",
                    raised,
                )

    @cached_property
    def _entity_names(self) -> dict[str, list[str]]:
        """Entity id -> its name and aliases (built once: the entities are indexed before facts)."""
        return {
            entity_id: [
                n
                for n in [entity.get("name"), *_strs(entity.get("aliases"))]
                if isinstance(n, str) and n.strip()
            ]
            for entity_id, entity in self.entities.items()
        }

    @cached_property
    def _names(self) -> NameIndex:
        return name_index(self._entity_names)

    def _check_numbers(self, fact: YMap, raised: set[str]) -> None:
        """W409: each number in the statement is in a cited quote, a translation or a figure."""
        statement = fact.get("statement")
        if not isinstance(statement, str):
            return
        for start, end, _ in reversed(_name_spans(statement, self._names)):  # S-300 is a name, not a count
            statement = statement[:start] + " " * (end - start) + statement[end:]
        written = _numbers(statement, words=_STATEMENT_NUMBER_WORDS)
        if not written:
            return
        covered = set(_numbers("\0".join(self._cited_texts(fact)), words=_ALL_NUMBER_WORDS))
        for _, figure in _entries(fact, "figures"):
            covered |= {_num(figure[k]) for k in ("value", "min", "max") if _is_number(figure.get(k))}
        when = self._fact_date(fact)
        if when is not None:  # "5 August 2024" is the fact's date, checked by E502
            for day, precision in when.points:
                covered.add(_num(day.year))
                if precision == "day":
                    covered.add(_num(day.day))
        unquoted = [repr(written[n]) for n in sorted(written.keys() - covered, key=_digits)]
        if unquoted:
            self._warn(
                fact,
                fact.value_pos["statement"],
                "W409",
                f"the statement's {_plural(unquoted, 'number')} in no cited quote, translation or figure: "
                "cite the words that give it, or acknowledge: {W409: reason}",
                raised,
            )

    def _check_entities_quoted(self, fact: YMap, raised: set[str]) -> None:
        """W408: each entity the statement names is mentioned by a quote, a credit or an outlet."""
        statement = fact.get("statement")
        seeds = self._source_seeds(fact)
        if not isinstance(statement, str) or seeds is None:
            return
        # "according to The Moscow Times"; an outlet that is not text (E601) vouches for nothing
        vouched = {o for s in seeds if isinstance(o := s.meta.get("outlet"), str)}
        for _, source in _entries(fact, "sources"):
            vouched.update(_strs(source.get("attributed_to")))
        texts = self._cited_texts(fact)
        names = self._entity_names
        unquoted = [
            f"{names[entity_id][0]!r} ({entity_id})"
            for entity_id in _named_in(statement, self._names)
            if entity_id not in vouched and not any(_mentions(t, n) for t in texts for n in names[entity_id])
        ]
        if unquoted:
            them = "it" if len(unquoted) == 1 else "them"
            self._warn(
                fact,
                fact.value_pos["statement"],
                "W408",
                f"the statement names {', '.join(unquoted)}, which no cited quote or translation mentions: "
                f"cite words that name {them}, credit {them} in attributed_to, or acknowledge: {{W408: reason}}",
                raised,
            )

    def _check_acknowledgements(self, fact: Any, raised: set[str]) -> None:
        ack = fact.get("acknowledge")
        if not isinstance(ack, YMap):
            return
        # A seed it cites that could not be read might raise any of them: "remove it" would be
        # advice to drop a reviewed acknowledgement because of an unrelated error.
        if self.unread_seeds() and not self.unread_seeds().isdisjoint(fact_usage(fact)[0]):
            return
        for code in ack:
            if code not in raised:
                self.add(
                    ack.key_pos[code],
                    "W405",
                    f"acknowledges {code}, which this fact no longer raises: remove it",
                )

    # --- usage ---------------------------------------------------------------------------
    def usage_of(self, fact: YMap) -> tuple[list[str], list[str]]:
        """The seeds a fact cites and the entities it uses (an incremental check remembers them)."""
        return fact_usage(fact)

    def check_usage(self) -> None:
        cited_seeds: set[str] = set()
        used: set[str] = set()
        for fact in self.facts.values():
            cites, uses = self.usage_of(fact)
            cited_seeds.update(cites)
            used.update(uses)
        for seed in self.seeds.values():
            outlet = seed.meta.get("outlet")
            if isinstance(outlet, str):
                used.add(outlet)
            twin = seed.meta.get("same_as")
            if seed.file.id not in cited_seeds and not (isinstance(twin, str) and twin in cited_seeds):
                self.add((1, 1), "W403", f"no fact cites seed {seed.file.id!r}", self._seed_path(seed.file))
        # A seed that could not be read (an error says why) may name any outlet: none is called
        # unused then, or the error's fix would come with a warning that is not true.
        unread = bool(self.unread_seeds())
        for entity_id, entity in self.entities.items():
            if entity_id not in used and not (unread and entity.get("type") == "outlet"):
                self.add(
                    entity.pos, "W404", f"entity {entity_id!r} is in no fact's 'about' or 'attributed_to'"
                )

    # --- model ---------------------------------------------------------------------------
    def build_model(
        self, entities: tuple[Entity, ...] | None = None, facts: tuple[Fact, ...] | None = None
    ) -> Dossier:
        """The model of the checked data; an incremental check passes the entities and facts it
        remembered (each built by :meth:`entity_model` and :meth:`_fact` when first judged)."""
        data = self.loaded.data
        if entities is None:
            entities = tuple(self.entity_model(e) for _, e in _entries(data, "entities"))
        seeds = tuple(self.seed_model(s) for s in self.seeds.values())
        if facts is None:
            facts = tuple(self._fact(f) for _, f in _entries(data, "facts"))
        return Dossier(
            str(data.get("title") or "Dossier"), str(data.get("summary") or ""), entities, facts, seeds
        )

    @staticmethod
    def entity_model(e: Any) -> Entity:
        return Entity(
            id=e["id"],
            type=e["type"],
            name=e["name"],
            aliases=tuple(e.get("aliases") or ()),
            description=e.get("description") or "",
            url=e.get("url"),
            notes=e.get("notes") or "",
            line=e.pos[0],
            unidentified=e.get("unidentified") is True,
        )

    def seed_model(self, s: _Seed) -> Seed:
        return Seed(
            id=s.file.id,
            title=s.meta["title"],
            outlet=s.meta["outlet"],
            published=s.published,  # type: ignore[arg-type]
            language=s.meta["language"],
            url=s.meta.get("url"),
            sha256=s.meta["sha256"],
            body=s.file.body,
            path=self._seed_path(s.file),
            body_line=s.file.body_line,
            same_as=s.meta.get("same_as"),
            inferred=dict(s.meta.get("inferred") or {}),
            received_as=s.meta.get("received_as") or "",
            notes=s.meta.get("notes") or "",
            author=s.meta.get("author") or "",
            archived=s.meta.get("archived"),
            original=_kept_original(s.meta.get("original")),
        )

    def _fact(self, f: Any) -> Fact:
        citations = []
        for i, s in _entries(f, "sources"):
            anchor = self.anchors[(id(f), i)]
            citations.append(
                Citation(
                    seed=s["seed"],
                    quote=s["quote"],
                    start=anchor.start,
                    end=anchor.end,
                    attributed_to=tuple(s.get("attributed_to") or ()),
                    translation=s.get("translation"),
                    note=s.get("note") or "",
                    anonymous=s.get("anonymous") is True,
                )
            )
        resolved = f.get("date_resolved")
        return Fact(
            id=f["id"],
            statement=f["statement"],
            about=tuple(f["about"]),
            status=f["status"],
            sources=tuple(citations),
            date=dates.parse(f["date"]) if f.get("date") is not None else None,
            date_resolved=DateResolution(resolved["phrase"], resolved["seed"], resolved.get("note") or "")
            if resolved
            else None,
            date_inferred=f.get("date_inferred") or "",
            contradicts=tuple(f.get("contradicts") or ()),
            question=f.get("question") or "",
            figures=tuple(
                Figure(
                    measure=g["measure"],
                    qualifier=g["qualifier"],
                    unit=g["unit"],
                    text=g["text"],
                    seed=g["seed"],
                    value=g.get("value"),
                    min=g.get("min"),
                    max=g.get("max"),
                )
                for _, g in _entries(f, "figures")
            ),
            tags=tuple(f.get("tags") or ()),
            notes=f.get("notes") or "",
            acknowledge=dict(f.get("acknowledge") or {}),
            line=f.pos[0],
        )


def _kept_original(original: Any) -> KeptOriginal | None:
    """The model's record of a seed's kept original (checked: E111 stops the build otherwise)."""
    if not isinstance(original, YMap):
        return None
    return KeptOriginal(original["file"], original["sha256"], original["media_type"])


def fact_usage(fact: YMap) -> tuple[list[str], list[str]]:
    """The seeds a fact cites, and the entities it is about or credits (W403, W404)."""
    cites, uses = [], _strs(fact.get("about"))
    for _, source in _entries(fact, "sources"):
        if isinstance(source.get("seed"), str):  # anything else is a schema finding
            cites.append(source["seed"])
        uses += _strs(source.get("attributed_to"))
    return cites, uses


def seed_path(loaded: Loaded, file: SeedFile) -> str:
    """A seed's path as diagnostics print it, beside the facts file's ``data/``.

    A byte of the name that is not UTF-8 (``a\\xffb.md``, a surrogate to Python) is printed as
    ``\\xff``: a finding must be printable, and UTF-8 cannot carry a surrogate."""
    name = os.fsencode(file.path.name).decode("utf-8", "backslashreplace")
    return f"{loaded.facts_path.rsplit('data/', 1)[0]}seeds/{name}"


_PRECISION = dates.PRECISION_RANK


def _ack(fact: Any) -> dict[str, Any]:
    ack = fact.get("acknowledge")
    return ack if isinstance(ack, dict) else {}


def _not_found(seed: _Seed, quote: str) -> str:
    """E401's message: the closest passage and which words differ, or why none was searched."""
    near = quotes.closest(seed.folded, quote)
    head = f"quote not found in seed {seed.file.id!r}; "
    if near.gave_up:
        return head + f"no close passage searched: {near.gave_up}"
    passage = " ".join(seed.file.body[near.start : near.end].split())
    return head + (
        f"closest passage (seeds/{seed.file.path.name} line {seed.file.line_of(near.start)}, "
        f"{near.similarity:.0f}% similar): {_clip(passage)!r}; {quotes.word_diff(quote, passage)}"
    )


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suggest(name: str, known: Mapping[str, Any]) -> str:
    """``; did you mean 'x'?`` when a known id is close."""
    from rapidfuzz import process

    match = process.extractOne(name, list(known), score_cutoff=80)
    return f"; did you mean {match[0]!r}?" if match else ""


# Below this many facts a forked worker costs more than it saves.
PARALLEL_MIN_FACTS = 2_000


def check_loaded(loaded: Loaded, *, build: bool = True) -> CheckResult:
    """Run every rule over loaded input; build the dossier when asked and no error is found.

    JSON Schema validation is the costliest rule and independent of the others, so on large
    files it runs in a forked worker while this process runs the rest.
    """
    checker = _Checker(loaded, list(loaded.diagnostics))
    data = loaded.data
    facts = data.get("facts") if isinstance(data, dict) else None
    big = isinstance(facts, list) and len(facts) >= PARALLEL_MIN_FACTS
    structure = parallel.Job(lambda: _structure_diagnostics(loaded), fork=big)
    checker.run()
    checker.found += control_character_diagnostics(loaded)
    checker.found += structure.result()
    found = tuple(sorted(set(checker.found), key=sort_key))
    result = CheckResult(found, checker.acknowledged)
    if build and data is not None and result.errors == 0:
        result = CheckResult(found, checker.acknowledged, checker.build_model())
    return result


def control_character_diagnostics(loaded: Loaded) -> list[Diagnostic]:
    """E107 for every key and text value of the facts file and of seed front matter.

    Seed bodies are evidence and keep whatever characters the source had.
    """
    found = control_characters(loaded.facts_path, loaded.data, "top level") if loaded.may_hold_control else []
    for file in loaded.seeds:
        if isinstance(file.meta, YMap):
            found += control_characters(seed_path(loaded, file), file.meta, "front matter")
    return found


def control_characters(
    path: str, data: Any, root: str, prefix: tuple[Any, ...] = (), at: tuple[int, int] | None = None
) -> list[Diagnostic]:
    """E107 for each key and text below ``data`` (a YMap or YSeq) that holds a control character.

    ``data`` may be a part of the file, at ``prefix`` below the top level and at position ``at``
    (a text item of a top-level list is judged as itself)."""
    found = []
    search = CONTROL.search

    def report(text: str, pos: tuple[int, int], what: str) -> None:
        hits = [m.start() for m in CONTROL.finditer(text)]
        more = f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""
        message = (
            f"{char_name(text[hits[0]])} at offset {hits[0]} of {what}{more}: "
            "control and bidirectional characters are not allowed here; delete it"
        )
        found.append(diag(path, *pos, "E107", message))

    # An explicit stack, not recursion: nesting is bounded by the loader, but cheaply so. Paths
    # are described only for a hit: this walks every string of a 10,000-fact file.
    if isinstance(data, str) and prefix and at is not None:
        if search(data):
            report(data, at, _describe(list(prefix), root))
        return found
    stack: list[tuple[Any, list[Any]]] = [(data, list(prefix))]
    while stack:
        node, where = stack.pop()
        if isinstance(node, YMap):
            for key, value in node.items():
                if search(key):
                    report(key, node.key_pos[key], f"the key {_describe([*where, key], root)!r}")
                if isinstance(value, str):
                    if search(value):
                        report(value, node.value_pos[key], _describe([*where, key], root))
                elif isinstance(value, (YMap, YSeq)):
                    stack.append((value, [*where, key]))
        elif isinstance(node, YSeq):
            for i, value in enumerate(node):
                if isinstance(value, str):
                    if search(value):
                        report(value, node.item_pos[i], _describe([*where, i], root))
                elif isinstance(value, (YMap, YSeq)):
                    stack.append((value, [*where, i]))
    return found


def _structure_diagnostics(loaded: Loaded) -> list[Diagnostic]:
    """Schema findings for the facts file (the seeds' front matter is checked in-process)."""
    if loaded.data is None:
        return []
    return schema_diagnostics(loaded.facts_path, loaded.data, "facts.schema.json")


def check(project: Project, *, build: bool = True) -> CheckResult:
    """Load and check a project; ``build=False`` skips building the model (``dossier check``)."""
    return check_loaded(load(project), build=build)


def check_cached(project: Project, *, build: bool = True, memory: Memory | None = None) -> CheckResult:
    """:func:`check`'s result, judging again only what changed since the last check of this
    project (:mod:`dossier.incremental`; the results are kept in ``.dossier-cache/``).

    With ``build`` the model comes too, built only where its inputs changed. A long-running
    caller (``serve``) passes the same :class:`dossier.incremental.Memory` on every call: then a
    check after a save reads no cache file and decodes only the changed entries' model values.
    A project whose layout the incremental check cannot cut is checked in full."""
    from dossier import incremental

    return incremental.run(project, build=build, memory=memory)


# --- editorial consistency helpers -----------------------------------------------------------
_CONTESTED = ("disputed", "denied")
SHORT_QUOTE_WORDS = 4  # fewer words than this are too little to check in context
Part = Literal["year", "month", "day"]


def _plural(items: list[str], noun: str) -> str:
    """``number 12 is`` or ``numbers 7, 12 are``."""
    if len(items) == 1:
        return f"{noun} {items[0]} is"
    return f"{noun}s {', '.join(items)} are"


def _weekday_names(days: frozenset[int]) -> str:
    return " or ".join(dates.DAY_NAMES[d] for d in sorted(days))


def _month_names(months: frozenset[int]) -> str:
    return " or ".join(dates.MONTH_NAMES[m - 1] for m in sorted(months))


def _later(a: tuple[dt.date, dates.Precision], b: tuple[dt.date, dates.Precision]) -> bool:
    """Whether date ``a`` is later than ``b`` at the coarser of their precisions."""
    rank = min(_PRECISION[a[1]], _PRECISION[b[1]])
    key = (lambda d: (d.year,), lambda d: (d.year, d.month), lambda d: (d.year, d.month, d.day))[rank]
    return key(a[0]) > key(b[0])


def _phrase_states(days: list[dt.date], part: Part, day: dt.date, precision: dates.Precision) -> bool:
    """Whether a phrase that can mean ``days`` determines ``part`` of the date ``day``.

    A day-precise date that is one of the days of a phrase naming one weekday is stated whole
    (that is the resolution); otherwise
    a part is stated when every day the phrase can mean shares it ("im Juni" has no days, so it
    states nothing beyond the month name itself; "last month" states that month and its year).
    """
    if not days:
        return False
    # Only a phrase that names one day, or one weekday ("on Monday", "yesterday"), picks the day:
    # "last week" or "last month" states the period, never which of its days.
    if precision == "day" and day in days and len({d.weekday() for d in days}) == 1:
        return True
    if part == "year":
        return {d.year for d in days} == {day.year}
    if part == "month":
        return {(d.year, d.month) for d in days} == {(day.year, day.month)}
    return set(days) == {day}


def _states(text: str, part: Part, day: dt.date) -> bool:
    """Whether ``text`` states the year, the month, or the day (with its month) of ``day``."""
    # Every way of writing the part contains this number (or, for a month, maybe only its name):
    # a substring test rules most texts out before the regex runs.
    if str({"year": day.year, "month": day.month, "day": day.day}[part]) not in text and (
        part != "month" or not any(name in text for name in _MONTH_NAMES[day.month])
    ):
        return False
    if part == "year":
        return _date_pattern(part, day.year, 0, 0).search(text) is not None
    pattern = _date_pattern(part, day.year, day.month, day.day if part == "day" else 0)
    for found in pattern.finditer(text):
        # "5 August 2023" states a day of 2023, not of this date's year.
        year = _YEAR_AFTER.match(text, found.end())
        if year is None or int(year.group(1)) == day.year:
            return True
    return False


# A year written right after a day or month ("5 August 2023", "05.08.2023", "August, 2023").
_YEAR_AFTER = re.compile(r"\s*,?\s*(\d{4})(?!\d)")


_MONTH_NAMES = {m: [name for name, number in dates.MONTHS.items() if number == m] for m in range(1, 13)}


@cache
def _date_pattern(part: Part, y: int, m: int, d: int) -> re.Pattern[str]:
    """One pattern for each way a text writes the part; compiled once per date."""
    if part == "year":
        # Not inside a longer number (12,024), but after a day and month (05.08.2024).
        return re.compile(rf"(?<!\d)(?<!\d,){y}(?!\d)")
    names = _MONTH_NAMES[m]
    if part == "month":  # August, Augustwoche; 2024-08, 5.8., 8/5/24
        patterns = [
            dates.month_pattern(names),
            rf"\b{y}-0?{m}\b",
            rf"\b\d{{1,2}}\.\s?0?{m}\.",
            rf"\b0?{m}/\d{{1,2}}/\d{{2,4}}\b",
        ]
    else:  # 5 August, 5. August, 5th of August, July 31; 2024-08-05, 05.08.2024, 8/5/2024
        named = "|".join(map(re.escape, names))
        patterns = [
            rf"\b0?{d}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?:{named})\b",
            rf"\b(?:{named})\.?\s+0?{d}(?:st|nd|rd|th)?\b(?![.,]?\d)",
            rf"\b{y}-0?{m}-0?{d}\b",
            rf"\b0?{d}\.\s?0?{m}\.",
            rf"\b0?{m}/0?{d}/(?:\d{{2}}|\d{{4}})\b",
        ]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@cache
def _whole_word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)


# Words and single marks: a name starts at one of these and is found by its first one.
_TOKEN = re.compile(r"\w+|[^\w\s]")
NameIndex = dict[str, list[tuple[str, str]]]


def name_index(names: dict[str, list[str]]) -> NameIndex:
    """First word of each name -> (name, entity id), so a statement is read once, not once per name."""
    index: NameIndex = {}
    for entity_id, entity_names in names.items():
        for name in entity_names:
            first = _TOKEN.search(name)
            if first:
                index.setdefault(first[0], []).append((name, entity_id))
    return index


def _name_spans(text: str, index: NameIndex) -> list[tuple[int, int, str]]:
    """Where ``text`` writes a name, as written and as whole words: (start, end, entity id)."""
    spans = []
    for token in _TOKEN.finditer(text):
        for name, entity_id in index.get(token[0], ()):
            start, end = token.start(), token.start() + len(name)
            before, after = text[start - 1 : start], text[end : end + 1]
            if (
                text.startswith(name, start)
                and not (_is_word(before) and _is_word(name[0]))
                and not (_is_word(after) and _is_word(name[-1]))
            ):
                spans.append((start, end, entity_id))
    return spans


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _named_in(statement: str, index: NameIndex) -> list[str]:
    """The entities a statement names, as written (case counts: "US" is not "us").

    A name overlapping a longer name of another entity does not count: "the Times of Israel" does not
    name the New York Times (alias "the Times").
    """
    spans = _name_spans(statement, index)
    return list(
        dict.fromkeys(
            entity_id
            for start, end, entity_id in spans
            if not any(
                s < end and start < e and (e - s) > (end - start) and other != entity_id
                for s, e, other in spans
            )
        )
    )


@cache
def _word_start(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}")


def _mentions(text: str, name: str) -> bool:
    """A name in a quote: a whole word in any case, or the start of a word ("Iranian" names Iran)."""
    return bool(_whole_word(name).search(text) or _word_start(name).search(text))


_SMALL = (
    ("zero", "null"),
    ("one", "eins"),
    ("two", "zwei"),
    ("three", "drei"),
    ("four", "vier"),
    ("five", "fünf"),
    ("six", "sechs"),
    ("seven", "sieben"),
    ("eight", "acht"),
    ("nine", "neun"),
    ("ten", "zehn"),
    ("eleven", "elf"),
    ("twelve", "zwölf"),
)
# Number words a quote may use for a small number; a statement's own words are checked too, but
# not "one"/"zero" ("one of the ..." is no count).
_ALL_NUMBER_WORDS = {word: str(n) for n, words in enumerate(_SMALL) for word in words}
_STATEMENT_NUMBER_WORDS = {word: str(n) for n, (word, _) in enumerate(_SMALL) if n >= 2}
_NUMBER_RE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")


@cache
def _num(value: object) -> str:
    """A number in one spelling: ``300``, ``1200``, ``2.5``; anything else (``05.08.2024``) as written."""
    text = str(value)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)  # thousands separators, English or German
    if not re.fullmatch(r"\d+(?:[.,]\d+)?|\d+\.\d+(?:e[+-]?\d+)?", text):
        return text
    number = float(text.replace(",", "."))
    if not math.isfinite(number):
        return text
    return str(int(number)) if number.is_integer() else str(number)


def _digits(number: str) -> list[int]:
    """Sort key: numbers in numeric order, whatever their spelling."""
    return [int(part) for part in re.findall(r"\d+", number)]


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(text: str, *, words: dict[str, str]) -> dict[str, str]:
    """The numbers in ``text`` (digits in any grouping, and the given number words), each in one
    spelling mapped to how ``text`` first writes it."""
    found = {_num(m[0]): m[0] for m in reversed(list(_NUMBER_RE.finditer(text)))}
    for word in reversed(re.findall(r"\w+", text)):
        if word.lower() in words:
            found[words[word.lower()]] = word
    return found
