"""An incremental ``dossier check``: re-judge only the entries an edit touched.

The facts file is cut at its top-level list items (each entity, each fact) by regex scans for
the line before each item; each item is parsed on its own, with the line numbers it has in the
file. Two kinds of result are remembered, by content hash, in ``.dossier-cache/check-parts.bin``
(marshal data; see :func:`dossier.cache.read_parts` for why only this folder's own file is read):

* per item (its kind, index and text): the schema and control-character findings, the seeds it
  names, and a *pruned* copy of it (ids, status, references, with positions) that the rules
  comparing entries with each other need;
* per fact (its item hash; valid while the seeds it names keep their bytes and the context —
  every entity, the seed files present, the checker's version — is the same): the findings of
  every rule that judges one fact (:meth:`dossier.check._Checker.check_fact`) and how many
  warnings it acknowledged; where the model was wanted (:func:`run` with ``build``, ``serve``),
  the name of its model value, kept in ``check-models.bin``, which ``dossier check`` never reads.

The rules that compare entries (duplicate ids, contradictions, unused seeds and entities, outlets)
run on the pruned copies every time; they are cheap. Findings are stored with lines relative to
their item, so an edit above an item moves them without re-judging it.

Anything the line scan cannot cut with certainty (anchors, flow-style lists, a YAML error, a
link or FIFO in the layout, an unusual indentation) is left to the full check: this module
returns ``None`` and the caller checks cold. The result is always the full check's result
(``tests/test_incremental_check.py`` compares the two over random edits).
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import gc
import hashlib
import os
import re
import threading
from collections.abc import Callable
from dataclasses import astuple, dataclass, field, fields, is_dataclass, replace
from functools import partial
from typing import Any

from dossier import cache, fs, parallel, seeds
from dossier.check import (
    PARALLEL_MIN_FACTS,
    CheckResult,
    _Checker,
    control_characters,
    fact_usage,
    schema_diagnostics,
    seed_path,
)
from dossier.dates import FuzzyDate
from dossier.diagnostics import RULES, Diagnostic, Severity, sort_key
from dossier.load import Loaded
from dossier.model import Citation, DateResolution, Dossier, Entity, Fact, Figure
from dossier.project import Project
from dossier.seeds import SeedFile
from dossier.yamlload import Parsed, YamlProblem, YMap, YSeq, may_hold_control, parse

FORMAT = 2  # of the stored parts; a different number discards them
_SECTIONS = ("entities", "facts")
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*:(?: |$)")
# What a fact's cross-entry rules read: kept in its pruned copy.
_KEEP = {
    "entities": ("id", "type", "name", "aliases"),
    "facts": ("id", "status", "contradicts"),
}


@dataclass(slots=True)
class Chunk:
    """One top-level list item: its section, index, first line and bytes (UTF-8); ``key``
    hashes all but the line (findings are stored relative to it)."""

    section: str
    index: int
    line: int
    raw: bytes
    key: str

    @property
    def text(self) -> str:
        """The item's text (its bytes were checked to be UTF-8 with the whole file's)."""
        return self.raw.decode("utf-8")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# Characters ``str.splitlines`` would end a line at where YAML does not, in UTF-8: a file holding
# one is left to the full check (the scan below cuts at "\n" only).
_OTHER_BREAKS = [c.encode("utf-8") for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"]
# Each pattern starts at the "\n" before a line, so the regex engine finds candidates by a fast
# scan for that byte (a pattern starting with ^ is tried at every position of the file).
_TOP_LINE = re.compile(rb"\n[^ #\n]")  # a line at column 0: a top-level key
_ITEM = re.compile(rb"\n  - ")  # an item's first line
# Inside a list, a line that is none of: an item's first line ("  - "), a deeper line, a blank
# line, a comment. Before the first item only blank lines and comments may stand.
_ODD_IN_LIST = re.compile(rb"\n(?: [^ #]|  [^ #-]|  -[^ ])")
_ODD_BEFORE_ITEMS = re.compile(rb"\n(?!\n| *#)(?=.)")  # (?=.): not the line after the span
_VALIDATE = 1 << 20  # bytes decoded at a time to check that the file is UTF-8


def utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, decoded a megabyte at a time and thrown away: decoding the
    whole file at once would hold it twice more (at 50,000 facts, 74 MB for a 37 MB file)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _VALIDATE):
            decoder.decode(view[start : start + _VALIDATE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def split(t: bytes) -> tuple[str, list[Chunk]] | None:
    """The file's text with every list item blanked out (line numbers kept), and the items;
    ``None`` when the layout is not the plain block layout ``fmt`` writes. ``t`` is the file's
    bytes, UTF-8 (see :func:`utf8`).

    The items stay bytes, decoded only where one is parsed: as text, the file is two bytes a
    character wherever one character is outside Latin-1 (at 50,000 facts, 74 MB where the bytes
    are 37). The lines at column 0 are found by a regex; each list between them is cut at its
    items' first lines, and a regex looks for any line that fits no rule, so no Python code runs
    per line (the file of 10,000 facts has 200,000)."""
    if not t.endswith(b"\n") or any(c in t for c in _OTHER_BREAKS):
        return None
    head: list[bytes] = []
    chunks: list[Chunk] = []
    counts = dict.fromkeys(_SECTIONS, 0)
    line = 1  # the line ``pos`` is on
    pos = 0
    section = ""
    # The first line follows no "\n": looked at on its own. A section starts only after a line at
    # column 0, so every search below starts at the "\n" ending one (``pos - 1``).
    tops = [0] if t[:1] not in (b" ", b"#", b"\n") else []
    tops += [m.start() + 1 for m in _TOP_LINE.finditer(t)]
    for start in [*tops, len(t)]:
        # The lines from ``pos`` to ``start``, below the last top-level line.
        first = _ITEM.search(t, pos - 1, start) if section else None
        before = start if first is None else first.start() + 1
        if section and _ODD_BEFORE_ITEMS.search(t, pos - 1, before):
            return None
        head.append(t[pos:before])
        at = line + t.count(b"\n", pos, before)
        if first is not None:
            if _ODD_IN_LIST.search(t, before - 1, start):
                return None
            starts = [m.start() + 1 for m in _ITEM.finditer(t, before - 1, start)]
            prefix = f"{section}\0".encode()
            for a, b in zip(starts, [*starts[1:], start], strict=True):
                chunk = t[a:b]
                index = counts[section]
                key = hashlib.sha256(b"%s%d\0%s" % (prefix, index, chunk)).hexdigest()
                chunks.append(Chunk(section, index, at, chunk, key))
                counts[section] = index + 1
                n = chunk.count(b"\n")
                head.append(b"\n" * n)
                at += n
        line = at
        if start == len(t):
            break
        end = t.index(b"\n", start) + 1
        top = t[start:end].decode("utf-8")
        if not _TOP_KEY.match(top):
            return None  # "- item", "---", "? key", '"key":', a tab: leave it to the full check
        section = top[:-2] if top.endswith(":\n") and top[:-2] in _SECTIONS else ""
        head.append(t[start:end])
        line += 1
        pos = end
    return b"".join(head).decode("utf-8"), chunks


@dataclass
class _Item:
    """What is known of one item in this run."""

    chunk: Chunk
    stored: dict[str, Any]


def _enc(node: Any, base: int) -> Any:
    """``node`` (YMap, YSeq or scalar) as compact JSON, lines relative to ``base``: a mapping is
    the flat list ``["m", line, col, key, kline, kcol, vline, vcol, value, ...]``, a list
    ``["s", line, col, iline, icol, item, ...]``; a scalar is itself (never a JSON list)."""
    if isinstance(node, YMap):
        out: list[Any] = ["m", node.pos[0] - base, node.pos[1]]
        for k, v in node.items():
            (kl, kc), (vl, vc) = node.key_pos[k], node.value_pos[k]
            out += (k, kl - base, kc, vl - base, vc, _enc(v, base))
        return out
    if isinstance(node, YSeq):
        out = ["s", node.pos[0] - base, node.pos[1]]
        for v, (il, ic) in zip(node, node.item_pos, strict=True):
            out += (il - base, ic, _enc(v, base))
        return out
    return node


def _dec(data: Any, base: int) -> Any:
    """:func:`_enc`'s output as the node it was (scalars are tested inline: most values are)."""
    if not isinstance(data, list):
        return data
    if data[0] == "m":
        ymap = YMap((data[1] + base, data[2]))
        key_pos, value_pos = ymap.key_pos, ymap.value_pos
        for n in range(3, len(data), 6):
            k, v = data[n], data[n + 5]
            ymap[k] = _dec(v, base) if type(v) is list else v
            key_pos[k] = (data[n + 1] + base, data[n + 2])
            value_pos[k] = (data[n + 3] + base, data[n + 4])
        return ymap
    yseq = YSeq((data[1] + base, data[2]))
    append, append_pos = yseq.append, yseq.item_pos.append
    for n in range(3, len(data), 3):
        v = data[n + 2]
        append(_dec(v, base) if type(v) is list else v)
        append_pos((data[n] + base, data[n + 1]))
    return yseq


