"""The incremental check (dossier/incremental.py) gives exactly the full check's result.

The property that matters: after any sequence of edits, each checked incrementally against what
the previous checks remembered, the findings and the acknowledged count are those of a cold
``--no-cache`` check of the same files.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from unittest.mock import patch

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import cache as check_cache
from dossier import incremental, parallel
from dossier.check import CheckResult, check, check_cached
from dossier.cli import cli
from dossier.project import Project
from tests.conftest import FIXTURES, ROOT, copy_project


@cache
def _template() -> Path:
    """A small synthetic dossier (figures, German seeds, contradicting facts, block scalars)."""
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    dest = Path(tempfile.mkdtemp(prefix="dossier-incremental-"))
    synth.generate(dest, 24, 8, 8)
    copy_project(FIXTURES / "base", dest / "base")  # a second, hand-written project
    return dest


def _incremental(project: Project, parts: dict, build: bool = False) -> tuple[CheckResult, dict] | None:  # type: ignore[type-arg]
    _, seed_digests = check_cache.inputs(project)
    return incremental.check(project, seed_digests, check_cache.checker_version(), parts, build=build)


def _same(project: Project, parts: dict, build: bool = False) -> tuple[dict, bool]:  # type: ignore[type-arg]
    """Check incrementally and cold; assert the results are equal (with ``build``, the models
    too); the parts to keep."""
    done = _incremental(project, parts, build)
    if done is None:  # left to the full check, which is the reference
        return parts, False
    result, new_parts = done
    cold = check(project, build=build)
    assert result.diagnostics == cold.diagnostics
    assert result.acknowledged == cold.acknowledged
    assert result.dossier == cold.dossier
    return new_parts, True


# --- edits -----------------------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines(keepends=True)


def _apply(root: Path, edit: tuple[str, int, int]) -> None:
    """One edit of the facts file or a seed, chosen by kind and two numbers."""
    kind, a, b = edit
    facts = root / "data" / "facts.yaml"
    lines = _lines(facts)
    starts = [i for i, line in enumerate(lines) if line.startswith("  - id: ")]
    facts_line = next((i for i, line in enumerate(lines) if line == "facts:\n"), len(lines))
    fact_starts = [i for i in starts if i > facts_line] or starts or [0]
    starts = starts or [0]
    ids = [lines[i].split(": ", 1)[-1].strip() for i in starts]
    if kind == "word":  # one word of any line becomes another (statuses, ids, quotes, dates)
        i = a % len(lines)
        words = lines[i].split(" ")
        if len(words) > 1:
            replacement = ["confirmed", "disputed", "denied", ids[b % len(ids)], "2025", "Entity", "x"][b % 7]
            words[1 + b % (len(words) - 1)] = replacement + ("\n" if words[-1].endswith("\n") else "")
            if not words[-1].endswith("\n"):
                words[-1] += "\n"
            lines[i] = " ".join(words)
    elif kind == "comment":  # shifts every line below
        lines.insert(a % len(lines), "  # a note\n" if b % 2 else "\n")
    elif kind == "delete" and len(fact_starts) > 2:
        i = fact_starts[a % len(fact_starts)]
        end = next((j for j in starts if j > i), len(lines))
        end = min(
            end, next((j for j in range(i + 1, len(lines)) if not lines[j].startswith(" ")), len(lines))
        )
        del lines[i:end]
    elif kind == "duplicate":  # the same fact twice: E202, and the copy is not judged
        i = fact_starts[a % len(fact_starts)]
        end = next((j for j in starts if j > i), len(lines))
        lines[end:end] = lines[i:end]
    elif kind == "contradicts":  # one-sided or two-sided contradictions (E307)
        i = fact_starts[a % len(fact_starts)]
        other = ids[b % len(ids)]
        lines.insert(i + 1, f"    contradicts: [{other}]\n")
    elif kind == "acknowledge":  # stale acknowledgements (W405) or silenced warnings
        i = fact_starts[a % len(fact_starts)]
        code = ("W401", "W409", "W408", "W402")[b % 4]
        end = next((j for j in starts if j > i), len(lines))
        if not any(line.startswith("    acknowledge:") for line in lines[i:end]):
            lines[end:end] = ["    acknowledge:\n", f"      {code}: A reason.\n"]
    elif kind == "seed":  # a seed's words change: quotes break, sha256 mismatches (E602)
        seeds = sorted((root / "seeds").glob("*.md"))
        seed = seeds[a % len(seeds)]
        text = seed.read_text("utf-8")
        words = text.split(" ")
        words[len(words) // 2 + b % 7] = "changed"
        seed.write_text(" ".join(words), "utf-8")
    elif kind == "seed-meta":  # another seed's outlet (W401, W412), another year (W502, E502), a new seed
        files = sorted((root / "seeds").glob("*.md"))
        chosen, donor = files[a % len(files)], files[b % len(files)]
        head, sep, body = chosen.read_text("utf-8").partition("\n---\n")
        theirs = dict(
            line.split(": ", 1)
            for line in donor.read_text("utf-8").split("\n---\n")[0].splitlines()[1:]
            if ": " in line
        )
        if b % 3 == 0 and "outlet" in theirs:
            head = "\n".join(
                f"outlet: {theirs['outlet']}" if line.startswith("outlet: ") else line
                for line in head.splitlines()
            )
        elif b % 3 == 1:
            head = head.replace('published: "20', 'published: "19', 1)
        else:  # a copy under a new name: no fact cites it (W403)
            chosen = chosen.with_name(f"copy-{a % 97}.md")
        chosen.write_text(head + sep + body, "utf-8")
    elif kind == "entity":  # facts' references break (E301), or a statement now names it (W408)
        entities = [i for i in starts if i < facts_line] or [0]
        i = entities[a % len(entities)]
        statements = [line.split(": ", 1)[1] for line in lines if line.startswith("    statement: ")]
        if b % 2 or not statements:
            lines[i] = lines[i].rstrip("\n") + "-renamed\n"
        else:
            name = next(
                (j for j in range(i, min(i + 4, len(lines))) if lines[j].startswith("    name: ")), None
            )
            if name is not None:  # the first word of a statement, which a quote may not mention
                lines[name] = f"    name: {statements[b % len(statements)].split()[0].strip(chr(34))}\n"
    elif kind == "break":  # a YAML error or an odd layout: the full check takes over
        i = a % len(lines)
        lines[i] = lines[i][: b % max(len(lines[i]), 1)] + "\n"
    facts.write_text("".join(lines), "utf-8")


EDITS = st.tuples(
    st.sampled_from(
        [
            "word",
            "word",
            "word",
            "comment",
            "delete",
            "duplicate",
            "contradicts",
            "acknowledge",
            "seed",
            "seed-meta",
            "entity",
            "break",
        ]
    ),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.sampled_from(["synth", "base"]),
    edits=st.lists(st.tuples(EDITS, st.booleans()), min_size=1, max_size=6),
    build=st.booleans(),
)
def test_incremental_equals_cold_over_random_edits(
    which: str, edits: list[tuple[tuple[str, int, int], bool]], build: bool
) -> None:
    """Each check with or without the model (``dossier check`` stores none, ``serve`` wants it)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        template = _template() if which == "synth" else _template() / "base"
        copy_project(template, root)
        project = Project(root)
        parts, _ = _same(project, {}, build)
        for edit, build_now in edits:
            _apply(root, edit)
            parts, _ = _same(project, parts, build_now)


