"""The index pages in Chromium: filter and sort the facts and entities, share a filtered view, zoom
the timeline, disputes side by side (stacked on a phone), axe in light and dark, hostile data inert.

Reuses the served fixture site and the browser of tests/test_browser.py (every request leaving
127.0.0.1 and every console error fails a test). Screenshots at 1280 and 390 px land in
``test-artifacts/screenshots/indexes-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from dossier.build import build
from dossier.project import Project
from tests import test_browser
from tests.browser_support import serious_violations
from tests.sitefixtures import site_project, split_project
from tests.test_browser import SCREENSHOTS, Watch

pytestmark = pytest.mark.browser

# The fixtures of test_browser.py, shared by name: the served fixture site, Chromium, a page.
base_url = test_browser.base_url
browser = test_browser.browser
page_and_watch = test_browser.page_and_watch
hostile_url = test_browser.hostile_url

FACTS = "generated/facts/"
ENTITIES = "generated/entities/"
TIMELINE = "generated/timeline/"
DISPUTES = "generated/disputes/"


def _results(page: Any) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(".facets__results > li > a").all_inner_texts()]


def _count(page: Any, expected: str = "") -> str:
    """The announced result count, once the script has applied the filter (``expected``, if given)."""
    from playwright.sync_api import expect

    count = page.locator(".facets__count")
    if expected:
        expect(count).to_have_text(expected, timeout=10_000)
    else:
        count.filter(has_text="match").wait_for(timeout=10_000)
    return str(count.inner_text())


def _settled(page: Any, query: str) -> None:
    """Wait until the URL carries ``query`` and the results for it are on the page."""
    page.wait_for_function(
        "q => location.search.includes(q) && !document.querySelector('.facets__results[aria-busy]')",
        arg=query,
        timeout=10_000,
    )


def _query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_filtering_by_status_keeps_only_matching_facts_and_the_url_shares_it(
    base_url: str, page_and_watch: tuple[Any, Watch], browser: Any
) -> None:
    page, _ = page_and_watch
    page.goto(base_url + FACTS)
    plain = page.locator("h2#disputed")
    assert plain.is_visible()  # the plain list, until a filter is chosen
    page.get_by_label("Status", exact=True).select_option("disputed")
    _count(page, "2 of 5 facts match.")
    assert sorted(_results(page)) == [
        "Russia has begun delivering S-300 air defense systems to Iran.",
        "The deliveries took place in the first week of August 2024.",
    ]
    assert page.locator(".facets__results .badge--disputed").count() == 2
    assert not plain.is_visible()
    assert _query(page) == {"status": ["disputed"]}
    # A reload keeps the filter.
    page.reload()
    _count(page, "2 of 5 facts match.")
    assert page.get_by_label("Status", exact=True).input_value() == "disputed"
    # A shared URL opens filtered, in a fresh browser context.
    shared = page.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = context.new_page()
        other.goto(shared)
        _count(other, "2 of 5 facts match.")
        assert len(_results(other)) == 2
    finally:
        context.close()
    # Clearing brings back the plain list and a clean URL.
    page.get_by_role("button", name="Clear filters").click()
    plain.wait_for(state="visible")
    assert _query(page) == {}
    assert not page.locator(".facets__results").is_visible()


def test_facets_combine_and_the_json_is_fetched_only_when_a_reader_filters(
    base_url: str, page_and_watch: tuple[Any, Watch]
) -> None:
    page, _ = page_and_watch
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if ".json" in request.url else None)
    page.goto(base_url + FACTS)
    page.wait_for_load_state("networkidle")
    assert not [u for u in fetched if "facets/" in u], "the list is fetched before anyone filters"
    page.get_by_label("About (entity)", exact=True).fill("Shoigu")
    _count(page, "1 of 5 facts match.")
    assert _results(page) == ["Sergei Shoigu visited Tehran."]
    assert [u for u in fetched if u.endswith("generated/facets/facts.json")]
    page.get_by_label("About (entity)", exact=True).fill("")
    page.get_by_label("Outlet", exact=True).fill("Zeitung")
    _count(page, "3 of 5 facts match.")
    # A date range keeps the facts whose dates overlap it, at their precision: from the 6th, the
    # range 1–7 August stays, the 5 August facts go.
    page.get_by_label("From", exact=True).fill("2024-08-06")
    _count(page, "1 of 5 facts match.")
    assert _results(page) == ["The deliveries took place in the first week of August 2024."]
    page.get_by_label("To", exact=True).fill("2024-07")
    _count(page, "0 of 5 facts match.")
    assert _query(page) == {"outlet": ["Zeitung"], "from": ["2024-08-06"], "to": ["2024-07"]}


def test_a_date_the_filter_cannot_read_is_named_not_silently_dropped(
    base_url: str, page_and_watch: tuple[Any, Watch]
) -> None:
    page, _ = page_and_watch
    page.goto(base_url + FACTS + "?from=2024-13&to=2024-08")
    count = _count(page)
    assert count.startswith("5 of 5 facts match.")
    assert "Not read as a date, so not applied: from “2024-13”" in count
    assert "to “2024-08”" not in count
    assert page.get_by_label("From", exact=True).get_attribute("aria-invalid") == "true"
    page.get_by_label("From", exact=True).fill("2024-08-06")
    _count(page, "3 of 5 facts match.")  # the note goes once the date reads
    assert page.get_by_label("From", exact=True).get_attribute("aria-invalid") is None


def test_an_outlet_named_in_full_is_that_outlet_alone(
    base_url: str, page_and_watch: tuple[Any, Watch]
) -> None:
    # Part of a name finds every outlet holding it; a name picked from the list (or typed in full)
    # means that outlet only ("RT DE" must not also match "RT DE Weekly"). The fixture's outlets
    # share no full name, so one is renamed in the JSON the page fetches.
    page, _ = page_and_watch

    def rename(route: Any) -> None:
        data = route.fetch().json()
        for entity in data["e"].values() if isinstance(data["e"], dict) else data["e"]:
            if entity["n"] == "Weekly Example":
                entity["n"] = "Daily Example Weekly"
        route.fulfill(json=data)

    page.route("**/generated/facets/facts.json", rename)
    page.goto(base_url + FACTS)
    page.get_by_label("Outlet", exact=True).fill("example")
    _count(page, "4 of 5 facts match.")
    page.get_by_label("Outlet", exact=True).fill("Daily Example")
    _count(page, "2 of 5 facts match.")
    page.get_by_label("Outlet", exact=True).fill("daily example weekly")
    _count(page, "3 of 5 facts match.")


def test_sorting_facts_by_statement_and_entities_by_facts(
    base_url: str, page_and_watch: tuple[Any, Watch]
) -> None:
    page, _ = page_and_watch
    page.goto(base_url + FACTS)
    page.get_by_label("Sort", exact=True).select_option("name")
    _count(page, "5 of 5 facts match.")
    texts = _results(page)
    assert texts == sorted(texts, key=str.casefold) and len(texts) == 5
    page.get_by_label("Sort", exact=True).select_option("date-desc")
    _settled(page, "sort=date-desc")
    newest = _results(page)
    assert newest[:2] == [
        "Russia has begun delivering S-300 air defense systems to Iran.",
        "Sergei Shoigu visited Tehran.",
    ]
    assert _query(page) == {"sort": ["date-desc"]}

    page.goto(base_url + ENTITIES + "?type=person")
    _count(page, "1 of 10 entities match.")
    assert _results(page) == ["Sergei Shoigu"]
    page.get_by_label("Type", exact=True).select_option("")
    page.get_by_label("Sort", exact=True).select_option("facts")
    _settled(page, "sort=facts")
    counts = [
        int(t.split("·")[1].split()[0])
        for t in page.locator(".facets__results > li .facets__detail").all_inner_texts()
    ]
    assert counts == sorted(counts, reverse=True) and len(counts) == 10


def test_the_facets_work_from_the_keyboard(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url + FACTS)
    page.get_by_label("Status", exact=True).focus()
    page.keyboard.press("Tab")  # to Corroboration
    assert page.evaluate("document.activeElement.name") == "level"
    page.keyboard.press("ArrowDown")  # a closed select changes on arrow keys in Chromium
    _settled(page, "level=")
    assert _query(page) == {"level": ["independent"]}


def test_the_timeline_places_dated_and_reported_facts_with_their_precision(
    base_url: str, page_and_watch: tuple[Any, Watch]
) -> None:
    page, _ = page_and_watch
    page.goto(base_url + TIMELINE)

    def item(statement: str) -> Any:
        return page.locator("li").filter(has=page.get_by_role("link", name=statement, exact=True))

    day = item("Russia has begun delivering S-300 air defense systems to Iran.")
    assert "Happened: 5 August 2024" in day.inner_text()
    dot = day.locator(".tl-mark--day")
    assert dot.is_visible()
    reported = item("The Kremlin denied that S-300 systems were delivered to Iran.")
    assert "First reported:" in reported.inner_text()
    assert "date of the event not stated" in reported.inner_text()
    hollow = reported.locator(".tl-mark--reported")
    assert hollow.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert hollow.evaluate("el => getComputedStyle(el).borderStyle") == "dashed"
    band = item("Iran asked Russia for advanced air defense systems.").locator(".tl-mark--month")
    track = band.locator("xpath=..").bounding_box()
    box = band.bounding_box()
    assert box is not None and track is not None
    assert abs(box["width"] - track["width"]) < 2  # a month: across the whole month
    bar = (
        item("The deliveries took place in the first week of August 2024.")
        .locator(".tl-mark--range")
        .bounding_box()
    )
    assert bar is not None and 0.15 * track["width"] < bar["width"] < 0.3 * track["width"]  # 7 of 31 days
    point = dot.bounding_box()
    assert point is not None and point["x"] > track["x"] + 0.1 * track["width"]  # the 5th, not the 1st
    page.screenshot(path=str(_shot("timeline-1280")), full_page=True)


@pytest.fixture(scope="module")
def months_url(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small synthetic dossier whose timeline fits one page and spans several months."""
    project = split_project(
        tmp_path_factory.mktemp("browser-months") / "project", facts=14, entities=6, seeds=6
    )
    assert build(Project(project), quiet=True).errors == 0
    with test_browser._serve(project / "site") as url:
        yield url


