"""The graph, the entity neighbourhood graph and the seed reader in Chromium.

The fixture site of tests/test_browser.py (its fixtures are reused: the site is built and served
on 127.0.0.1, every request elsewhere fails the test, console errors fail it). Measured as the
reader gets it: bounding boxes at 1280 and 390 px, transforms after clicks, computed styles after
hover and focus, axe in light and dark. Screenshots land in ``test-artifacts/screenshots/``.
"""

# ruff: noqa: F811 - pytest fixtures imported from test_browser.py are parameters by name
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dossier.build import build
from dossier.project import Project
from tests.browser_support import serious_violations
from tests.sitefixtures import site_project
from tests.test_browser import (  # noqa: F401 - fixtures, used by name
    PAGE_TYPES,
    SCREENSHOTS,
    Watch,
    _serve,
    base_url,
    browser,
    page_and_watch,
)

pytestmark = pytest.mark.browser

GRAPH = PAGE_TYPES["graph"]
ENTITY = PAGE_TYPES["entity"]  # S-300: three related entities
SEED = PAGE_TYPES["seed"]  # the German seed: three passages, each with a translation
FACT = PAGE_TYPES["fact"]
TARGET = "q-russia-delivers-s-300-5"  # the German seed's passage [1], the fact's 5th source

# Every label inside the viewBox, the picture inside the content column, nothing sideways.
_FIT = """svg => {
  const vb = svg.viewBox.baseVal;
  const clipped = [];
  for (const t of svg.querySelectorAll('text')) {
    const b = t.getBBox();
    if (b.x < vb.x || b.y < vb.y || b.x + b.width > vb.x + vb.width || b.y + b.height > vb.y + vb.height)
      clipped.push(t.textContent);
  }
  const box = svg.getBoundingClientRect();
  const column = svg.closest('.md-content__inner').getBoundingClientRect();
  return {
    clipped, texts: svg.querySelectorAll('text').length,
    inside: box.left >= column.left - 0.5 && box.right <= column.right + 0.5,
    width: box.width, column: column.width,
    scroll: document.documentElement.scrollWidth,
  };
}"""


def _context(browser: Any, width: int, js: bool = True) -> Any:
    return browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=js, is_mobile=width < 500
    )


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def phone_or_desktop(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    width, js = request.param
    context = _context(browser, width, js)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


@pytest.mark.parametrize(
    "phone_or_desktop",
    [(1280, True), (390, True), (1280, False), (390, False)],
    ids=["1280", "390", "1280-nojs", "390-nojs"],
    indirect=True,
)
@pytest.mark.parametrize("kind", ["graph", "entity"])
def test_the_graph_fits_its_column_with_no_label_clipped(
    base_url: str, phone_or_desktop: Any, kind: str, request: pytest.FixtureRequest
) -> None:
    page = phone_or_desktop
    page.goto(base_url + PAGE_TYPES[kind])
    svg = page.locator("svg.dossier-graph").first
    fit = svg.evaluate(_FIT)
    assert fit["texts"] >= 4
    assert not fit["clipped"], f"labels outside the viewBox: {fit['clipped']}"
    assert fit["inside"], f"{fit['width']}px picture in a {fit['column']}px column"
    assert fit["width"] >= fit["column"] - 1, "the picture fills its column"
    width = page.viewport_size["width"]
    assert fit["scroll"] <= width, f"the page scrolls sideways ({fit['scroll']}px at {width}px)"
    svg.scroll_into_view_if_needed()
    _shot(page, f"{kind}-graph-{request.node.callspec.id.split('-', 1)[1]}")


def _transform(page: Any) -> str:
    return str(page.locator("svg.dossier-graph .graph-view").first.get_attribute("transform"))


def test_zoom_buttons_and_keys_change_the_transform(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url + GRAPH)
    assert "scale(1.000)" in _transform(page)
    page.get_by_role("button", name="Zoom in").click()
    assert "scale(1.500)" in _transform(page)
    page.get_by_role("button", name="Zoom in").click()
    assert "scale(2.250)" in _transform(page)
    assert page.locator("svg.dossier-graph").first.evaluate("el => el.classList.contains('is-zoomed')")
    page.get_by_role("button", name="Zoom out").click()
    assert "scale(1.500)" in _transform(page)
    page.get_by_role("button", name="Reset zoom").click()
    assert _transform(page) == "translate(0.00 0.00) scale(1.000)"
    # The keyboard alone: Tab to the button and press it; + on a focused node zooms too.
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Enter")
    assert "scale(1.500)" in _transform(page)
    page.locator('svg.dossier-graph a[data-node="russia"]').focus()
    page.keyboard.press("+")
    assert "scale(2.250)" in _transform(page)
    page.keyboard.press("0")
    assert "scale(1.000)" in _transform(page)


def test_ctrl_wheel_zooms_and_drag_pans(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url + GRAPH)
    svg = page.locator("svg.dossier-graph").first
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.wheel(0, 200)  # a plain wheel scrolls the page, and leaves the picture alone
    assert "scale(1.000)" in _transform(page)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    zoomed = _transform(page)
    assert "scale(1.000)" not in zoomed
    box = svg.bounding_box()
    assert box is not None
    x, y = box["x"] + 20, box["y"] + box["height"] / 2  # a spot off any node
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 30, steps=5)
    page.mouse.up()
    assert _transform(page) != zoomed and "scale(" + zoomed.split("scale(")[1] in _transform(page)


