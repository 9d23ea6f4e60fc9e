"""Stage 4: put rendered pages into ``docs/generated/``, the one folder the generator owns.

A manifest (``.manifest.json``) lists the files the generator wrote. Only those are ever replaced
or removed: a file someone else put in the folder stops the write instead of being overwritten.
Unchanged files are left alone, so ``mkdocs serve`` rebuilds only after a real change. Each file
is replaced by rename, so a reader never sees half a page; nothing is fsynced, because every
file here can be regenerated.
"""

from __future__ import annotations

import contextlib
import filecmp
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from dossier import fs

MANIFEST = ".manifest.json"
# Generated names are slugs with an extension (and "index_" for an id that is "index").
_PART = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9]+)*$")


class GeneratedFolderError(Exception):
    """A write was refused: an unsafe path, or a file the generator did not create."""


class FrontMatterError(GeneratedFolderError):
    """A page's front matter would not read back as meant: a bug in the generator, never the input."""


@dataclass(frozen=True)
class Written:
    """What a write changed, as paths relative to the folder."""

    changed: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def check_path(rel: str) -> PurePosixPath:
    """A relative path inside the folder, or :class:`GeneratedFolderError`. Ids are never paths."""
    path = PurePosixPath(rel)
    if path.is_absolute() or not path.parts or not all(_PART.match(part) for part in path.parts):
        raise GeneratedFolderError(f"refusing to write {rel!r}: not a plain relative path of slugs")
    return path


def read_manifest(folder: Path) -> set[str]:
    try:
        data = json.loads(fs.read_text(folder / MANIFEST))
    except (FileNotFoundError, ValueError):
        return set()
    except fs.UnsafePath as refused:
        raise GeneratedFolderError(f"refusing to read {refused}") from None
    files = data.get("files") if isinstance(data, dict) else None
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def _write_manifest(folder: Path, files: set[str]) -> None:
    text = json.dumps({"generator": "dossier", "files": sorted(files)}, indent=1) + "\n"
    _replace(folder / MANIFEST, text.encode("utf-8"))


def _replace(path: Path, data: bytes) -> None:
    # Not dossier.atomic.write_bytes, on purpose: that one is for files someone wrote by hand
    # (fsync of file and folder, mkstemp, permission bits kept). Here every file can be regenerated,
    # so nothing is fsynced, and a fixed temporary name (dot-prefixed, so MkDocs ignores it) replaces
    # mkstemp: the folder is ours alone, and at 10,000 files mkstemp's random names cost more than
    # the writes.
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def verify_front_matter(files: Mapping[str, str | bytes], meta: Mapping[str, Mapping[str, Any]]) -> None:
    """Read every page back as MkDocs will and stop unless it says exactly what was meant.

    MkDocs (``mkdocs.utils.meta.get_data``) falls back silently when front matter does not parse:
    it renders the YAML as Markdown, so a value there becomes page content. The escaping should
    make that impossible; this proves it for every page of every build. ``meta`` maps a page to
    its intended front matter (no entry: no front matter); a page must read back as exactly that,
    its body being everything after it.
    """
    from mkdocs.utils.meta import get_data  # the engine's own parser, imported only to build

    for rel, text in files.items():
        if not rel.endswith(".md") or not isinstance(text, str):
            continue
        want = meta.get(rel, {})
        body, got = get_data(text)
        if got != want or (not want and body != text):
            raise FrontMatterError(
                f"internal error: the front matter generated for {rel} reads back as {got!r:.200}, "
                f"not {dict(want)!r:.200}; it was not written, and the build stopped. This is a bug in dossier: please "
                "report it with the fact, entity or seed this page is for."
            )


def write(
    folder: Path,
    files: Mapping[str, str | bytes],
    *,
    project_root: Path | None = None,
) -> Written:
    """Make ``folder`` hold exactly ``files`` among the files the generator owns: text (written
    as UTF-8) or bytes (a kept capture, written as it is).

    Every path is checked before anything is written (see :class:`Writer`, which writes files
    as they come instead).
    """
    out = Writer(folder, project_root=project_root)
    for rel in files:
        out.target(rel)
    for rel, text in files.items():
        out.add(rel, text)
    return out.finish()


# Size, modification time, inode and change time (ns) of a file as written. The change time is
# the kernel's: restoring a file's modification time after overwriting it in place (os.utime)
# sets it to now, so no edit keeps a stamp.
Stamp = tuple[int, int, int, int]


