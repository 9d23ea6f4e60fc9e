"""An incremental ``dossier check``: re-judge only the entries an edit touched.

The facts file is cut at its top-level list items (each entity, each fact) by a scan of its
lines; each item is parsed on its own, with the line numbers it has in the file. Two kinds of
result are remembered, by content hash, in ``.dossier-cache/check-parts.json``:

* per item (its kind, index and text): the schema and control-character findings, the seeds it
  names, and a *pruned* copy of it (ids, status, references, with positions) that the rules
  comparing entries with each other need;
* per fact (its item hash, the hashes of the seeds it names, the entities' ids and names, the
  seed files present and the checker's version): the findings of every rule that judges one fact
  (:meth:`dossier.check._Checker.check_fact`) and how many warnings it acknowledged.

The rules that compare entries (duplicate ids, contradictions, unused seeds and entities, outlets)
run on the pruned copies every time; they are cheap. Findings are stored with lines relative to
their item, so an edit above an item moves them without re-judging it.

Anything the line scan cannot cut with certainty (anchors, flow-style lists, a YAML error, a
link or FIFO in the layout, an unusual indentation) is left to the full check: this module
returns ``None`` and the caller checks cold. The result is always the full check's result
(``tests/test_incremental_check.py`` compares the two over random edits).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dossier import fs, seeds
from dossier.check import CheckResult, _Checker, control_characters, fact_usage, schema_diagnostics, seed_path
from dossier.diagnostics import RULES, Diagnostic, sort_key
from dossier.load import Loaded
from dossier.project import Project
from dossier.seeds import SeedFile
from dossier.yamlload import YMap, YSeq, may_hold_control, parse

FORMAT = 1  # of the stored parts; a different number discards them
_SECTIONS = ("entities", "facts")
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*:(?: |$)")
# What a fact's cross-entry rules read: kept in its pruned copy.
_KEEP = {
    "entities": ("id", "type", "name", "aliases"),
    "facts": ("id", "status", "contradicts"),
}


@dataclass(frozen=True)
class Chunk:
    """One top-level list item: its section, index, first line and text; ``key`` hashes all but
    the line (findings are stored relative to it)."""

    section: str
    index: int
    line: int
    text: str
    key: str


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# Characters ``str.splitlines`` would end a line at where YAML does not: a file holding one is
# left to the full check (the scan below cuts at "\n" only).
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# Each pattern starts at the "\n" before a line, so the regex engine finds candidates by a fast
# scan for that character (a pattern starting with ^ is tried at every position of the file).
_TOP_LINE = re.compile(r"\n[^ #\n]")  # a line at column 0: a top-level key
_ITEM = re.compile(r"\n  - ")  # an item's first line
# Inside a list, a line that is none of: an item's first line ("  - "), a deeper line, a blank
# line, a comment. Before the first item only blank lines and comments may stand.
_ODD_IN_LIST = re.compile(r"\n(?: [^ #]|  [^ #-]|  -[^ ])")
_ODD_BEFORE_ITEMS = re.compile(r"\n(?!\n| *#)(?=.)")  # (?=.): not the line after the span


def split(text: str) -> tuple[str, list[Chunk]] | None:
    """The file with every list item blanked out (line numbers kept), and the items; ``None``
    when the layout is not the plain block layout ``fmt`` writes.

    The lines at column 0 are found by a regex; each list between them is cut at its items'
    first lines, and a regex looks for any line that fits no rule, so no Python code runs per
    line (the file of 10,000 facts has 200,000)."""
    if not text.endswith("\n") or any(c in text for c in _OTHER_BREAKS):
        return None
    t = "\n" + text  # every line now follows a "\n"; offsets below are in ``t``
    head: list[str] = []
    chunks: list[Chunk] = []
    counts = dict.fromkeys(_SECTIONS, 0)
    line = 1  # the line ``pos`` is on
    pos = 1
    section = ""
    tops = [m.start() + 1 for m in _TOP_LINE.finditer(t)]
    for start in [*tops, len(t)]:
        # The lines from ``pos`` to ``start``, below the last top-level line.
        first = _ITEM.search(t, pos - 1, start) if section else None
        before = start if first is None else first.start() + 1
        if section and _ODD_BEFORE_ITEMS.search(t, pos - 1, before):
            return None
        head.append(t[pos:before])
        at = line + t.count("\n", pos, before)
        if first is not None:
            if _ODD_IN_LIST.search(t, before - 1, start):
                return None
            starts = [m.start() + 1 for m in _ITEM.finditer(t, before - 1, start)]
            for a, b in zip(starts, [*starts[1:], start], strict=True):
                chunk = t[a:b]
                index = counts[section]
                chunks.append(Chunk(section, index, at, chunk, _hash(f"{section}\0{index}\0{chunk}")))
                counts[section] = index + 1
                n = chunk.count("\n")
                head.append("\n" * n)
                at += n
        line = at
        if start == len(t):
            break
        end = t.index("\n", start) + 1
        top = t[start:end]
        if not _TOP_KEY.match(top):
            return None  # "- item", "---", "? key", '"key":', a tab: leave it to the full check
        section = top[:-2] if top.endswith(":\n") and top[:-2] in _SECTIONS else ""
        head.append(top)
        line += 1
        pos = end
    return "".join(head), chunks


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
    if not isinstance(data, list):
        return data
    if data[0] == "m":
        ymap = YMap((data[1] + base, data[2]))
        key_pos, value_pos = ymap.key_pos, ymap.value_pos
        for n in range(3, len(data), 6):
            k = data[n]
            ymap[k] = _dec(data[n + 5], base)
            key_pos[k] = (data[n + 1] + base, data[n + 2])
            value_pos[k] = (data[n + 3] + base, data[n + 4])
        return ymap
    yseq = YSeq((data[1] + base, data[2]))
    for n in range(3, len(data), 3):
        yseq.append(_dec(data[n + 2], base))
        yseq.item_pos.append((data[n] + base, data[n + 1]))
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


def check(
    project: Project, seed_digests: dict[str, str], version: str, stored: dict[str, Any]
) -> tuple[CheckResult, dict[str, Any]] | None:
    """The full check's result for ``project``, re-judging only what changed since ``stored``;
    and what to store for next time. ``None`` where the file must be checked in full."""
    if stored.get("format") != FORMAT or stored.get("version") != version:
        stored = {}
    if fs.survey(project) or not project.seeds_dir.is_dir():
        return None
    try:
        text = fs.read_bytes(project.facts_file, root=project.root).decode("utf-8")
    except (OSError, fs.UnsafePath, UnicodeDecodeError):
        return None
    cut = split(text)
    if cut is None or text.startswith("\ufeff"):
        return None
    head_text, chunks = cut
    head = parse(head_text)
    if head.problems or head.anchored or not isinstance(head.data, YMap):
        return None
    root: YMap = head.data
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
            prefix = (chunk.section, chunk.index)
            found = schema_diagnostics(
                facts_path, tree, "facts.schema.json", part=f"items:{chunk.section}", prefix=prefix, at=at
            )
            if may_hold_control(chunk.text):
                found += control_characters(facts_path, tree, "top level", prefix, at)
            entry = {
                "at": [at[0] - chunk.line, at[1]],
                "pruned": _enc(_pruned(tree, chunk.section), chunk.line),
                "seeds": _named_seeds(tree),
                "usage": fact_usage(tree) if isinstance(tree, YMap) else [[], []],
                "found": _enc_diags(found, chunk.line),
            }
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
    seed_files = tuple(seeds.read_all(project.seeds_dir, root=project.root))
    originals, stray = seeds.read_originals(project.seeds_dir, seed_files, root=project.root)
    loaded = Loaded(facts_path, root, seed_files, (), may_hold_control(head_text), originals, stray)
    checker = _Incremental(loaded)
    checker.seed_digests = seed_digests
    checker.memo = stored.get("front_matter", {})
    checker.used = {}
    checker.judge = lambda: _judge_facts(checker, items, root, seed_files, version, seed_digests, stored)
    checker.run()
    new_facts = checker.judged
    for item in items:
        checker.found += _dec_diags(item.stored["found"], item.chunk.line)
    checker.found += schema_diagnostics(facts_path, root, "facts.schema.json", part="head")
    if loaded.may_hold_control:
        checker.found += control_characters(facts_path, _head_only(root, chunks), "top level")
    for file in seed_files:
        if isinstance(file.meta, YMap):
            checker.found += control_characters(seed_path(loaded, file), file.meta, "front matter")
    result = CheckResult(tuple(sorted(set(checker.found), key=sort_key)), checker.acknowledged)
    parts = {
        "format": FORMAT,
        "version": version,
        "items": new_items,
        "facts": new_facts,
        "front_matter": checker.used,
    }
    return result, parts


def _judge_facts(
    checker: _Incremental,
    items: list[_Item],
    root: YMap,
    seed_files: tuple[SeedFile, ...],
    version: str,
    seed_digests: dict[str, str],
    stored: dict[str, Any],
) -> None:
    """Each fact's own findings, from the cache where its inputs are unchanged; then the rules
    comparing facts (what :meth:`dossier.check._Checker.check_facts` does in a full check)."""
    # Everything a fact's own findings depend on besides itself and its seeds.
    context = _hash(
        json.dumps(
            [
                version,
                # Every entity whole, not only names: a fact's rules read their flags
                # (unidentified, outlet type) too; entities change rarely.
                [i.chunk.key for i in items if i.chunk.section == "entities"],
                sorted(f.id for f in seed_files),
                sorted(checker.seeds),
            ],
            default=str,
        )
    )
    by_tree: dict[int, _Item] = {}
    checker.usage = {}
    if "facts" in root and isinstance(root["facts"], YSeq):
        for item, pruned in zip((i for i in items if i.chunk.section == "facts"), root["facts"], strict=True):
            by_tree[id(pruned)] = item
            checker.usage[id(pruned)] = item.stored["usage"]
    old_facts: dict[str, Any] = stored.get("facts", {})
    new_facts: dict[str, Any] = {}
    checker.judged = new_facts
    for fact in checker.facts.values():
        item = by_tree[id(fact)]
        key = _hash(
            json.dumps(
                [item.chunk.key, context, [[s, seed_digests.get(f"{s}.md")] for s in item.stored["seeds"]]]
            )
        )
        judged = old_facts.get(key)
        if judged is None:
            tree = parse(item.chunk.text, item.chunk.line).data[0]
            mark, acknowledged = len(checker.found), checker.acknowledged
            checker.check_fact(tree)
            judged = [_enc_diags(checker.found[mark:], item.chunk.line), checker.acknowledged - acknowledged]
            del checker.found[mark:]
            checker.acknowledged = acknowledged
            # The checker remembers a fact's anchors and date by id(), which a later tree may reuse.
            checker.anchors.clear()
            checker.fact_dates.clear()
        new_facts[key] = judged
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