def _opacity(page: Any, node: str) -> float:
    return float(
        page.locator(f'svg.dossier-graph a[data-node="{node}"]').first.evaluate(
            "el => getComputedStyle(el).opacity"
        )
    )


def _neighbours(page: Any, node: str) -> tuple[set[str], set[str]]:
    """The nodes joined to ``node`` by an edge, and all the others, read from the picture."""
    edges = page.locator("svg.dossier-graph .graph-edges line").evaluate_all(
        "ls => ls.map(l => [l.dataset.a, l.dataset.b])"
    )
    near = {b for a, b in edges if a == node} | {a for a, b in edges if b == node}
    every = set(
        page.locator("svg.dossier-graph a.graph-node").evaluate_all("ns => ns.map(n => n.dataset.node)")
    )
    return near, every - near - {node}


@pytest.mark.parametrize("how", ["hover", "focus"])
def test_hover_or_focus_brings_out_a_nodes_neighbours(
    base_url: str, page_and_watch: tuple[Any, Watch], how: str
) -> None:
    page, _ = page_and_watch
    page.emulate_media(reduced_motion="reduce")  # no fade: the styles are final at once
    page.goto(base_url + GRAPH)
    near, far = _neighbours(page, "s-300")
    assert near and far, "the fixture's S-300 has neighbours and non-neighbours"
    node = page.locator('svg.dossier-graph a[data-node="s-300"]')
    if how == "hover":
        node.hover()
    else:
        page.get_by_role("button", name="Reset zoom").focus()
        for _ in range(40):  # Tab through the nodes, as a keyboard user does
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.dataset.node") == "s-300":
                break
        else:
            pytest.fail("Tab never reached the S-300 node")
    assert _opacity(page, "s-300") == 1
    assert all(_opacity(page, n) == 1 for n in near), near
    assert all(_opacity(page, n) < 0.5 for n in far), far
    _shot(page, f"graph-{how}-s-300")
    if how == "hover":
        page.mouse.move(0, 0)
    else:
        page.get_by_role("button", name="Reset zoom").focus()  # focus leaves the picture
    assert all(_opacity(page, n) == 1 for n in far)


@pytest.mark.parametrize(("kind", "node"), [("graph", "iran"), ("entity", "russia")])
def test_clicking_a_node_opens_its_entity_page(
    base_url: str, page_and_watch: tuple[Any, Watch], kind: str, node: str
) -> None:
    page, _ = page_and_watch
    page.goto(base_url + PAGE_TYPES[kind])
    page.locator(f'svg.dossier-graph a[data-node="{node}"] circle').click()
    page.wait_for_url(f"**/generated/entities/{node}/")
    assert page.locator("h1").inner_text().startswith(node.capitalize())


