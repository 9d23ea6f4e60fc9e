"""Where ``dossier export`` writes: one file to stdout, the csv tables to a folder, never through a link."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import CSV_TABLES, DEFAULT_EXPORT, cli
from dossier.export import to_csv

TABLE_FILES = sorted(f"{name}.csv" for name in CSV_TABLES)


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_table_choices_are_the_tables_export_makes() -> None:
    from dossier.check import check
    from dossier.project import Project
    from tests.conftest import FIXTURES

    dossier = check(Project(FIXTURES / "base")).dossier
    assert dossier is not None
    assert sorted(to_csv(dossier)) == TABLE_FILES


def test_json_goes_to_stdout(base_project: Path) -> None:
    code, out, _ = _invoke("export", "--project", str(base_project))
    assert code == 0
    assert {"entities", "seeds", "facts"} <= json.loads(out).keys()


def test_jsonl_goes_to_stdout(base_project: Path) -> None:
    code, out, _ = _invoke("export", "--format", "jsonl", "--project", str(base_project))
    assert code == 0
    kinds = {json.loads(line)["kind"] for line in out.splitlines()}
    assert kinds == {"entity", "seed", "fact"}


@pytest.mark.parametrize("table", CSV_TABLES)
def test_one_csv_table_goes_to_stdout(base_project: Path, table: str) -> None:
    code, out, _ = _invoke("export", "--format", "csv", "--table", table, "--project", str(base_project))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0][0] in ("id", "fact")  # the header


@pytest.mark.parametrize("table", CSV_TABLES)
def test_one_csv_table_is_the_same_table_as_in_the_folder(
    base_project: Path, tmp_path: Path, table: str
) -> None:
    out_dir = tmp_path / "all"
    assert _invoke("export", "--format", "csv", "--project", str(base_project), "--out", str(out_dir))[0] == 0
    # The bytes: Result.stdout would turn the CSV's CRLF row ends (RFC 4180) into LF.
    done = CliRunner().invoke(
        cli, ["export", "--format", "csv", "--table", table, "--project", str(base_project)]
    )
    assert done.exit_code == 0
    assert done.stdout_bytes == (out_dir / f"{table}.csv").read_bytes()


def test_csv_tables_go_to_the_default_folder_here(
    base_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    code, out, err = _invoke("export", "--format", "csv", "--project", str(base_project))
    assert code == 0 and out == ""
    assert sorted(p.name for p in (here / DEFAULT_EXPORT).iterdir()) == TABLE_FILES
    assert f"wrote {DEFAULT_EXPORT}/facts.csv" in err


@pytest.mark.parametrize(("fmt", "name"), [("json", "dossier.json"), ("jsonl", "dossier.jsonl")])
def test_out_writes_a_single_file_into_the_folder(
    base_project: Path, tmp_path: Path, fmt: str, name: str
) -> None:
    out_dir = tmp_path / "out" / "deeper"
    code, out, _ = _invoke("export", "--format", fmt, "--project", str(base_project), "--out", str(out_dir))
    assert code == 0 and out == ""
    assert [p.name for p in out_dir.iterdir()] == [name]
    stdout = _invoke("export", "--format", fmt, "--project", str(base_project))[1]
    assert (out_dir / name).read_text("utf-8") == stdout


def test_the_default_folder_is_never_a_link(
    base_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cloned pull request could ship export/ as a link to anywhere; the implicit folder refuses it.
    outside = tmp_path / "outside"
    outside.mkdir()
    here = tmp_path / "here"
    here.mkdir()
    (here / DEFAULT_EXPORT).symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(here)
    code, _, err = _invoke("export", "--format", "csv", "--project", str(base_project))
    assert code == 1
    assert "refusing to write" in err and "symbolic link" in err
    assert list(outside.iterdir()) == []


def test_a_linked_table_refuses_the_whole_export(
    base_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link in place of facts.csv: nothing is written, not the tables before it either."""
    outside = tmp_path / "outside.csv"
    outside.write_text("kept\n", "utf-8")
    here = tmp_path / "here"
    (here / DEFAULT_EXPORT).mkdir(parents=True)
    (here / DEFAULT_EXPORT / "facts.csv").symlink_to(outside)
    monkeypatch.chdir(here)
    code, _, err = _invoke("export", "--format", "csv", "--project", str(base_project))
    assert code == 1 and "refusing to write" in err
    assert [p.name for p in (here / DEFAULT_EXPORT).iterdir()] == ["facts.csv"]
    assert outside.read_text("utf-8") == "kept\n"


def test_table_needs_csv(base_project: Path) -> None:
    code, _, err = _invoke("export", "--table", "facts", "--project", str(base_project))
    assert code == 2 and "--table picks one csv table" in err
