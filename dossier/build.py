"""``dossier build``: check → render → write the generated pages → run the site engine.

All data is gathered and checked before anything is written: a dossier with an error leaves
``docs/`` and ``site/`` exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import os
from importlib import resources

from dossier import export, generated, history, render, search, seeds, site, urls
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
        site.engine(engine).build(project, quiet=quiet, title=result.dossier.title)  # 4. the strict build
        search.index(project, engine)  # 5. Pagefind indexes the written HTML
    return result


def pages(dossier: Dossier, *, built: str | None = None, engine: str = urls.DEFAULT_ENGINE) -> dict[str, str]:
    """Every generated file, keyed by its path below ``docs/generated/``: pages and downloads."""
    return {**render.render(dossier, built=built or build_date(), engine=engine), **downloads(dossier)}


def downloads(dossier: Dossier) -> dict[str, str]:
    """The download files (JSON, JSON Lines, CSV), keyed by their path below ``docs/generated/``."""
    return {urls.download(name): text for name, text in export.files(dossier).items()}


def generate(
    project: Project, dossier: Dossier, *, built: str | None = None, engine: str = urls.DEFAULT_ENGINE
) -> generated.Written:
    """Render, prove every page's front matter reads back as meant, then write what changed."""
    rendered = render.render_site(
        dossier,
        built=built or build_date(),
        engine=engine,
        history=history.for_project(project, dossier.facts),  # one git blame per build
        site_url=site.project_site_url(project),
    )
    files: dict[str, str | bytes] = {**rendered.pages, **downloads(dossier), **assets(), **schemas()}
    generated.verify_front_matter(files, rendered.meta)
    files.update(originals(project, dossier))
    return generated.write(project.generated_dir, files, project_root=project.root)


def originals(project: Project, dossier: Dossier) -> dict[str, bytes]:
    """Each seed's kept capture, byte for byte, keyed by where the site publishes it (see
    :func:`dossier.urls.original`). Read by the filesystem rule and verified again: the file may
    have changed since the check."""
    files = {}
    for seed in dossier.seeds:
        if seed.original is None:
            continue
        kept, data = seeds.read_original(project.seeds_dir, seed.original.file, root=project.root)
        if kept.error or kept.sha256 != seed.original.sha256:
            raise generated.GeneratedFolderError(
                f"seeds/{seed.original.file} {kept.error or 'changed after the check'}: run dossier check"
            )
        files[urls.original(seed.original.file)] = data or b""
    return files


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


def schemas() -> dict[str, str]:
    """The JSON Schemas of the facts file and seed front matter, keyed by path below generated/.

    A new dossier's ``data/facts.yaml`` names ``../docs/generated/schema/facts.schema.json`` in its
    ``yaml-language-server`` modeline, so an editor validates and completes with the schema of the
    dossier version that built it.
    """
    folder = resources.files("dossier") / "schema"
    return {
        f"schema/{item.name}": item.read_text("utf-8")
        for item in sorted(folder.iterdir(), key=lambda item: item.name)
        if item.name.endswith(".schema.json")
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
