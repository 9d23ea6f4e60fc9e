"""The site's search index: Pagefind bundles built from the HTML each engine wrote.

The fixture site is built once per engine; the tests read what the browser would fetch (the
bundles' entry files and their page fragments). tests/test_browser.py types into the header box.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dossier import search
from dossier.build import build
from dossier.project import Project
from dossier.site import SiteError
from tests.sitefixtures import pagefind_pages, site_project
from tests.test_site import ENGINES  # each engine, skipped with a reason where not installed

FACTS = ("russia-delivers-s-300", "shoigu-visits-tehran", "kremlin-denies-delivery")
GERMAN_SEED = "/generated/sources/zeitung-beispiel-radar/"


@pytest.fixture(scope="module", params=ENGINES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = site_project(tmp_path_factory.mktemp(f"search-{request.param}") / "project")
    result = build(Project(project), quiet=True, engine=str(request.param))
    assert result.errors == 0, [str(d) for d in result.diagnostics]
    return project / "site"


def _languages(site_dir: Path, bundle: str) -> set[str]:
    """The languages a bundle's entry file offers the browser."""
    return set(json.loads((site_dir / bundle / "pagefind-entry.json").read_text("utf-8"))["languages"])


def test_each_engine_gets_pagefind_bundles_and_no_search_of_its_own(built: Path) -> None:
    assert json.loads((built / search.MANIFEST).read_text("utf-8")) == ["pagefind/", "pagefind-de/"]
    assert _languages(built, "pagefind") == {"en"}
    assert _languages(built, "pagefind-de") == {"de"}
    assert (built / "pagefind" / "pagefind.js").is_file()
    # The engines' own one-file indexes (60 MB at 10,000 facts) are not built: MkDocs writes none,
    # Zensical an empty one that no page loads.
    assert not (built / "search" / "search_index.json").exists()
    if (built / "search.json").exists():
        assert json.loads((built / "search.json").read_text("utf-8"))["items"] == []
    home = (built / "index.html").read_text("utf-8")
    assert 'class="md-search"' not in home and "generated/assets/search.js" in home


def test_every_generated_page_is_indexed_with_its_type(built: Path) -> None:
    pages = pagefind_pages(built)
    types = {url: page["meta"].get("type") for url, page in pages.items()}
    for fact in FACTS:
        assert types[f"/generated/facts/{fact}/"] == "fact"
        assert pages[f"/generated/facts/{fact}/"]["filters"] == {"type": ["fact"]}
    assert types["/generated/entities/s-300/"] == "entity"
    assert types["/generated/sources/daily-example-radar/"] == "seed"
    assert types[GERMAN_SEED] == "seed"
    # Hand-written and list pages carry no type: the search box labels them "Page".
    assert types["/guide/analysts/"] is None and types["/generated/facts/"] is None
    assert pages[GERMAN_SEED]["meta"]["language"] == "de"


def test_the_german_seed_is_in_a_german_bundle_alone(built: Path) -> None:
    german = pagefind_pages(built, "pagefind-de")
    assert list(german) == [GERMAN_SEED]
    assert "Lieferungen fanden in der ersten Augustwoche statt" in str(german[GERMAN_SEED]["content"])


def test_only_the_article_is_indexed_without_passage_markers(built: Path) -> None:
    pages = pagefind_pages(built)
    seed = str(pages[GERMAN_SEED]["content"])
    assert pages[GERMAN_SEED]["meta"]["title"] == "Russland liefert Iran Luftabwehrsysteme"
    # The seed text reads as its words: no "passage [1]" before each cited passage, no ¶.
    assert "Laut der New York Times hat Russland begonnen" in seed
    assert "[1]" not in seed and "passage [" not in seed and "¶" not in seed
    for page in pages.values():
        content = str(page["content"])
        # The theme's header, navigation and footer are not the page's words.
        assert "Switch to dark mode" not in content and "Skip to content" not in content, page["url"]
        # Nor are the breadcrumbs and the seed reader's focus bar (they opened every excerpt).
        if str(page["url"]).startswith("/generated/"):
            assert "Home ›" not in content and "other passages are dimmed" not in content, page["url"]


