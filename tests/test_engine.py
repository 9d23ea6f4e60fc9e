"""Loader positions, seed offsets, quote folding, output formats, exit codes, robustness."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import check as check_module
from dossier import dates, quotes, seeds
from dossier.check import check
from dossier.cli import cli
from dossier.project import Project
from dossier.yamlload import parse
from tests.conftest import FIXTURES


# --- positions -------------------------------------------------------------------------------
def test_positions_are_one_based() -> None:
    # ruamel's marks are 0-based; every position we report is 1-based.
    data = parse("facts:\n  - id: a\n    about: [x, y]\n").data
    fact = data["facts"][0]
    assert data.key_pos["facts"] == (1, 1)
    assert data["facts"].item_pos[0] == (2, 5)
    assert fact.value_pos["id"] == (2, 9)
    assert fact["about"].item_pos == [(3, 13), (3, 16)]


def test_parse_numbers_lines_from_an_offset() -> None:
    assert parse("a: 1\nb: 2\n", first_line=2).data.value_pos["b"] == (3, 4)


def test_core_schema_scalars_and_dates_stay_text() -> None:
    data = parse("a: 2024-08-05\nb: 12\nc: '12'\nd: null\ne: true\nf: 1.5\ng: no\n").data
    assert data == {"a": "2024-08-05", "b": 12, "c": "12", "d": None, "e": True, "f": 1.5, "g": "no"}


def test_seed_body_offsets_survive_blank_lines_after_front_matter(tmp_path: Path) -> None:
    # python-frontmatter strips the whitespace that opens this body; we keep it and count its lines.
    body = " \n\n\nHeadline\n\nText line.\n"
    path = tmp_path / "s.md"
    path.write_bytes(b"---\ntitle: T\nlanguage: en\n---\n" + body.encode())
    seed = seeds.read(path)
    assert seed.body == body
    assert seed.body_line == 5
    assert seed.line_of(body.index("Headline")) == 8
    assert seed.line_of(body.index("Text")) == 10
    assert frontmatter.load(str(path)).content == body.strip()  # the pitfall this guards against


def test_seed_metadata_agrees_with_python_frontmatter() -> None:
    for path in sorted(FIXTURES.glob("*/seeds/*.md")) + sorted((FIXTURES / "news-captures").glob("*.md")):
        ours = dict(seeds.read(path).meta)
        theirs = {
            k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in frontmatter.load(str(path)).metadata.items()
        }
        assert ours == theirs, path.name


# --- quotes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "quote", "span_text"),
    [
        ("He said \u201cno\u201d today.", 'said "no" today', "said \u201cno\u201d today"),
        ("Israel\u2019s  alleged\nrole", "Israel's alleged role", "Israel\u2019s  alleged\nrole"),
        ("air\u2014defense", "air-defense", "air\u2014defense"),
        (
            "Luftverteidigungs\u00adausr\u00fcstung",
            "Luftverteidigungsausr\u00fcstung",
            "Luftverteidigungs\u00adausr\u00fcstung",
        ),
        ("zero\u200bwidth", "zerowidth", "zero\u200bwidth"),
        ("Caf\u0065\u0301 noir", "Caf\u00e9 noir", "Caf\u0065\u0301 noir"),
    ],
)
def test_quote_folding_maps_back_to_the_original_span(body: str, quote: str, span_text: str) -> None:
    anchor = quotes.find(quotes.fold(body), quote)
    assert anchor is not None
    assert body[anchor.start : anchor.end] == span_text


def test_folding_keeps_meaning() -> None:
    assert quotes.find(quotes.fold("300 missiles"), "400 missiles") is None
    assert quotes.find(quotes.fold("Iran"), "iran") is None  # case carries meaning


def test_ambiguous_quote_counts_occurrences() -> None:
    anchor = quotes.find(quotes.fold("a b. a b."), "a b")
    assert anchor is not None and anchor.occurrences == 2


def test_nearest_passage_is_whole_words() -> None:
    body = "The report counted some 300 missiles and drones."
    near = quotes.closest(quotes.fold(body), "counted some 400 missiles")
    assert body[near.start : near.end] == "counted some 300 missiles"
    assert near.similarity > 80


@given(st.text(max_size=60), st.integers(0, 60), st.integers(0, 60))
def test_any_substring_is_found_at_its_span(text: str, i: int, j: int) -> None:
    i, j = sorted((min(i, len(text)), min(j, len(text))))
    i, j = quotes.widen(text, i, j)  # a quote is whole words (tests/test_fold.py: cut words)
    needle = text[i:j]
    if not quotes.fold_text(needle):
        return
    anchor = quotes.find(quotes.fold(text), needle)
    assert anchor is not None
    assert quotes.fold_text(text[anchor.start : anchor.end]) == quotes.fold_text(needle)


# --- dates -----------------------------------------------------------------------------------
def test_dates_keep_their_precision() -> None:
    month = dates.parse("2024-08")
    assert (month.start.isoformat(), month.end.isoformat(), month.precision) == (
        "2024-08-01",
        "2024-08-31",
        "month",
    )
    assert dates.parse("2024-08-05").human() == "5 August 2024"
    assert dates.parse("2024-07-29/2024-08-04").human() == "29 July 2024 – 4 August 2024"
    assert dates.parse(2024).precision == "year"
    with pytest.raises(ValueError, match="29 days"):
        dates.parse("2024-02-30")


# --- CLI -------------------------------------------------------------------------------------
def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _broken(base_project: Path) -> Path:
    facts = base_project / "data" / "facts.yaml"
    facts.write_text(facts.read_text().replace("status: reported", "status: rumoured"))
    return base_project


def test_text_output_and_exit_code(base_project: Path) -> None:
    code, out, err = _invoke("check", "--project", str(_broken(base_project)), "--format", "text")
    assert code == 1
    assert out.startswith("data/facts.yaml:22:13: E201 'rumoured' is not allowed")
    assert err.strip() == "1 error, 0 warnings"


def test_findings_at_one_place_come_in_one_order(base_project: Path) -> None:
    """Two findings at one line and column (a misspelt key: unknown field, and missing the
    required one) print in the same order in every process, whatever order a set held them in:
    string hashing differs between processes (PYTHONHASHSEED)."""
    facts = base_project / "data" / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("  - id: radar\n", "  - idd: radar\n", 1), "utf-8")
    outputs = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "dossier",
                "check",
                "--no-cache",
                "--format",
                "text",
                "--project",
                str(base_project),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    lines = [line for line in outputs.pop().splitlines() if ": E201 " in line]
    assert len(lines) == 2 and lines == sorted(lines), lines


def test_a_seed_turned_crlf_says_so(base_project: Path) -> None:
    """A vetted seed whose lines now end in CRLF (git's core.autocrlf on Windows) fails E602,
    and the message names the likely cause and the fix; an edit of the words does not."""
    seed = base_project / "seeds" / "alpha-report.md"
    raw = seed.read_bytes()
    head, body = raw.split(b"\n---\n", 1)
    seed.write_bytes(head + b"\n---\n" + body.replace(b"\n", b"\r\n"))
    code, out, _ = _invoke("check", "--no-cache", "--project", str(base_project), "--format", "text")
    assert code == 1
    e602 = [line for line in out.splitlines() if " E602 " in line]
    assert len(e602) == 1 and "CRLF" in e602[0] and "seeds/** -text" in e602[0], out
    assert "save it with LF endings" in e602[0]
    # One line changed by an editor: no git setting makes that, so none is blamed.
    seed.write_bytes(raw.replace(b"300 missiles and drones.\n", b"300 missiles and drones.\r\n"))
    out = _invoke("check", "--no-cache", "--project", str(base_project), "--format", "text")[1]
    assert "some of its lines end in CRLF" in out and "-text" not in out, out
    seed.write_bytes(raw.replace(b"some 300", b"some 3000"))
    out = _invoke("check", "--no-cache", "--project", str(base_project), "--format", "text")[1]
    assert " E602 " in out and "CRLF" not in out


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (b'title: "Alpha', b'title: "Alph\xe1', "2:13: E105 not valid UTF-8 (byte 0xe1)"),  # front matter
        (b"outlet: alpha-news", b"outlet: alpha-news\xe9", "3:19: E105 not valid UTF-8 (byte 0xe9)"),
        (b"in the capital.", b"in the capit\xe4l.", "9:77: E105 not valid UTF-8 (byte 0xe4)"),  # body
        (b"drones.\n", b"drones.\xff", "11:49: E105 not valid UTF-8 (byte 0xff)"),  # the last byte
        # Columns count characters, as an editor does: the curly quotes and the dash are 3 bytes.
        (b"would follow.", b"would follow.\xe9", "10:79: E105 not valid UTF-8 (byte 0xe9)"),
    ],
)
def test_a_seed_that_is_not_utf8_is_located(base_project: Path, old: bytes, new: bytes, where: str) -> None:
    """E105 names the bad byte's line, column and value, in the front matter as in the body,
    and the check never stops with a traceback."""
    seed = base_project / "seeds" / "alpha-report.md"
    raw = seed.read_bytes()
    assert old in raw
    seed.write_bytes(raw.replace(old, new, 1))
    for args in (["--no-cache"], []):
        code, out, _ = _invoke("check", *args, "--project", str(base_project), "--format", "text")
        assert code == 1 and f"seeds/alpha-report.md:{where}" in out, out


def test_a_facts_file_that_is_not_utf8_is_located_in_characters(base_project: Path) -> None:
    facts = base_project / "data" / "facts.yaml"
    # Columns count characters, as an editor does: „ and “ are 3 bytes each.
    facts.write_bytes(
        facts.read_bytes().replace(b"name: Alpha News", "name: „Alpha“ News".encode() + b"\xe9", 1)
    )
    for args in (["--no-cache"], []):
        code, out, _ = _invoke("check", *args, "--project", str(base_project), "--format", "text")
        assert code == 1 and out.startswith("data/facts.yaml:6:23: E105 not valid UTF-8 (byte 0xe9)"), out
    code, out, err = _invoke("fmt", "--check", "--project", str(base_project))
    assert code == 1 and out.startswith("data/facts.yaml:6:23: E105"), out + err


def test_github_annotations(base_project: Path) -> None:
    code, out, _ = _invoke("check", "--project", str(_broken(base_project)), "--format", "github")
    assert code == 1
    assert out.startswith(
        "::error file=data/facts.yaml,line=22,col=13,title=E201 schema::'rumoured' is not allowed"
    )


def test_github_format_is_the_default_in_actions(base_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert _invoke("check", "--project", str(_broken(base_project)))[1].startswith("::error ")


def test_json_output(base_project: Path) -> None:
    code, out, _ = _invoke("check", "--project", str(_broken(base_project)), "--format", "json")
    items = json.loads(out)
    assert code == 1
    assert items[0] | {"message": ""} == {
        "path": "data/facts.yaml",
        "line": 22,
        "column": 13,
        "code": "E201",
        "name": "schema",
        "severity": "error",
        "message": "",
    }


def test_usage_errors_exit_2(base_project: Path) -> None:
    assert _invoke("check", "--format", "xml")[0] == 2
    assert _invoke("check", "--project", str(base_project / "missing"))[0] == 2
    assert _invoke("no-such-command")[0] == 2


def test_check_writes_nothing_into_data_or_seeds(base_project: Path) -> None:
    def snapshot() -> dict[str, tuple[int, int]]:
        return {
            str(p): (p.stat().st_size, p.stat().st_mtime_ns)
            for part in ("data", "seeds")
            for p in (base_project / part).rglob("*")
        }

    before = snapshot()
    assert _invoke("check", "--project", str(base_project))[0] == 0
    assert snapshot() == before


def test_symlinked_inputs_are_refused(base_project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("---\ntitle: x\n---\nnot for publication\n")
    (base_project / "seeds" / "leak.md").symlink_to(secret)
    code, out, _ = _invoke("check", "--project", str(base_project), "--no-cache")
    assert code == 1
    assert "seeds/leak.md:1:1: E110 is a symbolic link, not a regular file" in out
    facts = base_project / "data" / "facts.yaml"
    facts.rename(tmp_path / "facts.yaml")
    facts.symlink_to(tmp_path / "facts.yaml")
    assert (
        "data/facts.yaml:0:0: E110 is a symbolic link, not a regular file"
        in _invoke("check", "--project", str(base_project), "--no-cache")[1]
    )


def test_cache_answers_unchanged_projects_and_misses_on_edits(base_project: Path) -> None:
    assert _invoke("check", "--project", str(base_project))[0] == 0
    assert (base_project / ".dossier-cache" / "check.json").exists()
    assert _invoke("check", "--project", str(base_project))[0] == 0  # served from the cache
    _broken(base_project)
    assert _invoke("check", "--project", str(base_project))[0] == 1  # the edit misses it


def test_cache_sees_seed_edits_that_keep_the_modification_time(base_project: Path) -> None:
    assert _invoke("check", "--project", str(base_project))[0] == 0
    seed = base_project / "seeds" / "alpha-report.md"
    before = seed.stat()
    seed.write_bytes(seed.read_bytes().replace(b"some 300 missiles", b"some 900 missiles"))
    os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or rsync -t would
    code, out, _ = _invoke("check", "--project", str(base_project))
    assert code == 1 and "E602" in out


def test_parallel_and_serial_checks_agree(base_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(base_project)
    serial = check(Project(base_project))
    monkeypatch.setattr(check_module, "PARALLEL_MIN_FACTS", 0)
    parallel = check(Project(base_project))
    assert parallel.diagnostics == serial.diagnostics
    assert serial.errors == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_no_input_makes_a_traceback(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "data").mkdir()
    (root / "seeds").mkdir()
    (root / "data" / "facts.yaml").write_text(
        "entities: []\nfacts:\n" + text, "utf-8", errors="surrogateescape"
    )
    (root / "seeds" / "x.md").write_bytes(b"---\n" + text.encode("utf-8", "surrogateescape") + b"\n---\nbody")
    result = CliRunner().invoke(cli, ["check", "--project", str(root), "--no-cache"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1)


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "[]",
        "x",
        "facts: {}",
        "entities: [1, [2]]\nfacts: [null]",
        "facts:\n  - {id: [1], sources: [{seed: {}}]}",
        "? [a]\n: b",
        "entities: !!binary aGk=\nfacts: []",
        "\ufeffentities: []\nfacts: []",
        "a: *undefined",
        # Hostile pull requests (issue 8): each crashed a stage or gave Python internals.
        "entities: []\nfacts:\n  - id: f\n    sources:\n      - seed: [alpha-report]\n        quote: x",
        "entities: []\nfacts:\n  - id: f\n    sources: [{seed: alpha-report, quote: ' '}]",
        "entities: []\nfacts: [{id: f, figures: [{value: " + "9" * 5000 + "}]}]",
        "entities: []\nfacts: [{id: f, figures: [{value: .nan, min: -.inf}]}]",
        "entities: []\nfacts: [{id: !!int '12', date: !!python/object:os.system x}]",
        "entities: []\nfacts: " + "[" * 2000 + "]" * 2000,
        "entities: []\nfacts: " + "{a: " * 500 + "1" + "}" * 500,
        "entities: []\nfacts: [{id: f, date: '0000'}, {id: g, date: '２０２４'}]",
        'entities:\n  - id: "a\\u202e"\n    name: "\\x07"\nfacts: []',
        "entities: []\nfacts: []\nx: \x07",
        "entities: []\nfacts: []\n&a [x]: 1",
        "entities: [{id: radars-\u0430rrived, type: outlet, name: x}]\nfacts: []",
        "entities: [{<<: {id: a, type: outlet}, id: b, name: n}]\nfacts: []",
    ],
)
def test_malformed_shapes_are_findings_not_crashes(base_project: Path, text: str) -> None:
    (base_project / "data" / "facts.yaml").write_text(text, "utf-8")
    # CliRunner catches a crash and keeps it in result.exception; "Traceback" never reaches the
    # output, so the exception itself is what must be absent.
    result = CliRunner().invoke(cli, ["check", "--project", str(base_project), "--no-cache"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    # Every finding is located and plain: no Python exception names or internals leak out.
    for line in result.stdout.splitlines():
        assert not re.search(r"Error\b|Exception|object at 0x|<class", line), line


# --- the loader refuses what later stages cannot handle ---------------------------------------
def test_a_merge_key_before_the_entrys_own_keys_is_not_a_duplicate() -> None:
    parsed = parse("base: &b {type: outlet, name: A}\nentry:\n  <<: *b\n  name: B\n  id: x\n")
    assert parsed.problems == ()
    assert parsed.data["entry"] == {"type": "outlet", "name": "B", "id": "x"}
    # A key written twice by hand is still a duplicate, merge or not.
    twice = parse("base: &b {name: A}\nentry:\n  <<: *b\n  name: B\n  name: C\n")
    assert [p.kind for p in twice.problems] == ["duplicate-key"]


def test_aliases_cannot_nest_past_the_depth_limit() -> None:
    """Each alias adds its anchor's depth: 30 levels twice are 60, without recursion."""
    text = "a: &a " + "[" * 30 + "]" * 30 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    problems = parse(text).problems
    assert [(p.line, p.column, p.kind) for p in problems] == [(2, 34, "too-deep")]


@pytest.mark.parametrize(
    ("text", "kind", "column"),
    [
        ("a: " + "9" * 5000, "bad-number", 4),  # Python refuses int() of 4,300+ digits
        ("a: 0x" + "f" * 5000, "bad-number", 4),
        ("a: 1000000000000001", "bad-number", 4),
        ("a: -.INF", "bad-number", 4),
        ("a: ! 12", "tag", 4),
        ("a: !foo {b: 1}", "tag", 4),
        ("a: b\x00c", "control", 5),
    ],
)
def test_the_loader_locates_what_it_refuses(text: str, kind: str, column: int) -> None:
    problems = parse(text).problems
    assert [(p.line, p.column, p.kind) for p in problems] == [(1, column, kind)]
    assert "Exceeds" not in problems[0].message and "position" not in problems[0].message


def test_the_largest_allowed_number_is_allowed() -> None:
    assert parse("a: 1000000000000000\nb: -1e15\nc: 0.5").problems == ()


@pytest.mark.parametrize("char", ["\u00ad", "\u200b", "\u2060", "\ufeff", "\U000e0041", "\ufff9"])
def test_invisible_characters_that_make_names_look_alike_are_refused(base_project: Path, char: str) -> None:
    facts = base_project / "data" / "facts.yaml"
    facts.write_text(
        facts.read_text("utf-8").replace("name: Radar units", f"name: Radar{char} units"), "utf-8"
    )
    code, out, _ = _invoke("check", "--project", str(base_project), "--no-cache")
    assert code == 1 and f"E107 U+{ord(char):04X}" in out, out
