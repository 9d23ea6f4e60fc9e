"""``dossier build``: check → render → write the generated pages → run the site engine.

All data is gathered and checked before anything is written: a dossier with an error leaves
``docs/`` and ``site/`` exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import os

from dossier import export, generated, render, site
from dossier.check import CheckResult, check
from dossier.model import Dossier
from dossier.project import Project


def build(project: Project, *, with_site: bool = True, quiet: bool = False) -> CheckResult:
    """Build the site; the check result tells the caller what was found (and, on error, why not)."""
    result = check(project)  # 1. judge the input; any error stops here
    if result.dossier is None:
        return result
    generate(project, result.dossier)  # 2-3. render pages in memory, then write what changed
    if with_site:
        site.build(project, quiet=quiet)  # 4. mkdocs build --strict
    return result


def pages(dossier: Dossier, *, built: str | None = None) -> dict[str, str]:
    """Every generated file, keyed by its path below ``docs/generated/``: pages and downloads."""
    files = render.render(dossier, built=built or build_date())
    files.update({f"downloads/{name}": text for name, text in export.files(dossier).items()})
    return files


def generate(project: Project, dossier: Dossier, *, built: str | None = None) -> generated.Written:
    """Render, prove every page's front matter reads back as meant, then write what changed."""
    files = pages(dossier, built=built)
    generated.verify_front_matter(files, render.front_matter(dossier))
    return generated.write(project.generated_dir, files, project_root=project.root)


def regenerate(project: Project) -> CheckResult:
    """Check and rewrite the pages, without the site engine (``serve`` runs its own)."""
    return build(project, with_site=False)


def build_date() -> str:
    """Today (UTC), or the day of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = (
        dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    )
    return now.date().isoformat()
