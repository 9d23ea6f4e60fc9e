"""Benchmark the site build on a synthetic dossier: our stages next to the site engine's.

``python benchmarks/bench_site.py [--facts 10000 --entities 2000 --seeds 1000] [--scales 0.25,0.5,1]``
``python benchmarks/bench_site.py --builds [--engines mkdocs,zensical] [--no-site] [--facts ...]``

For each scale it prints the time of each stage of ``dossier build`` — check, render (pages and
exports, in memory), write (into docs/generated/) and ``mkdocs build --strict`` — next to
``mkdocs build`` of the same number of plain one-paragraph pages with a one-entry nav, and the peak
memory of our stages and of MkDocs. Targets, judged by a reader: render <= 15% of the site
engine's time, and every column linear in the number of facts.

With ``--builds`` it prints, for each engine, the wall time of ``dossier build`` as a user runs
it: from clean (``--clean``), after a one-fact edit (incremental), and with nothing changed.
Targets at 10,000 facts: from clean <= 120 s, after a one-fact edit <= 10 s. With ``--no-site``,
``dossier build --no-site``: our generate step alone (check, render, write docs/generated/), with
its peak memory; targets at 10,000 facts: from clean <= 15 s, after a one-fact edit <= 2.5 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synth import generate

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dossier import build, generated  # noqa: E402 - after the path tweak, for uninstalled checkouts
from dossier.check import check  # noqa: E402
from dossier.project import Project  # noqa: E402

_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "w = time.perf_counter() - t\n"
    "sys.stderr.buffer.write(r.stderr[-3000:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(r.returncode, w, u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
)

PLAIN_CONFIG = """site_name: Plain
theme:
  name: material
  font: false
plugins:
  - search
nav:
  - Home: index.md
not_in_nav: |
  /p/
"""


def _timed(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system, every process it started) of
    one command, measured in a fresh wrapper process."""
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, capture_output=True, check=False)
    code, wall, peak_kb, cpu = done.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr.decode(errors='replace')}")
    return float(wall), int(peak_kb) / 1024, float(cpu)


