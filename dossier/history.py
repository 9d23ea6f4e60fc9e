"""When each fact last changed, from git history: one ``git blame`` of ``data/facts.yaml`` per build.

A fact's lines run from its ``- id:`` line to the line before the next fact (the last one to the
end of the ``facts:`` list). The newest commit among those lines is when the fact last changed.
``git log -L`` per fact would be one process per fact (minutes at 10,000 facts); one
``git blame --porcelain`` maps every line at once, read as git writes it (at 50,000 facts its
output is 80 MB; ``--line-porcelain``'s, which repeats each commit's details on every line, 230 MB).

What is shown is never guessed:

- not a git checkout, no git, or git refuses (another owner's repository): no history at all
  (:func:`last_changed` returns None, the pages say nothing);
- the file is not committed, or a fact's lines differ from the last commit: that fact is
  :data:`NOT_COMMITTED`.

The text blamed is the one the check read (``--contents -``), so git never opens the working
tree file (the filesystem rule: no link followed) and the dates match what the page shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from array import array
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
    return by_fact(lines, text.decode("utf-8", "replace"), facts)


class Blame:
    """Which commit each line of a file comes from, and each commit's committer time: a list of
    commits and an array of indexes into it, one per line (a dict of tuples per line would take
    200 MB at 50,000 facts)."""

    def __init__(self) -> None:
        self.commits: list[tuple[str, int]] = []  # (hash, committer time)
        self.index: dict[str, int] = {}  # hash -> its place in commits
        self.lines = array("i")  # line n's commit: commits[lines[n]]; -1 for a line not blamed

    def set(self, line: int, commit: str) -> None:
        if line >= len(self.lines):
            self.lines.extend([-1] * (line + 1 - len(self.lines)))
        found = self.index.get(commit)
        if found is None:
            found = self.index[commit] = len(self.commits)
            self.commits.append((commit, 0))
        self.lines[line] = found

    def committed_at(self, commit: str, when: int) -> None:
        found = self.index.get(commit)
        if found is not None:
            self.commits[found] = (commit, when)

    def get(self, line: int, default: tuple[str, int]) -> tuple[str, int]:
        """Line ``line``'s (commit, committer time), or ``default`` for a line git did not blame."""
        found = self.lines[line] if 0 <= line < len(self.lines) else -1
        return default if found < 0 else self.commits[found]


def blame(root: Path, rel_path: str, text: bytes) -> Blame | None:
    """Which commit each line of ``text``, as a new version of ``rel_path``, comes from. A line
    not in any commit has the all-zero commit. None when ``root`` is not in a git checkout; an
    empty Blame when it is but the file was never committed.
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
        return Blame()
    cmd = [git, "blame", "--porcelain", "--no-textconv", "--contents", "-", "--", rel_path]
    with subprocess.Popen(
        cmd, cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as run:
        assert run.stdin is not None and run.stdout is not None

        def feed() -> None:
            assert run.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # git stopped early: its exit code says why
                run.stdin.write(text)
            with contextlib.suppress(BrokenPipeError):
                run.stdin.close()

        # Fed from a thread: git may answer before it has read everything, and neither pipe
        # may fill while the other waits.
        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        found = parse_porcelain(run.stdout)
        feeder.join()
    if run.returncode != 0:  # no commit yet (an empty repository), or git refuses: nothing known
        return Blame()
    return found


def _git_env() -> dict[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # the project's own repository
        env.pop(name, None)
    return env


def parse_porcelain(output: Iterable[bytes]) -> Blame:
    """``git blame --porcelain`` output, line by line: each line's header names its commit and
    final line; a commit's details (its committer time) follow its first header only."""
    found = Blame()
    commit = ""
    for raw in output:
        if raw.startswith(b"\t"):  # the line's own text ends its block
            continue
        header = _HEADER.match(raw)
        if header:
            commit = header.group(1).decode()
            found.set(int(header.group(2)), commit)
        elif raw.startswith(b"committer-time ") and commit:
            found.committed_at(commit, int(raw.split()[1]))
    return found


# What the YAML reader counts as a line break besides "\n" (a bare "\r", NEL, LS, PS), which git
# does not: a fact's line is the reader's, its blame is git's.
_OTHER_BREAKS = re.compile("\r(?!$)|[\x85\u2028\u2029]")


def git_lines(text: str) -> tuple[list[str], list[int]]:
    """The file's lines as git numbers them (cut at "\n" only), and for each line number the YAML
    reader gives (from 1), git's: a comment holding a bare "\r" or a U+2028 must not move the
    next facts' history onto their neighbours'."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the file's last "\n" ends its last line
    to_git = [0]
    for n, line in enumerate(lines, start=1):
        to_git.extend([n] * (1 + len(_OTHER_BREAKS.findall(line))))
    return lines, to_git


def ranges(text: str, facts: Iterable[Fact]) -> dict[str, range]:
    """Each fact's lines as git numbers them (from 1): from its own line to the next fact's,
    trailing blank lines off."""
    lines, to_git = git_lines(text)

    def line_of(fact: Fact) -> int:
        return to_git[fact.line] if fact.line < len(to_git) else len(lines) + 1

    ordered = sorted((f for f in facts if f.line > 0), key=lambda f: f.line)
    found: dict[str, range] = {}
    for i, fact in enumerate(ordered):
        start = line_of(fact)
        if i + 1 < len(ordered):
            end = line_of(ordered[i + 1])
        else:  # the last fact ends where the next top-level key starts, or with the file
            end = next(
                (n for n in range(start + 1, len(lines) + 1) if _TOP_LEVEL_KEY.match(lines[n - 1])),
                len(lines) + 1,
            )
        while end - 1 > start and not lines[end - 2].strip():
            end -= 1
        found[fact.id] = range(start, end)
    return found


def by_fact(blamed: Blame, text: str, facts: Iterable[Fact]) -> dict[str, Change]:
    """The newest commit among each fact's lines; :data:`NOT_COMMITTED` if any line is in none."""
    changes: dict[str, Change] = {}
    for fact_id, span in ranges(text, facts).items():
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
            try:
                day = dt.datetime.fromtimestamp(newest[0], dt.timezone.utc).date().isoformat()
            except (ValueError, OverflowError, OSError):
                day = ""  # a committer time no calendar holds (git takes year 10000): no day shown
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
        found = by_fact(lines, text.decode("utf-8", "replace"), facts)
        if key:
            _write_cache(project, key, found)
        return found

    return finish


# The file's bytes, the cache key, the cached changes, the blame of every line (see _prepare).
_Prepared = tuple[bytes, str, dict[str, Change] | None, Blame | None]


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
