"""``dossier build`` runs Pagefind while it checks the written links (both only read site/): the
search index is built, a failure of either still fails the build, and broken links are reported
first. The MkDocs fixture site is built once; the later builds are incremental, so quick."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from dossier import build, linkcheck, search, site
from dossier.project import Project
from tests.sitefixtures import site_project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(site_project(tmp_path_factory.mktemp("alongside") / "project"))
    result = build.build(project, quiet=True, engine="mkdocs")
    assert result.errors == 0, [str(d) for d in result.diagnostics]
    return project


def test_the_build_writes_the_search_index(project: Project) -> None:
    manifest = json.loads((project.site_dir / search.MANIFEST).read_text("utf-8"))
    assert manifest == ["pagefind/", "pagefind-de/"]
    assert (project.site_dir / "pagefind" / "pagefind-entry.json").is_file()
    assert linkcheck.broken(project.site_dir) == []


def _fail(_incremental: bool) -> None:
    raise site.SiteError("pagefind failed to index the mkdocs site")


def test_a_failed_index_fails_the_build(project: Project) -> None:
    with pytest.raises(site.SiteError, match="pagefind failed"):
        site.engine("mkdocs").build(project, quiet=True, alongside=_fail)
    # The links had passed: site/ is this build's own, so the next build may be incremental.
    assert site.engine("mkdocs").build(project, quiet=True) == "incremental"


def test_broken_links_are_reported_before_a_failed_index(project: Project) -> None:
    page = project.docs_dir / "raw-link.md"
    page.write_text('<a href="../nowhere/">raw HTML: the engine does not check it</a>\n', "utf-8")
    try:
        with pytest.raises(site.SiteError, match="broken links"):
            site.engine("mkdocs").build(project, quiet=True, alongside=_fail)
    finally:
        page.unlink()


def test_pages_are_listed_while_a_folder_vanishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The link check walks site/ while Pagefind replaces its bundles: a folder removed between
    the listing of its parent and its own is skipped, not an error."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>a</p>", "utf-8")
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "index.html").write_text("<p>home</p>", "utf-8")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("pagefind"):
            raise FileNotFoundError(path)
        return real_scandir(path)

    monkeypatch.setattr("os.scandir", scandir)
    assert linkcheck.Site(tmp_path).pages() == ["a/index.html", "index.html"]
