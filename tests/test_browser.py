"""The built site in a real browser: search, the path from a weapon system to the evidence, axe.

Playwright drives Debian's Chromium (``apt-get install chromium``; ``.ci/run`` does it) headless
against the fixture site served on 127.0.0.1. Every request to any other host fails the test.
Screenshots of each page type land in ``test-artifacts/screenshots/``. Without Chromium (or
Playwright) the tests skip and say why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from dossier.build import build
from dossier.project import Project
from tests import hostile
from tests.browser_support import serious_violations, serve
from tests.sitefixtures import ROOT, site_project

pytestmark = pytest.mark.browser

_serve = serve  # other browser test modules import it from here
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

# One page of each type, by the path the site serves it at.
PAGE_TYPES = {
    "home": "",
    "entities": "generated/entities/",
    "entity": "generated/entities/s-300/",
    "facts": "generated/facts/",
    "fact": "generated/facts/russia-delivers-s-300/",
    "timeline": "generated/timeline/",
    "disputes": "generated/disputes/",
    "sources": "generated/sources/",
    "seed": "generated/sources/zeitung-beispiel-radar/",
    "graph": "generated/graph/",
    "downloads": "generated/downloads/",
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    project = site_project(tmp_path_factory.mktemp("browser") / "project")
    assert build(Project(project), quiet=True).errors == 0
    with _serve(project / "site") as url:
        yield url


@dataclass
class Watch:
    """What a page did that it should not: console errors and requests leaving 127.0.0.1."""

    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page_and_watch(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch()

    def route(request_route: Any) -> None:
        if urlsplit(request_route.request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            watch.foreign.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: watch.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    yield page, watch
    context.close()
    assert not watch.foreign, f"requests left 127.0.0.1: {watch.foreign}"
    assert not watch.errors, f"console errors: {watch.errors}"


def search_results(page: Any, query: str) -> Any:
    """Open the header search with its shortcut, type ``query``, wait for results; their locator."""
    page.keyboard.press("/")  # the shortcut focuses the header's search field
    page.keyboard.type(query)
    # The status names the query it answers: results of a half-typed query are not the answer.
    page.locator(".dossier-search__status", has_text=f"for “{query}”").wait_for(timeout=20_000)
    results = page.locator(".dossier-search__result")
    results.first.wait_for(timeout=20_000)
    return results


def test_search_finds_s300_and_opens_it(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url)
    first = search_results(page, "S-300").first.locator("a")
    assert "generated/entities/s-300/" in (first.get_attribute("href") or "")
    assert first.locator(".dossier-search__type").text_content() == "Entity"
    first.click()
    page.wait_for_url("**/generated/entities/s-300/**")
    assert page.locator("h1").inner_text().startswith("S-300")


def test_the_header_search_box_opens_on_click_and_labels_every_result(
    base_url: str, page_and_watch: tuple[Any, Watch]
) -> None:
    page, _ = page_and_watch
    page.goto(base_url + PAGE_TYPES["fact"])
    page.locator(".md-header").get_by_role("button", name="Search").click()
    page.get_by_role("searchbox", name="Search the dossier").fill("Shoigu")
    results = page.locator(".dossier-search__result")
    results.first.wait_for(timeout=20_000)
    labels = {
        results.nth(i).locator("a").get_attribute("href") or "": results.nth(i)
        .locator(".dossier-search__type")
        .text_content()
        for i in range(results.count())
    }
    # A label on every result, and the right one for each kind of page.
    assert all(labels.values()), labels
    expected = {
        "generated/entities/sergei-shoigu/": "Entity",
        "generated/facts/shoigu-visits-tehran/": "Fact",
        "generated/sources/zeitung-beispiel-radar/": "Source",
        "generated/entities/": "Page",
    }
    for path, label in expected.items():
        assert labels.get(base_url + path) == label, (path, labels)
    # Seed results read as their words, without the "passage [1]" markers of the highlighted text.
    assert not page.locator(".dossier-search__excerpt", has_text="[1]").count()
    page.keyboard.press("Escape")
    assert not page.locator("dialog.dossier-search").evaluate("el => el.open")


def test_search_stems_german_words_of_a_german_seed(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url)
    # The seed says "bestreitet"; "bestreiten" shares only its German stem (bestreit).
    results = search_results(page, "bestreiten")
    seed = results.filter(has=page.locator('a[href$="generated/sources/zeitung-beispiel-radar/"]'))
    assert seed.count() == 1, results.all_inner_texts()
    assert seed.locator(".dossier-search__excerpt").get_attribute("lang") == "de"
    assert seed.locator(".dossier-search__excerpt mark").first.inner_text() == "bestreitet"


def test_from_s300_to_a_fact_to_its_highlighted_passage(
    base_url: str, page_and_watch: tuple[Any, Watch]
) -> None:
    page, _ = page_and_watch
    page.goto(base_url + PAGE_TYPES["entity"])
    page.get_by_role(
        "link", name="Russia has begun delivering S-300 air defense systems to Iran."
    ).first.click()
    page.wait_for_url("**/generated/facts/russia-delivers-s-300/")
    assert "one report repeated, not 3 confirmations" in page.locator("article").inner_text()
    page.get_by_role("link", name="See the passage highlighted in the source text").nth(4).click()
    page.wait_for_url("**/generated/sources/zeitung-beispiel-radar/#q-russia-delivers-s-300-5")
    target = page.locator(":target")
    assert target.evaluate("el => el.tagName") == "MARK"
    assert "Luftabwehrsysteme vom Typ S-300" in target.inner_text()
    assert target.is_visible() and target.bounding_box() is not None


def test_search_for_a_german_alias_finds_the_person(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url)
    first = search_results(page, "Schoigu").first.locator("a")
    assert "generated/entities/sergei-shoigu/" in (first.get_attribute("href") or "")


def test_graph_node_opens_its_entity(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url + PAGE_TYPES["graph"])
    page.locator('svg.dossier-graph a[href="../entities/s-300/"]').click()
    page.wait_for_url("**/generated/entities/s-300/")
    assert page.locator("h1").inner_text().startswith("S-300")


def test_keyboard_reaches_content_links(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url + PAGE_TYPES["entity"])
    page.keyboard.press("Tab")  # the theme's skip link comes first
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if "facts/russia-delivers-s-300" in href:
            page.keyboard.press("Enter")
            page.wait_for_url("**/generated/facts/russia-delivers-s-300/")
            return
    pytest.fail("Tab never reached a fact link on the S-300 page")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_axe_finds_no_serious_violation(
    base_url: str, page_and_watch: tuple[Any, Watch], kind: str, scheme: str
) -> None:
    page, _ = page_and_watch
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + PAGE_TYPES[kind])
    # axe first: a full-page screenshot scrolls, and the theme fades its tabs out while scrolled.
    violations = serious_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{kind}-{scheme}.png"), full_page=True)
    assert not violations, "\n".join(violations)


def test_axe_on_the_open_search_dialog(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url)
    search_results(page, "Schoigu")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"))
    violations = serious_violations(page)
    assert not violations, "\n".join(violations)


def test_phone_layout_has_no_sideways_scroll(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        for kind in ("home", "fact", "seed", "timeline", "disputes", "graph"):
            page.goto(base_url + PAGE_TYPES[kind])
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{kind}-phone.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{kind} is {width}px wide on a 390px phone"
        # The graph fits the phone's column (zoom brings its labels up; test_browser_graph.py).
        page.goto(base_url + PAGE_TYPES["graph"])
        svg = page.locator("svg.dossier-graph").bounding_box()
        assert svg is not None and svg["x"] >= 0 and svg["x"] + svg["width"] <= 390
    finally:
        context.close()


# --- hostile values: nothing runs, nothing leaves 127.0.0.1 ---------------------------------


@pytest.fixture(scope="module")
def hostile_url(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site with payloads in every text field, rendered past the check."""
    site_dir, _ = hostile.model_site(tmp_path_factory.mktemp("browser-hostile") / "project")
    with _serve(site_dir) as url:
        yield url


