"""Choosing the site engine: ``--engine``, the project's setting, and refusing an unknown one.

Zensical, Material for MkDocs' successor, builds the same ``mkdocs.yml``; every site test in
``test_site.py`` runs against both engines' HTML. These tests cover how the engine is chosen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import site
from dossier.cli import cli
from tests.sitefixtures import site_project

pytestmark = pytest.mark.skipif(
    not site.engine("zensical").available(), reason="zensical is not installed (pip install -e .)"
)


def _set_engine(project: Path, value: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "dossier_engine: mkdocs" in text  # the shipped setting, documented in the file
    config.write_text(text.replace("dossier_engine: mkdocs", f"dossier_engine: {value}"), "utf-8")


def _built_by(project: Path) -> str:
    """Which engine wrote site/: Zensical names itself in the pages' generator tag, MkDocs does not."""
    home = (project / "site" / "index.html").read_text("utf-8")
    return "zensical" if '<meta name="generator" content="zensical-' in home else "mkdocs"


def test_the_project_setting_chooses_the_engine(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project")
    _set_engine(project, "zensical")
    done = CliRunner().invoke(cli, ["build", "--project", str(project)])
    assert done.exit_code == 0, done.output
    assert _built_by(project) == "zensical"
    home = (project / "site" / "index.html").read_text("utf-8")
    assert "Fixture dossier: S-300 deliveries" in home  # the generated home, included by snippets


def test_the_engine_option_overrides_the_setting(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project")
    _set_engine(project, "zensical")
    done = CliRunner().invoke(cli, ["build", "--engine", "mkdocs", "--project", str(project)])
    assert done.exit_code == 0, done.output
    assert _built_by(project) == "mkdocs"


def test_the_pages_are_written_for_the_engine(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project")
    seed = project / "docs/generated/sources/daily-example-radar.md"
    runner = CliRunner()
    for engine, href in (
        ("zensical", 'href="../facts/russia-delivers-s-300.md#source-1"'),
        ("mkdocs", 'href="../../facts/russia-delivers-s-300/#source-1"'),
    ):
        done = runner.invoke(cli, ["build", "--no-site", "--engine", engine, "--project", str(project)])
        assert done.exit_code == 0, done.output
        assert href in seed.read_text("utf-8"), engine


@pytest.mark.parametrize("value", ["hugo", "'[1, 2]'"])
def test_an_unknown_engine_setting_is_a_usage_error(tmp_path: Path, value: str) -> None:
    project = site_project(tmp_path / "project")
    _set_engine(project, value)
    done = CliRunner().invoke(cli, ["build", "--no-site", "--project", str(project)])
    assert done.exit_code == 2, done.output
    assert "dossier_engine" in done.output and "mkdocs, zensical" in done.output
    assert not (project / "docs" / "generated").exists()
