"""The GitHub workflows: actionlint finds nothing, and they use the Makefile's targets."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from dossier.yamlload import parse
from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
SCAFFOLD_WORKFLOWS = ROOT / "dossier" / "scaffold" / ".github" / "workflows"


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    # Installed with the test extra (pyproject.toml): the executable sits beside this Python.
    binary = Path(sys.executable).parent / "actionlint"
    assert binary.is_file(), "actionlint is missing: run 'make install-test'"
    return subprocess.run(
        [str(binary), "-no-color", "-oneline", *(str(f) for f in files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def _load(path: Path) -> Any:
    parsed = parse(path.read_text("utf-8"))
    assert not parsed.problems, parsed.problems
    return parsed.data


def _runs(workflow: Any) -> list[str]:
    return [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]


def _uses(workflow: Any) -> list[str]:
    return [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]


def test_actionlint_passes_on_both_workflows() -> None:
    result = _actionlint(WORKFLOWS / "check.yml", WORKFLOWS / "deploy.yml")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_actionlint_passes_on_the_workflows_dossier_init_writes() -> None:
    result = _actionlint(SCAFFOLD_WORKFLOWS / "check.yml", SCAFFOLD_WORKFLOWS / "deploy.yml")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_actionlint_does_find_problems(tmp_path: Path) -> None:
    # A linter that silently passes everything would make the test above worthless.
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      pages: wrte\n"
        "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n",
        "utf-8",
    )
    result = _actionlint(bad)
    assert result.returncode == 1
    assert "permission" in result.stdout and "potentially untrusted" in result.stdout


def test_workflows_use_the_makefile_targets() -> None:
    targets = set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text("utf-8"), re.M))
    for name in ("check.yml", "deploy.yml"):
        for run in _runs(_load(WORKFLOWS / name)):
            for target in re.findall(r"\bmake ([\w-]+)", run):
                assert target in targets, f"{name} runs 'make {target}', which the Makefile lacks"


def test_pull_requests_run_every_check_and_summarise_the_diff() -> None:
    workflow = _load(WORKFLOWS / "check.yml")
    assert "pull_request" in workflow["on"]
    runs = "\n".join(_runs(workflow))
    for command in ("make check", "make fmt-check", "make test", "make site"):
        assert command in runs
    assert re.search(r'dossier diff "origin/\$BASE_REF" HEAD >> "\$GITHUB_STEP_SUMMARY"', runs)
    checkout = next(
        s for s in workflow["jobs"]["check"]["steps"] if s.get("uses", "").startswith("actions/checkout")
    )
    assert checkout["with"]["fetch-depth"] == 0  # the base revision must be there to diff against


def test_merges_to_main_deploy_to_pages() -> None:
    workflow = _load(WORKFLOWS / "deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert "make site" in _runs(workflow)
    uses = _uses(workflow)
    assert "actions/upload-pages-artifact@v4" in uses and "actions/deploy-pages@v5" in uses
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_pre_commit_hooks_format_and_check() -> None:
    config = _load(ROOT / ".pre-commit-config.yaml")
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["dossier-fmt"]["entry"].endswith("dossier fmt --check")
    assert hooks["dossier-check"]["entry"].endswith("dossier check")
    assert all(h["language"] == "system" and h["files"] == "^(data/|seeds/)" for h in hooks.values())