def test_an_entity_is_found_by_its_alias(built: Path) -> None:
    entity = pagefind_pages(built)["/generated/entities/sergei-shoigu/"]
    assert "Schoigu" in str(entity["content"])


def test_languages_finds_seed_pages_by_their_text_language(tmp_path: Path) -> None:
    (tmp_path / "generated" / "sources" / "a").mkdir(parents=True)
    (tmp_path / "index.html").write_text('<html lang="en" class="no-js">', "utf-8")
    (tmp_path / "generated" / "sources" / "a" / "index.html").write_text(
        '<div class="seed-text" lang="de" data-pagefind-meta="language:de">Text</div>', "utf-8"
    )
    # Words in the text cannot name a language: the "<" that would open the element is escaped.
    (tmp_path / "generated" / "sources" / "b.html").write_text(
        '&lt;div class="seed-text" lang="fr" data-pagefind-meta="language:fr"> data-pagefind-meta="language:fr"',
        "utf-8",
    )
    assert search.languages(tmp_path) == ("en", {"de": ["generated/sources/a/index.html"]})


def test_without_pagefind_the_build_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "available", lambda: False)
    with pytest.raises(SiteError, match="pagefind-bin is not installed"):
        search.index(Project(tmp_path), "mkdocs")


@pytest.mark.browser
def test_the_header_box_searches_in_chromium(built: Path) -> None:
    """Each engine's site, in Chromium: the header box finds a person by a German alias, labels the
    result and opens it, fetching nothing from another host."""
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, _serve, search_results

    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    foreign: list[str] = []
    errors: list[str] = []
    with _serve(built) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()

        def route(request_route: Any) -> None:
            if request_route.request.url.startswith(url):
                request_route.continue_()
            else:
                foreign.append(request_route.request.url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(url + "generated/facts/")
        first = search_results(page, "Schoigu").first.locator("a")
        assert first.locator(".dossier-search__type").text_content() == "Entity"
        assert first.get_attribute("href") == url + "generated/entities/sergei-shoigu/"
        first.click()
        page.wait_for_url("**/generated/entities/sergei-shoigu/")
        assert page.locator("h1").inner_text().startswith("Sergei Shoigu")
        browser.close()
    assert not foreign and not errors, (foreign, errors)


def test_clearing_the_old_bundles_keeps_a_page_named_like_one(tmp_path: Path) -> None:
    """Only Pagefind's own folders go before an index: a dossier's page ``pagefind-notes`` stays,
    and a link named like a bundle is removed, never followed (found in review: the page vanished
    and 18 links to it broke)."""
    site_dir = tmp_path / "site"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "pagefind-entry.json").write_text("{}", "utf-8")
    for bundle in ("pagefind", "pagefind-2", "pagefind-de", "pagefind-de-3"):
        (site_dir / bundle).mkdir(parents=True)
        (site_dir / bundle / "pagefind-entry.json").write_text("{}", "utf-8")
    (site_dir / "pagefind-notes").mkdir()
    (site_dir / "pagefind-notes" / "index.html").write_text("<p>notes</p>", "utf-8")
    (site_dir / "pagefind-fr").symlink_to(outside, target_is_directory=True)
    search._clear_bundles(site_dir)
    assert sorted(p.name for p in site_dir.iterdir()) == ["pagefind-notes"]
    assert (outside / "pagefind-entry.json").is_file()


def test_a_language_pagefind_cannot_stem_gets_no_bundle_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """German seeds get a German bundle; a code Pagefind neither stems nor segments ("zz", which
    the schema accepts) would only add a Pagefind run per build and an instance per reader."""
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    made: list[str] = []
    monkeypatch.setattr(search, "available", lambda: True)
    monkeypatch.setattr(search, "languages", lambda _: ("en", {"de": ["a.html"], "zz": ["b.html"]}))
    monkeypatch.setattr(search, "_size", lambda _: 10)
    monkeypatch.setattr(search, "html_pages", lambda _: {"a.html": 10, "b.html": 10})

    def shards(_project: Project, _engine: str, name: str, *_args: object) -> list[str]:
        made.append(name)
        return [name]

    monkeypatch.setattr(search, "_index_shards", shards)
    search.index(Project(tmp_path), "mkdocs")
    assert made == ["pagefind", "pagefind-de"]
