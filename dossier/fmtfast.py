"""``dossier fmt`` without the round-trip loader, one entity or fact at a time.

ruamel.yaml's round trip needs minutes and gigabytes for a 50,000-fact file. Most files are laid
out plainly: block mappings and lists, scalars in any style, flow lists of scalars, comment lines
between entries. For such a file the canonical text (the one :func:`dossier.fmt.format_text`
writes) can be written from the C parser's events, item by item, with the same rules
(:data:`~dossier.fmt.KEY_ORDER`, :data:`~dossier.fmt.QUOTED_FIELDS`, the same plain-or-quoted
test). :func:`canonical` does that, and returns ``None`` for anything outside that plain layout
(comments inside an entry, anchors, tags, flow mappings, odd indentation, YAML errors), which
the round trip then formats as before. ``tests/test_fmt.py`` checks both give the same text.

Memory stays bounded: one item's events at a time; each rewritten item is parsed again and
compared with the original, so the data never changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from _ruamel_yaml import CParser
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from dossier import incremental
from dossier.yamlload import parse, resolve_plain


class _Unsupported(Exception):
    """Outside the plain layout: the round trip formats the file."""


@dataclass
class _Node:
    """A node as written: its kind, style and, for a scalar, its value and source lines."""

    kind: str  # "map" | "seq" | "scalar"
    flow: bool = False
    items: list[tuple[Any, _Node]] = field(default_factory=list)  # (key or None, node)
    value: str = ""
    style: str = ""
    first: int = 0  # a block scalar's header line and the line after its content (0-based)
    last: int = 0


def _read(parser: Any) -> _Node:
    """The node whose first event is next, built from events."""
    ev = parser.get_event()
    cls = type(ev)
    if cls is AliasEvent or getattr(ev, "anchor", None) or getattr(ev, "tag", None):
        raise _Unsupported
    if cls is ScalarEvent:
        return _Node(
            "scalar", value=ev.value, style=ev.style or "", first=ev.start_mark.line, last=ev.end_mark.line
        )
    if cls is MappingStartEvent:
        node = _Node("map", flow=bool(ev.flow_style))
        keys: set[str] = set()
        while True:
            key_node = _read_or_end(parser, MappingEndEvent)
            if key_node is None:
                return node
            if (
                key_node.kind != "scalar"
                or key_node.style
                or key_node.value in keys
                or key_node.value == "<<"
            ):
                raise _Unsupported
            keys.add(key_node.value)
            node.items.append((key_node.value, _read(parser)))
    if cls is SequenceStartEvent:
        node = _Node("seq", flow=bool(ev.flow_style))
        while True:
            item = _read_or_end(parser, SequenceEndEvent)
            if item is None:
                return node
            node.items.append((None, item))
    raise _Unsupported


def _read_or_end(parser: Any, end: type) -> _Node | None:
    ev = parser.peek_event()
    if type(ev) is end:
        parser.get_event()
        return None
    return _read(parser)


@cache
def _plain_ok(value: str, in_flow: bool) -> bool:
    from dossier.fmt import _Quoting, round_trip_yaml

    return bool(_quoting(_Quoting, round_trip_yaml).plain_ok(value, in_flow))


@cache
def _quoting(kind: Any, make: Any) -> Any:
    return kind(make())


# Characters ruamel's emitter writes as themselves inside double quotes (allow_unicode).
_SAFE = re.compile("[\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,14})")
_FLOAT = re.compile(r"-?[0-9]{1,15}\.[0-9]{1,15}")


def _double_quoted(value: str) -> str:
    if not _SAFE.fullmatch(value):
        raise _Unsupported
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scalar(node: _Node, field_name: str, in_flow: bool) -> str:
    """A scalar's canonical text on one line."""
    from dossier.fmt import QUOTED_FIELDS

    if node.kind != "scalar" or node.style in ("|", ">"):
        raise _Unsupported
    value = node.value
    if not node.style:  # plain: a number, true/false or null stays as written
        resolved = resolve_plain(value)
        if not isinstance(resolved, str):
            written_as_is = (
                (isinstance(resolved, bool) and value in ("true", "false"))
                or (resolved is None and value == "null")
                or (type(resolved) is int and _INT.fullmatch(value) is not None)
                or (type(resolved) is float and _FLOAT.fullmatch(value) is not None)
            )
            if written_as_is:
                return value
            raise _Unsupported
    if field_name not in QUOTED_FIELDS and _plain_ok(value, in_flow):
        return value
    return _double_quoted(value)


def _child_kind(kind: str, key: str) -> str:
    from dossier.fmt import _CHILD_KIND

    return _CHILD_KIND.get((kind, key), "")


def _ordered(items: list[tuple[Any, _Node]], kind: str) -> list[tuple[Any, _Node]]:
    from dossier.fmt import KEY_ORDER

    known = KEY_ORDER.get(kind)
    if not known:
        return items
    rank = {k: i for i, k in enumerate(known)}
    return sorted(items, key=lambda kv: rank.get(kv[0], len(rank)))  # stable: unknown keys keep order