def test_unchanged_items_are_not_rejudged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a one-fact edit only that fact is judged again; a line shift re-locates the others."""
    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("docs", "base"))
    project = Project(root)
    parts, ran = _same(project, {})
    assert ran
    facts = root / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    # One more line in fact-3's statement moves every fact below it one line down.
    facts.write_text(text.replace("  - id: fact-3\n", "  - id: fact-3\n    tags: [edited]\n", 1), "utf-8")
    judged: list[str] = []
    original = incremental._Incremental.check_fact

    def spy(self: incremental._Incremental, fact: object) -> None:
        judged.append(fact.get("id"))  # type: ignore[attr-defined]
        original(self, fact)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental._Incremental, "check_fact", spy)
    parts, ran = _same(project, parts)
    assert ran and judged == ["fact-3"]


def test_cli_check_uses_and_refreshes_the_parts(tmp_path: Path) -> None:
    """``dossier check`` after an edit prints what ``--no-cache`` prints, and stores its parts."""
    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("docs", "base"))
    runner = CliRunner()
    first = runner.invoke(cli, ["check", "--project", str(root), "--format", "text"])
    assert (root / ".dossier-cache" / "check-parts.bin").exists()
    facts = root / "data" / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("status: reported", "status: confirmed", 3), "utf-8")
    edited = runner.invoke(cli, ["check", "--project", str(root), "--format", "text"])
    cold = runner.invoke(cli, ["check", "--project", str(root), "--format", "text", "--no-cache"])
    assert (edited.exit_code, edited.stdout) == (cold.exit_code, cold.stdout)
    assert first.exit_code == 0


@pytest.mark.parametrize(
    "text",
    [
        "title: x\nfacts: [a, b]\n",  # a flow list
        "facts:\n- id: a\n",  # dashes at the key's column
        "facts:\n    -   id: a\n",  # dashes deeper than fmt writes them
        "facts:\n  - &anchor\n    id: a\n",
        "title: x\r\nfacts:\r\n",
        "- a\n",
    ],
)
def test_layouts_left_to_the_full_check(text: str, tmp_path: Path) -> None:
    """What the line scan cannot cut with certainty goes to the full check (None)."""
    root = copy_project(FIXTURES / "base", tmp_path / "p")
    (root / "data" / "facts.yaml").write_text(text, "utf-8")
    assert _incremental(Project(root), {}) is None


@pytest.mark.parametrize(
    "data",
    [
        b"title: x\nfacts:\n  - id: a\n    statement: caf\xe9\n",  # Latin-1, not UTF-8
        b"title: x\nfacts:\n  - id: a\n    statement: x\xe2\x80\n",  # a cut sequence in an item
        "\ufefftitle: x\nfacts:\n  - id: a\n".encode(),  # a byte order mark
    ],
)
def test_bytes_left_to_the_full_check(data: bytes, tmp_path: Path) -> None:
    """A file that is not UTF-8, or starts with a byte order mark, goes to the full check, which
    says so (the items are cut as bytes and decoded only where parsed)."""
    root = copy_project(FIXTURES / "base", tmp_path / "p")
    (root / "data" / "facts.yaml").write_bytes(data)
    assert _incremental(Project(root), {}) is None


def _run_check(project: Path) -> tuple[int, str]:
    done = CliRunner().invoke(cli, ["check", "--project", str(project)])
    return done.exit_code, done.stdout


def test_a_cache_from_another_folder_is_never_trusted(tmp_path: Path) -> None:
    # A pull request can commit .dossier-cache/ (git add -f). Its keys are digests of public files,
    # so its author can store "no findings" under the key of broken data; a clone must not trust it.
    here = copy_project(FIXTURES / "base", tmp_path / "here")
    facts = here / "data" / "facts.yaml"
    facts.write_text(
        facts.read_text("utf-8").replace(
            "The report counted some 300 missiles and drones.", "The report counted some 900 missiles."
        ),
        "utf-8",
    )
    assert _run_check(here)[0] == 1  # E401, and the parts of an incremental check are stored
    # Forge both caches in this folder: the whole result, and every fact's stored findings.
    project = Project(here)
    digest = f"{check_cache.inputs(project)[0]}:{check_cache.identity(project)}"
    check_cache.write(project, digest, (), 0)
    version = f"{check_cache.checker_version()}:{check_cache.identity(project)}"
    parts = check_cache.read_parts(project, version)
    assert parts["facts"]
    for judged in parts["facts"].values():
        judged[0] = []
    check_cache.write_parts(project, version, parts)
    assert _run_check(here) == (0, "")  # the folder that computed a cache trusts it
    (project.cache_dir / "check.json").unlink()
    assert _run_check(here) == (0, "")  # ... and its stored parts
    check_cache.write(project, digest, (), 0)
    # A clone, or a copy: the same files, another folder.
    clone = tmp_path / "clone"
    shutil.copytree(here, clone)
    code, out = _run_check(clone)
    assert code == 1 and "E401" in out, out
    (clone / ".dossier-cache" / "check.json").unlink()
    code, out = _run_check(clone)
    assert code == 1 and "E401" in out, out


# --- the cut ---------------------------------------------------------------------------------


def _split_by_lines(text: str) -> tuple[str, list[incremental.Chunk]] | None:
    """The line-by-line scan that :func:`dossier.incremental.split` replaced (one Python step per
    line), kept as the reference the regex scan must agree with."""
    lines = text.splitlines(keepends=True)
    if not lines or not text.endswith("\n"):
        return None
    head: list[str] = []
    chunks: list[incremental.Chunk] = []
    section, start = "", 0
    current: list[str] = []
    counts = dict.fromkeys(("entities", "facts"), 0)

    def close() -> None:
        if current:
            body = "".join(current)
            key = incremental._hash(f"{section}\0{counts[section]}\0{body}")
            chunks.append(incremental.Chunk(section, counts[section], start, body.encode("utf-8"), key))
            counts[section] += 1
            current.clear()

    for number, line in enumerate(lines, 1):
        if line[0] not in " #\n":
            close()
            if not incremental._TOP_KEY.match(line):
                return None
            section = line[:-2] if line.endswith(":\n") and line[:-2] in counts else ""
            head.append(line)
        elif not section or (not current and (line == "\n" or line.lstrip(" ").startswith("#"))):
            head.append(line)
        elif line.startswith("  - "):
            close()
            current.append(line)
            start = number
            head.append("\n")
        elif current and (line.startswith("   ") or line == "\n" or line.lstrip(" ").startswith("#")):
            current.append(line)
            head.append("\n")
        else:
            return None
    close()
    return "".join(head), chunks


_FRAGMENTS = [
    "title: x\n", "facts:\n", "entities:\n", "facts: []\n", "notes: |\n", "  - id: a\n", "  - id: b\n    q: 'x'\n",
    "    b: c\n", "   d\n", "    - e\n", "\n", "  # c\n", " #\n", "# c\n", " x\n", "  x\n", "  -x\n", "  -\n",
    "  \n", "   \n", "- a\n", "  text\n", "\ttab\n", "a\r\n", "x\u2028y\n", "k: \x85\n", "---\n",
    "    q: „Zitat“ – ü\n", "  - id: ß\n", "é: x\n", "  \u00a0x\n", "    r: ☃\U0001f600\n",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(["", "facts:\n", "entities:\n  - id: a\n"]),  # most odd lines matter inside a list
    st.lists(st.sampled_from(_FRAGMENTS), max_size=14),
    st.booleans(),
)
def test_split_agrees_with_the_line_scan(lead: str, fragments: list[str], cut_last_newline: bool) -> None:
    text = lead + "".join(fragments)
    if cut_last_newline:
        text = text.rstrip("\n")
    cut = incremental.split(text.encode("utf-8"))
    if cut is None and any(c in text.encode("utf-8") for c in incremental._OTHER_BREAKS):
        return  # where Python would see more lines than YAML does, the full check decides
    assert cut == _split_by_lines(text)


def test_split_of_the_synthetic_dossier_agrees_with_the_line_scan() -> None:
    text = (_template() / "data" / "facts.yaml").read_text("utf-8")
    assert incremental.split(text.encode("utf-8")) == _split_by_lines(text) != None  # noqa: E711


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain",
        "„Zitat“ ☃ \U0001f600".encode(),
        "€".encode() * 400_000,
        b"x" * ((1 << 20) - 1) + "ü".encode(),
    ],
)
def test_utf8_accepts_utf8_across_its_pieces(data: bytes) -> None:
    # 400,000 "€" (three bytes each) and an "ü" across the first megabyte: a character cut by a
    # boundary of the pieces is whole.
    assert incremental.utf8(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff",
        b"a\xc3",
        "ü".encode()[:1] + b"x",
        b"x" * (1 << 20) + b"\xe2\x82",
        b"\xed\xa0\x80",
        b"\xc0\xaf",
    ],
)
def test_utf8_refuses_what_is_not(data: bytes) -> None:
    # A cut sequence at the end, a surrogate, an overlong form.
    assert not incremental.utf8(data)


# --- serve: the model, from memory ------------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(["synth", "base"]), edits=st.lists(EDITS, min_size=1, max_size=5))
def test_a_serve_like_sequence_of_saves_gives_the_cold_model(
    which: str, edits: list[tuple[str, int, int]]
) -> None:
    """``serve`` calls check_cached(build=True) with one Memory on every save: each result, model
    included, is the cold check's; and the incremental path did the work where it could."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        copy_project(_template() if which == "synth" else _template() / "base", root)
        project = Project(root)
        memory = incremental.Memory()
        cut = []
        original = incremental.check

        def spy(*args: object, **kwargs: object) -> object:
            done = original(*args, **kwargs)  # type: ignore[arg-type]
            cut.append(done is not None)
            return done

        with patch.object(incremental, "check", spy):
            for edit in [None, *edits]:
                if edit is not None:
                    _apply(root, edit)
                result = check_cached(project, build=True, memory=memory)
                cold = check(project, build=True)
                assert (result.diagnostics, result.acknowledged) == (cold.diagnostics, cold.acknowledged)
                assert result.dossier == cold.dossier
        assert cut[0], "the unedited project is cut into items"


