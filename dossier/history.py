"""When each fact last changed, from git history: one ``git blame`` of ``data/facts.yaml`` per build.

A fact's lines run from its ``- id:`` line to the line before the next fact (the last one to the
end of the ``facts:`` list). The newest commit among those lines is when the fact last changed.
``git log -L`` per fact would be one process per fact (minutes at 10,000 facts); one
``git blame --line-porcelain`` maps every line at once.

What is shown is never guessed:

- not a git checkout, no git, or git refuses (another owner's repository): no history at all
  (:func:`last_changed` returns None, the pages say nothing);
- the file is not committed, or a fact's lines differ from the last commit: that fact is
  :data:`NOT_COMMITTED`.

The text blamed is the one the check read (``--contents -``), so git never opens the working
tree file (the filesystem rule: no link followed) and the dates match what the page shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dossier import atomic, cache, fs
from dossier.model import Fact
from dossier.project import Project

_UNCOMMITTED = "0" * 40
_HEADER = re.compile(rb"^([0-9a-f]{40}) \d+ (\d+)")
_TOP_LEVEL_KEY = re.compile(r"^[^\s#-]")  # a line that starts a new top-level key of the YAML file


@dataclass(frozen=True)
class Change:
    """The last commit that touched a fact's lines: its hash and day (UTC); empty if not committed."""

    commit: str
    date: str

    @property
    def committed(self) -> bool:
        return bool(self.commit)

    @property
    def short(self) -> str:
        return self.commit[:12]


NOT_COMMITTED = Change("", "")


def last_changed(root: Path, rel_path: str, text: bytes, facts: Iterable[Fact]) -> dict[str, Change] | None:
    """``{fact id: Change}`` for the file ``rel_path`` (below ``root``) whose content is ``text``.

    None when there is no history to ask (not a git checkout, git missing or refusing).
    """
    lines = blame(root, rel_path, text)
    if lines is None:
        return None
    return by_fact(lines, text.decode("utf-8", "replace").splitlines(), facts)


def blame(root: Path, rel_path: str, text: bytes) -> dict[int, tuple[str, int]] | None:
    """``{line number: (commit, committer time)}`` for ``text`` as a new version of ``rel_path``.

    A line not in any commit has the all-zero commit. None when ``root`` is not in a git
    checkout; ``{}`` when it is but the file was never committed.
    """
    git = shutil.which("git")
    if git is None:
        return None
    env = _git_env()
    inside = subprocess.run(
        [git, "rev-parse", "--is-inside-work-tree"], cwd=root, env=env, capture_output=True, check=False
    )
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        return None
    tracked = subprocess.run(
        [git, "ls-files", "--error-unmatch", "--", rel_path],
        cwd=root,
        env=env,
        capture_output=True,
        check=False,
    )
    if tracked.returncode != 0:
        return {}
    run = subprocess.run(
        [git, "blame", "--line-porcelain", "--no-textconv", "--contents", "-", "--", rel_path],
        cwd=root,
        env=env,
        input=text,
        capture_output=True,
        check=False,
    )
    if run.returncode != 0:  # no commit yet (an empty repository), or git refuses: nothing known
        return {}
    return parse_porcelain(run.stdout)


