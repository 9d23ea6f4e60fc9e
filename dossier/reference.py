"""Reference pages generated from the code, so they cannot drift from it.

``docs/reference/fields.md`` comes from the JSON Schemas, ``docs/reference/cli.md`` from each
command's ``--help``. ``python -m dossier.reference`` (``make docs-ref``) rewrites both; a test
fails when a committed page differs from what this module produces.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

FIELDS_PAGE = Path("docs") / "reference" / "fields.md"
CLI_PAGE = Path("docs") / "reference" / "cli.md"

# Sections of the page: a title, where the entries live, and the schema object they follow.
_FACTS_SECTIONS = (
    ("The file", "The top level of `data/facts.yaml`.", ()),
    (
        "Entity",
        "Each item of `entities:`: a person, organisation, state, place, … that facts are about.",
        ("$defs", "entity"),
    ),
    ("Fact", "Each item of `facts:`: one statement with the quotes that support it.", ("$defs", "fact")),
    (
        "Date resolved",
        "The `date_resolved:` mapping of a fact.",
        ("$defs", "fact", "properties", "date_resolved"),
    ),
    ("Source", "Each item of a fact's `sources:`: a verbatim quote from one seed.", ("$defs", "source")),
    ("Figure", "Each item of a fact's `figures:`: a number as one seed gives it.", ("$defs", "figure")),
)
_REF_NAMES = {"slug": "id", "text": "text", "http_url": "http(s) URL", "date": "date"}
# Meanings for fields whose schema gives none; a schema description always wins.
_FALLBACK = {
    "entities": "The people, organisations, states, places … that facts are about.",
    "facts": "The statements, each with the quotes that support it.",
    "name": "The name the site shows.",
    "title": "The headline, or a descriptive title when the text has none (say so under `inferred`).",
    "sources": "The quotes that support the statement: at least one.",
    "tags": "Free labels (ids) that group facts.",
    "notes": "The analyst's remarks; shown on the site, never checked against the seeds.",
    "note": "The analyst's remark on this item.",
    "seed": "The seed the phrase is from; its publication date anchors the phrase.",
}


def _schema(name: str) -> Any:
    return json.loads(resources.files("dossier").joinpath(f"schema/{name}").read_text("utf-8"))


def _at(schema: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        schema = schema[step]
    return schema


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """A short human name for a property's type."""
    if "$ref" in prop:
        name = str(prop["$ref"]).rsplit("/", 1)[1]
        return _REF_NAMES.get(name, name)
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}), defs)}"
    if kind == "object":
        values = prop.get("additionalProperties")
        if isinstance(values, dict):
            keys = "warning code" if "propertyNames" in prop else "field"
            return f"mapping of {keys} → {_type(values, defs)}"
        return "mapping (see below)"
    if isinstance(kind, list):
        one = _type({**prop, "type": next(k for k in kind if k != "null")}, defs)
        return f"{one} or null" if "null" in kind else one
    if kind == "string" and "pattern" in prop and "http" in str(prop.get("pattern")):
        return "http(s) URL"
    return {"string": "text", "number": "number", "integer": "whole number", "boolean": "true or false"}.get(
        str(kind), str(kind)
    )


def _description(name: str, prop: dict[str, Any], defs: dict[str, Any]) -> str:
    own = prop.get("description")
    if own:
        return str(own)
    if name in _FALLBACK:
        return _FALLBACK[name]
    if "$ref" in prop:
        return str(defs.get(prop["$ref"].rsplit("/", 1)[1], {}).get("description", ""))
    if prop.get("type") == "array" and "$ref" in prop.get("items", {}):
        return _description("", prop["items"], defs)
    return ""


def _table(obj: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    required = set(obj.get("required", ()))
    rows = ["| Field | Type | Required | Meaning |", "| --- | --- | --- | --- |"]
    for name, prop in obj.get("properties", {}).items():
        need = "yes" if name in required else ""
        rows.append(
            f"| `{name}` | {_cell(_type(prop, defs))} | {need} | {_cell(_description(name, prop, defs))} |"
        )
    return rows


def render_fields() -> str:
    """The field reference, as Markdown."""
    facts = _schema("facts.schema.json")
    seed = _schema("seed.schema.json")
    defs = facts["$defs"]
    out = [
        "# Field reference",
        "",
        "<!-- Generated from dossier/schema/*.json by `make docs-ref`; edit the schemas, not this page. -->",
        "",
        "Every field `data/facts.yaml` and a seed's front matter may hold. `dossier check` refuses any other",
        "field, a missing required one, and a value of the wrong kind (rule E201). Ids are slugs: lower-case",
        "letters and digits joined by single hyphens (`sergei-shoigu`). Dates keep their precision: `2024`,",
        "`2024-08` or `2024-08-05`, and a range joins two with a slash (`2024-08-01/2024-08-05`).",
        "",
        "## `data/facts.yaml`",
        "",
    ]
    for title, intro, path in _FACTS_SECTIONS:
        out += [f"### {title}", "", intro, "", *_table(_at(facts, path), defs), ""]
    out += [
        "## Seed front matter",
        "",
        "The block between the `---` lines at the top of each `seeds/*.md` file. `dossier add-seed` writes it.",
        "",
        *_table(seed, defs),
        "",
        "### Kept original",
        "",
        "`original:` of a seed imported from a saved web page or a PDF: the captured file, kept in "
        "`seeds/originals/`. `dossier check` verifies its sha256 (rule E111).",
        "",
        *_table(seed["properties"]["original"], defs),
        "",
    ]
    return "\n".join(out)


def render_cli() -> str:
    """The command reference: each command's ``--help``, as Markdown."""
    import click

    from dossier.cli import cli

    root = click.Context(
        cli,
        info_name="dossier",
        terminal_width=100,
        max_content_width=100,
        help_option_names=["-h", "--help"],
    )
    out = [
        "# Commands",
        "",
        "<!-- Generated from each command's --help by `make docs-ref`; edit the docstrings in dossier/cli.py. -->",
        "",
        "Every command takes `--project DIR` (the project root; default: the current folder) and `-h`/`--help`.",
        "Exit codes: 0 when all is well, 1 when the command found a problem (errors in a check, a file that",
        "needs formatting, no close quote), 2 for a usage error such as an unknown option or seed.",
        "",
        "```text",
        cli.get_help(root),
        "```",
        "",
    ]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        assert command is not None
        ctx = click.Context(
            command,
            info_name=name,
            parent=root,
            terminal_width=100,
            max_content_width=100,
            help_option_names=["-h", "--help"],
        )
        out += [f"## dossier {name}", "", "```text", command.get_help(ctx), "```", ""]
    return "\n".join(out)


PAGES = {FIELDS_PAGE: render_fields, CLI_PAGE: render_cli}


def main(argv: list[str] | None = None) -> int:
    """Write the pages (or, with ``--check``, exit 1 if a committed one is stale)."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[-1]) if args and not args[-1].startswith("-") else Path.cwd()
    stale = 0
    for page, render in PAGES.items():
        text = render()
        path = root / page
        if "--check" in args:
            if not path.exists() or path.read_text("utf-8") != text:
                print(f"{page} is stale: run 'make docs-ref'", file=sys.stderr)
                stale += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        print(f"wrote {page}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
