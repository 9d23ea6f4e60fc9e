"""Issue 9's browser check at scale: a generated 10,000-fact site loads its largest page and searches.

The build takes minutes (about 15 on a busy 2-core machine), so ``make test`` skips this module;
``make test-scale`` (a job of its own in CI) runs it. Numbers are printed by
``benchmarks/bench_search.py``; this test asserts only what a reader gets.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from dossier import search
from dossier.build import build
from dossier.project import Project
from tests.sitefixtures import pagefind_pages, split_project
from tests.test_browser import CHROMIUM, _serve

FACTS = 10_000

pytestmark = [
    pytest.mark.scale,
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.environ.get("DOSSIER_TEST_SCALE"),
        reason="builds a 10,000-fact site: `make test-scale` runs it",
    ),
]


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    project = split_project(tmp_path_factory.mktemp("scale") / "project", FACTS, FACTS // 5, FACTS // 10)
    assert build(Project(project), quiet=True).errors == 0
    with _serve(project / "site") as url:
        yield project / "site", url


def test_the_largest_page_of_a_10000_fact_site_loads_and_searches(big_site: tuple[Path, str]) -> None:
    from playwright.sync_api import sync_playwright

    site_dir, url = big_site
    # Every fact page is in the index: in one of the main language's shards (pagefind,
    # pagefind-2, …), which the bundle list names for the browser.
    bundles = json.loads((site_dir / search.MANIFEST).read_text("utf-8"))
    indexed: dict[str, Any] = {}
    for bundle in bundles:
        if re.fullmatch(rf"{search.BUNDLE}(-[0-9]+)?/", bundle):
            indexed.update(pagefind_pages(site_dir, bundle.rstrip("/")))
    assert len(bundles) > 2 and len(indexed) > FACTS
    largest = max(site_dir.rglob("*.html"), key=lambda p: p.stat().st_size).relative_to(site_dir)
    foreign: list[str] = []
    errors: list[str] = []

    def route(request_route: Any) -> None:
        if urlsplit(request_route.request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            foreign.append(request_route.request.url)
            request_route.abort()

    with sync_playwright() as playwright:
        # Debian's Chromium where there is one; else Playwright's own (`playwright install chromium`,
        # as CI's scale job does). Asked for, this test fails rather than skips without a browser.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,  # None: Playwright's own
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.route("**/*", route)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url + largest.as_posix().removesuffix("index.html"))
        page.keyboard.press("/")
        page.keyboard.type("missile")
        page.locator(".dossier-search__status", has_text="for “missile”").wait_for(timeout=120_000)
        results = page.locator(".dossier-search__result")
        assert results.count() == 10
        assert results.first.locator(".dossier-search__type").text_content() in (
            "Fact",
            "Entity",
            "Source",
            "Page",
        )
        with page.expect_navigation():
            results.first.locator("a").click()
        assert page.locator("h1").count() == 1
        browser.close()
    assert not foreign and not errors, (foreign, errors)
