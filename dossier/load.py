"""Stage 1: read ``data/facts.yaml`` and every seed, with positions. Nothing is judged here
beyond what stops a file from being read at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dossier import seeds
from dossier.diagnostics import Diagnostic, diag
from dossier.project import Project
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


def problem_diagnostics(path: str, problems: tuple[YamlProblem, ...]) -> list[Diagnostic]:
    """YAML parse problems as diagnostics."""
    return [diag(path, p.line, p.column, _PROBLEM_CODES[p.kind], p.message) for p in problems]


def load(project: Project) -> Loaded:
    """Read the facts file and the seeds folder. Never raises on bad input."""
    path = project.rel(project.facts_file)
    found: list[Diagnostic] = []
    data: Any = None
    controls = True
    try:
        if project.facts_file.is_symlink():
            raise OSError(0, "it is a symbolic link; the facts file must be a regular file")
        raw = project.facts_file.read_bytes()
    except FileNotFoundError:
        found.append(diag(path, 0, 0, "E106", "no facts file: create data/facts.yaml"))
    except OSError as exc:
        found.append(diag(path, 1, 1, "E106", f"cannot read the facts file: {exc.strerror}"))
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            found.append(diag(path, line, col, "E105", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})"))
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
    if not project.seeds_dir.is_dir():
        found.append(diag(project.rel(project.seeds_dir), 0, 0, "E106", "no seeds folder: create seeds/"))
    return Loaded(path, data, tuple(seeds.read_all(project.seeds_dir)), tuple(found), controls)