class Writer:
    """Make ``folder`` hold exactly the files added (or kept) among those the generator owns,
    writing each as it comes, so that a build never holds every page at once.

    Opening it refuses a folder that holds any file the generator did not write (a pull
    request can commit files into the git-ignored folder; the engine would publish them), and
    every path is checked as it comes: with ``project_root``, ``folder`` and each of its parents
    below it must be a real folder, not a link, and no link anywhere below ``folder`` leads out.
    The manifest grows to cover new files before they are created (in batches: a crash never
    orphans a file we created), and shrinks to the files of this write in :meth:`finish`, once
    stale files are gone. Each file written is stamped (:attr:`stamps`), so that a later build
    can tell it is still as written without reading it (see :meth:`matches`).
    """

    BATCH = 2000  # new files held before the manifest grows to cover them

    def __init__(self, folder: Path, *, project_root: Path | None = None) -> None:
        try:
            if project_root is not None:
                fs.make_dirs(project_root, folder)  # never mkdir(parents=True): it follows links
            else:
                folder.mkdir(parents=True, exist_ok=True)
        except fs.UnsafePath as refused:
            raise GeneratedFolderError(f"refusing to write into {folder}: {refused}") from None
        self.folder = folder
        self.root = folder.resolve()
        self.owned = read_manifest(folder)
        foreign = _foreign(self.root, self.owned)
        if foreign:
            shown = ", ".join(f"{folder.name}/{rel}" for rel in foreign[:5])
            more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
            raise GeneratedFolderError(
                f"refusing to build: {shown}{more} in {folder} were not written by dossier, and the "
                "site would publish them as they are (raw HTML and script included); delete them: "
                "the generator owns that folder"
            )
        self.listed = set(self.owned)  # what the manifest on disk covers now
        self.files: set[str] = set()  # every file of this write, added or kept
        self.stamps: dict[str, Stamp] = {}
        self.changed: list[str] = []
        self.unchanged = 0
        self._targets: dict[str, Path] = {}
        self._folders: set[Path] = set()  # checked once each: 10,000 pages share a handful
        self._safe: dict[str, str] = {}  # a folder's relative path -> its checked absolute path
        self._pending: dict[str, bytes] = {}  # new files, until the manifest covers them

    def target(self, rel: str) -> Path:
        """Where ``rel`` goes, once its path and every folder on the way are known to be safe."""
        found = self._targets.get(rel)
        if found is not None:
            return found
        target = self.root.joinpath(*check_path(rel).parts)
        try:
            # No link in any folder below the root, nor as the file itself: nothing leads out.
            if target.parent not in self._folders:
                fs.check_inside(self.root, target.parent, want="dir")
                self._folders.add(target.parent)
            fs.check_inside(target.parent, target, want="file")
        except fs.UnsafePath as refused:
            raise GeneratedFolderError(f"refusing to write {rel!r}: {refused}") from None
        self._targets[rel] = target
        return target

    def matches(self, rel: str, stamp: object) -> bool:
        """Whether ``rel`` is a file this generator wrote and is still as :attr:`stamps` had it
        then: neither edited, replaced nor removed since (any of which changes the stamp)."""
        if rel not in self.owned or not isinstance(stamp, (list, tuple)):
            return False
        # Called for every page of a build: plain strings, and each folder checked once, cost a
        # fifth of what Path objects and a full check of each file's path do.
        folder, _, name = rel.rpartition("/")
        safe = self._safe.get(folder)
        if safe is None:
            try:
                safe = self.target(f"{folder}/{name}" if folder else name).parent.as_posix()
            except GeneratedFolderError:
                return False
            self._safe[folder] = safe
        if not _PART.match(name):
            return False
        try:
            st = os.lstat(f"{safe}/{name}")
        except OSError:
            return False
        return stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns) == tuple(
            stamp
        )

    def keep(self, rel: str) -> None:
        """Keep ``rel`` as it is on disk (its path is checked like a written file's)."""
        self.later(rel)
        self.unchanged += 1

    def later(self, rel: str) -> None:
        """Hold ``rel``, a file written before, as it is for now: not stale; :meth:`add_parts`
        writes it again once :meth:`finish` is done (or :meth:`keep` keeps it)."""
        if rel not in self.owned:
            raise GeneratedFolderError(f"internal error: {rel} was kept but never written")
        self.target(rel)
        self.files.add(rel)

    def add(self, rel: str, text: str | bytes) -> None:
        """Write ``rel`` (unless it holds these bytes already); a new file waits until the
        manifest covers it."""
        target = self.target(rel)
        self.files.add(rel)
        data = text.encode("utf-8") if isinstance(text, str) else text
        if rel not in self.listed:
            self._pending[rel] = data
            if len(self._pending) >= self.BATCH:
                self._flush()
            return
        self._put(rel, target, data)

    def cover(self, rels: Iterable[str]) -> None:
        """Grow the manifest to cover ``rels`` now, so that :meth:`add_parts` can write them from
        another process (which must not write the manifest itself)."""
        wanted = set(rels)
        for rel in wanted:
            self.target(rel)
        new = wanted - self.listed
        if new:
            self.listed |= new
            _write_manifest(self.folder, self.listed)

    def add_parts(self, rel: str, parts: Iterable[bytes]) -> None:
        """Write ``rel`` from ``parts`` as they come (a file too large to hold whole), unless it
        holds these bytes already; its path must be covered (see :meth:`cover`)."""
        if rel not in self.listed:
            raise GeneratedFolderError(f"internal error: {rel} is not in the manifest yet")
        target = self.target(rel)
        self.files.add(rel)
        fs.make_dirs(self.root, target.parent)
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            with tmp.open("wb") as out:
                for data in parts:
                    out.write(data)
            if os.path.lexists(target) and filecmp.cmp(tmp, target, shallow=False):
                tmp.unlink()
                self.unchanged += 1
            else:
                tmp.replace(target)
                self.changed.append(rel)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        self._stamp(rel, target)

    def merge(
        self, files: Iterable[str], changed: Iterable[str], unchanged: int, stamps: Mapping[str, Stamp]
    ) -> None:
        """Take in what a copy of this writer wrote in another process (see :meth:`cover`)."""
        self.files.update(files)
        self.changed.extend(changed)
        self.unchanged += unchanged
        self.stamps.update(stamps)

    def _put(self, rel: str, target: Path, data: bytes) -> None:
        try:
            if target.read_bytes() == data:
                self.unchanged += 1
                self._stamp(rel, target)
                return
        except FileNotFoundError:
            fs.make_dirs(self.root, target.parent)
        _replace(target, data)
        self.changed.append(rel)
        self._stamp(rel, target)

    def _stamp(self, rel: str, target: Path) -> None:
        st = os.lstat(target)
        self.stamps[rel] = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)

    def _flush(self) -> None:
        if not self._pending:
            return
        self.listed |= self._pending.keys()
        _write_manifest(self.folder, self.listed)
        pending, self._pending = self._pending, {}
        for rel, data in pending.items():
            self._put(rel, self._targets[rel], data)

    def finish(self) -> Written:
        """Write what waits, remove the stale files (those the generator wrote before and not
        now), and make the manifest list exactly this write's files."""
        self._flush()
        stale_files: dict[str, Path] = {}
        for rel in sorted(self.owned - self.files):
            # The manifest is only a file in the folder: an entry behind a link must not make the
            # generator delete something elsewhere.
            stale_files[rel] = self.root.joinpath(*check_path(rel).parts)
            try:
                fs.check_inside(self.root, stale_files[rel], want="file")
            except fs.UnsafePath as refused:
                raise GeneratedFolderError(f"refusing to remove {rel!r}: {refused}") from None
        removed = []
        for rel, stale in stale_files.items():
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
                removed.append(rel)
            prune(stale.parent, self.root)
        if self.files != self.listed:
            _write_manifest(self.folder, self.files)
        return Written(tuple(sorted(self.changed)), self.unchanged, tuple(removed))


