"""``dossier fmt``: one canonical layout for ``data/facts.yaml`` that keeps every comment.

The file goes through ruamel.yaml's round trip, so comments, blank lines, anchors, the order of
entries and the flow or block style of each list stay as written. What changes:

* indentation: two spaces per mapping level, list dashes two spaces in from their key;
* key order inside each entry, source, figure and ``date_resolved`` (:data:`KEY_ORDER`); keys the
  order does not name follow the named ones in the order they were written; the top level keeps
  its order;
* quoting: fields of words (:data:`QUOTED_FIELDS`, and the reasons under ``acknowledge``) and
  dates are always double-quoted; any other string is plain where both ruamel and dossier's own
  loader read it back as the same string, double-quoted otherwise; ``|`` and ``>`` block scalars
  stay as they are; a missing value is written ``null``;
* two spaces before an end-of-line comment; full-line comments are indented like the line they
  belong to.

A full-line comment belongs to the key or entry below it, unless it is indented deeper than that
key: then it belongs to the value above it. A comment moves with the key it belongs to.

Formatting refuses a file with YAML errors, and checks that the formatted text holds exactly the
same data as the original before anything is written.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import Emitter, RoundTripEmitter
from ruamel.yaml.error import CommentMark, MarkedYAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from dossier import atomic, fs
from dossier.diagnostics import Diagnostic, diag, not_utf8
from dossier.yamlload import YamlProblem, parse, resolve_plain

# The canonical key order of each kind of mapping in the facts file.
# The top level keeps the order it was written in: anchors defined there must stay above their use.
KEY_ORDER: dict[str, tuple[str, ...]] = {
    "entity": ("id", "type", "name", "aliases", "description", "url", "unidentified", "notes"),
    "fact": (
        "id",
        "statement",
        "date",
        "date_resolved",
        "date_inferred",
        "about",
        "status",
        "contradicts",
        "question",
        "figures",
        "sources",
        "tags",
        "acknowledge",
        "notes",
    ),
    "source": ("seed", "quote", "attributed_to", "anonymous", "translation", "note"),
    "figure": ("measure", "value", "min", "max", "qualifier", "unit", "text", "seed"),
    "date_resolved": ("phrase", "seed", "note"),
}
# Fields of words (prose, or verbatim from a seed) and dates are always in double quotes: an
# analyst can then add a colon or a '#' without changing the YAML, and '2024' stays text.
QUOTED_FIELDS = frozenset(
    (
        "title",
        "summary",
        "description",
        "statement",
        "quote",
        "translation",
        "text",
        "phrase",
        "date_inferred",
        "question",
        "note",
        "notes",
        "date",
    )
)
# (kind of the parent mapping, key) -> kind of the mapping below it, or of each item of the list.
_CHILD_KIND = {
    ("document", "entities"): "entity",
    ("document", "facts"): "fact",
    ("fact", "sources"): "source",
    ("fact", "figures"): "figure",
    ("fact", "date_resolved"): "date_resolved",
}
_MAP_INDENT = 2  # keys of a nested mapping: two in from their parent key
_DASH_OFFSET = 2  # list dashes: two in from their key
_ITEM_INDENT = 4  # the content of a list item: two past its dash
_CHILD_STEP = 2  # so a nested mapping's keys and a nested list's dashes both sit two columns in
_STR_TAG = "tag:yaml.org,2002:str"
# Strings that may stay plain: letters, digits, spaces and a few marks that mean nothing to YAML.
_WORDS = re.compile(r"[^\W_](?:[\w .'’/()&-]*[\w.'’)])?")


class NotFormattable(Exception):
    """The text is not YAML that can be formatted; nothing is written."""

    def __init__(self, problems: tuple[YamlProblem, ...]) -> None:
        super().__init__("; ".join(f"{p.line}:{p.column}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class FormatResult:
    """What ``format_file`` found and did."""

    path: str
    changed: bool = False
    written: bool = False
    diff: str = ""
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    endings: str = ""  # what happens to the file's line endings, which the diff cannot show


# --- comments ----------------------------------------------------------------------------
#
# ruamel keeps the comment lines after a value in a token at ``ca.items[key]`` of the collection
# holding it; for a block list or mapping, in the slot of its last item. The token's first line
# ends the value's own line ("# note" or nothing); the rest are full-line comments and blank
# lines at their input columns. After a | or > block scalar there is no such first line.


def _lines(text: str) -> list[str]:
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_comment(line: str) -> bool:
    return line.lstrip(" \t").startswith("#")


def _at(line: str, column: int) -> str:
    """A full-line comment moved to ``column``; blank lines stay blank."""
    return " " * max(column, 0) + line.lstrip(" \t") if _is_comment(line) else "\n"


def _split_deeper(lines: list[str], column: int) -> tuple[list[str], list[str]]:
    """Leading comment lines indented deeper than ``column``, and the rest."""
    n = 0
    while n < len(lines) and _is_comment(lines[n]) and _indent(lines[n]) > column:
        n += 1
    return lines[:n], lines[n:]


@dataclass
class _Slot:
    """Where the comment after a value is kept: ``ca.items[key][index]`` of a collection."""

    items: dict[Any, list[Any]]
    key: Any
    index: int
    after_block_scalar: bool

    def _token(self) -> Any:
        entry = self.items.get(self.key)
        return entry[self.index] if entry and len(entry) > self.index else None

    def get(self) -> tuple[str, list[str]]:
        """The end of the value's own line, and the lines after it (at their input columns)."""
        token = self._token()
        if token is None:
            return "", []
        lines = _lines(str(token.value))
        if self.after_block_scalar:
            return "", _token_lines([token])
        return lines[0], lines[1:]

    def set(self, eol: str, lines: list[str]) -> None:
        token = self._token()
        if not lines and not eol.strip():
            if token is not None:
                self.items[self.key][self.index] = None
            return
        column = 0
        if self.after_block_scalar:
            # The emitter indents a token's first line by the token's column, not by its text.
            column = _indent(lines[0]) if _is_comment(lines[0]) else 0
            text = lines[0].lstrip(" ") + "".join(lines[1:])
        else:
            text = (eol or "\n") + "".join(lines)
        if token is not None and not self.after_block_scalar:
            token.value = text  # the same token object may also sit in a flow list's own .ca
            return
        entry = self.items.setdefault(self.key, [None, None, None, None])
        entry[self.index] = CommentToken(text, CommentMark(column), None)

    def append(self, lines: list[str]) -> None:
        if lines:
            eol, rest = self.get()
            self.set(eol, rest + lines)