def _pruned(item: Any, section: str) -> Any:
    """The parts of an item the rules comparing entries read, positions kept."""
    if not isinstance(item, YMap):
        return item
    out = YMap(item.pos)
    for key in _KEEP[section]:
        if key in item:
            out[key] = item[key]
            out.key_pos[key] = item.key_pos[key]
            out.value_pos[key] = item.value_pos[key]
    return out


def _named_seeds(node: Any) -> list[str]:
    """Every seed id an item names (sources, figures, date_resolved): its findings depend on them."""
    found: list[str] = []
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("seed"), str):
                found.append(value["seed"])
            stack += value.values()
        elif isinstance(value, list):
            stack += value
    return sorted(set(found))


def _enc_diags(diags: list[Diagnostic], base: int) -> list[list[Any]]:
    return [[d.path, d.line - base, d.column, d.code, d.message] for d in diags]


def _dec_diags(stored: list[list[Any]], base: int) -> list[Diagnostic]:
    return [
        Diagnostic(path, line + base, col, code, RULES[code].severity, message)
        for path, line, col, code, message in stored
    ]


class _Incremental(_Checker):
    """The checker, remembering each seed's front-matter findings by the seed's bytes."""

    seed_digests: dict[str, str]
    memo: dict[str, Any]
    used: dict[str, Any]
    usage: dict[int, tuple[list[str], list[str]]]  # by id() of a pruned fact

    judge: Callable[[], None]
    judged: dict[str, Any]
    context: list[Any]  # what the facts were judged against: the context's digest, the seed digests
    models: dict[str, Any]  # the stored model values of facts, by the name their findings give
    records: dict[int, tuple[str, Any]]  # each fact item's value and its name, by id() of its _Item

    def check_facts(self) -> None:
        self.judge()

    def usage_of(self, fact: YMap) -> tuple[list[str], list[str]]:
        return self.usage[id(fact)]

    def front_matter(self, file: SeedFile, path: str) -> list[Diagnostic]:
        digest = self.seed_digests.get(file.path.name)
        if digest is None:
            return super().front_matter(file, path)
        key = _hash(f"{path}\0{digest}")  # the findings name the file: its name is part of the key
        stored = self.memo.get(key)
        found = super().front_matter(file, path) if stored is None else _dec_diags(stored, 0)
        self.used[key] = _enc_diags(found, 0)
        return found