def test_the_entity_page_draws_its_neighbourhood(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.goto(base_url + ENTITY)
    svg = page.locator("#connections ~ figure svg.dossier-graph")
    assert svg.count() == 1
    nodes = svg.locator("a.graph-node").evaluate_all("ns => ns.map(n => n.dataset.node)")
    related = page.locator("#related ~ ul").first.locator("li").count()
    assert nodes[0] == "s-300" and len(nodes) == 1 + related == 4
    assert svg.locator("a.graph-node--centre").get_attribute("data-node") == "s-300"
    titles = svg.locator(".graph-edges line title").evaluate_all("ts => ts.map(t => t.textContent)")
    assert "Russia and S-300: 2 shared facts" in titles


def _background(page: Any, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("el => getComputedStyle(el).backgroundColor"))


CLEAR = "rgba(0, 0, 0, 0)"


def test_a_citation_link_focuses_its_passage(base_url: str, page_and_watch: tuple[Any, Watch]) -> None:
    page, _ = page_and_watch
    page.set_viewport_size({"width": 1280, "height": 500})  # short: the browser must scroll to it
    page.goto(base_url + FACT)
    page.get_by_role("link", name="See the passage highlighted in the source text").nth(4).click()
    page.wait_for_url(f"**/{SEED}#{TARGET}")
    target = page.locator(f"mark#{TARGET}")
    others = "mark.cite:not(#" + TARGET + ")"
    assert _background(page, f"mark#{TARGET}") != CLEAR
    assert page.locator(f".seed-text {others}").count() == 2
    assert all(
        m.evaluate("el => getComputedStyle(el).backgroundColor") == CLEAR
        for m in page.locator(f".seed-text {others}").all()
    ), "the other passages are dimmed"
    assert target.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    # In view, and not under the header or the sticky bar.
    bar = page.locator(".passage-focus")
    assert bar.is_visible()
    assert "Passage [1] of 3 is in focus" in bar.inner_text()
    top = target.evaluate("el => el.getBoundingClientRect().top")
    assert bar.evaluate("el => el.getBoundingClientRect().bottom") <= top < 500
    _shot(page, "seed-focused-1280")
    toggle = page.get_by_role("button", name="Show all passages")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert "All 3 passages are highlighted" in bar.inner_text()
    assert all(
        m.evaluate("el => getComputedStyle(el).backgroundColor") != CLEAR
        for m in page.locator(f".seed-text {others}").all()
    )
    toggle.click()
    assert _background(page, f".seed-text {others}") == CLEAR


def test_without_javascript_the_target_still_focuses(browser: Any, base_url: str) -> None:
    context = _context(browser, 390, js=False)
    page = context.new_page()
    try:
        page.goto(f"{base_url}{SEED}#{TARGET}")
        assert _background(page, f".seed-text mark.cite:not(#{TARGET})") == CLEAR
        assert _background(page, f"mark#{TARGET}") != CLEAR
        _shot(page, "seed-focused-390-nojs")
        page.get_by_role("link", name="Show all passages").click()
        page.wait_for_url("**#text")
        assert _background(page, f".seed-text mark.cite:not(#{TARGET})") != CLEAR
        assert not page.locator(".passage-focus").is_visible()
        page.goto(base_url + SEED)  # arriving without a passage: all highlighted, no bar
        assert not page.locator(".passage-focus").is_visible()
        assert all(
            m.evaluate("el => getComputedStyle(el).backgroundColor") != CLEAR
            for m in page.locator(".seed-text mark.cite").all()
        )
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_translation_stands_beside_its_german_passage(browser: Any, base_url: str, width: int) -> None:
    context = _context(browser, width)
    page = context.new_page()
    try:
        page.goto(f"{base_url}{SEED}#{TARGET}")
        note = page.locator(f'.cite-translation[data-passage="{TARGET}"]')
        assert note.is_visible()
        assert note.get_attribute("lang") == "en" and note.get_attribute("role") == "note"
        assert note.inner_text() == (
            "Translation [1]: Russia has begun supplying Iran with S-300 air defense systems"
        )
        mark = page.locator(f"mark#{TARGET}").bounding_box()
        box = note.bounding_box()
        assert mark is not None and box is not None
        assert 0 <= box["y"] - (mark["y"] + mark["height"]) < 40, "right below its passage"
        assert "Received as" not in page.locator("article").inner_text()
        _shot(page, f"seed-translation-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [GRAPH, ENTITY, f"{SEED}#{TARGET}"], ids=["graph", "entity", "seed-focused"])
def test_axe_is_clean_on_graph_entity_and_focused_seed(
    base_url: str, page_and_watch: tuple[Any, Watch], path: str, scheme: str
) -> None:
    page, _ = page_and_watch
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    if "graph" in path:
        page.get_by_role("button", name="Zoom in").click()  # audit the zoomed state, status shown
    violations = serious_violations(page)
    assert not violations, "\n".join(violations)


@pytest.fixture(scope="module")
def zensical_url(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site built by Zensical, which writes raw-HTML links its own way."""
    project: Path = site_project(tmp_path_factory.mktemp("browser-zensical") / "project")
    assert build(Project(project), quiet=True, engine="zensical").errors == 0
    with _serve(project / "site") as url:
        yield url


def test_the_graph_and_the_reader_work_in_zensical(zensical_url: str, browser: Any) -> None:
    errors: list[str] = []
    for width in (1280, 390):
        context = _context(browser, width)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            for kind in ("graph", "entity"):
                page.goto(zensical_url + PAGE_TYPES[kind])
                fit = page.locator("svg.dossier-graph").first.evaluate(_FIT)
                assert not fit["clipped"] and fit["inside"], (kind, width, fit)
                _shot(page, f"zensical-{kind}-{width}")
            page.get_by_role("button", name="Zoom in").click()
            assert "scale(1.500)" in _transform(page)
            page.locator('svg.dossier-graph a[data-node="russia"] circle').click()
            page.wait_for_url("**/generated/entities/russia/")
            page.goto(zensical_url + ENTITY)  # a neighbourhood: its links are written per engine
            page.locator('svg.dossier-graph a[data-node="iran"] circle').click()
            page.wait_for_url("**/generated/entities/iran/")
            page.goto(zensical_url + FACT)
            page.get_by_role("link", name="See the passage highlighted in the source text").nth(4).click()
            page.wait_for_url(f"**/{SEED}#{TARGET}")
            assert _background(page, f".seed-text mark.cite:not(#{TARGET})") == CLEAR
            assert page.locator(f'.cite-translation[data-passage="{TARGET}"]').is_visible()
            _shot(page, f"zensical-seed-focused-{width}")
        finally:
            context.close()
        assert not errors, errors
