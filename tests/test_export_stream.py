"""``dossier export`` writes JSON and JSON Lines one record at a time: the same bytes as
``to_json``/``to_jsonl``, without holding every record and the whole text at once."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import export
from dossier.check import check
from dossier.cli import cli
from dossier.model import Dossier
from dossier.project import Project
from tests.conftest import FIXTURES, copy_project


def _dossier(name: str, tmp_path: Path) -> Dossier:
    root = copy_project(FIXTURES / name, tmp_path / name)
    found = check(Project(root)).dossier
    assert found is not None
    return found


def test_pieces_join_to_the_whole_text(tmp_path: Path) -> None:
    dossier = _dossier("base", tmp_path)
    assert "".join(export.json_pieces(dossier)) == export.to_json(dossier)
    assert "".join(export.jsonl_pieces(dossier)) == export.to_jsonl(dossier)


def test_pieces_of_odd_values_and_empty_lists(tmp_path: Path) -> None:
    """Escapes (quotes, a line separator, a lone surrogate) and empty lists, as the encoder writes them."""
    odd = Dossier('A "title"\u2028with\ud800 odd characters', "", (), (), ())
    assert "".join(export.json_pieces(odd)) == export.to_json(odd)
    assert "".join(export.jsonl_pieces(odd)) == export.to_jsonl(odd) == ""
    dossier = _dossier("base", tmp_path)
    one = dataclasses.replace(dossier, seeds=dossier.seeds[:1], facts=(), summary="x\ty")
    assert "".join(export.json_pieces(one)) == export.to_json(one)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_the_command_writes_the_whole_text(fmt: str, tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "base", tmp_path / "p")
    dossier = check(Project(root)).dossier
    assert dossier is not None
    whole = export.to_json(dossier) if fmt == "json" else export.to_jsonl(dossier)
    runner = CliRunner()
    printed = runner.invoke(cli, ["export", "--project", str(root), "--format", fmt])
    assert printed.exit_code == 0 and printed.stdout == whole
    out = tmp_path / "out"
    written = runner.invoke(cli, ["export", "--project", str(root), "--format", fmt, "--out", str(out)])
    assert written.exit_code == 0
    assert (out / f"dossier.{fmt}").read_text("utf-8") == whole
