"""``dossier build``: check → render → write the generated pages → run the site engine.

All data is gathered and checked before anything is written: a dossier with an error leaves
``docs/`` and ``site/`` exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import os
from importlib import resources

from dossier import export, generated, incremental, render, site, urls
from dossier.check import CheckResult, check
from dossier.model import Dossier
from dossier.project import Project


def build(
    project: Project, *, with_site: bool = True, quiet: bool = False, engine: str | None = None
) -> CheckResult:
    """Build the site; the check result tells the caller what was found (and, on error, why not).

    ``engine`` names the site engine (``mkdocs`` or ``zensical``); None means the project's setting.
    The pages are written for it: raw-HTML links differ between engines (see dossier.urls).
    """
    engine = engine or site.project_engine(project)
    result = check(project)  # 1. judge the input; any error stops here
    if result.dossier is None:
        return result
    generate(project, result.dossier, engine=engine)  # 2-3. render pages in memory, write what changed
    if with_site:
        site.engine(engine).build(project, quiet=quiet)  # 4. the engine's strict build
    return result


def pages(dossier: Dossier, *, built: str | None = None, engine: str = urls.DEFAULT_ENGINE) -> dict[str, str]:
    """Every generated file, keyed by its path below ``docs/generated/``: pages and downloads."""
    return {**render.render(dossier, built=built or build_date(), engine=engine), **downloads(dossier)}


def downloads(dossier: Dossier) -> dict[str, str]:
    """The download files (JSON, JSON Lines, CSV), keyed by their path below ``docs/generated/``."""
    return {urls.download(name): text for name, text in export.files(dossier).items()}


def generate(
    project: Project,
    dossier: Dossier,
    *,
    built: str | None = None,
    engine: str = urls.DEFAULT_ENGINE,
    fresh: bool = False,
) -> generated.Written:
    """Render, prove every page's front matter reads back as meant, then write what changed.

    Fact, entity and seed pages whose inputs did not change since the last build come from the
    page cache (see dossier.incremental); ``fresh`` renders every page (and refills the cache).
    """
    built = built or build_date()
    who = incremental.identity(project)
    context = f"{incremental.context_key(engine, built)}:{who}"
    cache = incremental.load(project, engine, context) if who and not fresh else incremental.PageCache()
    rendered = render.render_site(dossier, built=built, engine=engine, cache=cache)
    files = {**rendered.pages, **downloads(dossier), **assets()}
    generated.verify_front_matter(files, rendered.meta)
    written = generated.write(project.generated_dir, files, project_root=project.root)
    if who:
        incremental.save(project, engine, context, cache)
    return written


def assets() -> dict[str, str]:
    """The site's stylesheet, scripts and icon, shipped with the package, keyed by path below generated/.

    They belong to the tool, not to a dossier: written on every build, an upgrade of dossier
    updates every dossier's site, and ``mkdocs.yml`` refers to them as ``generated/assets/…``.
    """
    folder = resources.files("dossier") / "assets"
    return {
        f"assets/{item.name}": item.read_text("utf-8")
        for item in sorted(folder.iterdir(), key=lambda item: item.name)
        if item.is_file() and not item.name.startswith(".")
    }


def regenerate(project: Project, engine: str | None = None) -> CheckResult:
    """Check and rewrite the pages, without the site engine (``serve`` runs its own)."""
    return build(project, with_site=False, engine=engine)


def build_date() -> str:
    """Today (UTC), or the day of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = (
        dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    )
    return now.date().isoformat()
