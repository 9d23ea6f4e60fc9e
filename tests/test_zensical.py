"""The same project builds with Zensical, Material for MkDocs' successor, from the same mkdocs.yml.

Zensical runs no MkDocs plugins or hooks, so this proves the site needs none: the generated pages
are plain Markdown files and the configuration uses only features Zensical supports.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.build import build
from dossier.project import Project
from tests.sitefixtures import site_project

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("zensical") is None,
    reason="zensical is not installed (pip install -e '.[test]')",
)


def test_zensical_builds_the_same_project(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project")
    result = build(Project(project), with_site=False)
    assert result.errors == 0
    done = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "--strict", "--clean"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = project / "site"
    home = (site / "index.html").read_text("utf-8")
    assert "Fixture dossier: S-300 deliveries" in home  # the generated home, included by snippets
    seed = (site / "generated/sources/daily-example-radar/index.html").read_text("utf-8")
    assert '<mark class="cite" id="q-russia-delivers-s-300-1">' in seed
    assert (site / "generated/downloads/dossier.json").is_file()
    assert "fonts.googleapis.com" not in home
