"""``dossier fmt``: canonical layout that keeps comments, order and data; idempotent; atomic."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import atomic
from dossier.cli import cli
from dossier.fmt import KEY_ORDER, NotFormattable, format_file, format_text
from dossier.yamlload import parse
from tests.conftest import FIXTURES

FMT = FIXTURES / "fmt"


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def data_of(text: str) -> Any:
    parsed = parse(text)
    assert not parsed.problems
    return plain(parsed.data)


# --- the fixture, as a whole -----------------------------------------------------------------
def test_messy_file_formats_to_the_expected_text(update_goldens: bool) -> None:
    expected_path = FMT / "messy.expected.yaml"
    got = format_text((FMT / "messy.yaml").read_text("utf-8"))
    if update_goldens:
        expected_path.write_text(got, "utf-8")
    assert got == expected_path.read_text("utf-8")


def test_formatting_keeps_the_data_and_is_idempotent() -> None:
    text = (FMT / "messy.yaml").read_text("utf-8")
    once = format_text(text)
    assert data_of(once) == data_of(text)
    assert format_text(once) == once


def test_the_expected_file_is_itself_formatted() -> None:
    expected = (FMT / "messy.expected.yaml").read_text("utf-8")
    assert format_text(expected) == expected


def test_shipped_base_fixture_keeps_its_data() -> None:
    text = (FIXTURES / "base" / "data" / "facts.yaml").read_text("utf-8")
    assert data_of(format_text(text)) == data_of(text)


# --- comments --------------------------------------------------------------------------------
def test_modeline_and_comments_survive() -> None:
    out = format_text((FMT / "messy.yaml").read_text("utf-8"))
    assert out.startswith("# yaml-language-server: $schema=../dossier/schema/facts.schema.json\n")
    for comment in re.findall(r"#[^\n]*", (FMT / "messy.yaml").read_text("utf-8")):
        if not comment.startswith("#:"):
            assert out.count(comment.strip()) == 1, comment


def test_a_comment_moves_with_its_key() -> None:
    text = (
        "facts:\n"
        "  - id: a\n"
        "    # why this status\n"
        "    status: reported  # for now\n"
        '    statement: "S"\n'
        "    about: [x]\n"
    )
    assert format_text(text) == (
        "facts:\n"
        "  - id: a\n"
        '    statement: "S"\n'
        "    about: [x]\n"
        "    # why this status\n"
        "    status: reported  # for now\n"
    )


def test_a_comment_above_the_key_that_becomes_first_goes_above_the_entry() -> None:
    text = "facts:\n  - id: a\n  - status: reported\n    # the id\n    id: b\n"
    assert format_text(text) == "facts:\n  - id: a\n  # the id\n  - id: b\n    status: reported\n"


def test_a_deeper_comment_stays_with_the_value_above_it() -> None:
    text = (
        "facts:\n"
        "  - id: a\n"
        "    sources:\n"
        "      - seed: s\n"
        '        quote: "q"\n'
        "        # more about this source\n"
        "    about: [x]\n"
    )
    assert format_text(text) == (
        "facts:\n"
        "  - id: a\n"
        "    about: [x]\n"
        "    sources:\n"
        "      - seed: s\n"
        '        quote: "q"\n'
        "        # more about this source\n"
    )


def test_comments_after_an_empty_value_and_at_the_end_of_the_file() -> None:
    text = "facts:\n  - id: a\n    notes:\n    # before status\n    status: reported\n# the end\n"
    assert format_text(text) == (
        "facts:\n  - id: a\n    # before status\n    status: reported\n    notes: null\n# the end\n"
    )


def test_comments_after_a_block_scalar() -> None:
    text = (
        "facts:\n  - id: a\n    notes: |\n      two\n      lines\n    # before status\n    status: reported\n"
    )
    assert format_text(text) == (
        "facts:\n  - id: a\n    # before status\n    status: reported\n    notes: |\n      two\n      lines\n"
    )


# --- quoting ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain words", "plain words"),
        ("2024", '"2024"'),
        ("true", '"true"'),
        ("null", '"null"'),
        ("a: b", '"a: b"'),
        ("a #b", '"a #b"'),
        ("'quoted'", "\"'quoted'\""),
        (".5e3", '".5e3"'),
        ("two\nlines", '"two\\nlines"'),
        (" padded", '" padded"'),
    ],
)
def test_other_strings_are_plain_where_safe_and_double_quoted_otherwise(value: str, written: str) -> None:
    text = f"name: {_dq(value)}\n"
    assert format_text(text) == f"name: {written}\n"


def test_words_and_dates_are_always_double_quoted() -> None:
    text = "facts:\n  - id: a\n    statement: Plain words\n    date: 2024-08-05\n    acknowledge:\n      W401: Only one\n"
    assert format_text(text) == (
        'facts:\n  - id: a\n    statement: "Plain words"\n    date: "2024-08-05"\n'
        '    acknowledge:\n      W401: "Only one"\n'
    )


def test_block_scalars_and_flow_lists_keep_their_style() -> None:
    text = "title: |\n  a\n  b\naliases: [x, 'y']\n"
    assert format_text(text) == "title: |\n  a\n  b\naliases: [x, y]\n"


# --- properties over generated entries ---------------------------------------------------------
_KEYS = {kind: (*order, "zz-custom", "extra") for kind, order in KEY_ORDER.items()}
_text = st.text(st.characters(codec="utf-8"), max_size=40)
_scalar = st.one_of(_text, st.integers(-(10**6), 10**6), st.booleans(), st.none())


def _dq(value: str) -> str:
    """A YAML double-quoted scalar, escaping what YAML 1.1 and 1.2 read differently."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0xA0 or ch in "\u2028\u2029\ufeff\ufffe\uffff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, str):
        return _dq(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_LISTS = ("about", "tags", "aliases", "attributed_to", "contradicts")


@st.composite
def entry(draw: st.DrawFn, kind: str) -> list[tuple[str, Any]]:
    keys = draw(st.lists(st.sampled_from(_KEYS[kind]), min_size=1, max_size=6, unique=True))
    keys = draw(st.permutations(keys))
    items: list[tuple[str, Any]] = []
    for key in keys:
        if kind == "fact" and key == "sources":
            items.append((key, draw(st.lists(entry("source"), min_size=1, max_size=2))))
        elif key in _LISTS:
            items.append((key, tuple(draw(st.lists(_text, min_size=1, max_size=3)))))
        else:
            items.append((key, draw(_scalar)))
    return items


@st.composite
def document(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A facts file in a random indentation, with blank lines and comments.

    Comments stand above keys (``# above <n> <key>``), above entries (``# entry <n> <key>``),
    at line ends (``# eol <n>``), and after an entry's last key (``# tail <n>``). Returns the
    text and the comments that stand above something.
    """
    step = draw(st.sampled_from([2, 4]))
    lines: list[str] = []
    above: list[str] = []
    counter = iter(range(10**6))

    def emit(items: list[tuple[str, Any]], col: int) -> None:
        for i, (key, value) in enumerate(items):
            dash = i == 0
            prefix = " " * (col - step) + "-" + " " * (step - 1) if dash else " " * col
            if draw(st.booleans()):
                lines.append("")
            if draw(st.booleans()):
                # Above the dash, a comment is about the whole entry, which keeps its place.
                tag = f"# {'entry' if dash else 'above'} {next(counter)} {key}"
                lines.append(" " * (col - step if dash else col) + tag)
                above.append(tag)
            eol = f"  # eol {next(counter)}" if draw(st.booleans()) else ""
            if isinstance(value, list):
                lines.append(f"{prefix}{key}:{eol}")
                for item in value:
                    emit(item, col + 2 * step)
            elif isinstance(value, tuple) and draw(st.booleans()):
                lines.append(f"{prefix}{key}: [{', '.join(map(_dq, value))}]{eol}")
            elif isinstance(value, tuple):
                lines.append(f"{prefix}{key}:{eol}")
                for word in value:
                    item_eol = f"  # eol {next(counter)}" if draw(st.booleans()) else ""
                    lines.append(f"{' ' * (col + step)}- {_dq(word)}{item_eol}")
            else:
                lines.append(f"{prefix}{key}: {_yaml_scalar(value)}{eol}")
        if draw(st.booleans()):
            lines.append(" " * col + f"# tail {next(counter)}")

    for top in draw(st.permutations(["entities", "facts"])):
        lines.append(f"{top}:")
        kind = "entity" if top == "entities" else "fact"
        for item in draw(st.lists(entry(kind), min_size=1, max_size=3)):
            emit(item, 2 * step)
    return "\n".join(lines) + "\n", above


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_generated_files_keep_data_comments_and_are_idempotent(doc: tuple[str, list[str]]) -> None:
    text, above = doc
    out = format_text(text)
    assert data_of(out) == data_of(text)
    assert format_text(out) == out
    for comment in re.findall(r"# (?:above|entry|eol|tail) \d+\b", text):
        assert len(re.findall(rf"{comment}\b", out)) == 1, comment
    out_lines = out.splitlines()
    for i, line in enumerate(out_lines):
        if "# tail" in line:  # still at the end of its entry: what follows is further out
            code = [ln for ln in out_lines[i + 1 :] if ln.strip() and not ln.lstrip().startswith("#")]
            assert not code or len(code[0]) - len(code[0].lstrip()) < len(line) - len(line.lstrip()), line
    for tag in above:
        key = tag.rsplit(" ", 1)[1]
        at = next(i for i, line in enumerate(out_lines) if line.endswith(tag))
        code = [ln for ln in out_lines[at + 1 :] if ln.strip() and not ln.lstrip().startswith("#")]
        before = [ln for ln in out_lines[:at] if ln.strip() and not ln.lstrip().startswith("#")]
        if tag.startswith("# entry"):
            assert code[0].lstrip().startswith("- "), tag
        else:
            # Above its key, or (when its key became the first of the entry) above the entry or
            # just below the key.
            assert re.match(rf"^\s*(- )?{key}:", code[0]) or re.match(rf"^\s*(- )?{key}:", before[-1]), tag


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(KEY_ORDER["fact"]), _text),
        min_size=1,
        max_size=8,
        unique_by=lambda kv: kv[0],
    )
)
def test_key_order_is_canonical(items: list[tuple[str, str]]) -> None:
    text = "facts:\n  - " + "\n    ".join(f"{k}: {_dq(v)}" for k, v in items) + "\n"
    keys = list(parse(format_text(text)).data["facts"][0])
    assert keys == [k for k in KEY_ORDER["fact"] if k in dict(items)]


# --- refusing bad input ----------------------------------------------------------------------
def test_yaml_errors_are_refused_with_their_position() -> None:
    with pytest.raises(NotFormattable) as info:
        format_text("facts:\n  - id: a\n    id: b\n")
    assert info.value.problems[0].line == 3
    assert info.value.problems[0].kind == "duplicate-key"


# --- atomic writes ---------------------------------------------------------------------------
def _messy_copy(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_bytes((FMT / "messy.yaml").read_bytes())
    return path


def test_a_failure_while_renaming_leaves_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _messy_copy(tmp_path)
    original = path.read_bytes()

    def fail(src: Any, dst: Any) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk gone"):
        format_file(path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.yaml"]


def test_a_failure_mid_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _messy_copy(tmp_path)
    original = path.read_bytes()

    def fail(fd: int) -> None:  # the data is half on its way to disk
        raise OSError("power cut")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="power cut"):
        format_file(path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.yaml"]


def test_the_file_mode_is_kept(tmp_path: Path) -> None:
    path = _messy_copy(tmp_path)
    path.chmod(0o640)
    assert format_file(path).written
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_exclusive_write_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("old", "utf-8")
    with pytest.raises(FileExistsError):
        atomic.write_text(path, "new", exclusive=True)
    assert path.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


# --- the command -----------------------------------------------------------------------------
def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "facts.yaml").write_text(text, "utf-8")
    return tmp_path


def test_check_shows_the_diff_and_exits_1(tmp_path: Path) -> None:
    root = _project(tmp_path, "facts:\n  - status: reported\n    id: a\n")
    result = CliRunner().invoke(cli, ["fmt", "--check", "--project", str(root)])
    assert result.exit_code == 1
    assert result.stdout == (
        "--- a/data/facts.yaml\n"
        "+++ b/data/facts.yaml\n"
        "@@ -1,3 +1,3 @@\n"
        " facts:\n"
        "-  - status: reported\n"
        "-    id: a\n"
        "+  - id: a\n"
        "+    status: reported\n"
    )
    assert result.stderr == "data/facts.yaml needs formatting: run 'dossier fmt'\n"
    assert (root / "data" / "facts.yaml").read_text("utf-8") == "facts:\n  - status: reported\n    id: a\n"


def test_fmt_writes_then_check_is_clean(tmp_path: Path) -> None:
    root = _project(tmp_path, "facts:\n  - status: reported\n    id: a\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["fmt", "--project", str(root)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "formatted data/facts.yaml\n")
    assert (root / "data" / "facts.yaml").read_text("utf-8") == "facts:\n  - id: a\n    status: reported\n"
    result = runner.invoke(cli, ["fmt", "--check", "--project", str(root)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "data/facts.yaml is formatted\n")


@pytest.mark.parametrize("lead", ["\n", "\n\n\n", "  \n \n\n"])
@pytest.mark.parametrize(
    "body", ["facts:\n  - id: a\n    status: reported\n", "# note\nfacts:\n  - status: x\n    id: a\n"]
)
def test_one_fmt_is_enough_after_blank_lines_at_the_top(tmp_path: Path, lead: str, body: str) -> None:
    """Blank lines above the first line go in one run (ruamel's round trip dropped one a run)."""
    root = _project(tmp_path, lead + body)
    runner = CliRunner()
    assert runner.invoke(cli, ["fmt", "--project", str(root)]).exit_code == 0
    written = (root / "data" / "facts.yaml").read_text("utf-8")
    assert not written.startswith(("\n", " ", "\t"))
    result = runner.invoke(cli, ["fmt", "--check", "--project", str(root)])
    assert (result.exit_code, result.stdout) == (0, ""), result.stdout


def test_windows_line_endings_become_lf_everywhere(tmp_path: Path) -> None:
    """A file saved with CRLF is formatted as its LF twin is, every line ending "\n" (the round
    trip kept "\r" on comment lines and dropped a blank line), and fmt says why."""
    text = "# head\ntitle: x\n\nfacts:\n  # a note\n  - status: reported\n    id: a\n\n  - id: b\n"
    (tmp_path / "lf").mkdir()
    (tmp_path / "crlf").mkdir()
    lf = _project(tmp_path / "lf", text)
    crlf = _project(tmp_path / "crlf", text.replace("\n", "\r\n"))
    runner = CliRunner()
    assert runner.invoke(cli, ["fmt", "--project", str(lf)]).exit_code == 0
    checked = runner.invoke(cli, ["fmt", "--check", "--project", str(crlf)])
    assert checked.exit_code == 1 and "CRLF, become LF" in checked.stderr
    done = runner.invoke(cli, ["fmt", "--project", str(crlf)])
    assert done.exit_code == 0 and "CRLF, become LF" in done.stderr
    written = (crlf / "data" / "facts.yaml").read_bytes()
    assert b"\r" not in written and written == (lf / "data" / "facts.yaml").read_bytes()
    assert runner.invoke(cli, ["fmt", "--check", "--project", str(crlf)]).exit_code == 0


@pytest.mark.parametrize(
    "text",
    [
        'k: "prime\r\r\n  minister."\n',  # CR, then CR LF: two line breaks, a blank line in the value
        "k: |\n  prime\r\r\n  minister.\n",
        'k: "not\\\r\r\n  guilty"\n',  # an escaped break, then a real one: the words stay apart
        "a: 1\r# c\rb: 2\r",  # CR alone
        "a: 1\r\n\r\nb: 2\r\n",
        "# head\rtitle: hidden\nsummary: x\n",  # a CR hides a key from a line-based reader
    ],
)
def test_line_breaks_become_lf_and_the_data_stays(text: str) -> None:
    """Every YAML line break (CR LF, CR) becomes one "\n", and the data is what it was: the
    proof compares with the file as it came, not with the text after the line breaks changed."""
    formatted = format_text(text)
    assert "\r" not in formatted
    assert format_text(formatted) == formatted
    assert plain(parse(formatted).data) == plain(parse(text).data)


def test_a_file_the_check_refuses_is_not_formatted_for_its_blank_lines() -> None:
    # A tab on a blank first line is a YAML error (E101): fmt says so, as the check does.
    with pytest.raises(NotFormattable):
        format_text("\t\na: 1\n")


def test_fmt_refuses_a_file_with_yaml_errors(tmp_path: Path) -> None:
    text = "facts:\n  - id: a\n    about: [x\n"
    root = _project(tmp_path, text)
    result = CliRunner().invoke(cli, ["fmt", "--project", str(root)])
    assert result.exit_code == 1
    assert result.stdout.startswith("data/facts.yaml:4:1: E101 ")
    assert result.stderr == "data/facts.yaml has errors; nothing was formatted\n"
    assert (root / "data" / "facts.yaml").read_text("utf-8") == text


@pytest.mark.parametrize("old", ["a\nb\nc\n", "a\nb\nc"])
def test_the_diff_is_the_same_with_or_without_gnu_diff(old: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from dossier.fmt import unified_diff

    new = "a\nB\nc\n"
    with_diff = unified_diff(old, new, "data/facts.yaml")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert unified_diff(old, new, "data/facts.yaml") == with_diff
    assert with_diff.startswith("--- a/data/facts.yaml\n+++ b/data/facts.yaml\n@@ -1,3 +1,3 @@\n")


# --- the fast path (dossier/fmtfast.py) -------------------------------------------------------


def _round_trip_or_none(text: str) -> str | None:
    from dossier.fmt import round_trip_format

    try:
        return round_trip_format(text)
    except NotFormattable:
        return None


def _assert_fast_agrees(text: str) -> bool:
    """The fast path's text is the round trip's, wherever it gives one; whether it gave one."""
    from dossier import fmtfast

    fast = fmtfast.canonical(text)
    if fast is None:
        return False
    assert fast == _round_trip_or_none(text)
    return True


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_fast_path_agrees_with_the_round_trip_on_generated_files(doc: tuple[str, list[str]]) -> None:
    text, _ = doc
    _assert_fast_agrees(text)
    _assert_fast_agrees(format_text(text))  # canonical files are what `fmt --check` sees most


def _synth_text() -> str:
    import importlib.util
    import tempfile

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    with tempfile.TemporaryDirectory() as tmp:
        synth.generate(Path(tmp), 12, 4, 4)
        return (Path(tmp) / "data" / "facts.yaml").read_text("utf-8")


_SYNTH: list[str] = []
LINE_EDITS = st.lists(
    st.tuples(
        st.sampled_from(
            ["indent", "dedent", "unquote", "quote", "swap", "comment", "blank", "value", "trailing", "tab"]
        ),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=4,
)
_VALUES = [
    "2024",
    "true",
    "null",
    "1e5",
    "0x10",
    "~",
    "yes",
    "a: b",
    "'single'",
    "x #y",
    "-1",
    "1.50",
    "Ünïcödé",
]


def _edit_lines(text: str, edits: list[tuple[str, int, int]]) -> str:
    lines = text.splitlines(keepends=True)
    for kind, a, b in edits:
        i = a % len(lines)
        line = lines[i]
        if kind == "indent":
            lines[i] = " " * (1 + b % 2) + line
        elif kind == "dedent" and line.startswith(" "):
            lines[i] = line[1 + b % 2 :] if line.startswith("  ") else line[1:]
        elif kind == "unquote":
            lines[i] = line.replace('"', "", 2)
        elif kind == "quote" and ": " in line:
            key, value = line.rstrip("\n").split(": ", 1)
            lines[i] = f'{key}: "{value}"\n'
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif kind == "comment":
            lines.insert(i, " " * (b % 7) + "# note\n")
        elif kind == "blank":
            lines.insert(i, "\n")
        elif kind == "value" and ": " in line:
            lines[i] = line.split(": ", 1)[0] + ": " + _VALUES[b % len(_VALUES)] + "\n"
        elif kind == "trailing":
            lines[i] = line.rstrip("\n") + "  \n"
        elif kind == "tab":
            lines[i] = "\t" + line
    return "".join(lines)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=LINE_EDITS)
def test_fast_check_verdict_equals_the_round_trip_verdict_on_random_edits(
    edits: list[tuple[str, int, int]],
) -> None:
    """`fmt --check` decides "already canonical" without the round trip; the verdict (and the
    rewritten text) must be the round trip's, for canonical files and for edited ones."""
    if not _SYNTH:
        _SYNTH.append(format_text(_synth_text()))
    canonical = _SYNTH[0]
    edited = _edit_lines(canonical, edits)
    _assert_fast_agrees(edited)
    if _round_trip_or_none(edited) is not None:
        _assert_fast_agrees(format_text(edited))


def test_the_synthetic_dossier_takes_the_fast_path() -> None:
    """The benchmark's file (block scalars, figures, comment lines between facts) is plain
    enough for the fast path, before and after formatting."""
    text = _synth_text()
    assert _assert_fast_agrees(text)
    assert _assert_fast_agrees(format_text(text))
