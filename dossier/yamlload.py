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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from _ruamel_yaml import CParser  # the C extension shipped as ruamel.yaml.clib

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
    """Consume parser events and build YMap/YSeq trees."""

    def __init__(self, events: Iterator[Any], first_line: int) -> None:
        self.events = events
        self.first_line = first_line
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (node, expanded size)
        self.alias_nodes = 0
        self.problems: list[YamlProblem] = []

    def at(self, ev: Any) -> Pos:
        return (ev.start_mark.line + self.first_line, ev.start_mark.column + 1)

    def node(self, ev: Any) -> tuple[Any, int]:
        """Build the node that starts with ``ev``; return it and its expanded size."""
        kind = type(ev).__name__
        pos = self.at(ev)
        if kind == "AliasEvent":
            if ev.anchor not in self.anchors:
                self.problems.append(YamlProblem(*pos, "syntax", f"found undefined alias {ev.anchor!r}"))
                return None, 1
            value, size = self.anchors[ev.anchor]
            self.alias_nodes += size
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise _AliasBomb(pos, self.alias_nodes)
            return value, size
        if kind == "ScalarEvent":
            plain = ev.implicit[0] and not ev.style and ev.tag in (None, "!")
            value: Any = resolve_plain(ev.value) if plain else ev.value
            size = 1
        elif kind == "SequenceStartEvent":
            seq = YSeq(pos)
            size = 1
            for item in self.events:
                if type(item).__name__ == "SequenceEndEvent":
                    break
                child, child_size = self.node(item)
                seq.append(child)
                seq.item_pos.append(self.at(item))
                size += child_size
            value = seq
        elif kind == "MappingStartEvent":
            value, size = self.mapping(pos)
        else:  # pragma: no cover - the parser only starts nodes with the events above
            raise AssertionError(kind)
        if getattr(ev, "anchor", None):
            self.anchors[ev.anchor] = (value, size)
        return value, size

    def mapping(self, pos: Pos) -> tuple[YMap, int]:
        mapping = YMap(pos)
        size = 1
        for key_ev in self.events:
            if type(key_ev).__name__ == "MappingEndEvent":
                break
            key_pos = self.at(key_ev)
            key, _ = self.node(key_ev)
            value_ev = next(self.events)
            value, value_size = self.node(value_ev)
            size += value_size
            if key == "<<" and isinstance(value, dict):
                # YAML merge key: copy the merged mapping's entries that are not set here.
                for k, v in value.items():
                    if k not in mapping:
                        mapping[k] = v
                        mapping.key_pos[k] = key_pos
                        mapping.value_pos[k] = key_pos
                continue
            if not isinstance(key, str):
                if isinstance(key, (dict, list)):
                    self.problems.append(YamlProblem(*key_pos, "syntax", "a mapping key must be a scalar"))
                    continue
                key = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
            if key in mapping:
                first = mapping.key_pos[key]
                self.problems.append(
                    YamlProblem(
                        *key_pos,
                        "duplicate-key",
                        f"duplicate key {key!r} (first at line {first[0]}); YAML keeps only one",
                    )
                )
                continue
            mapping[key] = value
            mapping.key_pos[key] = key_pos
            mapping.value_pos[key] = self.at(value_ev)
        return mapping, size


def parse(text: str, first_line: int = 1) -> Parsed:
    """Parse the first document of ``text``, numbering its lines from ``first_line``.

    Never raises on bad input: problems come back as values.
    """
    parser = CParser(text)

    def events() -> Iterator[Any]:
        while True:
            yield parser.get_event()

    builder = _Builder(events(), first_line)
    stream = builder.events
    data: Any = None
    try:
        for ev in stream:
            kind = type(ev).__name__
            if kind == "DocumentStartEvent":
                data, _ = builder.node(next(stream))
                next(stream)  # DocumentEndEvent
                nxt = next(stream)
                if type(nxt).__name__ == "DocumentStartEvent":
                    line = nxt.start_mark.line + first_line
                    builder.problems.append(
                        YamlProblem(line, 1, "syntax", "the file holds more than one YAML document")
                    )
                break
            if kind == "StreamEndEvent":
                break
    except _AliasBomb as bomb:
        return Parsed(
            None,
            (
                YamlProblem(
                    *bomb.pos,
                    "alias-bomb",
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes; refused without expanding",
                ),
            ),
        )
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
