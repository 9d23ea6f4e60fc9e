"""Where a build from clean spends its time: each stage of ``dossier build --clean`` on its own.

``python benchmarks/bench_cold.py OUT [--facts 10000] [--engine mkdocs] [--stages ...]``

Generates the synthetic dossier into OUT (``benchmarks/synth.py``: facts, facts / 5 entities,
facts / 10 seeds) unless OUT holds one, then runs each stage as its own process and prints its
wall time, CPU time (user + system, children included) and peak memory (``ru_maxrss`` of the
largest process):

- ``generate``: ``dossier build --no-site --clean`` (check, render every page, write docs/generated/);
- ``engine``: the site engine's strict build from nothing, as ``dossier build`` runs it (MkDocs
  through ``dossier.mkdocsrun``, its pages on every core; ``--engine mkdocs-alone``: MkDocs' own
  ``mkdocs build --strict``, on one core, for comparison);
- ``linkcheck``: every internal link and anchor of the written HTML (``dossier.linkcheck``);
- ``search``: Pagefind's index of the written site, in shards (``dossier.search.index``);
- ``both``: the link check and the index together, as ``dossier build`` runs them (the index in a
  thread beside the check).

Issue 9's target for the whole build from clean at 10,000 facts: 120 s wall on a 2-core machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from synth import generate

STAGES = ("generate", "engine", "linkcheck", "search", "both")

_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "w = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(r.returncode, w, u.ru_utime + u.ru_stime, u.ru_maxrss)\n"
)
_BOTH = (
    "import concurrent.futures, sys\n"
    "from pathlib import Path\n"
    "from dossier import linkcheck, search\n"
    "from dossier.project import Project\n"
    "p = Project(Path(sys.argv[1]))\n"
    "with concurrent.futures.ThreadPoolExecutor(1) as pool:\n"
    "    done = pool.submit(search.index, p, sys.argv[2])\n"
    "    assert linkcheck.broken(p.site_dir) == []\n"
    "    done.result()\n"
)


def commands(project: Path, engine: str) -> dict[str, list[str]]:
    py = sys.executable
    site = str(project / "site")
    urls_engine = "zensical" if engine == "zensical" else "mkdocs"  # what the pages were written for
    module = {"mkdocs": "dossier.mkdocsrun", "mkdocs-alone": "mkdocs"}.get(engine, engine)
    return {
        "generate": [py, "-m", "dossier", "build", "--no-site", "--clean", "--project", str(project)],
        "engine": [py, "-I", "-m", module, "build", "--strict", "-f", str(project / "mkdocs.yml")]
        + (["--clean"] if engine == "zensical" else ["--site-dir", site, "--quiet"]),
        "linkcheck": [
            py,
            "-c",
            "import sys; from pathlib import Path; from dossier import linkcheck; linkcheck.broken(Path(sys.argv[1]))",
            site,
        ],
        "search": [
            py,
            "-c",
            "import sys; from pathlib import Path; from dossier import search; from dossier.project import "
            "Project; search.index(Project(Path(sys.argv[1])), sys.argv[2])",
            str(project),
            urls_engine,
        ],
        "both": [py, "-c", _BOTH, str(project), urls_engine],
    }


def run(cmd: list[str], cwd: Path) -> tuple[int, float, float, float]:
    """Exit code, wall seconds, CPU seconds and peak MB of one command (a fresh wrapper each)."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, capture_output=True, check=True, text=True
    )
    code, wall, cpu, peak_kb = done.stdout.split()
    return int(code), float(wall), float(cpu), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--engine", default="mkdocs", choices=("mkdocs", "mkdocs-alone", "zensical"))
    parser.add_argument("--stages", default=",".join(STAGES), help=f"some of {','.join(STAGES)}")
    args = parser.parse_args()
    if not (args.out / "data" / "facts.yaml").is_file():
        generate(args.out, args.facts, args.facts // 5, args.facts // 10)
    cmds = commands(args.out.resolve(), args.engine)
    print(f"{args.facts} facts, engine {args.engine}")
    print(f"{'stage':<10} {'wall':>9} {'CPU':>9} {'peak':>9}")
    for stage in args.stages.split(","):
        code, wall, cpu, peak = run(cmds[stage], args.out)  # the engine resolves docs/ from here
        mark = "" if code == 0 else f"  (exit {code})"
        print(f"{stage:<10} {wall:8.1f}s {cpu:8.1f}s {peak:7.0f}MB{mark}", flush=True)


if __name__ == "__main__":
    main()