def test_zooming_the_timeline_to_a_month_and_back(months_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(months_url + TIMELINE)
    months = page.locator("h3.tl-month")
    assert months.count() >= 3
    first_id = months.nth(0).get_attribute("id")
    second_id = months.nth(1).get_attribute("id")
    link = page.locator(f'.tl-overview a[href="#{second_id}"]')
    label = link.get_attribute("aria-label") or ""
    link.click()
    assert urlsplit(page.url).fragment == second_id
    note = page.locator(".tl-zoom-note")
    note.wait_for(state="visible")
    assert label.split(":")[0] in note.inner_text()
    assert page.locator(f"#{second_id}").is_visible()
    assert not page.locator(f"#{first_id}").is_visible()
    assert link.get_attribute("aria-current") == "true"
    visible_items = page.locator("article li:visible").filter(has=page.locator(".tl-mark"))
    n = int(label.split(":")[1].split()[0])
    assert visible_items.count() == n
    page.screenshot(path=str(_shot("timeline-zoomed-1280")), full_page=True)
    # A reload keeps the zoom (it is the URL's fragment); the button shows everything again.
    page.reload()
    note.wait_for(state="visible")
    page.get_by_role("button", name="Show the whole timeline").click()
    assert page.locator(f"#{first_id}").is_visible() and not note.is_visible()
    # The year link zooms to the whole year.
    page.locator(".tl-overview a.tl-ov-label").first.click()
    note.wait_for(state="visible")
    assert page.locator(f"#{first_id}").is_visible() and page.locator(f"#{second_id}").is_visible()


@pytest.fixture(scope="module")
def zensical_url(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site built by Zensical: its pages differ in markup and raw-HTML links."""
    from dossier import site

    if not site.engine("zensical").available():
        pytest.skip("zensical is not installed (pip install -e .)")
    project = site_project(tmp_path_factory.mktemp("browser-zensical") / "project")
    assert build(Project(project), quiet=True, engine="zensical").errors == 0
    with test_browser._serve(project / "site") as url:
        yield url


def test_the_index_pages_work_in_zensical_too(zensical_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(zensical_url + FACTS + "?status=denied")
    _count(page, "1 of 5 facts match.")
    results = page.locator(".facets__results > li > a")
    assert results.all_inner_texts() == ["The Kremlin denied that S-300 systems were delivered to Iran."]
    results.first.click()
    page.wait_for_url("**/generated/facts/kremlin-denies-delivery/")
    page.goto(zensical_url + ENTITIES)
    page.get_by_label("Name", exact=True).fill("schoigu")  # an alias
    _count(page, "1 of 10 entities match.")
    page.goto(zensical_url + TIMELINE)
    page.locator('.tl-overview a[href="#m2024-08"]').click()
    page.locator(".tl-zoom-note").wait_for(state="visible")
    assert page.locator(".tl-mark--reported").count() == 1
    page.goto(zensical_url + DISPUTES)
    first, second = _sides(page)
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"]
    page.locator(".dispute-side a[href*='sources/']").first.click()
    assert page.locator(":target").evaluate("el => el.tagName") == "MARK"


def _sides(page: Any) -> list[dict[str, float]]:
    group = page.locator(".dispute-sides--2").first
    boxes = [group.locator(".dispute-side").nth(i).bounding_box() for i in range(2)]
    assert all(boxes)
    return boxes


def test_disputes_side_by_side_at_1280_and_stacked_on_a_phone(base_url: str, browser: Any) -> None:
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
        page = context.new_page()
        try:
            page.goto(base_url + DISPUTES)
            heading = page.locator("h3", has_text="Disputed: Russia has begun delivering S-300")
            assert heading.is_visible()
            first, second = _sides(page)
            if width == 1280:
                assert abs(first["y"] - second["y"]) < 1 and second["x"] >= first["x"] + first["width"]
            else:
                assert second["y"] >= first["y"] + first["height"] and abs(first["x"] - second["x"]) < 1
                assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(_shot(f"disputes-{width}")), full_page=True)
        finally:
            context.close()


def test_phone_screenshots_of_the_filtered_lists_and_the_timeline(base_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        for name, path in (
            ("facts-filtered", FACTS + "?status=disputed"),
            ("entities-filtered", ENTITIES + "?type=state"),
            ("timeline", TIMELINE),
        ):
            page.goto(base_url + path)
            if "?" in path:
                _count(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
            page.screenshot(path=str(_shot(f"{name}-390")), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path",
    [
        FACTS + "?status=disputed&sort=name",
        ENTITIES + "?type=person",
        TIMELINE,
        TIMELINE + "#m2024-08",
        DISPUTES,
    ],
)
def test_axe_finds_no_serious_violation_on_the_index_pages(
    base_url: str, page_and_watch: tuple[Any, Watch], path: str, scheme: str
) -> None:
    page, _ = page_and_watch
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    if "?" in path:
        _count(page)
    violations = serious_violations(page)
    name = (
        path.strip("/")
        .replace("/", "-")
        .replace("?", "-")
        .replace("&", "-")
        .replace("=", "-")
        .replace("#", "-")
    )
    page.screenshot(path=str(_shot(f"{name}-{scheme}")), full_page=True)
    assert not violations, "\n".join(violations)


def test_hostile_values_in_the_facets_stay_text(hostile_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    dialogs = test_browser._record_dialogs(page)
    for path in (FACTS + "?sort=name", ENTITIES + "?sort=facts"):
        page.goto(hostile_url + path)
        _count(page)
        assert page.locator(".facets__results li").count() > 0
        assert (
            page.locator(".facets__results img, .facets__results script, .facets__results svg").count() == 0
        )
        hrefs = page.locator(".facets__results a").evaluate_all("els => els.map(a => a.href)")
        assert all(h.startswith(hostile_url) for h in hrefs), hrefs
        for i in range(min(5, len(hrefs))):
            page.locator(".facets__results a").nth(i).focus()
        assert not page.evaluate("() => window.__pwned === 1")
    assert not dialogs


def _shot(name: str) -> Any:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"indexes-{name}.png"
