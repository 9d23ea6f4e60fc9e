"""``dossier diff``: what a change to ``data/facts.yaml`` and ``seeds/`` means, as Markdown for a review.

Both sides are read with :mod:`dossier.yamlload` into plain data and compared by id: entities
and facts added, removed and changed; status changes; citations (seed and quote) added and
removed; figures changed. When both sides are git revisions (or the working tree), the seed
files are compared too: seeds added and removed, front matter fields changed, and above all
seed texts changed, since every quote vetted against the old text must be vetted again.
The output is fit for a pull-request comment or a CI job summary, where it must never let the
data create a link, a heading or any other markup.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import escape, fs, seeds
from dossier.project import Project
from dossier.yamlload import CONTROL, parse

FACTS_PATH = "data/facts.yaml"
SEEDS_PATH = "seeds"


class DiffInputError(ValueError):
    """A side of the diff cannot be read: unreadable file, broken YAML, git failing."""


class UnknownSide(DiffInputError):
    """BASE or HEAD names neither a file nor a git revision: a usage error."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


# --- reading a side ----------------------------------------------------------------------------


def _git(project: Project, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=project.root, capture_output=True, check=False)


@dataclass(frozen=True)
class Side:
    """One side of the diff: what it is called, the facts file's text, and where it came from."""

    label: str
    text: str
    commit: str | None = None  # the commit, when the side is a git revision
    working_tree: bool = False  # the project folder as it is on disk


def read_side(project: Project, spec: str | None, param: str = "BASE") -> Side:
    """One side: the working tree (``None``), a file, or a git revision.

    A revision in which the facts file does not exist yet reads as an empty file. ``param``
    (``BASE`` or ``HEAD``) names the argument in the error for a spec that is neither.
    """
    if spec is None:
        return Side("working tree", _read_file(project.facts_file, project.root), working_tree=True)
    # A revision first: a pull request can commit a file named like the base branch
    # ("origin/main"), and reading that file instead would let it choose what the diff compares.
    try:
        verify = _git(project, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    except OSError:
        verify = None  # no git: only a file can be meant
    if verify is None or verify.returncode != 0:
        as_file = Path(spec)
        if as_file.is_file():
            inside = as_file.absolute().is_relative_to(project.root)
            # Inside the project, no link anywhere below the root (dossier.fs).
            return Side(spec, _read_file(as_file, project.root if inside else None))
        if verify is None:
            raise DiffInputError(f"{spec!r} is not a file, and git cannot be run to read it as a revision")
        raise UnknownSide(f"{spec!r} is neither a file nor a git revision", param)
    commit = verify.stdout.decode("ascii").strip()
    # './' makes the path relative to the project root even when the repository starts higher up.
    shown = _git(project, "show", f"{commit}:./{FACTS_PATH}")
    if shown.returncode != 0:
        return Side(spec, "", commit)
    try:
        return Side(spec, shown.stdout.decode("utf-8"), commit)
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"{FACTS_PATH} at {spec} is not valid UTF-8") from exc


def read_seeds(project: Project, side: Side) -> dict[str, bytes]:
    """The raw bytes of every ``seeds/*.md`` file on one side, by seed id (symbolic links as
    their target, as git stores them)."""
    if side.working_tree:
        found = {}
        folder = project.seeds_dir
        try:
            fs.check_inside(project.root, folder, want="dir")
        except fs.UnsafePath as refused:
            raise DiffInputError(f"cannot read {refused}") from None
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
            try:
                if path.is_symlink():
                    found[path.stem] = os.fsencode(path.readlink())
                elif path.is_file():
                    found[path.stem] = path.read_bytes()
            except OSError as exc:
                raise DiffInputError(f"cannot read {project.rel(path)}: {exc.strerror}") from exc
        return found
    assert side.commit is not None
    listing = _git(project, "ls-tree", "-z", side.commit, f"./{SEEDS_PATH}/")
    if listing.returncode != 0:
        raise DiffInputError(f"git cannot list {SEEDS_PATH}/ at {side.label}: {_stderr(listing)}")
    blobs: dict[str, str] = {}  # seed id -> object id
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        info, _, name = entry.partition(b"\t")
        mode, kind, oid = info.decode("ascii").split()
        parent, _, file = os.fsdecode(name).rpartition("/")
        if kind == "blob" and parent == SEEDS_PATH and file.endswith(".md") and mode != "160000":
            blobs[file[: -len(".md")]] = oid
    return _cat_blobs(project, blobs, side.label)