class _Emitter:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines  # the item's source lines, for block scalars
        self.out: list[str] = []

    def mapping(self, node: _Node, kind: str, col: int, lead: str, parent_key: str) -> None:
        """A block mapping whose first key follows ``lead`` and the others stand at ``col``."""
        if node.kind != "map" or node.flow or not node.items:
            raise _Unsupported
        for i, (key, value) in enumerate(_ordered(node.items, kind)):
            prefix = lead if i == 0 else " " * col
            name = "note" if parent_key == "acknowledge" else key
            self.entry(prefix, key, value, _child_kind(kind, key), col, name)

    def entry(self, prefix: str, key: str, value: _Node, kind: str, col: int, name: str) -> None:
        if value.kind == "map":
            self.out.append(f"{prefix}{key}:\n")
            self.mapping(value, kind, col + 2, " " * (col + 2), key)
        elif value.kind == "seq" and value.flow:
            items = [_scalar(item, key, True) for _, item in value.items]
            self.out.append(f"{prefix}{key}: [{', '.join(items)}]\n")
        elif value.kind == "seq":
            if not value.items:
                raise _Unsupported
            self.out.append(f"{prefix}{key}:\n")
            dash = " " * (col + 2) + "- "
            for _, item in value.items:
                if item.kind == "map":
                    self.mapping(item, kind, col + 4, dash, key)
                else:
                    self.out.append(f"{dash}{_scalar(item, key, False)}\n")
        elif value.style in ("|", ">"):
            self.block(prefix, key, value, col + 2)
        else:
            self.out.append(f"{prefix}{key}: {_scalar(value, name, False)}\n")

    def block(self, prefix: str, key: str, node: _Node, indent: int) -> None:
        """A ``|`` or ``>`` scalar, its lines re-indented; only the plainest are written here."""
        body = self.lines[node.first + 1 : node.last]
        while body and not body[-1].strip():
            body.pop()
        if not body:
            raise _Unsupported
        n = len(body[0]) - len(body[0].lstrip(" "))
        texts = []
        for line in body:
            text = line.rstrip("\n")
            if len(text) - len(text.lstrip(" ")) != n or not text.strip() or text != text.rstrip():
                raise _Unsupported
            texts.append(text[n:])
        joined = ("\n" if node.style == "|" else " ").join(texts)
        if node.value == joined:
            chomp = "-"
        elif node.value == joined + "\n":
            chomp = ""
        else:
            raise _Unsupported
        self.out.append(f"{prefix}{key}: {node.style}{chomp}\n")
        self.out += [f"{' ' * indent}{t}\n" for t in texts]


def _item(text: str, kind: str) -> str:
    """The canonical text of one top-level list item (``  - key: ...`` and its lines)."""
    if "#" in text or "\t" in text or "\n\n" in text:  # comments and blank lines inside: the round trip
        raise _Unsupported
    try:
        parser = CParser(text)
        for _ in range(2):  # stream and document start
            parser.get_event()
        seq = _read(parser)
    except _Unsupported:
        raise
    except Exception as exc:  # the C parser's own errors: the round trip reports them
        raise _Unsupported from exc
    if seq.kind != "seq" or seq.flow or len(seq.items) != 1:
        raise _Unsupported
    emitter = _Emitter(text.splitlines(keepends=True))
    emitter.mapping(seq.items[0][1], kind, 4, "  - ", "")
    return "".join(emitter.out)


def _split_tail(text: str) -> tuple[str, list[str]]:
    """An item's own lines, and the comment and blank lines after it."""
    lines = text.splitlines(keepends=True)
    end = len(lines)
    while end > 1 and (lines[end - 1] == "\n" or lines[end - 1].lstrip(" ").startswith("#")):
        end -= 1
    return "".join(lines[:end]), lines[end:]


def _head_line(line: str) -> str:
    """A line of the top level, outside the lists: ``key: value``, a comment or a blank line."""
    if line == "\n" or line.lstrip(" ").startswith("#"):
        return line
    key, sep, rest = line.partition(":")
    rest = rest.strip()
    if not sep or not rest:
        return line  # a list's key ("facts:"), checked by the scan
    if rest[0] in "[{|>&*!#%@`" or " #" in rest:
        raise _Unsupported
    try:
        parsed = parse(line)
    except Exception as exc:  # pragma: no cover - parse never raises
        raise _Unsupported from exc
    if parsed.problems or not isinstance(parsed.data, dict):
        raise _Unsupported
    parser = CParser(line)
    for _ in range(2):
        parser.get_event()
    node = _read(parser)
    return f"{key}: {_scalar(node.items[0][1], key, False)}\n"


_SECTION_KIND = {"entities": "entity", "facts": "fact"}


def canonical(text: str) -> str | None:
    """The canonical text of a facts file in the plain layout, or ``None`` outside it."""
    from dossier.fmt import _plain

    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: left to the round trip
        return None
    cut = incremental.split(data)
    del data
    if cut is None or text.startswith(("\n", " ")):  # the round trip drops leading blank lines
        return None
    head, chunks = cut
    try:
        if not all(_head_ok(line) for line in head.splitlines(keepends=True)):
            raise _Unsupported
        out_head = [_head_line(line) for line in head.splitlines(keepends=True)]
        parts: list[str] = []
        for chunk in chunks:
            own, tail = _split_tail(chunk.text)
            if any(line != "\n" and _indent(line) != 2 for line in tail):
                raise _Unsupported
            formatted = _item(own, _SECTION_KIND[chunk.section])
            if formatted != own:  # the data must stay exactly the same
                before, after = parse(own), parse(formatted)
                if before.problems or after.problems or _plain(before.data) != _plain(after.data):
                    raise _Unsupported
            parts.append(formatted + "".join(tail))
    except _Unsupported:
        return None
    # Put the items back where the scan blanked them out of the head.
    result: list[str] = []
    by_line = {chunk.line: (chunk, part) for chunk, part in zip(chunks, parts, strict=True)}
    skip = 0
    for number, line in enumerate(out_head, 1):
        if number in by_line:
            chunk, part = by_line[number]
            result.append(part)
            skip = chunk.raw.count(b"\n") - 1
            continue
        if skip:
            skip -= 1
            continue
        result.append(line)
    return "".join(result)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _head_ok(line: str) -> bool:
    """A blank line, a comment at the top level or above a list's first item, or a top-level key."""
    if line == "\n" or line.startswith(("#", "  #")):
        return True
    return not line.startswith(" ") and ":" in line