# --- the model, remembered ---------------------------------------------------------------------
# A fact's or entity's model value is stored as marshal stores data: a dataclass as the list
# [type name, field, ...] (lists stand for nothing else), a date as ["date", ordinal], its line
# relative to its item, so that an edit above it moves it without re-judging it.
_MODEL_TYPES: dict[str, Any] = {
    t.__name__: t for t in (Fact, Citation, Figure, DateResolution, FuzzyDate, Entity)
}
_LINE_FIELD = {t.__name__: [f.name for f in fields(t)].index("line") + 1 for t in (Fact, Entity)}


def _plain(value: Any) -> Any:
    if type(value).__name__ in _MODEL_TYPES and is_dataclass(value):
        return [type(value).__name__, *(_plain(getattr(value, f.name)) for f in fields(value))]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dt.date):
        return ["date", value.toordinal()]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return value
    raise TypeError(f"not a model value: {type(value).__name__}")


def _unplain(value: Any) -> Any:
    if isinstance(value, list):
        if value[0] == "date":
            return dt.date.fromordinal(value[1])
        return _MODEL_TYPES[value[0]](*(_unplain(v) for v in value[1:]))
    if isinstance(value, tuple):
        return tuple(_unplain(v) for v in value)
    if isinstance(value, dict):
        return {k: _unplain(v) for k, v in value.items()}
    return value