def _is_block(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and len(value) > 0 and not value.fa.flow_style()


def _deep_slot(node: Any, key: Any) -> _Slot:
    """The slot holding the comment after ``node[key]``: inside its last item for a block value."""
    value = node[key]
    if _is_block(value):
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _deep_slot(value, last)
    index = 2 if isinstance(node, CommentedMap) else 0
    return _Slot(node.ca.items, key, index, isinstance(value, (LiteralScalarString, FoldedScalarString)))


def _token_lines(tokens: list[Any]) -> list[str]:
    """Comment tokens as lines at their input columns (a token's first line has no indent)."""
    lines: list[str] = []
    for token in tokens:
        if token is None:
            continue
        first, *rest = _lines(str(token.value)) or ["\n"]
        lines.append(" " * token.column + first if _is_comment(first) else "\n")
        lines += rest
    return lines


def _gather(node: Any) -> None:
    """Move every comment below ``node`` into the slot after the element it follows.

    ruamel keeps comments that follow an empty value, or end a collection, in other places
    (before the next element, at the collection's end); one place makes moving them simple.
    Children first, so that lines keep their order in the file.
    """
    is_map = isinstance(node, CommentedMap)
    keys: list[Any] = list(node) if is_map else list(range(len(node)))
    for key in keys:
        if _is_block(node[key]):
            _gather(node[key])
    for i, key in enumerate(keys):
        entry = node.ca.items.get(key)
        if i and entry and len(entry) > 1 and entry[1]:
            lines = _token_lines(entry[1])
            entry[1] = None
            _deep_slot(node, keys[i - 1]).append(lines)
    if node.ca.end and keys:
        lines = _token_lines(node.ca.end)
        node.ca.end = []
        _deep_slot(node, keys[-1]).append(lines)


def _reindent_pre_comments(node: Any, key: Any, column: int) -> None:
    """Comments between a key and its block value's first item go to that item's column."""
    entry = node.ca.items.get(key)
    tokens = entry[3] if entry and len(entry) > 3 else None
    for token in tokens or ():
        if token is None:
            continue
        first, *rest = _lines(str(token.value)) or ["\n"]
        token.value = first.lstrip(" \t") + "".join(_at(line, column) for line in rest)
        if _is_comment(first):
            token.start_mark = CommentMark(column)


def _comment_tokens(lines: list[str]) -> list[Any]:
    """Lines as the one-line tokens ruamel keeps above a collection's first item."""
    return [
        CommentToken(line.lstrip(" "), CommentMark(_indent(line)), None)
        if _is_comment(line)
        else CommentToken("\n", CommentMark(0), None)
        for line in lines
    ]


def _add_pre_comments(node: Any, key: Any, lines: list[str]) -> None:
    """Put comment lines between ``key`` and the first item of its block value."""
    if lines:  # an empty list, unlike None, upsets the emitter
        entry = node.ca.items.setdefault(key, [None, None, None, None])
        entry[3] = [*(entry[3] or []), *_comment_tokens(lines)]


@dataclass
class _Out:
    """What a collection hands back to its parent: comment lines that are not its own."""

    lead: list[str] = field(default_factory=list)  # above its (new) first item
    up: list[str] = field(default_factory=list)  # after its last item, at input columns


def _normalise(node: Any, kind: str | None, orig: int, canon: int) -> _Out:
    """Order keys and re-indent comments below a block collection.

    ``orig`` is the column its keys (or dashes) had in the input, ``canon`` the column they get.
    """
    is_map = isinstance(node, CommentedMap)
    keys: list[Any] = list(node.keys()) if is_map else list(range(len(node)))
    out = _Out()
    if not keys:
        return out
    own: dict[Any, tuple[str, list[str]]] = {}
    before: dict[Any, list[str]] = {keys[0]: []}  # comment lines above an element, re-indented
    for i, key in enumerate(keys):
        value = node[key]
        child_kind = _CHILD_KIND.get((kind or "", key)) if is_map else kind
        # With these indents every nested level, mapping keys or list dashes, is two columns in.
        child_orig, child_canon = orig + _CHILD_STEP, canon + _CHILD_STEP
        if _is_block(value):
            child_orig = value.lc.col
            if is_map:
                _reindent_pre_comments(node, key, child_canon)
            child = _normalise(value, child_kind, child_orig, child_canon)
            # Lines that must stand above the child's first item: below this key, or above the
            # whole list item.
            if is_map:
                _add_pre_comments(node, key, [_at(line, child_canon) for line in child.lead])
            else:
                before[key] += [_at(line, canon) for line in child.lead]
            eol, own_lines = _deep_slot(node, key).get()  # the child's own, after its reordering
            following = child.up
        else:
            if isinstance(value, CommentedMap) and child_kind:  # a flow mapping: order only
                for k in _ordered(value, child_kind):
                    value.move_to_end(k)
            eol, following = _deep_slot(node, key).get()
            own_lines = []
        deeper, tail = _split_deeper(following, orig)
        # A deeper comment belongs to this element's value: keep its place relative to the value.
        own[key] = (
            eol,
            own_lines + [_at(ln, child_canon + max(_indent(ln) - child_orig, 0)) for ln in deeper],
        )
        if i + 1 < len(keys):
            before[keys[i + 1]] = [_at(line, canon) for line in tail]
        else:
            out.up = tail
    order = _ordered(node, kind) if is_map else keys
    if order != keys:
        for key in order:
            node.move_to_end(key)
    out.lead = before[order[0]]  # nothing inside this collection stands above its first item
    for i, key in enumerate(order):
        eol, lines = own[key]
        _deep_slot(node, key).set(eol, lines + (before[order[i + 1]] if i + 1 < len(order) else []))
    return out


def _ordered(node: CommentedMap, kind: str | None) -> list[Any]:
    keys = list(node.keys())
    known = KEY_ORDER.get(kind or "")
    if not known or getattr(node, "merge", None):  # merged keys are not this mapping's to move
        return keys
    rank = {k: i for i, k in enumerate(known)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), keys.index(k)))


