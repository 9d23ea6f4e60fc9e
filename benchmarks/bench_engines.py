"""Build the synthetic dossier with each site engine, time it, and check every link in the HTML.

``python benchmarks/bench_engines.py [--facts 10000 --entities 2000 --seeds 1000] [--engines mkdocs,zensical]
[--keep DIR]``

For each engine: ``dossier build --engine E`` (check, render, write, the engine's strict build) on
a fresh synthetic project, then the site tests' link checker over every written HTML page (every
``<a href>`` and SVG ``xlink:href``, every load, every ``#fragment``). Prints wall and CPU seconds,
the number of pages and of broken links, and the largest generated page in words (the search
budget, ``dossier.render.SEARCH_BUDGET``, bounds the split list pages). Exits 1 if any link is
broken or a build fails. Too slow for ``make test`` at 10,000 facts (minutes per engine); run it
when the URL scheme, the splitting or an engine's version changes.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synth import generate

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dossier import render  # noqa: E402 - after the path tweak, for uninstalled checkouts
from tests.test_site import broken_links  # noqa: E402


def run(root: Path, engine: str, facts: int, entities: int, seeds: int) -> bool:
    project = root / f"dossier-{engine}"
    generate(project, facts, entities, seeds)
    dossier = Path(sys.executable).with_name("dossier")
    cmd = [str(dossier), "build", "--engine", engine, "--project", str(project)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        print(f"{engine}: build failed\n{done.stdout[-3000:]}{done.stderr[-3000:]}", flush=True)
        return False
    broken = broken_links(project)
    pages = sum(1 for _ in (project / "site").rglob("*.html"))
    largest = max(
        (render.tokens(p.read_text("utf-8")), p.name) for p in (project / "docs" / "generated").rglob("*.md")
    )
    print(
        f"{engine:>9} {facts:>6} facts: build {wall:7.1f} s wall, {cpu:7.1f} s CPU; {pages} HTML pages; "
        f"{len(broken)} broken links; largest page {largest[0]} words ({largest[1]})",
        flush=True,
    )
    for line in broken[:20]:
        print(f"    {line}")
    return not broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--seeds", type=int, default=1_000)
    parser.add_argument("--engines", default="mkdocs,zensical")
    parser.add_argument("--keep", type=Path, help="build here and keep the projects (default: a temp dir)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-engines-"))
    ok = True
    try:
        for engine in args.engines.split(","):
            ok = run(root, engine, args.facts, args.entities, args.seeds) and ok
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
