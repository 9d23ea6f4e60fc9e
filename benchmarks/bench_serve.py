"""Benchmark ``dossier serve``: how long from saving an edit to data/ until the page shows it.

``python benchmarks/bench_serve.py [--project PATH | --facts 10000] [--engine mkdocs] [--runs 5]``

Copies the project (default: this repository's dossier; with ``--facts``, a synthetic one of that
size from benchmarks/synth.py) to a temporary folder, starts
``dossier serve`` on a free port, then repeatedly rewrites one fact's statement in
``data/facts.yaml`` and polls that fact's page until the new words are served. The browser's
live reload fires when the rebuilt page is ready, so this is the delay a writer sees. Target:
<= 2 s.

At the end it prints the peak memory of the largest process (serve, the engine's server, its
page workers). Each run also prints where the time went: serve runs with DOSSIER_SERVE_TRACE set, which makes it
(and the engine's development server, for MkDocs) print a timestamped line at each step of a save
(see dossier.site.trace); the steps are shown in seconds after the save.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and every live process below it: the
    serve process and its engine. Read from /proc (Linux); 0.0 where there is none."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    children: dict[int, list[int]] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [pid]
    while todo:
        here = todo.pop()
        total += used.get(here, 0.0)
        todo.extend(children.get(here, ()))
    return total


def _wait_for(url: str, needle: str, timeout: float) -> float:
    """Seconds until ``needle`` is in the page at ``url``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in _get(url):
            return time.perf_counter() - start
        time.sleep(0.02)
    raise SystemExit(f"{needle!r} did not appear at {url} within {timeout} s")


def _steps(log: Path, saved: float, shown: float) -> list[str]:
    """The trace lines written between ``saved`` and ``shown`` (seconds since the epoch), each as
    ``+SECONDS step``."""
    found = []
    for line in log.read_text("utf-8", errors="replace").splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[0] == "dossier-trace":
            try:
                when = float(parts[1])
            except ValueError:
                continue
            if saved <= when <= shown + 0.5:
                found.append(f"+{when - saved:.3f} {parts[2]}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--facts", type=int, default=0, help="a synthetic dossier of this many facts")
    parser.add_argument("--engine", default="mkdocs", choices=("mkdocs", "zensical"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--first-page", type=float, default=3600, help="seconds to wait for the first build")
    parser.add_argument(
        "--pause", type=float, default=5.0, help="seconds between a page showing and the next edit"
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for an edit to show")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        if args.facts:
            sys.path.insert(0, str(REPO / "benchmarks"))
            from synth import generate

            generate(project, args.facts, max(10, args.facts // 5), max(4, args.facts // 10))
        else:
            project.mkdir()
            for part in ("data", "seeds", "docs"):
                shutil.copytree(
                    args.project / part, project / part, ignore=shutil.ignore_patterns("generated")
                )
            shutil.copy2(args.project / "mkdocs.yml", project / "mkdocs.yml")
        facts = project / "data" / "facts.yaml"
        text = facts.read_text("utf-8")
        match = re.search(r"^  - id: (\S+)\n    statement: (.+)$", text, re.M)
        if not match:
            raise SystemExit("no '- id: ...' followed by 'statement: ...' in data/facts.yaml")
        fact_id, statement = match.groups()
        port = _free_port()
        url = f"http://127.0.0.1:{port}/generated/facts/{fact_id}/"
        log = Path(tmp) / "serve.log"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dossier",
                "serve",
                "--project",
                str(project),
                "--dev-addr",
                f"127.0.0.1:{port}",
                "--engine",
                args.engine,
            ],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
            env={**os.environ, "DOSSIER_SERVE_TRACE": "1"},
        )
        try:
            first = _wait_for(url, "<html", timeout=args.first_page)
            print(f"{args.engine}: first page after {first:.1f} s", flush=True)
            delays, cpus = [], []
            for run in range(args.runs):
                marker = f"Edited{run}x"
                quote = statement[0] if statement[0] in "\"'" else ""
                new = f"{quote}{marker} {statement[len(quote) :]}"
                edited = text.replace(match.group(0), f"  - id: {fact_id}\n    statement: {new}", 1)
                time.sleep(args.pause)  # let the previous rebuild (and the late downloads') settle
                before = _tree_cpu(server.pid)
                saved = time.time()
                facts.write_text(edited, "utf-8")
                delays.append(_wait_for(url, marker, timeout=args.timeout))
                cpus.append(_tree_cpu(server.pid) - before)
                shown = time.time()
                print(
                    f"run {run + 1}: edit visible after {delays[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU "
                    "(serve and its engine, save to page)",
                    flush=True,
                )
                print("  " + "\n  ".join([*_steps(log, saved, shown), f"+{shown - saved:.3f} page served"]))
            print(
                f"{args.engine}: save -> updated page: median {statistics.median(delays):.2f} s wall "
                f"(max {max(delays):.2f} s), median {statistics.median(cpus):.2f} s CPU; target <= 2 s"
            )
        finally:
            server.terminate()
            server.wait(timeout=20)
        # The largest resident set of any one process waited for: serve, its engine's server and
        # the server's page workers (each waits for its own children, so their peaks reach here).
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{args.engine}: peak memory of one process (serve, engine, workers): {peak:.0f} MB")


if __name__ == "__main__":
    main()
