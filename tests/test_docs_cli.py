"""The analyst docs cannot lie: references are generated from the code, every command is documented."""

from __future__ import annotations

import re

import click

from dossier import reference
from dossier.cli import cli
from tests.conftest import ROOT


def _commands() -> list[str]:
    return sorted(cli.list_commands(click.Context(cli)))


def test_reference_pages_match_the_code(update_goldens: bool) -> None:
    for page, render in reference.PAGES.items():
        expected = render()
        if update_goldens:
            (ROOT / page).write_text(expected, "utf-8")
        assert (ROOT / page).read_text("utf-8") == expected, f"{page} is stale: run 'make docs-ref'"


def test_every_command_is_in_the_command_reference() -> None:
    text = (ROOT / reference.CLI_PAGE).read_text("utf-8")
    missing = [name for name in _commands() if f"## dossier {name}\n" not in text]
    assert not missing, f"not in docs/reference/cli.md: {missing}; run 'make docs-ref'"


def test_every_command_is_in_the_readme() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    missing = [name for name in _commands() if f"`dossier {name}" not in text]
    assert not missing, f"not in README.md: {missing}"


def test_every_schema_field_is_in_the_field_reference() -> None:
    import json

    text = (ROOT / reference.FIELDS_PAGE).read_text("utf-8")
    schema = json.loads((ROOT / "dossier" / "schema" / "facts.schema.json").read_text("utf-8"))
    fields: set[str] = set(schema["properties"])
    for definition in schema["$defs"].values():
        fields |= set(definition.get("properties", {}))
    missing = sorted(f for f in fields if f"| `{f}` |" not in text)
    assert not missing


def test_the_analyst_guide_covers_the_tasks_and_links_resolve() -> None:
    guide = ROOT / "docs" / "guide" / "analysts.md"
    text = guide.read_text("utf-8")
    for heading in ("## Add a seed", "## Add a fact", "## Find a quote", "## Read a failing check"):
        assert heading in text
    for target in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", text):
        assert (guide.parent / target).resolve().is_file(), target
    for anchor in re.findall(r"\(\.\./rules\.md#([a-z0-9]+)\)", text):
        assert f"{{#{anchor}}}" in (ROOT / "docs" / "rules.md").read_text("utf-8"), anchor


def test_contributing_points_to_the_guide() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        assert (ROOT / target).is_file(), target