def _git_env() -> dict[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # the project's own repository
        env.pop(name, None)
    return env


def parse_porcelain(output: bytes) -> dict[int, tuple[str, int]]:
    """``git blame --line-porcelain`` output as ``{final line: (commit, committer time)}``."""
    found: dict[int, tuple[str, int]] = {}
    commit, line = "", 0
    for raw in output.split(b"\n"):
        if raw.startswith(b"\t"):  # the line's own text ends its block
            continue
        header = _HEADER.match(raw)
        if header:
            commit, line = header.group(1).decode(), int(header.group(2))
        elif raw.startswith(b"committer-time ") and line:
            found[line] = (commit, int(raw.split()[1]))
    return found


def ranges(lines: list[str], facts: Iterable[Fact]) -> dict[str, range]:
    """Each fact's lines (1-based): from its own line to the next fact's, trailing blank lines off."""
    ordered = sorted((f for f in facts if f.line > 0), key=lambda f: f.line)
    found: dict[str, range] = {}
    for i, fact in enumerate(ordered):
        if i + 1 < len(ordered):
            end = ordered[i + 1].line
        else:  # the last fact ends where the next top-level key starts, or with the file
            end = next(
                (n for n in range(fact.line + 1, len(lines) + 1) if _TOP_LEVEL_KEY.match(lines[n - 1])),
                len(lines) + 1,
            )
        while end - 1 > fact.line and not lines[end - 2].strip():
            end -= 1
        found[fact.id] = range(fact.line, end)
    return found


def by_fact(
    blamed: Mapping[int, tuple[str, int]], lines: list[str], facts: Iterable[Fact]
) -> dict[str, Change]:
    """The newest commit among each fact's lines; :data:`NOT_COMMITTED` if any line is in none."""
    changes: dict[str, Change] = {}
    for fact_id, span in ranges(lines, facts).items():
        newest: tuple[int, str] | None = None
        for n in span:
            commit, when = blamed.get(n, (_UNCOMMITTED, 0))
            if commit == _UNCOMMITTED:
                newest = None
                break
            if newest is None or when > newest[0]:
                newest = (when, commit)
        if newest is None:
            changes[fact_id] = NOT_COMMITTED
        else:
            day = dt.datetime.fromtimestamp(newest[0], dt.timezone.utc).date().isoformat()
            changes[fact_id] = Change(newest[1], day)
    return changes


def for_project(project: Project, facts: Iterable[Fact]) -> dict[str, Change] | None:
    """:func:`last_changed` for the project's ``data/facts.yaml``, read by the filesystem rule.

    Cached in ``.dossier-cache/history.json``, keyed by the commit checked out and the file's
    bytes: a build of an unchanged project runs no blame (at 10,000 facts a blame takes seconds).
    """
    return start(project, background=False)(facts)


def start(
    project: Project, *, background: bool = True
) -> Callable[[Iterable[Fact]], dict[str, Change] | None]:
    """:func:`for_project` in two halves: reading the file, the cache and ``git blame`` begin now
    (in a thread, with ``background``: git runs on another core while the caller checks the
    dossier), and the returned function finishes it once the facts are known."""
    done: list[_Prepared | None] = []
    failed: list[BaseException] = []

    def prepare() -> None:
        try:
            done.append(_prepare(project))
        except BaseException as exc:  # re-raised by finish(), in the caller's thread
            failed.append(exc)

    # A daemon thread, not an executor's: a build whose check fails never calls finish(), and its
    # process must not wait for the blame (seconds at 10,000 facts) before it exits.
    thread = threading.Thread(target=prepare, daemon=True) if background else None
    if thread is None:
        prepare()
    else:
        thread.start()

    def finish(facts: Iterable[Fact]) -> dict[str, Change] | None:
        if thread is not None:
            thread.join()
        if failed:
            raise failed[0]
        if not done or done[0] is None:
            return None
        text, key, cached, lines = done[0]
        if cached is not None:
            return cached
        if lines is None:
            return None
        found = by_fact(lines, text.decode("utf-8", "replace").splitlines(), facts)
        if key:
            _write_cache(project, key, found)
        return found

    return finish


# The file's bytes, the cache key, the cached changes, the blame of every line (see _prepare).
_Prepared = tuple[bytes, str, dict[str, Change] | None, dict[int, tuple[str, int]] | None]


def _prepare(
    project: Project,
) -> _Prepared | None:
    """The file's bytes, the cache key ("" when there is no commit to key on), the
    cached changes if any, else the blame of every line; None when the file cannot be read."""
    try:
        text = fs.read_bytes(project.facts_file, root=project.root)
    except (OSError, fs.UnsafePath):
        return None  # the check reports it; a page never shows a history it could not read
    rel_path = project.rel(project.facts_file)
    head = _head(project.root)
    key = ""
    if head is not None:
        digest = hashlib.sha256(
            b"\0".join([_CACHE_VERSION, head, rel_path.encode("utf-8", "surrogatepass"), text])
        )
        key = digest.hexdigest()
        cached = _read_cache(project, key)
        if cached is not None:
            return text, key, cached, None
    return text, key, None, blame(project.root, rel_path, text)


_CACHE = "history.json"
_CACHE_VERSION = b"history-1"
_COMMIT = re.compile(r"^(?:[0-9a-f]{40})?$")
_DAY = re.compile(r"^(?:\d{4}-\d{2}-\d{2})?$")


def _head(root: Path) -> bytes | None:
    """The commit checked out in ``root``'s repository; None outside one, or before its first commit."""
    git = shutil.which("git")
    if git is None:
        return None
    run = subprocess.run(
        [git, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
        cwd=root,
        env=_git_env(),
        capture_output=True,
        check=False,
    )
    return run.stdout.strip() if run.returncode == 0 and run.stdout.strip() else None


def _read_cache(project: Project, key: str) -> dict[str, Change] | None:
    """The cached changes for ``key``; None if absent, stale or not what this module writes."""
    try:
        stored = json.loads(fs.read_text(project.cache_dir / _CACHE, root=project.root))
        if (
            not isinstance(stored, dict)
            or stored.get("key") != key
            or not isinstance(stored.get("facts"), dict)
        ):
            return None
        found: dict[str, Change] = {}
        for fact_id, value in stored["facts"].items():
            commit, day = value
            # Never show what a tampered cache says: only a commit hash and a day, or nothing.
            if not (
                isinstance(commit, str) and isinstance(day, str) and _COMMIT.match(commit) and _DAY.match(day)
            ):
                return None
            found[str(fact_id)] = Change(commit, day)
        return found
    except (OSError, ValueError, TypeError, fs.UnsafePath):
        return None


def _write_cache(project: Project, key: str, found: Mapping[str, Change]) -> None:
    payload = {"key": key, "facts": {k: [v.commit, v.date] for k, v in found.items()}}
    try:
        cache.make_folder(project)
        atomic.write_text(project.cache_dir / _CACHE, json.dumps(payload), root=project.root)
    except (OSError, fs.UnsafePath):
        pass  # no cache then; the check reports a refused cache folder (E110)