# --- quoting -----------------------------------------------------------------------------


class _Representer(RoundTripRepresenter):
    """ruamel's round-trip representer, writing a missing value as ``null`` rather than nothing."""

    def represent_none(self, data: Any) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:null", "null")


_Representer.add_representer(type(None), _Representer.represent_none)


class _Emitter(RoundTripEmitter):
    """ruamel's round-trip emitter, putting two spaces before every end-of-line comment.

    ruamel keeps such a comment at its input column, which leaves ragged gaps once the
    indentation or quoting in front of it has changed.
    """

    def write_comment(self, comment: Any, pre: bool = False) -> None:
        if not pre and str(comment.value).startswith("#") and self.column:
            comment.start_mark = CommentMark(self.column + 2)
        super().write_comment(comment, pre)


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, keeping a timestamp as the text it was written as.

    dossier's own loader reads ``2024-08-05`` as text (dates are checked with their precision),
    so the formatter must too, or it could not quote dates like every other date.
    """


class _FloatText(float):
    """A float that remembers how it was written. ruamel rewrites some floats it reads back
    (``2.357013406468805e-76`` loses digits), so the formatter writes each as it stood."""

    text: str

    def __new__(cls, value: float, text: str) -> _FloatText:
        number = super().__new__(cls, value)
        number.text = text
        return number


def _construct_float(constructor: Any, node: Any) -> Any:
    value = constructor.construct_yaml_float(node)
    return _FloatText(value, node.value) if isinstance(value, float) and not node.anchor else value


def _represent_float(representer: Any, data: _FloatText) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:float", data.text)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)
_Constructor.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Representer.add_representer(_FloatText, _represent_float)


def round_trip_yaml() -> YAML:
    """ruamel round trip set up as dossier writes YAML: canonical indents, no folding, ``null``."""
    yaml = YAML()  # round trip
    yaml.Constructor = _Constructor
    yaml.Emitter = _Emitter
    yaml.Representer = _Representer
    yaml.indent(mapping=_MAP_INDENT, sequence=_ITEM_INDENT, offset=_DASH_OFFSET)
    yaml.width = 1 << 30  # never fold a long quote across lines: keep each one greppable
    yaml.allow_unicode = True
    yaml.allow_duplicate_keys = False
    return yaml


class _Analyser(Emitter):
    """An emitter used only for ``analyze_scalar``, which asks it (as its own serializer) the version."""

    use_version = None


class _Quoting:
    """Decides, for each string, plain or double-quoted."""

    def __init__(self, yaml: YAML) -> None:
        self.resolver = yaml.resolver
        self.emitter = _Analyser(None, allow_unicode=True)

    def plain_ok(self, value: str, in_flow: bool) -> bool:
        # Plain only for words both ruamel and dossier's own loader (libyaml) read back as this
        # string. The two parsers disagree on corners of plain scalars, so only words qualify.
        if not _WORDS.fullmatch(value):
            return False
        if resolve_plain(value) != value or not isinstance(resolve_plain(value), str):
            return False
        if str(self.resolver.resolve(ScalarNode, value, (True, False))) != _STR_TAG:
            return False
        analysis = self.emitter.analyze_scalar(value)
        if analysis.empty or analysis.multiline:
            return False
        return bool(analysis.allow_flow_plain if in_flow else analysis.allow_block_plain)

    def restyle(self, node: Any, in_flow: bool = False, key: Any = None) -> None:
        """Give every plain ``str`` value below ``node`` its canonical style, in place."""
        if isinstance(node, CommentedMap):
            if getattr(node, "merge", None):
                return
            flow = in_flow or bool(node.fa.flow_style())
            for k in list(node.keys()):
                # Every value under acknowledge: is a reason, in words.
                node[k] = self._styled(node[k], flow, "note" if key == "acknowledge" else k)
        elif isinstance(node, CommentedSeq):
            flow = in_flow or bool(node.fa.flow_style())
            for i, value in enumerate(node):
                node[i] = self._styled(value, flow, key)

    def _styled(self, value: Any, in_flow: bool, key: Any) -> Any:
        if type(value) is str:  # subclasses carry a block style or an anchor: leave them
            if key not in QUOTED_FIELDS and self.plain_ok(value, in_flow):
                return value
            return DoubleQuotedScalarString(value)
        self.restyle(value, in_flow, key)
        return value


_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
    "\ufeff": "\\uFEFF",
}
_UNPRINTABLE = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def double_quoted(text: str) -> str:
    """``text`` as a one-line YAML double-quoted scalar that every YAML parser reads back exactly."""

    def escape(ch: str) -> str:
        if ch in _ESCAPES:
            return _ESCAPES[ch]
        code = ord(ch)
        return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"

    escaped = "".join(escape(ch) if ch in _ESCAPES or _UNPRINTABLE.match(ch) else ch for ch in text)
    return f'"{escaped}"'


# --- the pipeline ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Loaded data without positions, NaN made comparable."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "<nan>"
    return value


# Blank lines above the first line of a file: they mean nothing to YAML, and ruamel's round trip
# drops one of them a run, so ``fmt`` would need as many runs as there are.
_LEADING_BLANK_LINES = re.compile(r"(?:[ \t]*\n)+")
# A YAML line break other than "\n": CR LF, or CR alone. Each is one break ("\r\r\n" is two).
_OTHER_BREAK = re.compile(r"\r\n?")


def format_text(text: str) -> str:
    """The canonical form of a facts file's text. Raises :class:`NotFormattable` on bad YAML."""
    original = text.removeprefix("\ufeff")
    # Every line break becomes "\n": the round trip kept "\r" on comment lines only, and took a
    # blank line for part of the line before it (and fmt --check then passed the mixture).
    text = _OTHER_BREAK.sub("\n", original)
    if blank := _LEADING_BLANK_LINES.match(text):
        text = text[blank.end() :]
    from dossier import fmtfast

    fast = fmtfast.canonical(text)  # the plain layout, item by item, without the round trip
    result = fast if fast is not None else round_trip_format(text)
    if text != original:
        # Both paths compare the data with ``text``'s: the changes above are proved here, against
        # the file as it was (a rule that merged two line breaks into one would change a value).
        before, after = parse(original), parse(result)
        if before.problems:
            raise NotFormattable(before.problems)
        if after.problems or _plain(after.data) != _plain(before.data):
            raise RuntimeError("formatting would change the data; nothing was written (please report this)")
    return result