def _record(build: Callable[[], Any], base: int) -> Any:
    """The stored form of the model value ``build()`` makes, its line relative to ``base``;
    ``None`` where the entry cannot be modelled (it has errors, which leave no model anyway)."""
    try:
        record = _plain(build())
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    record[_LINE_FIELD[record[0]]] -= base
    return record


def _model(
    record: Any,
    base: int,
    key: str,
    memo: dict[tuple[str, int], Any],
    used: dict[tuple[str, int], Any],
    by_name: Callable[[], dict[str, tuple[int, Any]]],
) -> Any:
    """The model value of a stored record, at line ``base``; None when neither it nor its value
    is at hand. ``memo`` holds the values decoded earlier by the key their record is stored under
    (``serve`` keeps it between checks), ``by_name()`` the same by key alone, with their line base;
    ``used`` gets this one."""
    value = memo.get((key, base))
    if value is None:
        if isinstance(record, list):
            args = list(record)
            args[_LINE_FIELD[record[0]]] += base
            value = _unplain(args)
        else:  # a record ``serve`` no longer keeps (see _run): its value, moved to ``base``
            last = by_name().get(key)
            if last is None:
                return None
            value = replace(last[1], line=last[1].line - last[0] + base)
    used[key, base] = value
    return value


@dataclass
class Memory:
    """What a long-running caller (``serve``) keeps between checks: the last stored parts and
    the model values decoded from them, so that a save neither reads the parts file nor decodes
    what did not change. One per project."""

    version: str = ""
    parts: dict[str, Any] | None = None
    stored_models: dict[str, Any] = field(default_factory=dict)
    models: dict[tuple[str, int], Any] = field(default_factory=dict)
    digest: str = ""
    result: CheckResult | None = None


def check(
    project: Project,
    seed_digests: dict[str, str],
    version: str,
    stored: dict[str, Any],
    *,
    build: bool = False,
    seed_bytes: dict[str, bytes] | None = None,
    memory: Memory | None = None,
    models: dict[str, Any] | None = None,
) -> tuple[CheckResult, dict[str, Any]] | None:
    """The full check's result for ``project``, re-judging only what changed since ``stored``;
    and what to store for next time. ``None`` where the file must be checked in full.

    With ``build`` the result carries the model (``dossier.check.check(project)``'s, equal
    field by field) when there is no error: each fact's and entity's model value is remembered
    beside its findings, so only what changed is built. ``seed_bytes``: each seed's bytes by
    file name, read already (:func:`dossier.cache.inputs`); ``models``: the model values stored
    apart from ``stored`` (default: its ``"models"``), which the returned parts hold when built."""
    if stored.get("format") != FORMAT or stored.get("version") != version:
        stored = {}
    if fs.survey(project) or not project.seeds_dir.is_dir():
        return None
    try:
        data = fs.read_bytes(project.facts_file, root=project.root)
    except (OSError, fs.UnsafePath):
        return None
    if data.startswith(b"\xef\xbb\xbf") or not utf8(data):
        return None
    cut = split(data)
    del data  # the chunks hold it all again: at 50,000 facts, 37 MB less through the check
    if cut is None:
        return None
    head_text, chunks = cut
    head = parse(head_text)
    if head.problems or head.anchored or not isinstance(head.data, YMap):
        return None
    root: YMap = head.data
    facts_path = project.rel(project.facts_file)
    old_items: dict[str, Any] = stored.get("items", {})
    misses = [chunk for chunk in chunks if chunk.key not in old_items]
    # The schema findings of new items are independent of everything else: where this process
    # may fork, a worker on the other core validates them (importing jsonschema there, a tenth of
    # a second) while this one checks the rest.
    job = None
    if misses and memory is None and len(chunks) >= PARALLEL_MIN_FACTS and threading.active_count() == 1:
        job = parallel.Job(partial(_items_findings, facts_path, misses), fork=True)
    try:
        return _check_cut(
            project,
            seed_digests,
            version,
            stored,
            build,
            seed_bytes,
            memory,
            head_text,
            chunks,
            root,
            misses,
            job,
            models,
        )
    finally:
        if job is not None:
            job.result()  # reaps the worker where the check gave up early


