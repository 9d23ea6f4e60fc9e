"""Benchmark ``dossier check`` on a synthetic dossier: cold, unchanged (cache), and after an edit.

``python benchmarks/bench_check.py [--facts 10000 --entities 2000 --seeds 1000 --runs 3]``
prints the median wall time and peak memory of each case. Numbers, not assertions: the targets
(<= 3.5 s cold, <= 0.5 s unchanged, <= 500 MB) are judged by a reader, on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from synth import generate

DOSSIER = [sys.executable, "-m", "dossier"]


# ru_maxrss of RUSAGE_CHILDREN is a running maximum, so each run measures itself in a fresh
# wrapper process that reports the peak of the one command it ran (forked workers included).
_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "w = time.perf_counter() - t\n"
    "print(r.returncode, w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def _run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one run of ``cmd``."""
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, capture_output=True, check=True)
    code, wall, peak_kb = done.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{cmd} exited {code.decode()}")
    return float(wall), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--seeds", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        generate(project, args.facts, args.entities, args.seeds)
        size = (project / "data" / "facts.yaml").stat().st_size / 1e6
        print(
            f"synthetic dossier: {args.facts} facts, {args.entities} entities, {args.seeds} seeds, facts.yaml {size:.1f} MB"
        )
        cases = {
            "cold (no cache)": [*DOSSIER, "check", "--no-cache"],
            "unchanged (cache hit)": [*DOSSIER, "check"],
        }
        subprocess.run(
            [*DOSSIER, "check"], cwd=project, capture_output=True, check=False
        )  # warm the OS cache
        for name, cmd in cases.items():
            results = [_run(cmd, project) for _ in range(args.runs)]
            walls = [w for w, _ in results]
            print(
                f"{name:24} median {statistics.median(walls):6.2f} s  (min {min(walls):.2f}, max {max(walls):.2f})  peak {max(m for _, m in results):6.0f} MB"
            )
        facts = project / "data" / "facts.yaml"
        walls = []
        for i in range(args.runs):
            facts.write_text(
                facts.read_text().replace("title: Synthetic dossier", f"title: Synthetic dossier {i}", 1)
            )
            walls.append(_run([*DOSSIER, "check"], project)[0])
        print(
            f"{'after an edit':24} median {statistics.median(walls):6.2f} s  (min {min(walls):.2f}, max {max(walls):.2f})"
        )


if __name__ == "__main__":
    main()