def test_serve_decodes_only_what_changed(tmp_path: Path) -> None:
    """After a one-fact edit the model reuses every other fact's value, as decoded before."""
    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("docs", "base"))
    project = Project(root)
    memory = incremental.Memory()
    first = check_cached(project, build=True, memory=memory)
    assert first.dossier is not None
    facts = root / "data" / "facts.yaml"
    facts.write_text(
        facts.read_text("utf-8").replace("  - id: fact-3\n", "  - id: fact-3\n    tags: [edited]\n", 1)
    )
    second = check_cached(project, build=True, memory=memory)
    assert second.dossier == check(project).dossier
    assert second.dossier is not None
    old = {f.id: f for f in first.dossier.facts}
    same = [f.id for f in second.dossier.facts if f is old[f.id]]
    # Above the edit, the very objects; fact-3 and the facts below it (one line lower) are new.
    assert same == [f.id for f in first.dossier.facts if f.line < old["fact-3"].line]
    assert second.dossier.fact["fact-3"].tags == ("edited",)


def test_a_check_without_the_model_then_one_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``dossier check`` stores no model values; a later check that wants the model makes them."""
    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("docs", "base"))
    project = Project(root)
    cold = check(project).dossier
    assert check_cached(project, build=False).dossier is None
    # The model comes from the stored parts plus values made now, not from a fallback to the
    # full check (which would be right, and slow): the full check is not reachable here.
    with monkeypatch.context() as patch:
        patch.setattr("dossier.check.check", _no_full_check)
        assert check_cached(project, build=True).dossier == cold
    version = f"{check_cache.checker_version()}:{check_cache.identity(project)}"
    assert check_cache.read_parts(project, version, check_cache.MODELS)["models"]


def _no_full_check(*args: object, **kwargs: object) -> None:
    raise AssertionError("the incremental check fell back to the full check")


# --- a damaged cache ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "wrong shape", "folder"])
def test_a_damaged_parts_file_falls_back_to_a_cold_check(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("docs", "base"))
    project = Project(root)
    facts = root / "data" / "facts.yaml"
    check_cached(project, build=False)  # stores the parts
    parts_file = project.cache_dir / "check-parts.bin"
    raw = parts_file.read_bytes()
    version = f"{check_cache.checker_version()}:{check_cache.identity(project)}"
    assert check_cache.read_parts(project, version)
    if damage == "truncate":
        parts_file.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":  # one byte of the payload: its digest no longer matches
        parts_file.write_bytes(raw[:-100] + bytes([raw[-100] ^ 1]) + raw[-99:])
    elif damage == "garbage":  # a right header and checksum over bytes that are no marshal data
        check_cache.write_parts(project, version, {})
        head = parts_file.read_bytes().split(b"\n")[:2]
        payload = b"\xff\x00 not marshal"
        parts_file.write_bytes(b"\n".join([*head, check_cache._checksum(payload), payload]))
        assert check_cache.read_parts(project, version) == {}
    elif damage == "empty":
        parts_file.write_bytes(b"")
    elif damage == "wrong shape":  # this folder's own file, holding what no check stores
        parts = check_cache.read_parts(project, version)
        parts["items"] = dict.fromkeys(parts["items"], 1)
        check_cache.write_parts(project, version, parts)
    else:
        parts_file.unlink()
        parts_file.mkdir()
    if damage not in ("garbage", "wrong shape"):
        assert check_cache.read_parts(project, version) == {}
    facts.write_text(facts.read_text("utf-8").replace("status: reported", "status: confirmed", 2), "utf-8")
    (project.cache_dir / "check.json").unlink()
    cold = check(project, build=False)
    result = check_cached(project, build=False)
    assert (result.diagnostics, result.acknowledged) == (cold.diagnostics, cold.acknowledged)
    code, out = _run_check(root)
    assert code == (1 if cold.errors else 0) and "Traceback" not in out


def test_serve_after_a_seed_edit_moves_the_quotes(tmp_path: Path) -> None:
    """A seed re-vetted with a sentence more at the top: every quote from it starts later, and
    the facts citing it get new model values, though their own text did not change."""
    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("docs", "base"))
    project = Project(root)
    memory = incremental.Memory()
    before = check_cached(project, build=True, memory=memory).dossier
    assert before is not None
    seed = root / "seeds" / "seed-0.md"
    head, body = seed.read_text("utf-8").split("---\n", 2)[1:]
    body = "A sentence added on top.\n" + body
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    head = "\n".join(f"sha256: {digest}" if line.startswith("sha256:") else line for line in head.split("\n"))
    seed.write_text(f"---\n{head}---\n{body}", "utf-8")
    after = check_cached(project, build=True, memory=memory).dossier
    assert after is not None and after == check(project).dossier
    moved = [c.start for f in after.facts for c in f.sources if c.seed == "seed-0"]
    assert moved and moved == [
        c.start + len("A sentence added on top.\n")
        for f in before.facts
        for c in f.sources
        if c.seed == "seed-0"
    ]


@pytest.mark.parametrize("can_fork", [True, False])
def test_new_items_validated_in_a_forked_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, can_fork: bool
) -> None:
    """Large files have their new items' schema findings made on the other core; the result is
    the cold check's all the same (here forced for a small file). Where there is no fork (Windows)
    the same job runs in this process when its result is asked for, after the facts are judged:
    it must still have every item's text."""
    monkeypatch.setattr(incremental, "PARALLEL_MIN_FACTS", 0)
    if not can_fork:
        monkeypatch.delattr(os, "fork")
    forked: list[bool] = []
    job = parallel.Job

    def spy(fn: object, *, fork: bool) -> object:
        if getattr(fn, "func", None) is incremental._items_findings:  # not the cold check's job
            forked.append(fork)
        return job(fn, fork=fork)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "Job", spy)
    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("docs", "base"))
    project = Project(root)
    parts, ran = _same(project, {})
    facts = root / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    # An unknown field: E201, from the schema.
    facts.write_text(text.replace("  - id: fact-5\n", "  - id: fact-5\n    colour: blue\n", 1), "utf-8")
    parts, ran_again = _same(project, parts)
    assert ran and ran_again and forked == [True, True]
    assert "E201" in {d.code for d in check(project, build=False).diagnostics}


