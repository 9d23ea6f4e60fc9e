"""``dossier export`` streams its JSON and JSON Lines a record at a time (the whole text of 50,000
facts would not fit the memory budget), and what it writes is byte for byte what the whole-text
export wrote: the site's downloads and the command must agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dossier import export
from dossier.check import check
from dossier.cli import cli
from dossier.escape import json_text
from dossier.model import Dossier
from dossier.project import Project
from tests.conftest import FIXTURES
from tests.hostile import PAYLOADS, generated_payloads, hostile_dossier
from tests.sitefixtures import SITE_FIXTURE


def _dossier(root: Path) -> Dossier:
    dossier = check(Project(root)).dossier
    assert dossier is not None
    return dossier


def _dossiers() -> list[Dossier]:
    site = _dossier(SITE_FIXTURE)
    # Payloads in every text field: line and paragraph separators, controls, lone surrogates...
    return [_dossier(FIXTURES / "base"), site, hostile_dossier(site, [*PAYLOADS, *generated_payloads(40)])]


@pytest.mark.parametrize("dossier", _dossiers(), ids=["base", "site", "hostile"])
def test_the_streamed_parts_are_the_whole_text(dossier: Dossier) -> None:
    data = export.records(dossier)
    assert "".join(export.json_parts(dossier)) == export.to_json(dossier, data)
    assert "".join(export.jsonl_parts(dossier)) == export.to_jsonl(dossier, data)
    # and the site's downloads, made from the records at once, say the same
    assert export.to_json(dossier) == export.files(dossier)["dossier.json"]
    assert export.to_jsonl(dossier) == export.files(dossier)["dossier.jsonl"]


def test_odd_values_and_empty_lists_stream_as_the_encoder_writes_them() -> None:
    """Escapes (quotes, a line separator, a lone surrogate) and empty lists."""
    odd = Dossier('A "title"\u2028with\ud800 odd characters', "x\ty", (), (), ())
    data = export.records(odd)
    assert "".join(export.json_parts(odd)) == export.to_json(odd, data)
    assert "".join(export.jsonl_parts(odd)) == export.to_jsonl(odd, data) == ""


def test_an_empty_list_is_written_as_json_writes_it() -> None:
    assert "".join(export._json_list([])) == json.dumps([]) == "[]"
    records: list[dict[str, Any]] = [{"a": 1}, {"b": "\u2028"}]
    assert "".join(export._json_list(records)) == json_text(records)


def test_chunks_join_to_the_parts() -> None:
    parts = [f"part {i}," for i in range(100)]
    chunks = list(export.chunks(parts, size=50))
    assert len(chunks) > 1 and "".join(chunks) == "".join(parts)
    assert list(export.chunks([], size=50)) == []


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_the_command_writes_the_same_bytes_to_stdout_and_to_a_file(
    base_project: Path, tmp_path: Path, fmt: str
) -> None:
    dossier = _dossier(base_project)
    data = export.records(dossier)
    expected = export.to_json(dossier, data) if fmt == "json" else export.to_jsonl(dossier, data)
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "--project", str(base_project)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == expected.encode("utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["export", "--format", fmt, "--project", str(base_project), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / f"dossier.{fmt}").read_bytes() == expected.encode("utf-8")