def _item_findings(facts_path: str, chunk: Chunk, tree: Any, at: tuple[int, int]) -> list[list[Any]]:
    """The schema and control-character findings of one item, stored relative to its line."""
    prefix = (chunk.section, chunk.index)
    found = schema_diagnostics(
        facts_path, tree, "facts.schema.json", part=f"items:{chunk.section}", prefix=prefix, at=at
    )
    if may_hold_control(chunk.text):
        found += control_characters(facts_path, tree, "top level", prefix, at)
    return _enc_diags(found, chunk.line)


def _items_findings(facts_path: str, chunks: list[Chunk]) -> list[list[list[Any]]]:
    """:func:`_item_findings` of each item, parsed here (the worker is given no trees)."""
    out = []
    for chunk in chunks:
        parsed = parse(chunk.text, chunk.line)
        good = not parsed.problems and isinstance(parsed.data, YSeq) and len(parsed.data) == 1
        out.append(_item_findings(facts_path, chunk, parsed.data[0], parsed.data.item_pos[0]) if good else [])
    return out


def _check_cut(
    project: Project,
    seed_digests: dict[str, str],
    version: str,
    stored: dict[str, Any],
    build: bool,
    seed_bytes: dict[str, bytes] | None,
    memory: Memory | None,
    head_text: str,
    chunks: list[Chunk],
    root: YMap,
    misses: list[Chunk],
    job: parallel.Job[list[list[list[Any]]]] | None,
    models: dict[str, Any] | None,
) -> tuple[CheckResult, dict[str, Any]] | None:
    """:func:`check` once the file is cut: ``job`` validates the ``misses`` where it is given."""
    facts_path = project.rel(project.facts_file)
    old_items: dict[str, Any] = stored.get("items", {})
    new_items: dict[str, Any] = {}
    items: list[_Item] = []
    for chunk in chunks:
        entry = old_items.get(chunk.key)
        if entry is None:
            parsed = parse(chunk.text, chunk.line)
            if (
                parsed.problems
                or parsed.anchored
                or not isinstance(parsed.data, YSeq)
                or len(parsed.data) != 1
            ):
                return None
            tree, at = parsed.data[0], parsed.data.item_pos[0]
            entry = {
                "at": [at[0] - chunk.line, at[1]],
                "pruned": _enc(_pruned(tree, chunk.section), chunk.line),
                "seeds": _named_seeds(tree),
                "usage": fact_usage(tree) if isinstance(tree, YMap) else [[], []],
                "found": None if job is not None else _item_findings(facts_path, chunk, tree, at),
            }
            if chunk.section == "entities":
                entry["model"] = _record(partial(_Checker.entity_model, tree), chunk.line)
        new_items[chunk.key] = entry
        # The parsed tree is not kept: at 50,000 facts every tree at once would need a gigabyte.
        items.append(_Item(chunk, entry))
    # The top level as the full parse has it, each list holding the pruned items.
    for section in _SECTIONS:
        mine = [item for item in items if item.chunk.section == section]
        if not mine:
            if isinstance(root.get(section), YSeq) and root[section]:
                return None  # a flow list: its items were not cut out and checked one by one
            continue
        if section not in root or root[section] is not None:
            return None
        listed = YSeq((mine[0].chunk.line, 3))
        for item in mine:
            listed.append(_dec(item.stored["pruned"], item.chunk.line))
            listed.item_pos.append((item.chunk.line + item.stored["at"][0], item.stored["at"][1]))
        root[section] = listed
        root.value_pos[section] = listed.pos
    old_front: dict[str, Any] = stored.get("front", {})
    new_front: dict[str, Any] = {}
    seed_files = tuple(
        seeds.read_all(
            project.seeds_dir,
            root=project.root,
            raw=seed_bytes,
            parse_front=partial(_parse_front, old_front, new_front),
        )
    )
    originals, stray = seeds.read_originals(project.seeds_dir, seed_files, root=project.root)
    loaded = Loaded(facts_path, root, seed_files, (), may_hold_control(head_text), originals, stray)
    checker = _Incremental(loaded)
    checker.seed_digests = seed_digests
    checker.memo = stored.get("front_matter", {})
    checker.used = {}
    checker.records = {}
    checker.models = dict(stored.get("models", {}) if models is None else models)
    checker.judge = lambda: _judge_facts(
        checker, items, root, seed_files, version, seed_digests, stored, build
    )
    checker.run()
    new_facts = checker.judged
    if job is not None:  # where there is no fork, the job runs now, from the items' texts
        for chunk, found in zip(misses, job.result(), strict=True):
            new_items[chunk.key]["found"] = found
    for chunk in chunks:  # judged: the bytes of every item (the whole file again) are not needed now
        chunk.raw = b""
    for item in items:
        checker.found += _dec_diags(item.stored["found"], item.chunk.line)
    head_key = _hash(f"{facts_path}\0{head_text}")  # the top level's own findings
    head_found = stored.get("head", {}).get(head_key)
    if head_found is None:
        head_found = _enc_diags(schema_diagnostics(facts_path, root, "facts.schema.json", part="head"), 0)
    checker.found += _dec_diags(head_found, 0)
    if loaded.may_hold_control:
        checker.found += control_characters(facts_path, _head_only(root, chunks), "top level")
    for file in seed_files:
        if isinstance(file.meta, YMap):
            checker.found += control_characters(seed_path(loaded, file), file.meta, "front matter")
    result = CheckResult(tuple(sorted(set(checker.found), key=sort_key)), checker.acknowledged)
    if build and result.errors == 0:
        model = _build_model(checker, items, memory)
        if model is None:
            return None
        result = CheckResult(result.diagnostics, result.acknowledged, model)
    parts = {
        "format": FORMAT,
        "version": version,
        "items": new_items,
        "facts": new_facts,
        "front_matter": checker.used,
        "context": checker.context[0],
        "seed_digests": checker.context[1],
        "front": new_front,
        "head": {head_key: head_found},
    }
    if build:  # what the next check wanting the model needs; kept apart: ``dossier check`` never does
        parts["models"] = dict(checker.records.values())
    return result, parts


