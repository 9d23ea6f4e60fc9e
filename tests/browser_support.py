"""Helpers any Chromium test can share: serve a built site, launch the browser, take screenshots.

``tests/test_browser.py`` has its own copies of the first two; new browser test files
(``tests/test_browser_*.py``) should use these instead:

- :func:`chromium_or_skip`: the browser's path, or skip the test saying why;
- :func:`serve`: a folder served on 127.0.0.1 (a free port), as a context manager yielding its URL;
- :func:`launch`: Playwright's Chromium with the flags the machine needs (a context manager);
- :func:`guard`: fail on console errors and on any request leaving 127.0.0.1;
- :func:`screenshots`: PNGs of named pages at 1280 and 390 px (first screen and whole page), in
  ``test-artifacts/screenshots/`` (CI uploads the folder).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.sitefixtures import ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WIDTHS = (1280, 390)  # a laptop and a phone
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_or_skip() -> str:
    """The path of Chromium, or skip: no browser, or no Playwright."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    return found


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) and yield its URL, ending in ``/``."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def launch() -> Iterator[Any]:
    """Headless Chromium through Playwright (call :func:`chromium_or_skip` first)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_or_skip(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def guard(page: Any) -> list[str]:
    """Record console errors and abort requests to any host but 127.0.0.1; returns the problems.

    Assert the list is empty at the end of the test.
    """
    problems: list[str] = []

    def route(request_route: Any) -> None:
        if urlsplit(request_route.request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            problems.append(f"request left 127.0.0.1: {request_route.request.url}")
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return problems


def screenshots(
    browser: Any,
    base_url: str,
    pages: Mapping[str, str],
    *,
    prefix: str = "",
    widths: Iterable[int] = WIDTHS,
    folder: Path = SCREENSHOTS,
) -> list[Path]:
    """Screenshots of ``pages`` (name: path below ``base_url``) at each width; returns the files.

    Two of each: ``folder/<prefix><name>-<width>.png``, the first screen as a reader sees it
    (the theme fades its tabs out once a page scrolls, which a full-page shot does), and
    ``…-<width>-full.png``, the whole page. A phone width gets a mobile viewport (touch, no hover).
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for width in widths:
        phone = width < 600
        context = browser.new_context(
            viewport={"width": width, "height": 844 if phone else 900}, is_mobile=phone, has_touch=phone
        )
        try:
            page = context.new_page()
            for name, path in pages.items():
                page.goto(base_url + path)
                page.wait_for_load_state("load")
                first = folder / f"{prefix}{name}-{width}.png"
                page.screenshot(path=str(first))
                whole = folder / f"{prefix}{name}-{width}-full.png"
                page.screenshot(path=str(whole), full_page=True)
                written += [first, whole]
        finally:
            context.close()
    return written


def serious_violations(page: Any) -> list[str]:
    """axe's serious and critical findings on ``page`` once its CSS transitions have ended.

    The theme fades its tabs out when the page is scrolled (as by an anchor in the URL, or a
    full-page screenshot): measured mid-fade, their colours fail the contrast rule, which no
    reader ever sees (CI caught exactly that once). The scroll handler starts the fade a moment
    after the load, so the wait begins a little later.
    """
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_timeout(250)
    with contextlib.suppress(Exception):  # an endless animation must not hang the audit
        page.wait_for_function(
            "() => document.getAnimations().every((a) => a.playState !== 'running')", timeout=10_000
        )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