def test_serve_regenerates_without_a_full_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve``'s Regenerator checks each save incrementally (no full load and check), and writes
    the pages of the same model a cold check gives."""
    from dossier import build as build_module
    from dossier import check as check_module

    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("base"))
    project = Project(root)
    full, loaded, spy = _spy_on_full_checks(monkeypatch)
    regenerate = build_module.Regenerator(project, "mkdocs")
    facts = root / "data" / "facts.yaml"
    for edit in [None, ("word", 40, 3), ("comment", 7, 1), ("acknowledge", 2, 1)]:
        if edit is not None:
            _apply(root, edit)
        result = regenerate()
        monkeypatch.setattr(check_module, "check_loaded", loaded)
        cold = check(project)
        monkeypatch.setattr(check_module, "check_loaded", spy)
        assert (result.diagnostics, result.acknowledged, result.dossier) == (
            cold.diagnostics,
            cold.acknowledged,
            cold.dossier,
        )
    assert full == [] and facts.exists()
    assert (root / "docs" / "generated").is_dir()
    # serve wrote the cache files with its first check only: a later command's check, from the
    # stale files, still gives what a cold check gives.
    later = check_cached(project)
    assert (later.diagnostics, later.acknowledged, later.dossier) == (
        cold.diagnostics,
        cold.acknowledged,
        cold.dossier,
    )
    findings = check_cached(project, build=False)  # ``dossier check``'s way: findings only
    assert (findings.diagnostics, findings.acknowledged) == (cold.diagnostics, cold.acknowledged)


def test_model_values_live_apart_from_what_check_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``dossier check`` reads only the findings' parts; the model values (check-models.bin) are
    read by a check that wants the model, and one damaged or missing means those facts are judged
    again, never a wrong model."""
    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("docs", "base"))
    project = Project(root)
    assert check_cached(project, build=True).dossier is not None
    models_file = project.cache_dir / check_cache.MODELS
    assert models_file.exists()
    names: list[str] = []
    read = check_cache.read_parts

    def spy(project: Project, version: str, name: str = "check-parts.bin") -> dict:  # type: ignore[type-arg]
        names.append(name)
        return read(project, version, name)

    monkeypatch.setattr(check_cache, "read_parts", spy)
    facts = root / "data" / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("status: reported", "status: confirmed", 1), "utf-8")
    check_cached(project, build=False)
    assert names == ["check-parts.bin"]
    facts.write_text(facts.read_text("utf-8").replace("status: reported", "status: confirmed", 1), "utf-8")
    models_file.write_bytes(models_file.read_bytes()[:-10])
    assert check_cached(project, build=True).dossier == check(project).dossier
    assert names[1:] == ["check-parts.bin", check_cache.MODELS]


