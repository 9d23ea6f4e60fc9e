"""One broken-input fixture per rule, with its expected diagnostics as text.

Each folder in ``tests/fixtures/rules/`` overlays the sound base dossier with the files it holds
(and deletes those listed in ``delete.txt``); ``expected.txt`` is the exact ``dossier check``
output. ``pytest --update-goldens`` rewrites the expectations; review the diff before committing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import cli
from dossier.diagnostics import RULES
from tests.conftest import FIXTURES, copy_project

RULE_FIXTURES = sorted(p for p in (FIXTURES / "rules").iterdir() if p.is_dir())


def _project_for(fixture: Path, root: Path) -> Path:
    project = copy_project(FIXTURES / "base", root)
    for path in fixture.rglob("*"):
        target = project / path.relative_to(fixture)
        if path.is_symlink():  # copied as the link it is (E110), never followed
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.readlink())
        elif path.is_file() and path.name not in ("expected.txt", "delete.txt"):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    deletions = fixture / "delete.txt"
    if deletions.exists():
        for name in deletions.read_text().split():
            (project / name).unlink()
    return project


def run_check(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["check", "--project", str(project), "--no-cache", "--format", "text", *args]
    )
    return result.exit_code, result.stdout


def test_base_fixture_is_clean(base_project: Path) -> None:
    assert run_check(base_project, "--strict") == (0, "")


@pytest.mark.parametrize("fixture", RULE_FIXTURES, ids=lambda p: p.name)
def test_rule(fixture: Path, tmp_path: Path, update_goldens: bool) -> None:
    code = fixture.name.split("-")[0]
    exit_code, output = run_check(_project_for(fixture, tmp_path / "p"))
    expected_file = fixture / "expected.txt"
    if update_goldens:
        expected_file.write_text(output, "utf-8")
    assert output == expected_file.read_text("utf-8")
    # The fixture must exercise its own rule, and nothing it does may crash the check.
    assert f": {code} " in output
    assert "Traceback" not in output
    assert exit_code == (1 if RULES[code].severity.value == "error" else 0)


def test_every_rule_has_a_fixture() -> None:
    covered = {p.name.split("-")[0] for p in RULE_FIXTURES}
    assert sorted(set(RULES) - covered) == []


def test_warnings_fail_under_strict(tmp_path: Path) -> None:
    project = _project_for(FIXTURES / "rules" / "W404-unused-entity", tmp_path / "p")
    assert run_check(project)[0] == 0
    assert run_check(project, "--strict")[0] == 1