def round_trip_format(text: str) -> str:
    """:func:`format_text` through ruamel's round trip, for any layout (comments anywhere)."""
    before = parse(text)
    if before.problems:
        raise NotFormattable(before.problems)
    yaml = round_trip_yaml()
    try:
        root = yaml.load(text)
    except MarkedYAMLError as exc:  # ruamel's parser and libyaml disagree on a corner of YAML
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise NotFormattable((YamlProblem(line, col, "syntax", str(exc.problem or exc)),)) from exc
    if not _is_block(root):
        return text  # empty, a single value or a flow collection: nothing to lay out
    _gather(root)
    top = _normalise(root, "document" if isinstance(root, CommentedMap) else None, root.lc.col, 0)
    if top.lead:  # comments above a key that is now the first of the file join the file's head
        root.ca.comment = [None, []] if root.ca.comment is None else root.ca.comment
        root.ca.comment[1] = [*(root.ca.comment[1] or []), *_comment_tokens([_at(ln, 0) for ln in top.lead])]
    last = list(root)[-1] if isinstance(root, CommentedMap) else len(root) - 1
    _deep_slot(root, last).append([_at(line, 0) for line in top.up])
    _Quoting(yaml).restyle(root)
    out = StringIO()
    yaml.dump(root, out)
    result = out.getvalue()
    after = parse(result)
    if after.problems or _plain(after.data) != _plain(before.data):
        # A bug in this module, never the analyst's fault: refuse rather than change the data.
        raise RuntimeError("formatting would change the data; nothing was written (please report this)")
    return result


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff from ``a/name`` to ``b/name``.

    GNU diff where there is one: difflib needs minutes for the first formatting of a file with
    ten thousand facts, where nearly every line changes; diff needs a fraction of a second.
    """
    import shutil
    import subprocess
    import tempfile

    program = shutil.which("diff")
    if program:
        with tempfile.TemporaryDirectory(prefix="dossier-fmt-") as tmp:
            a, b = Path(tmp) / "a", Path(tmp) / "b"
            a.write_bytes(old.encode("utf-8"))
            b.write_bytes(new.encode("utf-8"))
            labels = ["--label", f"a/{name}", "--label", f"b/{name}"]
            done = subprocess.run([program, "-u", *labels, str(a), str(b)], capture_output=True, check=False)
        if done.returncode in (0, 1):
            return done.stdout.decode("utf-8")
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def format_file(
    path: Path, *, check: bool = False, display: str | None = None, root: Path | None = None
) -> FormatResult:
    """Format ``path`` in place (atomically), or with ``check`` only report what would change.

    A link or a non-regular file is refused (E110), and with ``root`` (the project) so is a
    path through a link below it: the replacement must land where the file is, not elsewhere."""
    shown = display or path.as_posix()
    try:
        raw = fs.read_bytes(path, root=root)
    except fs.UnsafePath as refused:
        return FormatResult(shown, diagnostics=(diag(shown, 0, 0, "E110", refused.where(path)),))
    except OSError as exc:
        return FormatResult(shown, diagnostics=(diag(shown, 0, 0, "E106", f"cannot read: {exc.strerror}"),))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col, why = not_utf8(raw, exc.start)
        found = diag(shown, line, col, "E105", why)
        return FormatResult(shown, diagnostics=(found,))
    try:
        formatted = format_text(text)
    except NotFormattable as exc:
        from dossier.load import problem_diagnostics

        return FormatResult(shown, diagnostics=tuple(problem_diagnostics(shown, exc.problems)))
    if formatted == text:
        return FormatResult(shown)
    diff = unified_diff(text, formatted, shown)
    if not check:
        try:
            atomic.write_text(path, formatted, root=root)
        except fs.UnsafePath as refused:  # it became a link after it was read
            return FormatResult(shown, diagnostics=(diag(shown, 0, 0, "E110", refused.where(path)),))
    return FormatResult(shown, changed=True, written=not check, diff=diff, endings=_endings(text))


def _endings(text: str) -> str:
    """What ``fmt`` does to the file's line endings, in words ("" when they are all "\n"); the
    diff cannot show it."""
    if "\r\n" in text:
        return "its Windows line endings, CRLF, become LF"
    return "its line endings, CR, become LF" if "\r" in text else ""