def _record_dialogs(page: Any) -> list[str]:
    """Dismiss every alert, confirm or prompt the page opens, and list their messages."""
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


_CLICK = "el => el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}))"


def _pwned(page: Any) -> bool:
    return bool(page.evaluate("() => window.__pwned === 1"))


@pytest.mark.parametrize(
    "path",
    [
        "generated/facts/russia-delivers-s-300/",
        "generated/entities/s-300/",
        "generated/sources/daily-example-radar/",
        "generated/disputes/",
        "generated/graph/",
        "",
    ],
)
def test_hostile_pages_run_nothing(hostile_url: str, page_and_watch: tuple[Any, Watch], path: str) -> None:
    page, watch = page_and_watch
    dialogs = _record_dialogs(page)
    page.goto(hostile_url + path)
    page.wait_for_load_state("networkidle")
    assert not _pwned(page)
    # Focus every link and focusable element in the content (an injected onfocus would fire), then
    # click each link that stays on this page or goes to another page of the site.
    links = page.locator("article a[href], article [tabindex]")
    count = links.count()
    assert count, "the page should have content links"
    for i in range(count):
        links.nth(i).focus()
    assert not _pwned(page)
    hrefs = [links.nth(i).get_attribute("href") for i in range(count)]
    here = page.url
    clicked = 0
    for i, href in enumerate(hrefs):
        if href is None or href.startswith(("http:", "https:")) or clicked >= 8:
            continue  # not a link; leaving the site is the route's business; keep the test short
        clicked += 1
        # A click event activates the link as a user's click does (running a javascript: URL too),
        # without caring what covers it on screen; SVG links have no el.click().
        if urljoin(here, href).split("#")[0] == here.split("#")[0]:
            links.nth(i).evaluate(_CLICK)
        else:
            with page.expect_navigation():
                links.nth(i).evaluate(_CLICK)
        assert not _pwned(page), f"clicking {href!r} ran a payload"
        if page.url.split("#")[0] != here.split("#")[0]:
            page.goto(here)
    assert not dialogs, f"dialogs opened: {dialogs}"
    assert not watch.foreign


def test_hostile_search_results_run_nothing(hostile_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    dialogs = _record_dialogs(page)
    page.goto(hostile_url)
    results = search_results(page, "pwned")  # a word of the payloads: their pages are the results
    page.wait_for_load_state("networkidle")
    assert results.count() > 1
    # The payloads are in the results as text, and none became an element.
    assert "<script>" in page.locator(".dossier-search__results").inner_text()
    assert page.locator(".dossier-search__results *:not(li, a, span, p, mark)").count() == 0
    for i in range(results.count()):  # open each result's link target: it stays on the site
        assert (results.nth(i).locator("a").get_attribute("href") or "").startswith(hostile_url)
    assert not _pwned(page) and not dialogs
