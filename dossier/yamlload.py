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
# Mappings and lists nest at most this deep (the facts file needs six levels). Deeper input is
# skipped event by event, so neither this builder nor the checks after it can exhaust the stack.
MAX_DEPTH = 32
# Numbers must be finite and at most this large: JSON has no NaN or infinity, and JavaScript
# reads integers beyond 2**53 (about 9 * 10**15) inexactly.
MAX_NUMBER = 10**15

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
    kind: str  # "syntax" | "duplicate-key" | "alias-bomb" | "control" | "too-deep" | "tag" | "bad-number"
    message: str


@dataclass(frozen=True)
class Parsed:
    """The document (``None`` when empty or unparseable) and the problems met on the way."""

    data: Any
    problems: tuple[YamlProblem, ...]
    anchored: bool = False  # whether the document defines an anchor (``&name``)


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
    """Resolve an unquoted scalar by the YAML 1.2 core schema (timestamps stay strings).

    An integer too long to convert exactly (Python refuses over 4,300 digits) becomes the
    nearest float, which :func:`bad_number` then refuses.
    """
    if value and value[0] not in _MAY_RESOLVE:  # most scalars are words: skip the patterns
        return value
    if _NULL.match(value):
        return None
    if _TRUE.match(value):
        return True
    if _FALSE.match(value):
        return False
    if _INT.match(value):
        return int(value) if len(value) < 100 else float(value)
    if _OCT.match(value):
        return int(value[2:], 8) if len(value) < 100 else float("inf")
    if _HEX.match(value):
        return int(value[2:], 16) if len(value) < 100 else float("inf")
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value)
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    return value


def bad_number(value: object, text: str = "") -> str | None:
    """Why a loaded number cannot be published, in plain words; ``None`` when it can.

    ``text`` is the number as written, which names a number too long to convert exactly.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value:  # NaN is the one value unequal to itself
        return "'not a number' (.nan) cannot be published: JSON has no such value; write a number"
    if value in (float("inf"), float("-inf")) and "inf" in text.lower():
        return "infinity (.inf) cannot be published: JSON has no such value; write a number"
    if not abs(value) <= MAX_NUMBER:
        written = text or str(value)
        shown = written if len(written) <= 24 else f"{written[:20]}... ({len(written)} characters)"
        return (
            f"the number {shown} is too large: numbers may be at most 10^15 (a million billion) in magnitude"
        )
    return None


# What YAML may hold: tab, line breaks and printable characters. Anything else stops the C parser
# with an unlocated error, so it is found here first.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _unprintable(text: str, first_line: int) -> YamlProblem | None:
    found = _NOT_YAML.search(text)
    if found is None:
        return None
    i = found.start()
    line = text.count("\n", 0, i) + first_line
    column = i - text.rfind("\n", 0, i)
    char = found.group()
    if char in "\ufffe\uffff":
        return YamlProblem(line, column, "syntax", f"U+{ord(char):04X} is not a character YAML allows")
    return YamlProblem(line, column, "control", f"{char_name(char)} is not allowed in YAML text; delete it")


# Characters refused in every text and key (E107): C0 controls except tab and line feed, DEL,
# C1 controls, the bidirectional controls that make text display in another order than it is
# stored (U+202E turns "did not" into "ton did"), and invisible characters that make two names
# look the same while they differ (soft hyphen, zero-width space, word joiner and invisible
# operators, U+FEFF, interlinear annotation marks, tag characters). ZWJ and ZWNJ stay: scripts
# such as Persian and Hindi need them.
CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)

# A control character reaches a loaded value only written as itself or as a double-quoted
# escape (\x07, \u202e, \e, \N, ...). A text with neither needs no per-value scan.
_CONTROL_OR_ESCAPE = re.compile(f"{CONTROL.pattern}|\\\\[0abefrvxuUN]")


def may_hold_control(text: str) -> bool:
    """Whether a value parsed from ``text`` can hold a :data:`CONTROL` character."""
    return _CONTROL_OR_ESCAPE.search(text) is not None


_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}


def char_name(char: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``: a character by its code and name, for messages."""
    import unicodedata

    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code, "a control character")
    return f"U+{code:04X} ({name})"


class _AliasBomb(Exception):
    def __init__(self, pos: Pos, size: int) -> None:
        super().__init__(size)
        self.pos = pos
        self.size = size


