"""Parse YAML into plain dicts and lists that remember where each value stood.

ruamel.yaml's round-trip loader is exact but slow (about 17 s for 10,000 facts); its C parser
(``ruamel.yaml.clib``) streams the same file's events in well under a second and every event
carries a line mark. We build the tree from those events ourselves, which also lets us refuse
duplicate keys and alias bombs before anything is expanded.

Scalars resolve with the YAML 1.2 core schema, except that timestamps stay strings: dates are
checked, with their precision, by :mod:`dossier.dates`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from _ruamel_yaml import CParser  # the C extension shipped as ruamel.yaml.clib
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

# An alias may stand for at most this many nodes in total. Real files use few aliases; a
# "billion laughs" document needs millions. Counting sizes, not expanding, keeps the guard O(n).
MAX_ALIAS_NODES = 10_000

Pos = tuple[int, int]  # 1-based line and column


class YMap(dict[str, Any]):
    """A mapping with the position of the mapping, each key and each value."""

    __slots__ = ("key_pos", "pos", "value_pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}


class YSeq(list[Any]):
    """A sequence with the position of the sequence and of each item."""

    __slots__ = ("item_pos", "pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []


@dataclass(frozen=True)
class YamlProblem:
    """Something that stops or spoils the parse, at a 1-based position."""

    line: int
    column: int
    kind: str  # "syntax" | "duplicate-key" | "alias-bomb"
    message: str


@dataclass(frozen=True)
class Parsed:
    """The document (``None`` when empty or unparseable) and the problems met on the way."""

    data: Any
    problems: tuple[YamlProblem, ...]


_MAY_RESOLVE = frozenset("0123456789+-.~nNtTfF")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


def resolve_plain(value: str) -> Any:
    """Resolve an unquoted scalar by the YAML 1.2 core schema (timestamps stay strings)."""
    if value and value[0] not in _MAY_RESOLVE:  # most scalars are words: skip the patterns
        return value
    if _NULL.match(value):
        return None
    if _TRUE.match(value):
        return True
    if _FALSE.match(value):
        return False
    if _INT.match(value):
        return int(value)
    if _OCT.match(value):
        return int(value[2:], 8)
    if _HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value)
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    return value


class _AliasBomb(Exception):
    def __init__(self, pos: Pos, size: int) -> None:
        super().__init__(size)
        self.pos = pos
        self.size = size


class _Builder:
    """Consume parser events and build YMap/YSeq trees.

    This loop runs once per node of a 10,000-fact file, so it compares event classes by
    identity and keeps attribute lookups out of the hot path.
    """

    def __init__(self, parser: Any, first_line: int) -> None:
        self.next = parser.get_event
        self.first_line = first_line
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (node, expanded size)
        self.alias_nodes = 0
        self.problems: list[YamlProblem] = []

    def at(self, ev: Any) -> Pos:
        mark = ev.start_mark
        return (mark.line + self.first_line, mark.column + 1)

    def node(self, ev: Any) -> tuple[Any, int]:
        """Build the node that starts with ``ev``; return it and its expanded size."""
        cls = type(ev)
        if cls is ScalarEvent:
            if ev.anchor is None:  # the common case, kept short
                if ev.style or not ev.implicit[0] or ev.tag not in (None, "!"):
                    return ev.value, 1
                return resolve_plain(ev.value), 1
            plain = ev.implicit[0] and not ev.style and ev.tag in (None, "!")
            value: Any = resolve_plain(ev.value) if plain else ev.value
            size = 1
        elif cls is MappingStartEvent:
            value, size = self.mapping(self.at(ev))
        elif cls is SequenceStartEvent:
            value, size = self.sequence(self.at(ev))
        elif cls is AliasEvent:
            pos = self.at(ev)
            if ev.anchor not in self.anchors:
                self.problems.append(YamlProblem(*pos, "syntax", f"found undefined alias {ev.anchor!r}"))
                return None, 1
            value, size = self.anchors[ev.anchor]
            self.alias_nodes += size
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise _AliasBomb(pos, self.alias_nodes)
            return value, size
        else:  # pragma: no cover - the parser only starts nodes with the events above
            raise AssertionError(cls.__name__)
        if ev.anchor:
            self.anchors[ev.anchor] = (value, size)
        return value, size

    def sequence(self, pos: Pos) -> tuple[YSeq, int]:
        seq = YSeq(pos)
        append, append_pos, first = seq.append, seq.item_pos.append, self.first_line
        size = 1
        while True:
            item = self.next()
            if type(item) is SequenceEndEvent:
                return seq, size
            mark = item.start_mark
            child, child_size = self.node(item)
            append(child)
            append_pos((mark.line + first, mark.column + 1))
            size += child_size

    def mapping(self, pos: Pos) -> tuple[YMap, int]:
        mapping = YMap(pos)
        key_pos, value_pos, first = mapping.key_pos, mapping.value_pos, self.first_line
        size = 1
        while True:
            key_ev = self.next()
            if type(key_ev) is MappingEndEvent:
                return mapping, size
            mark = key_ev.start_mark
            kpos = (mark.line + first, mark.column + 1)
            key, _ = self.node(key_ev)
            value_ev = self.next()
            mark = value_ev.start_mark
            vpos = (mark.line + first, mark.column + 1)
            value, value_size = self.node(value_ev)
            size += value_size
            if key == "<<" and isinstance(value, dict):
                # YAML merge key: copy the merged mapping's entries that are not set here.
                for k, v in value.items():
                    if k not in mapping:
                        mapping[k] = v
                        key_pos[k] = value_pos[k] = kpos
                continue
            if not isinstance(key, str):
                if isinstance(key, (dict, list)):
                    self.problems.append(YamlProblem(*kpos, "syntax", "a mapping key must be a scalar"))
                    continue
                key = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
            if key in mapping:
                self.problems.append(
                    YamlProblem(
                        *kpos,
                        "duplicate-key",
                        f"duplicate key {key!r} (first at line {key_pos[key][0]}); YAML keeps only one",
                    )
                )
                continue
            mapping[key] = value
            key_pos[key] = kpos
            value_pos[key] = vpos


def parse(text: str, first_line: int = 1) -> Parsed:
    """Parse the first document of ``text``, numbering its lines from ``first_line``.

    Never raises on bad input: problems come back as values.
    """
    parser = CParser(text)
    builder = _Builder(parser, first_line)
    data: Any = None
    try:
        while True:
            ev = parser.get_event()
            if type(ev) is DocumentStartEvent:
                data, _ = builder.node(parser.get_event())
                parser.get_event()  # DocumentEndEvent
                nxt = parser.get_event()
                if type(nxt) is DocumentStartEvent:
                    line = nxt.start_mark.line + first_line
                    builder.problems.append(
                        YamlProblem(line, 1, "syntax", "the file holds more than one YAML document")
                    )
                break
            if type(ev) is StreamEndEvent:
                break
    except _AliasBomb as bomb:
        message = f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes; refused without expanding"
        return Parsed(None, (YamlProblem(*bomb.pos, "alias-bomb", message),))
    except Exception as exc:  # the C parser raises its own MarkedYAMLError types
        return Parsed(None, (*builder.problems, _syntax_problem(exc, first_line)))
    return Parsed(data, tuple(builder.problems))


def _syntax_problem(exc: Exception, first_line: int) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + first_line if mark is not None else first_line
    column = mark.column + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    message = " ".join(str(p) for p in (context, problem) if p) or str(exc).splitlines()[0]
    return YamlProblem(line, column, "syntax", message)
