"""The ``dossier`` command: parse flags, call library functions, print, exit.

Exit codes: 0 clean, 1 findings (or a failed step), 2 usage. Heavy modules are imported
inside each command so that ``dossier check`` on an unchanged project starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier import __version__
from dossier.project import Project

FORMATS = ("text", "github", "json")


def _project(path: str | None) -> Project:
    return Project(Path(path).resolve() if path else Path.cwd())


project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, exists=True),
    help="The project root (default: the current folder).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dossier")
def cli() -> None:
    """Turn data/facts.yaml and seeds/ into a checked, browsable fact dossier."""


@cli.command()
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="text (path:line:col: CODE message), github (Actions annotations) or json. "
    "Default: github when $GITHUB_ACTIONS is set, else text.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--no-cache", is_flag=True, help="Check from scratch, ignoring the cached result.")
def check(project_dir: str | None, fmt: str | None, strict: bool, no_cache: bool) -> None:
    """Verify every fact against the words of its seeds.

    Reports every finding at once and writes nothing into data/ or seeds/.
    """
    from dossier import cache
    from dossier.diagnostics import Severity

    project = _project(project_dir)
    digest = cache.key(project)
    cached = None if no_cache else cache.read(project, digest)
    if cached is not None:
        diags, acknowledged = cached
    else:
        from dossier.check import check as run_check

        result = run_check(project, build=False)
        diags, acknowledged = list(result.diagnostics), result.acknowledged
        cache.write(project, digest, result.diagnostics, acknowledged)
    _print_diagnostics(diags, fmt)
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = len(diags) - errors
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if acknowledged:
        summary += f" ({acknowledged} acknowledged in the data)"
    click.echo(summary, err=True)
    sys.exit(1 if errors or (strict and warnings) else 0)


def _print_diagnostics(diags: list, fmt: str | None) -> None:  # type: ignore[type-arg]
    import os

    from dossier import diagnostics

    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    formatter = {
        "text": diagnostics.format_text,
        "github": diagnostics.format_github,
        "json": diagnostics.format_json,
    }
    click.echo(formatter[fmt](diags), nl=False)


def main() -> None:
    """Console-script entry point."""
    cli()
