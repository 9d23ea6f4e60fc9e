"""Measure the site's search (Pagefind) on a synthetic dossier: index size, bytes fetched, time to results.

``python benchmarks/bench_search.py OUT --facts 10000 --engine mkdocs`` generates the dossier in OUT
(``synth.py``; kept, and reused when OUT already holds a built site), builds it with ``dossier
build``, then drives Chromium against the site served on 127.0.0.1: it loads the largest HTML
page, opens the header search, types each query and prints how long the first results took after
the page had loaded and how many bytes the browser fetched for the search. Numbers, not
assertions: issue 9's targets are ≤ 1 s to first results and ≤ 1 MB fetched per query.

``--edit`` then gives one fact's statement a new word ("Quokkafjord") and builds again: the index
of that incremental build is a delta beside the full one (see dossier/search.py), and the queries,
the new word among them, run against it.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from synth import generate

# A word on nearly every synthetic page (the worst case: every page is ranked), two that name one page.
QUERIES = ("missile", "Entity 1234", "Synthetic article 512")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build(out: Path, facts: int, engine: str) -> float:
    """Generate and build the dossier in ``out`` unless it is built; the build's wall time (0 if reused)."""
    if (out / "site" / "pagefind-bundles.json").is_file():
        return 0.0
    if not (out / "data").is_dir():
        generate(out, facts, max(facts // 5, 1), max(facts // 10, 1))
    dossier = shutil.which("dossier") or str(Path(sys.executable).with_name("dossier"))
    start = time.perf_counter()
    subprocess.run([dossier, "build", "--project", str(out), "--engine", engine], check=True)
    return time.perf_counter() - start


def edit(out: Path, engine: str) -> float:
    """Put a new word in fact-1's statement and build again (incremental); the build's wall time."""
    facts = out / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    at = text.index("    statement: ", text.index("  - id: fact-1\n")) + len("    statement: ")
    facts.write_text(text[:at] + "Quokkafjord " + text[at:], "utf-8")
    dossier = shutil.which("dossier") or str(Path(sys.executable).with_name("dossier"))
    start = time.perf_counter()
    subprocess.run([dossier, "build", "--project", str(out), "--engine", engine], check=True)
    return time.perf_counter() - start


def sizes(site: Path) -> tuple[int, int, int]:
    """Bytes and files of every Pagefind bundle, and the largest HTML page's bytes."""
    files = [p for bundle in site.glob("pagefind*/") for p in bundle.rglob("*") if p.is_file()]
    largest = max(p.stat().st_size for p in site.rglob("*.html"))
    return sum(p.stat().st_size for p in files), len(files), largest


def measure(site: Path, queries: tuple[str, ...]) -> None:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    largest = max(site.rglob("*.html"), key=lambda p: p.stat().st_size).relative_to(site).as_posix()
    page_url = base + largest.removesuffix("index.html")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for query in queries:
            page = browser.new_page()
            fetched: list[int] = []

            def on_response(response: Any, into: list[int] = fetched) -> None:
                if "/pagefind" in response.url:
                    try:
                        into.append(len(response.body()))
                    except Exception:  # a failed or redirected response has no body
                        into.append(0)

            page.on("response", on_response)
            start = time.perf_counter()
            page.goto(page_url, wait_until="load")
            loaded = time.perf_counter()
            page.keyboard.press("/")
            page.keyboard.insert_text(query)  # all at once: the time is the search's, not the typing's
            page.locator(".dossier-search__status", has_text=f"for “{query}”").wait_for(timeout=120_000)
            first = time.perf_counter()
            page.wait_for_load_state("networkidle")
            results = page.locator(".dossier-search__result").count()
            print(
                f"  query {query!r}: page load {loaded - start:.2f} s; first results "
                f"{first - loaded:.2f} s after load ({results} shown); search fetched "
                f"{sum(fetched) / 1e6:.2f} MB in {len(fetched)} requests"
            )
            page.close()
        browser.close()
    server.shutdown()
    print(f"  largest page: {largest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--engine", default="mkdocs", choices=("mkdocs", "zensical"))
    parser.add_argument("--edit", action="store_true", help="edit one fact and build again first")
    args = parser.parse_args()
    took = build(args.out, args.facts, args.engine)
    queries: tuple[str, ...] = QUERIES
    if args.edit:
        print(f"after a one-fact edit: build {edit(args.out, args.engine):.1f} s")
        queries += ("Quokkafjord",)
    total, count, largest = sizes(args.out / "site")
    print(
        f"{args.facts} facts, engine {args.engine}:" + (f" build {took:.0f} s" if took else " (site reused)")
    )
    print(
        f"  pagefind index: {total / 1e6:.1f} MB in {count} files; largest HTML page {largest / 1e3:.0f} KB"
    )
    measure(args.out / "site", queries)


if __name__ == "__main__":
    main()