def run(
    project: Project,
    *,
    build: bool = True,
    memory: Memory | None = None,
    inputs: cache.Inputs | None = None,
) -> CheckResult:
    """``dossier.check.check(project, build=build)``'s result, re-judging only what changed since
    the last check of this project (the stored parts, or ``memory``), and remembering it all for
    the next; the full check where the cut cannot be made (see the module's docstring).

    ``inputs``: the project's inputs, where the caller has gathered them (:func:`dossier.cache.gather`).
    Never raises on bad input: a failure of the incremental path falls back to the full check."""
    enabled = gc.isenabled()
    # The check allocates a million small objects and frees few before it ends; the cyclic
    # collector, run every few thousand allocations, finds nothing and costs a fifth of the time.
    gc.disable()
    try:
        return _run(project, build, memory, inputs or cache.gather(project))
    finally:
        if memory is None:
            # A one-off check (``dossier check``) is followed by no more than printing: without
            # this, the first allocation after gc.enable() walks every object the check left
            # (0.1 s). A long-running caller (``serve``) pays that walk rather than keep all.
            gc.freeze()
        if enabled:
            gc.enable()


def _run(project: Project, build: bool, memory: Memory | None, inputs: cache.Inputs) -> CheckResult:
    from dossier.check import check as full_check

    if inputs.who is None:
        return full_check(project, build=build)
    last = memory.result if memory is not None and memory.digest == inputs.digest else None
    if last is not None and (not build or last.dossier is not None or last.errors):
        return last  # nothing changed since this process checked last
    if memory is not None:
        # The inputs changed: the last result, its whole model (the seeds' texts included), need
        # not live through this check, the top of a save's memory.
        memory.result = None
    if not build:
        cached = cache.read(project, inputs.digest)
        if cached is not None:
            return CheckResult(tuple(cached[0]), cached[1])
    # A cached result is trusted only in the folder that computed it: a pull request can commit
    # a cache whose keys it computed for broken data (a key is a digest of public files).
    version = f"{cache.checker_version()}:{inputs.who}"
    if memory is not None and memory.version == version and memory.parts is not None:
        stored, models = memory.parts, memory.stored_models
    else:
        stored = cache.read_parts(project, version)
        # The facts' model values are a file of their own: ``dossier check`` never reads them.
        models = cache.read_parts(project, version, cache.MODELS).get("models", {}) if build else {}
    try:
        done = check(
            project,
            inputs.seed_digests,
            version,
            stored,
            build=build,
            seed_bytes=inputs.seed_bytes,
            memory=memory,
            models=models,
        )
    except Exception:  # a safety net: the full check is always right, and never a traceback
        done = None
    if done is None:
        result = full_check(project, build=build)
    else:
        result, parts = done
        fresh = parts.pop("models", None)
        models = models if fresh is None else fresh
        # A long-running caller (``serve``) keeps the parts in memory and writes them with its
        # first check only: writing them on every save would hold their whole encoding at once
        # (100 MB at 50,000 facts, the top of a save's memory) for a later command's sake, which
        # re-judges whatever changed since (the parts are keyed by content).
        if memory is None or memory.parts is None:
            if fresh is not None:
                cache.write_parts(project, version, {"models": fresh}, cache.MODELS)
            cache.write_parts(project, version, parts)
        if memory is not None:
            if result.dossier is not None:
                # Every fact's value is decoded and kept (memory.models), so its stored record is
                # not kept too (a tenth of the memory at 50,000 facts): only its name, which says
                # it was judged with a model; a fact that moves is its value with its line moved.
                models = dict.fromkeys(models, 0)
            memory.version, memory.parts, memory.stored_models = version, parts, models
    cache.write(project, inputs.digest, result.diagnostics, result.acknowledged)
    if memory is not None:
        memory.digest, memory.result = inputs.digest, result
    return result