def _timed_subprocess(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command."""
    wall, peak, _ = _timed(cmd, cwd)
    return wall, peak


def _mkdocs(project: Path) -> tuple[float, float]:
    return _timed_subprocess(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", "mkdocs.yml"], project
    )


def plain_project(folder: Path, pages: int) -> Path:
    """``pages`` one-paragraph Markdown pages and a one-entry nav: the engine's floor."""
    (folder / "docs" / "p").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(PLAIN_CONFIG, "utf-8")
    (folder / "docs" / "index.md").write_text("# Plain\n\nA page.\n", "utf-8")
    for i in range(pages):
        (folder / "docs" / "p" / f"page-{i}.md").write_text(
            f"# Page {i}\n\nA paragraph of plain text on page {i}, with [a link](../index.md).\n", "utf-8"
        )
    return folder


def measure(root: Path, facts: int, entities: int, seeds: int) -> dict[str, float]:
    project_dir = root / f"dossier-{facts}"
    generate(project_dir, facts, entities, seeds)
    project = Project(project_dir)

    t0 = time.perf_counter()
    result = check(project)
    t1 = time.perf_counter()
    assert result.dossier is not None, "the synthetic dossier must check clean"
    files = build.pages(result.dossier)
    t2 = time.perf_counter()
    generated.write(project.generated_dir, files)
    t3 = time.perf_counter()
    ours_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    site, site_peak = _mkdocs(project_dir)
    pages = sum(1 for name in files if name.endswith(".md")) - 1  # home.md is included, not a page
    plain, plain_peak = _mkdocs(plain_project(root / f"plain-{facts}", pages))
    return {
        "facts": facts,
        "pages": pages,
        "check": t1 - t0,
        "render": t2 - t1,
        "write": t3 - t2,
        "site": site,
        "plain": plain,
        "ours_mb": ours_peak,
        "site_mb": site_peak,
        "plain_mb": plain_peak,
    }


def edit_one_fact(project: Path, marker: str) -> None:
    """Rewrite the first fact's statement in data/facts.yaml, as an analyst's one-line edit."""
    facts = project / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    head, sep, rest = text.partition("    statement: ")
    if not sep:
        raise SystemExit("no 'statement:' in data/facts.yaml")
    facts.write_text(f"{head}{sep}{marker} {rest}", "utf-8")


def _dossier_build(project: Path, engine: str, *extra: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``dossier build`` (a fresh process, as a user runs it; the CPU
    of the engine and Pagefind included)."""
    cmd = [sys.executable, "-m", "dossier", "build", "--project", str(project), "--engine", engine, *extra]
    wall, peak, cpu = _timed(cmd, project)
    _PEAKS.append(peak)
    return wall, cpu


_PEAKS: list[float] = []  # the peak memory (MB) of every dossier build measured


def measure_builds(
    root: Path, facts: int, entities: int, seeds: int, engine: str, edits: int = 1, *extra: str
) -> dict[str, list[tuple[float, float]]]:
    """``dossier build`` from clean, after a one-fact edit (``edits`` times), and with nothing
    changed: (wall, CPU) of each run. ``extra``: more options (``--no-site``)."""
    project = root / f"builds-{engine}-{facts}"
    generate(project, facts, entities, seeds)
    if extra:  # the generate step alone: with the check's cache, as any project has after a first build
        _dossier_build(project, engine, *extra)
    clean = [_dossier_build(project, engine, "--clean", *extra)]
    edited = []
    for n in range(edits):
        edit_one_fact(project, f"Edited{n}")
        edited.append(_dossier_build(project, engine, *extra))
    unchanged = [_dossier_build(project, engine, *extra)]
    return {"clean": clean, "edit": edited, "unchanged": unchanged}


def _median(runs: list[tuple[float, float]]) -> str:
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    return f"{wall:.1f} s wall, {cpu:.1f} s CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--seeds", type=int, default=1_000)
    parser.add_argument("--scales", default="1", help="fractions of the sizes above, e.g. 0.25,0.5,1")
    parser.add_argument("--builds", action="store_true", help="time dossier build: clean, one edit, none")
    parser.add_argument("--engines", default="mkdocs,zensical", help="for --builds")
    parser.add_argument("--edits", type=int, default=3, help="for --builds: one-fact edits, each built")
    parser.add_argument("--no-site", action="store_true", help="for --builds: our generate step alone")
    args = parser.parse_args()
    if args.builds:
        for engine in args.engines.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                extra = ("--no-site",) if args.no_site else ()
                _PEAKS.clear()
                b = measure_builds(
                    Path(tmp), args.facts, args.entities, args.seeds, engine, args.edits, *extra
                )
            clean, edit = (15, 2.5) if args.no_site else (120, 10)
            print(
                f"{engine}{' --no-site' if args.no_site else ''} at {args.facts} facts: "
                f"from clean {_median(b['clean'])} (target <= {clean} s wall); "
                f"after a one-fact edit, median of {len(b['edit'])}: {_median(b['edit'])} "
                f"(target <= {edit} s wall; each: {', '.join(f'{w:.1f}/{c:.1f}' for w, c in b['edit'])}); "
                f"unchanged {_median(b['unchanged'])}; peak memory {max(_PEAKS):.0f} MB",
                flush=True,
            )
        return
    print(
        f"{'facts':>6} {'pages':>6} {'check':>7} {'render':>7} {'write':>7} {'mkdocs':>8} "
        f"{'render%':>8} {'plain':>8} {'ms/fact':>8} {'ours MB':>8} {'mkdocs MB':>10} {'plain MB':>9}"
    )
    for scale in (float(s) for s in args.scales.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            r = measure(
                Path(tmp),
                round(args.facts * scale),
                max(10, round(args.entities * scale)),
                max(4, round(args.seeds * scale)),
            )
        total = r["check"] + r["render"] + r["write"] + r["site"]
        print(
            f"{r['facts']:>6.0f} {r['pages']:>6.0f} {r['check']:>6.2f}s {r['render']:>6.2f}s "
            f"{r['write']:>6.2f}s {r['site']:>7.2f}s {100 * r['render'] / r['site']:>7.1f}% "
            f"{r['plain']:>7.2f}s {1000 * total / r['facts']:>8.2f} {r['ours_mb']:>8.0f} "
            f"{r['site_mb']:>10.0f} {r['plain_mb']:>9.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
