"""Stage 1: read ``data/facts.yaml`` and every seed, with positions. Nothing is judged here
beyond what stops a file from being read at all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dossier import fs, seeds
from dossier.diagnostics import Diagnostic, diag, not_utf8
from dossier.project import Project
from dossier.seeds import OriginalFile
from dossier.yamlload import YamlProblem, may_hold_control, parse

_PROBLEM_CODES = {
    "syntax": "E101",
    "duplicate-key": "E102",
    "alias-bomb": "E103",
    "control": "E107",
    "too-deep": "E108",
    "tag": "E109",
    "bad-number": "E206",
}


@dataclass(frozen=True)
class Loaded:
    """Everything read from disk, before any check."""

    facts_path: str
    data: Any  # the facts tree (YMap) or None
    seeds: tuple[seeds.SeedFile, ...]
    diagnostics: tuple[Diagnostic, ...]
    # Whether a value of the facts file can hold a control character at all (see
    # :func:`dossier.yamlload.may_hold_control`); False spares the check a walk over every text.
    may_hold_control: bool = True
    # Each seed's kept original as found on disk (see dossier.seeds), and files in
    # seeds/originals/ that no seed names.
    originals: Mapping[str, OriginalFile] = field(default_factory=dict)
    stray_originals: tuple[str, ...] = ()


def problem_diagnostics(path: str, problems: tuple[YamlProblem, ...]) -> list[Diagnostic]:
    """YAML parse problems as diagnostics."""
    return [diag(path, p.line, p.column, _PROBLEM_CODES[p.kind], p.message) for p in problems]


def load(project: Project) -> Loaded:
    """Read the facts file and the seeds folder. Never raises on bad input."""
    path = project.rel(project.facts_file)
    found: list[Diagnostic] = []
    data: Any = None
    # Every path of the layout first: a link or FIFO anywhere in it is reported once, where it is,
    # and nothing is read through it.
    refused = fs.survey(project)
    found += [unsafe_path(project, r) for r in refused]
    controls = True
    try:
        raw = fs.read_bytes(project.facts_file, root=project.root)
    except fs.UnsafePath:
        pass  # reported by the survey above
    except FileNotFoundError:
        found.append(diag(path, 0, 0, "E106", "no facts file: create data/facts.yaml"))
    except OSError as exc:
        found.append(diag(path, 1, 1, "E106", f"cannot read the facts file: {exc.strerror}"))
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, col, why = not_utf8(raw, exc.start)
            found.append(diag(path, line, col, "E105", why))
        else:
            controls = may_hold_control(text)
            parsed = parse(text.removeprefix("\ufeff"))
            found += problem_diagnostics(path, parsed.problems)
            data = parsed.data
            if data is None and not parsed.problems:
                found.append(
                    diag(path, 1, 1, "E104", "the facts file is empty: it needs 'entities:' and 'facts:'")
                )
            elif data is not None and not isinstance(data, dict):
                kind = "a list" if isinstance(data, list) else f"a single value ({data!r:.40})"
                found.append(
                    diag(
                        path,
                        1,
                        1,
                        "E104",
                        f"the facts file is {kind}; it must be a mapping with 'entities:' and 'facts:'",
                    )
                )
                data = None
    if not project.seeds_dir.is_dir() and not any(r.path == project.seeds_dir for r in refused):
        found.append(diag(project.rel(project.seeds_dir), 0, 0, "E106", "no seeds folder: create seeds/"))
    seed_files = tuple(seeds.read_all(project.seeds_dir, root=project.root))
    originals, stray = seeds.read_originals(project.seeds_dir, seed_files, root=project.root)
    return Loaded(path, data, seed_files, tuple(found), controls, originals, stray)


def unsafe_path(project: Project, refused: fs.UnsafePath) -> Diagnostic:
    """A refused path as an E110 finding, located at the path itself."""
    return diag(project.rel(refused.path), 0, 0, "E110", refused.reason)
