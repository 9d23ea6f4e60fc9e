"""The link check of an incremental build is never weaker than a full build's, and its fast link
resolution agrees with the plain one it replaced.

An incremental build checks the links of the pages it rebuilt; when it removed a page, any page
may have linked to it (a hand-written page's raw HTML, which MkDocs does not check), so every
page is checked then.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from dossier import linkcheck, urls
from dossier.build import build
from dossier.project import Project
from dossier.site import SiteError
from tests.sitefixtures import site_project
from tests.test_search_incremental import PELICAN  # a fact nothing else cites or contradicts
from tests.test_site import ENGINES


@pytest.mark.parametrize("engine", ENGINES)
def test_a_link_to_a_removed_page_fails_the_incremental_build(tmp_path: Path, engine: str) -> None:
    root = site_project(tmp_path / "project")
    facts = root / "data" / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").rstrip("\n") + "\n" + PELICAN, "utf-8")
    href = urls.Place("notes.md", engine).html(urls.fact("pelican-fact"))
    (root / "docs" / "notes.md").write_text(
        f'# Notes\n\n<a href="{href}">raw HTML: no engine checks it</a>\n', "utf-8"
    )
    notes = root / "docs" / "notes.md"
    os.utime(notes, (notes.stat().st_mtime - 100,) * 2)  # long unchanged: not rebuilt, not re-checked
    project = Project(root)
    assert build(project, quiet=True, engine=engine).errors == 0
    assert (project.site_dir / "notes" / "index.html").is_file()
    facts.write_text(facts.read_text("utf-8").replace(PELICAN, ""), "utf-8")
    # Zensical checks the raw HTML it rewrites itself; MkDocs leaves it to the link check.
    found = r"broken links[\s\S]*notes/index.html: \S*pelican-fact/" if engine == "mkdocs" else None
    with pytest.raises(SiteError, match=found):
        build(project, quiet=True, engine=engine)


def _reference_target(page: str, href: str) -> tuple[str, str]:
    """What :func:`linkcheck.target` answered before its fast paths: urlsplit, join, normpath."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    base = "" if path.startswith("/") else posixpath.dirname(page)
    joined = posixpath.normpath(posixpath.join(base, path.lstrip("/"))) if path else page
    if path.endswith("/") or not posixpath.splitext(joined)[1]:
        joined = posixpath.join(joined, "index.html")
    return joined if joined != "." else "index.html", parts.fragment


PAGES = ["index.html", "404.html", "a/index.html", "a/b/c/index.html", "v1.2/x/index.html", "a/b/c/d/e.html"]
HREFS = [
    "", "#x", "?q#y", "x/", "x", "x.html", "./x/", "../", "..", "../..", "../../", "../x/#p-1", "../../../x/",
    "../../../../../x/", "..//x", "../..//", "/", "/a/./b/", "/x.css?v=1", "//host/x", "x:y", " ../a ",
    "a\tb", "%2e%2e/x", "../a.b/", "../v1.2/../x", "a/../../b", ".../x", "..././x", "../x#a?b", "../x?a#b",
    "../ünï/", "../x%20y/",
]  # fmt: skip


def test_link_targets_are_those_of_the_plain_resolution() -> None:
    for page in PAGES:
        for href in HREFS:
            for link in (href, "../" + href, "../../" + href, "..//" + href):
                if not linkcheck.is_external(link):
                    assert linkcheck.target(page, link) == _reference_target(page, link), (page, link)