def _parse_front(old: dict[str, Any], new: dict[str, Any], text: str) -> Parsed:
    """A seed's front matter parsed, or as parsed before (by its text: its lines start at 2)."""
    key = _hash(text)
    stored = old.get(key)
    if stored is None:
        parsed = parse(text, first_line=2)
        stored = [_enc(parsed.data, 0), [list(astuple(p)) for p in parsed.problems], parsed.anchored]
    new[key] = stored
    return Parsed(_dec(stored[0], 0), tuple(YamlProblem(*p) for p in stored[1]), stored[2])


def _build_model(checker: _Incremental, items: list[_Item], memory: Memory | None) -> Dossier | None:
    """The model from the stored entity and fact values; ``None`` if one is missing."""
    memo = memory.models if memory is not None else {}
    # By name alone, made only when a fact moved (its value was decoded at another line).
    by_name = functools.cache(lambda: {name: (base, value) for (name, base), value in memo.items()})
    used: dict[tuple[str, int], Any] = {}
    entities: list[Entity] = []
    facts: list[Fact] = []
    for item in items:
        if item.chunk.section == "entities":
            key, record = item.chunk.key, item.stored.get("model")
        else:
            key, record = checker.records.get(id(item), ("", None))
        if record is None:
            return None
        value = _model(record, item.chunk.line, key, memo, used, by_name)
        if value is None:
            return None
        (entities if item.chunk.section == "entities" else facts).append(value)
    if memory is not None:
        memory.models = used  # what this model is made of; the rest is gone
    return checker.build_model(tuple(entities), tuple(facts))


