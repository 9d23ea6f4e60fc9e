"""Print every row of issue 9's target table at 1,000, 10,000 and 50,000 facts.

``python benchmarks/bench_scale.py [--scales 1000,10000,50000] [--runs 3] [--no-build]``

For each scale it generates the synthetic dossier (``benchmarks/synth.py``: facts, facts / 5
entities, facts / 10 seeds) and runs the real ``dossier`` commands as separate processes, each in
a fresh wrapper process that reports its wall time, CPU time (user + system, children included)
and peak memory (``ru_maxrss`` of the command and its forked workers). Times are medians of
``--runs`` runs; memory is the largest run. The targets hold at 10,000 facts, and peak memory
must stay under 1 GB at 50,000; rows without a target at a scale print the number alone.

``build`` rows call ``dossier build`` (from clean, then after a one-fact edit); they take minutes
at 10,000 facts, so ``--no-build`` skips them (and the page-size and search rows, which read
the built site). ``serve`` is measured by ``benchmarks/bench_serve.py``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from synth import generate

DOSSIER = [sys.executable, "-m", "dossier"]
TARGET_SCALE = 10_000
MEMORY_SCALE = 50_000
MEMORY_LIMIT_MB = 1024

# ru_maxrss of RUSAGE_CHILDREN is a running maximum over all children ever waited for, so each
# run gets a fresh wrapper that runs the one command and reports its own children's peak.
_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "w = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(r.returncode, w, u.ru_utime + u.ru_stime, u.ru_maxrss)\n"
)


@dataclass
class Measured:
    """Medians of wall and CPU seconds, and the peak memory, of some runs of one command."""

    wall: float
    cpu: float
    peak_mb: float
    codes: tuple[int, ...]


def run(cmd: list[str], cwd: Path, runs: int = 1, before: Callable[[int], object] | None = None) -> Measured:
    walls, cpus, peaks, codes = [], [], [], []
    for i in range(runs):
        if before is not None:
            before(i)
        done = subprocess.run(
            [sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, capture_output=True, check=True, text=True
        )
        code, wall, cpu, peak_kb = done.stdout.split()
        walls.append(float(wall))
        cpus.append(float(cpu))
        peaks.append(int(peak_kb) / 1024)
        codes.append(int(code))
    return Measured(statistics.median(walls), statistics.median(cpus), max(peaks), tuple(codes))


@dataclass
class Row:
    name: str
    target: str
    measured: str
    ok: bool | None  # None: no target at this scale


def timed(name: str, m: Measured, limit: float | None) -> Row:
    text = f"{m.wall:.2f} s wall, {m.cpu:.2f} s CPU, {m.peak_mb:.0f} MB"
    if any(c not in (0, 1) for c in m.codes):
        text += f" (exit {m.codes})"
    return Row(name, f"≤ {limit:g} s" if limit else "", text, None if limit is None else m.wall <= limit)


def _edit_one_fact(facts: Path, i: int) -> None:
    """Change one word of one fact's statement (a different fact each run)."""
    text = facts.read_text("utf-8")
    anchor = f"  - id: fact-{7 * i + 3}\n    statement: "
    at = text.index(anchor) + len(anchor)
    quote = text[at] == '"'
    word_at = at + (1 if quote else 0)
    facts.write_text(text[:word_at] + f"Edited{i} " + text[word_at:], "utf-8")


def _largest_html(site: Path) -> tuple[int, str]:
    pages = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    return max(pages) if pages else (0, "")


def _search_bytes(site: Path) -> tuple[int, str]:
    """The search index's size, and what one query fetches."""
    lunr = site / "search" / "search_index.json"
    pagefind = site / "pagefind"
    if pagefind.is_dir():
        total = sum(p.stat().st_size for p in pagefind.rglob("*") if p.is_file())
        return total, "Pagefind: fragments fetched per query (see bench_search, if any); total shown"
    if lunr.exists():
        return lunr.stat().st_size, "one JSON index, fetched whole before the first query"
    return 0, "no search index found"


