"""A large site's search index comes in shards: Pagefind runs on part of the pages at a time (its
memory grows with the pages it holds), and the header box merges the shards into one search.

The fixture site is built once with MkDocs, then indexed again with a budget small enough to
need three shards; the tests read the bundles the browser fetches and search in Chromium.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dossier import search
from dossier.build import build
from dossier.project import Project
from tests.sitefixtures import pagefind_pages, site_project

GERMAN_SEED = "/generated/sources/zeitung-beispiel-radar/"


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The fixture site indexed whole (its pages, by URL) and then in three shards."""
    project = site_project(tmp_path_factory.mktemp("shards") / "project")
    result = build(Project(project), quiet=True, engine="mkdocs")
    assert result.errors == 0, [str(d) for d in result.diagnostics]
    site_dir = project / "site"
    whole = pagefind_pages(site_dir)
    total = sum(search.html_pages(site_dir).values())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_BYTES", total // 3 + 1)
        search.index(Project(project), "mkdocs")
    yield site_dir, whole


def test_shards_are_listed_for_the_browser(sharded: tuple[Path, dict[str, Any]]) -> None:
    site_dir, _ = sharded
    names = json.loads((site_dir / search.MANIFEST).read_text("utf-8"))
    assert names == ["pagefind/", "pagefind-2/", "pagefind-3/", "pagefind-de/"]
    for name in names:
        assert (site_dir / name / "pagefind-entry.json").is_file(), name


def test_every_page_is_in_exactly_one_shard(sharded: tuple[Path, dict[str, Any]]) -> None:
    site_dir, whole = sharded
    shards = [pagefind_pages(site_dir, name) for name in ("pagefind", "pagefind-2", "pagefind-3")]
    assert all(shards), "a shard is empty"
    urls = [url for shard in shards for url in shard]
    assert len(urls) == len(set(urls)), "a page is in two shards"
    # The same pages, with the same words and types, as the index made in one run.
    merged = {url: page for shard in shards for url, page in shard.items()}
    assert set(merged) == set(whole)
    for url, page in whole.items():
        assert merged[url]["content"] == page["content"], url
        assert merged[url]["meta"] == page["meta"], url
    assert list(pagefind_pages(site_dir, "pagefind-de")) == [GERMAN_SEED]


def test_pages_are_dealt_round_robin_in_path_order() -> None:
    sizes = {"b.html": 10, "a.html": 10, "d.html": 10, "c.html": 10, "e.html": 10}
    assert search.shards(sizes, budget=20) == [["a.html", "d.html"], ["b.html", "e.html"], ["c.html"]]
    assert search.shards(sizes, budget=1000) == [sorted(sizes)]
    assert search.shards({}, budget=10) == [[]]


def test_the_glob_names_each_page_and_nothing_can_widen_it() -> None:
    assert search._glob(["generated/facts/a/index.html"]) == "generated/facts/a/index.html"
    assert search._glob(["a/index.html", "b/index.html"]) == "{a/index.html,b/index.html}"
    # A hand-written page's name may hold glob syntax: each such character matches one character.
    assert search._glob(["x/{a,**}/[b]*.html", "y.html"]) == "{x/?a????/?b??.html,y.html}"


@pytest.mark.browser
def test_the_header_box_searches_every_shard_in_chromium(sharded: tuple[Path, dict[str, Any]]) -> None:
    """Results come from every shard of the sharded site: a search that matches pages in each
    lists pages of each, and a page held by a later shard is found and opens."""
    from tests.browser_support import chromium_or_skip, guard, launch, serve
    from tests.test_browser import search_results

    chromium_or_skip()
    site_dir, _ = sharded
    owner = {
        url: name
        for name in ("pagefind", "pagefind-2", "pagefind-3")
        for url in pagefind_pages(site_dir, name)
    }
    entity = "/generated/entities/sergei-shoigu/"
    with serve(site_dir) as url, launch() as browser:
        page = browser.new_page()
        problems = guard(page)
        page.goto(url + "generated/facts/")
        results = search_results(page, "Shoigu")
        hrefs = [results.nth(i).locator("a").get_attribute("href") for i in range(results.count())]
        found = {str(href).removeprefix(url[:-1]) for href in hrefs}
        assert entity in found, found
        assert len({owner[u] for u in found if u in owner}) >= 2, (found, owner)
        page.goto(url + "generated/facts/")
        late = next(u for u, name in sorted(owner.items()) if name == "pagefind-3" and "/entities/" in u)
        title = pagefind_pages(site_dir, "pagefind-3")[late]["meta"]["title"]
        results = search_results(page, str(title))
        link = results.locator(f'a[href="{url[:-1]}{late}"]')
        assert link.count() == 1, [results.nth(i).inner_text() for i in range(results.count())]
        link.click()
        page.wait_for_url("**" + late)
    assert not problems, problems