def _cat_blobs(project: Project, blobs: dict[str, str], label: str) -> dict[str, bytes]:
    """The contents of many blobs with one ``git cat-file --batch``."""
    if not blobs:
        return {}
    request = "".join(f"{oid}\n" for oid in blobs.values()).encode("ascii")
    done = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=project.root, input=request, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise DiffInputError(f"git cannot read {SEEDS_PATH}/ at {label}: {_stderr(done)}")
    out, at, found = done.stdout, 0, {}
    for seed_id in blobs:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        found[seed_id] = out[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1  # the contents are followed by a newline
    return found


def _stderr(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stderr.decode("utf-8", "replace").strip()


def _read_file(path: Path, root: Path | None = None) -> str:
    try:
        return fs.read_text(path, root=root)  # never through a link, never blocking on a FIFO
    except FileNotFoundError:
        return ""
    except fs.UnsafePath as refused:
        raise DiffInputError(f"cannot read {refused}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DiffInputError(f"cannot read {path}: {exc}") from exc


def load_side(label: str, text: str) -> dict[str, Any]:
    """The facts file as plain data (``{}`` when empty)."""
    parsed = parse(text.removeprefix("\ufeff"))
    if parsed.problems:
        p = parsed.problems[0]
        raise DiffInputError(
            f"{FACTS_PATH} ({label}) has YAML errors: line {p.line}, column {p.column}: {p.message}"
        )
    data = _plain(parsed.data)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DiffInputError(f"{FACTS_PATH} ({label}) is not a mapping with 'entities:' and 'facts:'")
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- comparing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    fact: str
    seed: str
    quote: str


@dataclass(frozen=True)
class CitationChange:
    """A citation kept on both sides (same seed, and the same quote or the only one from that
    seed) whose fields changed: a new quote, attribution, note, translation."""

    fact: str
    seed: str
    old: dict[str, Any]
    new: dict[str, Any]


@dataclass(frozen=True)
class FigureChange:
    fact: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


@dataclass
class Changes:
    """Everything that differs between two facts files, in file order."""

    entities_added: list[dict[str, Any]] = field(default_factory=list)
    entities_removed: list[dict[str, Any]] = field(default_factory=list)
    entities_changed: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    facts_added: list[dict[str, Any]] = field(default_factory=list)
    facts_removed: list[dict[str, Any]] = field(default_factory=list)
    facts_changed: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    status_changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    citations_added: list[Citation] = field(default_factory=list)
    citations_removed: list[Citation] = field(default_factory=list)
    citations_changed: list[CitationChange] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # top-level fields (title, summary) changed
    # Seeds, compared only between git revisions (or the working tree); by id.
    seeds_added: list[SeedVersion] = field(default_factory=list)
    seeds_removed: list[SeedVersion] = field(default_factory=list)
    seed_texts_changed: list[tuple[SeedVersion, SeedVersion]] = field(default_factory=list)
    # The fields that differ; none when the front matter cannot be read on one side.
    seed_fields_changed: list[tuple[SeedVersion, list[str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class SeedVersion:
    """A seed file on one side: its id, its front matter as plain data, and its text's sha256."""

    id: str
    meta: dict[str, Any] | None  # None: no front matter, or front matter that does not parse
    body_sha256: str  # of the text after the front matter (of the whole file without one)

    @classmethod
    def of(cls, seed_id: str, raw: bytes) -> SeedVersion:
        parts = seeds.split(raw)
        if parts is None:
            return cls(seed_id, None, hashlib.sha256(raw).hexdigest())
        front, body, _ = parts
        meta = None
        try:
            parsed = parse(front.decode("utf-8"))
        except UnicodeDecodeError:
            parsed = None
        if parsed is not None and not parsed.problems:
            plain = _plain(parsed.data)
            meta = plain if isinstance(plain, dict) else {} if plain is None else None
        return cls(seed_id, meta, hashlib.sha256(body).hexdigest())


def compare_seeds(changes: Changes, base: dict[str, bytes], head: dict[str, bytes]) -> None:
    """Add the seed changes from ``base`` to ``head`` (raw files by id) to ``changes``, by id."""
    for seed_id in sorted(base.keys() | head.keys()):
        if seed_id not in head:
            changes.seeds_removed.append(SeedVersion.of(seed_id, base[seed_id]))
        elif seed_id not in base:
            changes.seeds_added.append(SeedVersion.of(seed_id, head[seed_id]))
        elif base[seed_id] != head[seed_id]:
            old, new = SeedVersion.of(seed_id, base[seed_id]), SeedVersion.of(seed_id, head[seed_id])
            if old.body_sha256 != new.body_sha256:
                changes.seed_texts_changed.append((old, new))
            if old.meta != new.meta:
                if old.meta is None or new.meta is None:
                    fields = []  # unreadable on one side
                else:
                    fields = [
                        k
                        for k in [*new.meta, *(k for k in old.meta if k not in new.meta)]
                        if old.meta.get(k, _MISSING) != new.meta.get(k, _MISSING)
                    ]
                changes.seed_fields_changed.append((new, fields))


_MISSING = object()


def _by_id(data: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    """Entries with a text id, by id, in file order (the first of duplicates wins)."""
    items = data.get(key)
    found: dict[str, dict[str, Any]] = {}
    for entry in items if isinstance(items, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            found.setdefault(entry["id"], entry)
    return found


def _sources(fact: dict[str, Any]) -> list[dict[str, Any]]:
    sources = fact.get("sources")
    return [s for s in sources if isinstance(s, dict)] if isinstance(sources, list) else []


def _citation_of(fact_id: str, source: dict[str, Any]) -> Citation:
    return Citation(fact_id, str(source.get("seed")), str(source.get("quote")))


def _citation_changes(
    fact_id: str, old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> tuple[list[Citation], list[Citation], list[CitationChange]]:
    """Citations added, removed and changed in one fact.

    A source that differs is paired with one on the other side that has the same seed and
    quote; failing that, with the only other changed source from the same seed. Paired sources
    are changes, so a reviewer sees a new ``attributed_to`` or ``note`` as what it is.
    """
    gone = [s for s in old if s not in new]
    came = [s for s in new if s not in old]
    changed = []
    for same in (lambda s: (str(s.get("seed")), str(s.get("quote"))), lambda s: str(s.get("seed"))):
        for source in list(came):
            twins = [g for g in gone if same(g) == same(source)]
            if len(twins) == 1 and sum(same(c) == same(source) for c in came) == 1:
                gone.remove(twins[0])
                came.remove(source)
                changed.append(CitationChange(fact_id, str(source.get("seed")), twins[0], source))
    order = {id(s): i for i, s in enumerate(new)}
    changed.sort(key=lambda c: order[id(c.new)])
    return (
        [_citation_of(fact_id, s) for s in came],
        [_citation_of(fact_id, s) for s in gone],
        changed,
    )


def _figures(fact: dict[str, Any]) -> list[dict[str, Any]]:
    figures = fact.get("figures")
    return [f for f in figures if isinstance(f, dict)] if isinstance(figures, list) else []


def _figure_key(figure: dict[str, Any]) -> tuple[str, str]:
    return (str(figure.get("measure")), str(figure.get("seed")))


def compare(base: dict[str, Any], head: dict[str, Any]) -> Changes:
    """The changes from ``base`` to ``head``."""
    changes = Changes()
    for key in ("title", "summary"):
        if base.get(key) != head.get(key):
            changes.other.append(key)
    old_entities, new_entities = _by_id(base, "entities"), _by_id(head, "entities")
    changes.entities_added = [e for i, e in new_entities.items() if i not in old_entities]
    changes.entities_removed = [e for i, e in old_entities.items() if i not in new_entities]
    changes.entities_changed = [
        (old_entities[i], e) for i, e in new_entities.items() if i in old_entities and old_entities[i] != e
    ]
    old_facts, new_facts = _by_id(base, "facts"), _by_id(head, "facts")
    changes.facts_added = [f for i, f in new_facts.items() if i not in old_facts]
    changes.facts_removed = [f for i, f in old_facts.items() if i not in new_facts]
    changes.facts_changed = [
        (old_facts[i], f) for i, f in new_facts.items() if i in old_facts and old_facts[i] != f
    ]
    for old, new in changes.facts_changed:
        if old.get("status") != new.get("status"):
            changes.status_changes.append((new["id"], old.get("status"), new.get("status")))
    # Citations and figures: per fact id, over the union of both sides, head order first.
    for fact_id in [*new_facts, *(i for i in old_facts if i not in new_facts)]:
        old_fact, new_fact = old_facts.get(fact_id, {}), new_facts.get(fact_id, {})
        added, removed, changed = _citation_changes(fact_id, _sources(old_fact), _sources(new_fact))
        changes.citations_added += added
        changes.citations_removed += removed
        changes.citations_changed += changed
        changes.figures += _figure_changes(fact_id, _figures(old_fact), _figures(new_fact))
    return changes


def _figure_changes(fact_id: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[FigureChange]:
    gone = [f for f in old if f not in new]
    came = [f for f in new if f not in old]
    found = []
    for figure in came:
        # One figure of the same measure from the same seed on each side: it changed.
        twins = [g for g in gone if _figure_key(g) == _figure_key(figure)]
        if len(twins) == 1 and sum(_figure_key(f) == _figure_key(figure) for f in came) == 1:
            gone.remove(twins[0])
            found.append(FigureChange(fact_id, twins[0], figure))
        else:
            found.append(FigureChange(fact_id, None, figure))
    found += [FigureChange(fact_id, g, None) for g in gone]
    return found


# --- Markdown ----------------------------------------------------------------------------------

# What GitHub adds to the Markdown that :func:`dossier.escape.md` guards against: strikethrough,
# math, and links made from bare URLs, www. names and e-mail addresses. An entity keeps the
# character but breaks the pattern, which GitHub matches in the source text.
_GITHUB_EXTRA = re.compile(r"~|\$|://|(?i:www)\.|@")
_GITHUB_SAFE = {"~": "\\~", "$": "&#36;", "://": ":&#47;&#47;", "@": "&#64;"}


def _visible(text: str) -> str:
    """Control and bidirectional characters shown as ``<U+202E>``: a reviewer must see that a
    statement holds one, not read it the way the character makes it display."""
    return CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def md(value: Any) -> str:
    """Text for inline GitHub Markdown, safe in a list item or a table cell: one line, HTML
    escaped, no emphasis, link, heading, table cell, strikethrough, math or autolink."""
    return _GITHUB_EXTRA.sub(
        lambda m: _GITHUB_SAFE.get(m.group(), m.group()[:-1] + "&#46;"),
        str(escape.md(_visible(str(value)))),
    )


def code(value: Any) -> str:
    """A code span that shows ``value`` literally, whatever backticks it holds (not for tables)."""
    text = " ".join(_visible(str(value)).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value(value: Any) -> str:
    if value is None:
        return "*none*"
    if isinstance(value, list):
        return ", ".join(code(v) for v in value) or "*none*"
    if isinstance(value, (dict, bool, int, float)):
        return code(value)
    return md(_clip(value))


def _field_changes(old: dict[str, Any], new: dict[str, Any], quoted: tuple[str, ...] = ()) -> list[str]:
    """One line per changed field: old → new for short ones, the names of the rest.

    A field in ``quoted`` (a quote) is shown in full, since a change past the clip would
    otherwise read as no change.
    """
    lines = []
    for key in [*new, *(k for k in old if k not in new)]:
        if key in ("id", "sources", "figures") or old.get(key) == new.get(key):
            continue
        before, after = old.get(key), new.get(key)
        if key in quoted and isinstance(before, str) and isinstance(after, str):
            lines.append(f"{md(key)}: “{md(before)}” → “{md(after)}”")
            continue
        lists = (before is None or isinstance(before, list)) and (after is None or isinstance(after, list))
        if key in ("about", "aliases", "tags", "contradicts", "attributed_to") and lists:
            plus = [v for v in after or [] if v not in (before or [])]
            minus = [v for v in before or [] if v not in (after or [])]
            parts = [f"+ {code(v)}" for v in plus] + [f"− {code(v)}" for v in minus]
            lines.append(f"{md(key)}: {', '.join(parts) or 'reordered'}")
        elif key == "status":
            lines.append(f"status: {_value(before)} → **{_value(after)}**")
        elif isinstance(before, (dict, list)) or isinstance(after, (dict, list)):
            lines.append(f"{md(key)}: changed")
        else:
            lines.append(f"{md(key)}: {_value(before)} → {_value(after)}")
    return lines


def _figure_number(figure: dict[str, Any]) -> str:
    """``approximately 300 missiles and drones``."""
    bounds = [str(figure[k]) for k in ("min", "max") if isinstance(figure.get(k), (int, float))]
    number = str(figure["value"]) if isinstance(figure.get("value"), (int, float)) else "–".join(bounds)
    return md(" ".join(str(x) for x in (figure.get("qualifier"), number, figure.get("unit")) if x))


def _figure_source(figure: dict[str, Any]) -> str:
    """``(`projectiles` from `alpha-report`: “some 300 missiles and drones”)``."""
    return f"({code(figure.get('measure'))} from {code(figure.get('seed'))}: “{md(figure.get('text', ''))}”)"


def _count(n: int) -> str:
    return str(n) if n else "–"


def to_markdown(changes: Changes, base: str, head: str, *, with_seeds: bool = False) -> str:
    """The report, as GitHub-flavoured Markdown; ``with_seeds`` when the seeds were compared."""
    title = f"`{FACTS_PATH}` and `{SEEDS_PATH}/`" if with_seeds else f"`{FACTS_PATH}`"
    out = [f"## Changes to {title}", "", f"From {code(base)} to {code(head)}.", ""]
    if changes.empty:
        nothing = "facts, entities or seeds" if with_seeds else "facts or entities"
        return "\n".join([*out, f"No changes to {nothing}.", ""])
    seeds_changed = {s.id for s, _ in changes.seed_texts_changed} | {
        s.id for s, _ in changes.seed_fields_changed
    }
    out += [
        "| | Added | Removed | Changed |",
        "| --- | ---: | ---: | ---: |",
        f"| Entities | {_count(len(changes.entities_added))} | {_count(len(changes.entities_removed))} | {_count(len(changes.entities_changed))} |",
        f"| Facts | {_count(len(changes.facts_added))} | {_count(len(changes.facts_removed))} | {_count(len(changes.facts_changed))} |",
        f"| Status changes | | | {_count(len(changes.status_changes))} |",
        f"| Citations | {_count(len(changes.citations_added))} | {_count(len(changes.citations_removed))} | {_count(len(changes.citations_changed))} |",
        f"| Figures | {_count(sum(f.old is None for f in changes.figures))} | {_count(sum(f.new is None for f in changes.figures))} | {_count(sum(f.old is not None and f.new is not None for f in changes.figures))} |",
    ]
    if with_seeds:
        out.append(
            f"| Seeds | {_count(len(changes.seeds_added))} | {_count(len(changes.seeds_removed))} | {_count(len(seeds_changed))} |"
        )
    out.append("")
    for _, changed in changes.seed_texts_changed:
        out.append(
            f"> ⚠ the text of seed {code(changed.id)} changed after vetting: every quote from it must be re-vetted"
        )
        out.append("")
    if changes.other:
        out += ["### Dossier", "", *(f"- {md(k)} changed" for k in changes.other), ""]
    if changes.status_changes:
        out += ["### Status changes", ""]
        out += [f"- {code(i)}: {_value(old)} → **{_value(new)}**" for i, old, new in changes.status_changes]
        out.append("")
    _section(
        out,
        "Facts added",
        (f"{code(f['id'])}: {md(_clip(f.get('statement', '')))}" for f in changes.facts_added),
    )
    _section(
        out,
        "Facts removed",
        (f"{code(f['id'])}: {md(_clip(f.get('statement', '')))}" for f in changes.facts_removed),
    )
    if changes.facts_changed:
        out += ["### Facts changed", ""]
        for old, new in changes.facts_changed:
            lines = _field_changes(old, new)
            if old.get("sources") != new.get("sources"):
                lines.append("sources: see citations")
            if old.get("figures") != new.get("figures"):
                lines.append("figures: see figures")
            out.append(f"- {code(new['id'])}")
            out += [f"  - {line}" for line in lines]
        out.append("")
    _section(out, "Entities added", (_entity(e) for e in changes.entities_added))
    _section(out, "Entities removed", (_entity(e) for e in changes.entities_removed))
    if changes.entities_changed:
        out += ["### Entities changed", ""]
        for old, new in changes.entities_changed:
            out.append(f"- {code(new['id'])}")
            out += [f"  - {line}" for line in _field_changes(old, new)]
        out.append("")
    _section(out, "Citations added", (_citation(c) for c in changes.citations_added))
    _section(out, "Citations removed", (_citation(c) for c in changes.citations_removed))
    if changes.citations_changed:
        out += ["### Citations changed", ""]
        for cited in changes.citations_changed:
            out.append(f"- {code(cited.fact)} ← {code(cited.seed)}")
            out += [f"  - {line}" for line in _field_changes(cited.old, cited.new, quoted=("quote",))]
        out.append("")
    figure_lines = []
    for change in changes.figures:
        if change.old and change.new:
            arrow = f"{_figure_number(change.old)} → {_figure_number(change.new)}"
            figure_lines.append(f"{code(change.fact)}: {arrow} {_figure_source(change.new)}")
        elif change.new:
            figure_lines.append(
                f"{code(change.fact)}: added {_figure_number(change.new)} {_figure_source(change.new)}"
            )
        elif change.old:
            figure_lines.append(
                f"{code(change.fact)}: removed {_figure_number(change.old)} {_figure_source(change.old)}"
            )
    _section(out, "Figures", figure_lines)
    _section(out, "Seeds added", (_seed(s) for s in changes.seeds_added))
    _section(out, "Seeds removed", (_seed(s) for s in changes.seeds_removed))
    _section(
        out,
        "Seed texts changed",
        (
            f"{code(new.id)}: sha256 of the text {code(old.body_sha256)} → {code(new.body_sha256)}"
            for old, new in changes.seed_texts_changed
        ),
    )
    _section(
        out,
        "Seed front matter changed",
        (
            f"{code(s.id)}: {', '.join(code(f) for f in fields) or 'unreadable on one side'}"
            for s, fields in changes.seed_fields_changed
        ),
    )
    return "\n".join(out)


def _section(out: list[str], title: str, lines: Iterable[str]) -> None:
    items = [f"- {line}" for line in lines]
    if items:
        out += [f"### {title}", "", *items, ""]


def _entity(entity: dict[str, Any]) -> str:
    return f"{code(entity['id'])}: {md(entity.get('name', ''))} ({md(entity.get('type', ''))})"


def _seed(seed: SeedVersion) -> str:
    meta = seed.meta or {}
    about = [str(meta[k]) for k in ("outlet", "published", "language") if meta.get(k) not in (None, "")]
    title = md(_clip(meta["title"])) if meta.get("title") not in (None, "") else "*no title*"
    return f"{code(seed.id)}: {title}" + (f" ({md(', '.join(about))})" if about else "")


def _citation(citation: Citation) -> str:
    return f"{code(citation.fact)} ← {code(citation.seed)}: “{md(_clip(citation.quote))}”"


def diff(project: Project, base: str, head: str | None = None) -> str:
    """Compare two sides (revisions or files; ``head`` defaults to the working tree) as Markdown.

    The seeds are compared too when ``base`` is a git revision and ``head`` is one or the
    working tree; between two facts files there are no seeds to compare.
    """
    old, new = read_side(project, base, "BASE"), read_side(project, head, "HEAD")
    changes = compare(load_side(old.label, old.text), load_side(new.label, new.text))
    with_seeds = old.commit is not None and (new.commit is not None or new.working_tree)
    if with_seeds:
        compare_seeds(changes, read_seeds(project, old), read_seeds(project, new))
    return to_markdown(changes, old.label, new.label, with_seeds=with_seeds)