def replace(folder: Path, rel: str, text: str, *, project_root: Path) -> bool:
    """Replace one file the generator wrote before (and listed in its manifest), leaving every
    other file alone; False, writing nothing, when it did not write that file."""
    if rel not in read_manifest(folder):
        return False
    try:
        fs.make_dirs(project_root, folder)
        target = folder.resolve().joinpath(*check_path(rel).parts)
        fs.check_inside(folder.resolve(), target, want="file")
    except fs.UnsafePath as refused:
        raise GeneratedFolderError(f"refusing to write {rel!r}: {refused}") from None
    _replace(target, text.encode("utf-8"))
    return True


def _foreign(root: Path, ours: set[str]) -> list[str]:
    """Files below ``root`` that the generator did not write (its manifest does not list them).

    A pull request can commit files into the git-ignored ``docs/generated/``; the engine would
    publish them beside the generated pages, so they are refused, not left in place. The walk
    follows no link (links there are refused on their own, see dossier.fs).
    """
    found = []
    for here, _dirs, names in os.walk(root, followlinks=False):
        for name in names:
            rel = (Path(here) / name).relative_to(root).as_posix()
            if rel != MANIFEST and rel not in ours:
                found.append(rel)
    return sorted(found)


def prune(folder: Path, root: Path) -> None:
    """Remove folders left empty below ``root``; a folder with anyone's file in it stays."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