@pytest.mark.parametrize(
    "edit",
    [("seed-meta", 0, 507), ("seed-meta", 3, 1), ("seed-meta", 3, 2), ("seed", 1, 3), ("entity", 2, 1)],
)
def test_an_edit_outside_the_facts_rejudges_the_facts_it_touches(
    tmp_path: Path, edit: tuple[str, int, int]
) -> None:
    """A seed's outlet or date, a new seed, a seed's words, an entity: the facts that read them are
    judged again (found by the random edits above once; kept here for good)."""
    root = copy_project(_template(), tmp_path / "p")
    project = Project(root)
    parts, _ = _same(project, {})
    _apply(root, edit)
    assert _same(project, parts)[1]


def test_serve_moves_facts_without_their_stored_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a check that built the model, serve's Memory keeps each fact's decoded value and not
    its stored record; a save that moves facts (a line added inside the facts list, above them)
    still gives a cold check's model, their lines moved, without the full check."""
    from dossier import check as check_module

    root = tmp_path / "p"
    shutil.copytree(_template(), root, ignore=shutil.ignore_patterns("base"))
    project = Project(root)
    memory = incremental.Memory()
    first = check_cached(project, memory=memory)
    assert first.dossier is not None and len(first.dossier.facts) > 3
    assert memory.stored_models and set(memory.stored_models.values()) == {0}
    facts = root / "data" / "facts.yaml"
    lines = facts.read_text("utf-8").splitlines(keepends=True)
    second = first.dossier.facts[1].line  # 1-based: its "  - id:" line
    lines.insert(second - 2, "    # a note on the first fact\n")  # inside the first fact's item
    facts.write_text("".join(lines), "utf-8")
    full, loaded, _ = _spy_on_full_checks(monkeypatch)
    moved = check_cached(project, memory=memory)
    monkeypatch.setattr(check_module, "check_loaded", loaded)
    assert full == [], "the full check ran"
    cold = check(project)
    assert moved.dossier is not None and moved.dossier == cold.dossier
    assert [f.line for f in moved.dossier.facts[1:]] == [f.line + 1 for f in first.dossier.facts[1:]]


def _spy_on_full_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[list[object], Callable[..., CheckResult], Callable[..., CheckResult]]:
    """Count the full checks (check.check_loaded) from now on: the list of their calls, the real
    function and the spy, to take it away and put it back."""
    from dossier import check as check_module

    full: list[object] = []
    loaded = check_module.check_loaded

    def spy(*args: object, **kwargs: object) -> CheckResult:
        full.append(args)
        return loaded(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check_module, "check_loaded", spy)
    return full, loaded, spy
