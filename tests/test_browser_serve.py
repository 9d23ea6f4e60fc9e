"""``dossier serve`` in Chromium: a check error appears at the top of the open page by itself
(the engine's live reload, or the check-status script's own asking), with the located message,
and goes away once the data is fixed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dossier import build
from dossier.diagnostics import RULES, Diagnostic
from dossier.project import Project
from dossier.urls import ENGINES
from tests.browser_support import serve
from tests.sitefixtures import site_project
from tests.test_browser import CHROMIUM
from tests.test_serve import FACT_PAGE, serving

pytestmark = pytest.mark.browser

WAIT_MS = 240_000  # the machine may be busy; a working serve answers in a few seconds


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def _open(page: Any, url: str) -> None:
    """Go to ``url`` once the server answers, and wait for its heading."""
    for _ in range(WAIT_MS // 500):
        try:
            page.goto(url)
            break
        except Exception:
            page.wait_for_timeout(500)
    page.locator("h1").wait_for(timeout=WAIT_MS)


def _in_view(page: Any, banner: Any) -> None:
    """The banner is where the reader looks: within the window, at its top, also once the
    browser has put back the scroll position of the page it reloaded."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)  # scroll restoration and anchoring come after the script ran
    top, bottom = banner.evaluate("b => [b.getBoundingClientRect().top, b.getBoundingClientRect().bottom]")
    assert top == 0 and bottom > 0, f"the banner is out of sight: top {top}, bottom {bottom}"


@pytest.mark.parametrize("engine", ENGINES)
def test_check_errors_show_in_the_open_page_and_clear(browser: Any, tmp_path: Path, engine: str) -> None:
    project = site_project(tmp_path / "project")
    facts = project / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    with serving(project, engine) as url:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _open(page, url + FACT_PAGE)
        assert page.locator(".dossier-check-errors").count() == 0

        facts.write_text(
            text.replace("about: [russia, iran, s-300]", "about: [russia, <i>nobody</i>]"), "utf-8"
        )
        banner = page.locator(".dossier-check-errors")
        banner.wait_for(timeout=WAIT_MS)  # no reload by the test: the page reloads by itself
        _in_view(page, banner)
        shown = banner.inner_text()
        assert "data/facts.yaml:" in shown and "E203" in shown and "<i>nobody</i>" in shown, shown
        assert page.locator(".dossier-check-errors i").count() == 0, "a value became markup"
        assert banner.get_attribute("role") == "alert"
        assert page.locator("h1").count() == 1, "the last good page stays beneath the banner"

        facts.write_text(text, "utf-8")  # fixed at once, while the engine may still be rebuilding
        banner.wait_for(state="detached", timeout=WAIT_MS)
        page.close()
        assert not errors, errors


def test_a_served_page_reloads_itself_when_the_check_changes(browser: Any, tmp_path: Path) -> None:
    """Under ``serve`` the check-status script asks for itself every second and reloads the page
    when the findings change, so the banner comes and goes even when no live reload reaches the
    page (a page reloading while the engine sends its message never hears it). Here nothing but a
    plain file server: only the script's own asking can bring the banner."""
    project = site_project(tmp_path / "project")
    assert build.build(Project(project), quiet=True).errors == 0
    script = project / "site" / "generated" / build.CHECK_SCRIPT
    script.write_text(build.check_script((), live=True), "utf-8")
    hostile = Diagnostic("data/facts.yaml", 7, 3, "E203", RULES["E203"].severity, "<i>nobody</i>")
    with serve(project / "site") as url:
        page = browser.new_page()
        page.goto(url + FACT_PAGE)
        banner = page.locator(".dossier-check-errors")
        assert banner.count() == 0
        script.write_text(build.check_script([hostile], live=True), "utf-8")
        banner.wait_for(timeout=WAIT_MS)
        _in_view(page, banner)
        assert "data/facts.yaml:7:3: E203" in banner.inner_text()
        assert page.locator(".dossier-check-errors i").count() == 0, "a value became markup"
        script.write_text(build.check_script((), live=True), "utf-8")
        banner.wait_for(state="detached", timeout=WAIT_MS)
        page.close()


def test_a_built_site_never_asks_for_the_check_again(browser: Any, tmp_path: Path) -> None:
    """The published site's check-status script is inert: one request for it, then none."""
    project = site_project(tmp_path / "project")
    assert build.build(Project(project), quiet=True).errors == 0
    with serve(project / "site") as url:
        page = browser.new_page()
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(url + FACT_PAGE)
        page.wait_for_timeout(3500)  # a live script would have asked three times by now
        assert [u for u in asked if u.endswith(build.CHECK_SCRIPT)] == [
            url + "generated/" + build.CHECK_SCRIPT
        ]
        page.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_an_edit_reaches_the_open_page(browser: Any, tmp_path: Path, engine: str) -> None:
    """A saved statement shows in the page open in the browser, which reloads by itself (the
    engine's live reload: with MkDocs, after a rebuild of only the pages the save wrote)."""
    project = site_project(tmp_path / "project")
    facts = project / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    with serving(project, engine) as url:
        page = browser.new_page()
        _open(page, url + FACT_PAGE)
        for n in range(2):  # twice: the second edit is rebuilt from what the first left
            edited = f"Russia has begun delivering S-300 air defense systems to Iran, edit {n}."
            facts.write_text(
                text.replace("Russia has begun delivering S-300 air defense systems to Iran.", edited),
                "utf-8",
            )
            page.get_by_text(edited).first.wait_for(timeout=WAIT_MS)  # no reload by the test
            assert page.locator("h1").count() == 1
        page.close()
