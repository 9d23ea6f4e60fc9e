"""Hostile pull requests: any value in any field, and no command may crash or hang on it.

A hypothesis fuzz test puts values of every YAML kind (text with control and bidirectional
characters, huge and non-finite numbers, tags, lists where an id belongs, deep nesting) into
one field or key of ``data/facts.yaml`` or of a seed's front matter, then runs ``check``,
``fmt --check``, ``export`` and ``diff`` in-process, and ``build --no-site`` (the path ``serve``
regenerates by) when the check accepts the input. Each must end with an exit code, never an
exception. Determinism is tested across processes with different ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dossier import dates, seeds
from dossier.cli import cli
from dossier.diff import SeedVersion, load_side
from dossier.yamlload import parse
from tests.conftest import FIXTURES, copy_project
from tests.sitefixtures import SITE_FIXTURE

BASE = FIXTURES / "base"


@dataclass(frozen=True)
class Raw:
    """YAML written as is: a tag, an alias, a special float, deep nesting."""

    text: str


SEED_FILE = BASE / "seeds" / "alpha-report.md"
SEED = seeds.read(SEED_FILE)


def _sound_base() -> tuple[dict[str, Any], dict[str, Any]]:
    """The base fixture with every optional field filled in, so that each can be fuzzed."""
    facts = load_side("base", (BASE / "data" / "facts.yaml").read_text("utf-8"))
    facts["summary"] = "What the mini dossier covers."
    facts["entities"][2].update(description="Air defence radars.", url="https://radar.example/", notes="n")
    fact = facts["facts"][0]
    fact["date_resolved"]["note"] = "Monday before publication."
    fact["figures"][0].update(min=250, max=350.5)
    fact["sources"][0].update(attributed_to=["alpha-news"], note="the second official")
    fact.update(contradicts=["radars-denied"], tags=["air-defence"], notes="n", status="disputed")
    fact["sources"][0]["anonymous"] = True
    denied = {**fact, "id": "radars-denied", "status": "denied", "contradicts": ["radars-arrived"]}
    denied.update(sources=fact["sources"][:2], acknowledge={"W401": "Only Alpha reports the denial."})
    denied["date_inferred"] = "the Monday before publication, as the other fact resolves it"
    facts["facts"].append({k: v for k, v in denied.items() if k != "date_resolved"})
    meta = SeedVersion.of(SEED.id, SEED_FILE.read_bytes()).meta or {}
    meta.update(same_as="beta-bericht", received_as="a.txt", inferred={"title": "first line"}, notes="n")
    return facts, meta


FACTS, SEED_META = _sound_base()


def _write(root: Path, facts: dict[str, Any], meta: dict[str, Any]) -> None:
    text = "\n".join(_block(facts)) + "\n"
    (root / "data" / "facts.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
    front = "\n".join(_block(meta)) + "\n"
    (root / "seeds" / SEED_FILE.name).write_bytes(
        b"---\n" + front.encode("utf-8", "surrogatepass") + b"---\n" + SEED.body.encode("utf-8")
    )


def _flow(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return "-.inf" if value < 0 else ".inf"
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # JSON scalars are YAML; escapes included


def _block(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML (as analysts write it) with flow-style leaves."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            head = _flow(key)
            if isinstance(item, (dict, list)) and item and not isinstance(item, Raw):
                lines.append(f"{pad}{head}:")
                lines += _block(item, indent + 2)
            else:
                lines.append(f"{pad}{head}: {_flow(item)}")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                sub = _block(item, indent + 2)
                lines.append(f"{pad}- {sub[0].lstrip()}")
                lines += sub[1:]
            else:
                lines.append(f"{pad}- {_flow(item)}")
    return lines


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place below ``value``: mapping values, list items and (marked 'key') mapping keys."""
    found = [at] if at else []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*at, ("key", key)))
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*at, i))
    return found