_START = (MappingStartEvent, SequenceStartEvent)
_END = (MappingEndEvent, SequenceEndEvent)


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _Builder:
    """Consume parser events and build YMap/YSeq trees.

    This loop runs once per node of a 10,000-fact file, so it compares event classes by
    identity and keeps attribute lookups out of the hot path. Each node comes back with its
    expanded size (for the alias guard) and its height (for the depth guard).
    """

    def __init__(self, parser: Any, first_line: int) -> None:
        self.next = parser.get_event
        self.first_line = first_line
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # anchor -> (node, size, height)
        self.alias_nodes = 0
        self.problems: list[YamlProblem] = []

    def at(self, ev: Any) -> Pos:
        mark = ev.start_mark
        return (mark.line + self.first_line, mark.column + 1)

    def refuse_tag(self, ev: Any) -> None:
        self.problems.append(
            YamlProblem(
                *self.at(ev),
                "tag",
                f"the YAML tag {_tag_name(ev.tag)!r} is not allowed: write the value without it "
                "(put text in quotes, numbers without quotes)",
            )
        )

    def node(self, ev: Any, depth: int) -> tuple[Any, int, int]:
        """Build the node that starts with ``ev`` inside ``depth`` collections."""
        cls = type(ev)
        if cls is ScalarEvent:
            if ev.tag is not None:
                self.refuse_tag(ev)
                value: Any = ev.value
            elif ev.style or not ev.implicit[0]:
                value = ev.value
            else:
                value = resolve_plain(ev.value)
                if type(value) is not str and value is not None and type(value) is not bool:
                    why = bad_number(value, ev.value)
                    if why:
                        self.problems.append(YamlProblem(*self.at(ev), "bad-number", why))
            if ev.anchor:
                self.anchors[ev.anchor] = (value, 1, 0)
            return value, 1, 0
        if cls is AliasEvent:
            pos = self.at(ev)
            if ev.anchor not in self.anchors:
                self.problems.append(YamlProblem(*pos, "syntax", f"found undefined alias {ev.anchor!r}"))
                return None, 1, 0
            value, size, height = self.anchors[ev.anchor]
            self.alias_nodes += size
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise _AliasBomb(pos, self.alias_nodes)
            if depth + height > MAX_DEPTH:
                self.too_deep(pos)
                return None, 1, 0
            return value, size, height
        if depth >= MAX_DEPTH:  # this collection would be one level too deep
            self.too_deep(self.at(ev))
            self.skip()
            return None, 1, 0
        if ev.tag is not None:
            self.refuse_tag(ev)
        if cls is MappingStartEvent:
            value, size, height = self.mapping(self.at(ev), depth + 1)
        else:
            value, size, height = self.sequence(self.at(ev), depth + 1)
        if ev.anchor:
            self.anchors[ev.anchor] = (value, size, height)
        return value, size, height

    def too_deep(self, pos: Pos) -> None:
        self.problems.append(
            YamlProblem(
                *pos,
                "too-deep",
                f"lists and mappings nest more than {MAX_DEPTH} levels deep here; "
                "the facts file needs six at most",
            )
        )

    def skip(self) -> None:
        """Consume the rest of a collection whose start event was just read, without recursion."""
        open_ = 1
        while open_:
            cls = type(self.next())
            if cls in _START:
                open_ += 1
            elif cls in _END:
                open_ -= 1

    def sequence(self, pos: Pos, depth: int) -> tuple[YSeq, int, int]:
        seq = YSeq(pos)
        append, append_pos, first = seq.append, seq.item_pos.append, self.first_line
        size, height = 1, 0
        while True:
            item = self.next()
            if type(item) is SequenceEndEvent:
                return seq, size, height + 1
            mark = item.start_mark
            child, child_size, child_height = self.node(item, depth)
            append(child)
            append_pos((mark.line + first, mark.column + 1))
            size += child_size
            height = max(height, child_height)

    def mapping(self, pos: Pos, depth: int) -> tuple[YMap, int, int]:
        mapping = YMap(pos)
        key_pos, value_pos, first = mapping.key_pos, mapping.value_pos, self.first_line
        merged: set[str] = set()  # keys copied by a merge key, which the entry's own keys override
        size, height = 1, 0
        while True:
            key_ev = self.next()
            if type(key_ev) is MappingEndEvent:
                return mapping, size, height + 1
            mark = key_ev.start_mark
            kpos = (mark.line + first, mark.column + 1)
            key, _, _ = self.node(key_ev, depth)
            value_ev = self.next()
            mark = value_ev.start_mark
            vpos = (mark.line + first, mark.column + 1)
            value, value_size, value_height = self.node(value_ev, depth)
            size += value_size
            height = max(height, value_height)
            if key == "<<" and type(key_ev) is ScalarEvent and not key_ev.style:
                # YAML merge key: copy the entries of the merged mapping(s) not set here.
                merge = value if isinstance(value, list) else [value]
                if all(isinstance(m, dict) for m in merge):
                    for m in merge:
                        for k, v in m.items():
                            if k not in mapping:
                                mapping[k] = v
                                key_pos[k] = value_pos[k] = kpos
                                merged.add(k)
                    continue
            if not isinstance(key, str):
                if isinstance(key, (dict, list)):
                    self.problems.append(YamlProblem(*kpos, "syntax", "a mapping key must be a scalar"))
                    continue
                key = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
            if key in merged:
                merged.discard(key)  # the entry's own value wins over a merged one
            elif key in mapping:
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
    unprintable = _unprintable(text, first_line)
    if unprintable:
        return Parsed(None, (unprintable,))
    parser = CParser(text)
    builder = _Builder(parser, first_line)
    data: Any = None
    try:
        while True:
            ev = parser.get_event()
            if type(ev) is DocumentStartEvent:
                data, _, _ = builder.node(parser.get_event(), 0)
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
    return Parsed(data, tuple(builder.problems), bool(builder.anchors))


def _syntax_problem(exc: Exception, first_line: int) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + first_line if mark is not None else first_line
    column = mark.column + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    message = " ".join(str(p) for p in (context, problem) if p) or str(exc).splitlines()[0]
    return YamlProblem(line, column, "syntax", message)
