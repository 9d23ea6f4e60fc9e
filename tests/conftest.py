"""Shared test options and fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite expected outputs (rule diagnostics, rendered pages, references) from the current code.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def copy_project(src: Path, dest: Path) -> Path:
    """Copy a fixture project (data/ and seeds/) into ``dest``."""
    for part in ("data", "seeds"):
        if (src / part).exists():
            shutil.copytree(src / part, dest / part, dirs_exist_ok=True)
    return dest


@pytest.fixture
def base_project(tmp_path: Path) -> Path:
    """A copy of the minimal sound dossier in ``tests/fixtures/base``."""
    return copy_project(FIXTURES / "base", tmp_path / "project")