def _replace(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of ``data`` with the value (or key) at ``path`` replaced by ``new``."""
    step, rest = path[0], path[1:]
    if isinstance(data, dict):
        out = {}
        for key, item in data.items():
            if isinstance(step, tuple) and step == ("key", key) and not rest:
                out[new if isinstance(new, (str, int, float, Raw)) and not isinstance(new, bool) else key] = (
                    item
                )
            elif key == step:
                out[key] = _replace(item, rest, new) if rest else new
            else:
                out[key] = item
        return out
    out_list = list(data)
    out_list[step] = _replace(data[step], rest, new) if rest else new
    return out_list


HOSTILE_CHARS = [
    "\x00", "\x07", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\u061c", "\u200e", "\u200f",
    "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "\xa0", "\u200b", "\n", "\t", "\r", " ",
    "\u0430", "\uff12", "\u0662", "-", "a", "0", ":", "#", "'", '"', "[", "{", "&", "*", "!",
]  # fmt: skip
# The calendar's edges: a phrase relative to them names days that do not exist.
EDGE_DATES = ["9999-12-31", "9999-12", "9999", "0001-01-01", "0001-01", "0001", "9999-12-27/9999-12-31"]
RELATIVE_PHRASES = [
    *("Monday", "on Sunday", "tomorrow", "yesterday", "next week", "last week", "this week"),
    *("next month", "last month", "next year", "last year", "Wednesday last week", "nächste Woche"),
]
IDS = ["alpha-report", "beta-bericht", "alpha-news", "radar", "radars-arrived", "projectiles"]
texts = st.text(alphabet=st.one_of(st.sampled_from(HOSTILE_CHARS), st.characters(codec="utf-8")), max_size=12)
scalars = st.one_of(
    texts,
    st.sampled_from(IDS),
    st.sampled_from(
        [f"{i}\n" for i in IDS]
        + ["a" * 101, "2024-08-05", "0000", "２０２４", "2024\n", "", " "]
        + EDGE_DATES
        + RELATIVE_PHRASES
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([10**400, -(10**16), 2**53 + 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(
        [
            Raw(".nan"),
            Raw("-.inf"),
            Raw('!!int "12"'),
            Raw("!foo x"),
            Raw("!!python/object:os.system x"),
            Raw("!!binary aGk="),
            Raw("! 12"),
            Raw("!!str 2024"),
            Raw("9" * 400),
            Raw("0x" + "f" * 300),
            Raw("*nothing"),
            Raw("2024-08-05"),
            Raw('"alpha-report\\n"'),
            Raw('"https://a.example/\\n"'),
            Raw('"\\u202e"'),
            Raw('"\\x07"'),
            Raw("1e400"),
            Raw("0o777777777777777777777777777"),
        ]
    ),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),  # a list where a scalar is expected, or a list of odd items
    st.dictionaries(st.sampled_from(["id", "seed", "x", "<<"]), scalars, max_size=2),
    st.integers(1, 80).map(lambda n: Raw("[" * n + "]" * n)),
    st.integers(1, 50).map(lambda n: Raw("{a: " * n + "1" + "}" * n)),
)


def _ok(args: list[str], allowed: tuple[int, ...] = (0, 1)) -> int:
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
    )
    assert result.exit_code in allowed, (args, result.exit_code, result.output)
    return result.exit_code


@settings(
    max_examples=int(os.environ.get("DOSSIER_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    in_seed=st.booleans(),
    which=st.integers(min_value=0),
    value=values,
)
def test_no_field_value_crashes_any_command(
    tmp_path_factory: pytest.TempPathFactory, in_seed: bool, which: int, value: Any
) -> None:
    root = copy_project(BASE, tmp_path_factory.mktemp("hostile"))
    facts, meta = FACTS, SEED_META
    if in_seed:
        places = _paths(SEED_META)
        meta = _replace(SEED_META, places[which % len(places)], value)
    else:
        places = _paths(FACTS)
        facts = _replace(FACTS, places[which % len(places)], value)
    _write(root, facts, meta)
    project = ["--project", str(root)]
    accepted = _ok(["check", *project, "--no-cache"]) == 0
    event("accepted by check" if accepted else "refused by check")
    _ok(["fmt", *project, "--check"])
    exported = _ok(["export", *project, "--out", str(root / "out")])
    assert exported == (0 if accepted else 1)
    base = root / "base.yaml"
    base.write_text("\n".join(_block(FACTS)) + "\n", "utf-8")
    _ok(["diff", *project, str(base), str(root / "data" / "facts.yaml")])
    if accepted:  # what the check accepts, every later stage must handle
        _ok(["build", *project, "--no-site"], allowed=(0,))
        json.loads((root / "out" / "dossier.json").read_text("utf-8"), parse_constant=_refuse_constant)


def test_the_fuzzed_base_is_sound(tmp_path: Path) -> None:
    """Every optional field is present and the whole passes the check: each mutation is the
    only thing wrong with its input."""
    root = copy_project(BASE, tmp_path)
    _write(root, FACTS, SEED_META)
    result = CliRunner().invoke(cli, ["check", "--project", str(root), "--no-cache"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert len(_paths(FACTS)) > 100 and len(_paths(SEED_META)) > 20


def _refuse_constant(name: str) -> Any:
    raise AssertionError(f"the published JSON holds {name}, which JSON does not allow")


def test_fmt_refuses_tags_and_deep_nesting_and_leaves_the_file(base_project: Path) -> None:
    facts = base_project / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    for broken, code in (
        (text.replace("value: 300", 'value: !!int "300"'), "E109"),
        (text.replace("status: reported", "status: reported\n    notes: " + "[" * 40 + "]" * 40), "E108"),
        (text.replace("value: 300", "value: .nan"), "E206"),
    ):
        facts.write_text(broken, "utf-8")
        result = CliRunner().invoke(cli, ["fmt", "--project", str(base_project)])
        assert result.exit_code == 1
        check = CliRunner().invoke(cli, ["check", "--project", str(base_project), "--no-cache"])
        assert f": {code} " in result.stdout
        # fmt says what the check says about the file (the check may add schema findings).
        assert set(result.stdout.splitlines()) <= set(check.stdout.splitlines())
        assert facts.read_text("utf-8") == broken


# --- determinism across processes -----------------------------------------------------------


def _run_in_process(args: list[str], seed: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1722902400"}
    done = subprocess.run(
        [sys.executable, "-m", "dossier", *args], cwd=cwd, env=env, capture_output=True, check=False
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout.decode("utf-8")


def _broken_project(tmp_path: Path) -> Path:
    """The site fixture dossier with findings of many kinds, so the output order matters."""
    project = copy_project(SITE_FIXTURE, tmp_path / "p")
    facts = project / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    facts.write_text(
        text.replace("status: reported", "status: rumoured", 3).replace("about: [", "about: [nobody, ", 3),
        "utf-8",
    )
    return project


@pytest.mark.parametrize("command", [["check", "--no-cache"], ["check", "--no-cache", "--format", "json"]])
def test_check_output_is_the_same_in_every_process(tmp_path: Path, command: list[str]) -> None:
    project = _broken_project(tmp_path)
    runs = {
        _run_in_process([*command, "--project", str(project)], seed, tmp_path) for seed in ("0", "1", "4242")
    }
    assert len(runs) == 1 and next(iter(runs))


def test_export_is_the_same_in_every_process(tmp_path: Path) -> None:
    outputs = set()
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"out-{seed}"
        _run_in_process(
            ["export", "--project", str(SITE_FIXTURE), "--format", "csv", "--out", str(out)], seed, tmp_path
        )
        _run_in_process(
            ["export", "--project", str(SITE_FIXTURE), "--format", "json", "--out", str(out)], seed, tmp_path
        )
        outputs.add(tuple((p.name, p.read_bytes()) for p in sorted(out.iterdir())))
    assert len(outputs) == 1


def test_rendered_pages_are_the_same_in_every_process(tmp_path: Path) -> None:
    trees = set()
    for seed in ("0", "1", "4242"):
        project = copy_project(SITE_FIXTURE, tmp_path / f"p-{seed}")
        _run_in_process(["build", "--no-site", "--project", str(project)], seed, tmp_path)
        generated = project / "docs" / "generated"
        trees.add(
            tuple(
                (p.relative_to(generated).as_posix(), p.read_bytes())
                for p in sorted(generated.rglob("*"))
                if p.is_file()
            )
        )
    assert len(trees) == 1


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_fmt_writes_every_float_the_check_accepts(number: float) -> None:
    """ruamel rewrote some floats (2.357013406468805e-76) with other digits: fmt then crashed."""
    from dossier.fmt import format_text

    text = f"figures:\n  - value: {number!r}\n    min: {number:e}\n"
    assert parse(format_text(text)).data == parse(text).data


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(HOSTILE_CHARS), st.characters(codec="utf-8")), max_size=20))
def test_the_control_scan_shortcut_misses_no_escape(text: str) -> None:
    """The check walks the facts file's texts only when its raw text could produce a control
    character; every escape form that can must be seen by that test."""
    from dossier.fmt import double_quoted
    from dossier.yamlload import CONTROL, may_hold_control

    for doc in (
        f"a: {double_quoted(text)}\n",
        f"a: {json.dumps(text)}\n",
        f"a: {json.dumps(text, ensure_ascii=False)}\n",
    ):
        parsed = parse(doc)
        value = parsed.data["a"] if isinstance(parsed.data, dict) else ""
        if CONTROL.search(value):
            assert may_hold_control(doc), doc


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=st.one_of(st.none(), texts),
    first_line=texts,
    url=st.one_of(
        st.none(), st.just("https://a.example/x"), st.sampled_from(["https://a.example/\n", "http://a b"])
    ),
    published=st.one_of(
        st.sampled_from(["2024", "2024-08-06"]), st.sampled_from(["0000", "２０２４", "2024\n"])
    ),
)
def test_add_seed_writes_only_what_the_check_accepts(
    tmp_path_factory: pytest.TempPathFactory,
    title: str | None,
    first_line: str,
    url: str | None,
    published: str,
) -> None:
    root = copy_project(BASE, tmp_path_factory.mktemp("addseed"))
    article = root / "article.txt"
    article.write_bytes(f"{first_line}\nRadars arrived, officials said.\n".encode("utf-8", "surrogatepass"))
    args = ["add-seed", "--project", str(root), str(article), "--outlet", "alpha-news", "--language", "en"]
    args += ["--published", published, "--id", "new-seed"]
    args += [*(["--title", title] if title is not None else []), *(["--url", url] if url is not None else [])]
    code = _ok(args, allowed=(0, 1, 2))
    event(f"add-seed exit {code}")  # --hypothesis-show-statistics: how often a seed was written
    written = root / "seeds" / "new-seed.md"
    assert written.exists() == (code == 0)
    if code == 0:
        result = CliRunner().invoke(cli, ["check", "--project", str(root), "--no-cache"])
        errors = [
            line
            for line in result.stdout.splitlines()
            if line.startswith("seeds/new-seed.md") and ": E" in line
        ]
        assert errors == []


def test_a_control_character_in_a_key_is_located_at_the_key(base_project: Path) -> None:
    facts = base_project / "data" / "facts.yaml"
    facts.write_text(
        facts.read_text("utf-8").replace("    name: Radar units", '    "na\\u2066me": Radar units')
    )
    seed = base_project / "seeds" / "alpha-report.md"
    seed.write_bytes(seed.read_bytes().replace(b"language: en", b'"lang\\x1buage": en'))
    result = CliRunner().invoke(cli, ["check", "--project", str(base_project), "--no-cache"])
    e107 = [line for line in result.stdout.splitlines() if " E107 " in line]
    assert e107 == [
        "data/facts.yaml:12:5: E107 U+2066 (LEFT-TO-RIGHT ISOLATE) at offset 2 of the key "
        "'entities[2].na\\u2066me': control and bidirectional characters are not allowed here; delete it",
        "seeds/alpha-report.md:5:1: E107 U+001B (ESCAPE) at offset 4 of the key 'lang\\x1buage': "
        "control and bidirectional characters are not allowed here; delete it",
    ]


@settings(max_examples=300, deadline=None)
@given(
    published=st.one_of(
        st.sampled_from(EDGE_DATES),
        st.dates().flatmap(lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]])),
    ),
    phrase=st.sampled_from(RELATIVE_PHRASES),
)
def test_a_relative_phrase_names_only_days_the_calendar_has(published: str, phrase: str) -> None:
    """At the calendar's edges a phrase's days that do not exist are simply not candidates."""
    when = dates.parse(published)
    days = dates.candidates(dates.read_phrase(phrase), when)
    assert days == sorted(set(days))
    assert all(dt.date.min <= d <= dt.date.max for d in days)


@pytest.mark.parametrize(
    ("published", "phrase"),
    [
        ("9999-12-31", "Monday"),
        ("9999-12-31", "tomorrow"),
        ("9999-12-31", "next week"),
        ("9999-12-31", "this week"),
        ("9999-12", "next month"),
        ("9999", "next year"),
        ("0001", "last year"),
        ("0001-01", "last month"),
        ("0001-01-01", "yesterday"),
        ("0001-01-01", "last week"),
    ],
)
def test_a_phrase_past_the_calendar_edge_crashes_no_command(
    base_project: Path, published: str, phrase: str
) -> None:
    """ "Tomorrow" after 9999-12-31 names no day: the commands report findings, never a traceback
    (the phrase need not even occur in the seed)."""
    seed = base_project / "seeds" / "alpha-report.md"
    seed.write_text(seed.read_text("utf-8").replace('"2024-08-06"', f'"{published}"'), "utf-8")
    facts = base_project / "data" / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("phrase: on Monday", f"phrase: {phrase}"), "utf-8")
    project = ["--project", str(base_project)]
    _ok(["check", *project, "--no-cache"])
    _ok(["check", *project])
    _ok(["export", *project, "--out", str(base_project / "out")])
    _ok(["build", *project, "--no-site"])


@pytest.mark.parametrize("outlet", ["[]", "[alpha-news]", "{a: 1}"])
def test_an_outlet_that_is_not_text_crashes_no_command(base_project: Path, outlet: str) -> None:
    """Found by the fuzz: a list as a seed's outlet (E601) must not crash the W408 check."""
    seed = base_project / "seeds" / "alpha-report.md"
    seed.write_text(seed.read_text("utf-8").replace("outlet: alpha-news", f"outlet: {outlet}"), "utf-8")
    assert _ok(["check", "--project", str(base_project), "--no-cache"]) == 1
    _ok(["export", "--project", str(base_project), "--out", str(base_project / "out")], allowed=(1,))


def test_a_seed_name_that_is_not_utf8_is_reported_plainly(base_project: Path) -> None:
    """A seed file name with a byte that is not UTF-8 is E203, printed with the byte escaped; the
    cache keys it and stores the finding (the second run reads it back)."""
    shutil.copy(
        base_project / "seeds" / "alpha-report.md",
        os.fsdecode(base_project / "seeds") + os.fsdecode(b"/a\xffb.md"),
    )
    expected = (
        "seeds/a\\xffb.md:1:1: E203 seed file name 'a\\xffb' is not a slug: it holds a byte that is not "
        "UTF-8; rename the file with a-z, 0-9 and single hyphens\n"
    )
    for _ in range(2):  # the first run writes the cache, the second reads it
        result = CliRunner().invoke(cli, ["check", "--project", str(base_project)])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert (result.exit_code, result.stdout) == (1, expected)
    assert (base_project / ".dossier-cache" / "check.json").is_file()
    for args in (["export", "--out", str(base_project / "out")], ["build", "--no-site"]):
        _ok([*args, "--project", str(base_project)], allowed=(1,))