def bench_scale(facts: int, runs: int, build: bool, engine: str | None) -> list[Row]:
    entities, seeds = max(facts // 5, 10), max(facts // 10, 5)
    rows: list[Row] = []
    target = facts == TARGET_SCALE
    with tempfile.TemporaryDirectory(prefix="dossier-scale-") as tmp:
        project = Path(tmp)
        generate(project, facts, entities, seeds)
        data = project / "data" / "facts.yaml"
        original = data.read_bytes()
        print(
            f"\n## {facts:,} facts, {entities:,} entities, {seeds:,} seeds (facts.yaml {len(original) / 1e6:.1f} MB)"
        )
        cold = run([*DOSSIER, "check", "--no-cache"], project, runs)
        rows.append(timed("check cold (--no-cache)", cold, 3.5 if target else None))
        run([*DOSSIER, "check"], project)  # fills the caches
        edited = run([*DOSSIER, "check"], project, runs, lambda i: _edit_one_fact(data, i))
        rows.append(timed("check after a one-fact edit", edited, 0.5 if target else None))
        unchanged = run([*DOSSIER, "check"], project, runs)
        rows.append(timed("check unchanged", unchanged, 0.2 if target else None))
        data.write_bytes(original)
        rewrite = run([*DOSSIER, "fmt"], project, runs, lambda _: data.write_bytes(original))
        rows.append(
            timed("fmt rewrite (the generated file is not canonical)", rewrite, 30 if target else None)
        )
        fmt_check = run([*DOSSIER, "fmt", "--check"], project, runs)
        rows.append(timed("fmt --check on a canonical file", fmt_check, 3 if target else None))
        export = run([*DOSSIER, "export", "--format", "json", "--out", str(project / "export")], project)
        rows.append(timed("export --format json", export, None))
        shutil.copy(data, project / "base.yaml")
        _edit_one_fact(data, 99)
        diff = run([*DOSSIER, "diff", "base.yaml", "data/facts.yaml"], project)
        rows.append(timed("diff of two facts files", diff, None))
        measured = [cold, edited, unchanged, rewrite, fmt_check, export, diff]
        if build:
            engine_args = ["--engine", engine] if engine else []
            clean = run([*DOSSIER, "build", *engine_args], project)
            rows.append(timed("build from clean", clean, 120 if target else None))
            again = run([*DOSSIER, "build", *engine_args], project, 1, lambda i: _edit_one_fact(data, 50 + i))
            rows.append(timed("build after a one-fact edit", again, 10 if target else None))
            measured += [clean, again]
            size, page = _largest_html(project / "site")
            rows.append(
                Row(
                    "largest HTML page",
                    "≤ 300 KB" if target else "",
                    f"{size / 1024:.0f} KB ({page})",
                    size <= 300 * 1024 if target else None,
                )
            )
            index, how = _search_bytes(project / "site")
            rows.append(
                Row(
                    "search: bytes fetched per query",
                    "≤ 1 MB" if target else "",
                    f"{index / 1e6:.1f} MB: {how}",
                    index <= 1e6 if target else None,
                )
            )
        else:
            rows.append(
                Row(
                    "build (from clean / after an edit), largest page, search",
                    "",
                    "not run (--no-build)",
                    None,
                )
            )
        rows.append(
            Row(
                "serve: save -> updated page",
                "≤ 2 s" if target else "",
                "measured by benchmarks/bench_serve.py",
                None,
            )
        )
        peak = max(m.peak_mb for m in measured)
        at_limit = facts >= MEMORY_SCALE
        rows.append(
            Row(
                "peak memory, any command above",
                f"≤ {MEMORY_LIMIT_MB} MB" if at_limit else "",
                f"{peak:.0f} MB",
                peak <= MEMORY_LIMIT_MB if at_limit else None,
            )
        )
    return rows


def print_rows(rows: list[Row]) -> None:
    width = max(len(r.name) for r in rows)
    for r in rows:
        mark = {True: "✓", False: "✗", None: " "}[r.ok]
        print(f"{mark} {r.name:<{width}}  {r.target:>9}  {r.measured}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1000,10000,50000", help="numbers of facts, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-build", action="store_true", help="skip dossier build (minutes per engine)")
    parser.add_argument("--engine", choices=("mkdocs", "zensical"), default=None)
    args = parser.parse_args()
    for facts in (int(s) for s in args.scales.split(",")):
        print_rows(bench_scale(facts, args.runs, not args.no_build, args.engine))


if __name__ == "__main__":
    main()