def _judge_facts(
    checker: _Incremental,
    items: list[_Item],
    root: YMap,
    seed_files: tuple[SeedFile, ...],
    version: str,
    seed_digests: dict[str, str],
    stored: dict[str, Any],
    build: bool,
) -> None:
    """Each fact's own findings, from the cache where its inputs are unchanged; then the rules
    comparing facts (what :meth:`dossier.check._Checker.check_facts` does in a full check).
    With ``build``, each fact's model value too (:func:`_record`), made when it is judged."""
    # Everything a fact's own findings depend on besides itself and its seeds.
    context = _hash(
        "\n".join(
            [
                version,
                # Every entity whole, not only names: a fact's rules read their flags
                # (unidentified, outlet type) too; entities change rarely.
                *(i.chunk.key for i in items if i.chunk.section == "entities"),
                "",
                *sorted(f.id for f in seed_files),
                "",
                *sorted(checker.seeds),
            ]
        )
    )
    by_tree: dict[int, _Item] = {}
    checker.usage = {}
    if "facts" in root and isinstance(root["facts"], YSeq):
        for item, pruned in zip((i for i in items if i.chunk.section == "facts"), root["facts"], strict=True):
            by_tree[id(pruned)] = item
            checker.usage[id(pruned)] = item.stored["usage"]
    # A fact's stored findings stand while the context and the seeds it names are unchanged.
    same_context = stored.get("context") == context
    old_digests: dict[str, str] = stored.get("seed_digests", {})
    changed = {name[:-3] for name in old_digests.keys() ^ seed_digests.keys()} | {
        name[:-3] for name, digest in seed_digests.items() if old_digests.get(name, digest) != digest
    }
    old_facts: dict[str, Any] = stored.get("facts", {}) if same_context else {}
    old_models: dict[str, Any] = checker.models
    new_facts: dict[str, Any] = {}
    checker.judged = new_facts
    checker.context = [context, seed_digests]
    for fact in checker.facts.values():
        item = by_tree[id(fact)]
        key = item.chunk.key
        judged = old_facts.get(key)
        if (
            judged is None
            or (changed and not changed.isdisjoint(item.stored["seeds"]))
            # The model wanted, and its value never made or not at hand (a fact with an error
            # has none: then no model is built).
            or (build and (len(judged) < 3 or (judged[2] is not None and judged[2] not in old_models)))
        ):
            tree = parse(item.chunk.text, item.chunk.line).data[0]
            mark, acknowledged = len(checker.found), checker.acknowledged
            checker.check_fact(tree)
            judged = [_enc_diags(checker.found[mark:], item.chunk.line), checker.acknowledged - acknowledged]
            if build:
                errors = any(d.severity is Severity.ERROR for d in checker.found[mark:])
                record = None if errors else _record(partial(checker._fact, tree), item.chunk.line)
                # A fresh name: ``serve`` keeps decoded values by it (the item key alone would
                # also name this fact as it was judged against an older seed).
                token = None if record is None else os.urandom(12).hex()
                if token is not None:
                    old_models[token] = record
                judged.append(token)
            del checker.found[mark:]
            checker.acknowledged = acknowledged
            # The checker remembers a fact's anchors and date by id(), which a later tree may reuse.
            checker.anchors.clear()
            checker.fact_dates.clear()
        new_facts[key] = judged
        if build and judged[2] is not None:
            checker.records[id(item)] = (judged[2], old_models[judged[2]])
        if judged[0]:
            checker.found += _dec_diags(judged[0], item.chunk.line)
        checker.acknowledged += judged[1]
    checker.check_contradictions()


def _head_only(root: YMap, chunks: list[Chunk]) -> YMap:
    """The top level without the items cut out (each item's control characters are its own)."""
    cut = {chunk.section for chunk in chunks}
    head = YMap(root.pos)
    for key, value in root.items():
        head[key] = None if key in cut else value
        head.key_pos[key] = root.key_pos[key]
        head.value_pos[key] = root.value_pos[key]
    return head
