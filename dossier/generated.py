"""Stage 4: put rendered pages into ``docs/generated/``, the one folder the generator owns.

A manifest (``.manifest.json``) lists the files the generator wrote. Only those are ever replaced
or removed: a file someone else put in the folder stops the write instead of being overwritten.
Unchanged files are left alone, so ``mkdocs serve`` rebuilds only after a real change. Each file
is replaced by rename, so a reader never sees half a page; nothing is fsynced, because every
file here can be regenerated.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Mapping
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
                f"not {dict(want)!r:.200}; nothing was written. This is a bug in dossier: please "
                "report it with the fact, entity or seed this page is for."
            )


def write(
    folder: Path,
    files: Mapping[str, str | bytes],
    *,
    project_root: Path | None = None,
    previous: Mapping[str, str | bytes] | None = None,
) -> Written:
    """Make ``folder`` hold exactly ``files`` among the files the generator owns: text (written
    as UTF-8) or bytes (a kept capture, written as it is).

    ``previous``: what this process last wrote there (``serve``, between saves). A file whose
    text is the same is taken to be on disk as it was written: neither checked nor read back
    (at 10,000 facts, reading back 13,000 unchanged pages was a third of a save's work). The
    folder is still searched for files the generator did not write.

    Every path is checked before anything is written: with ``project_root``, ``folder`` and
    each of its parents below it must be a real folder, not a link. The manifest first
    grows to cover the new files (so a crash never orphans a file we created), then shrinks to
    them once stale files are gone.
    """
    try:
        if project_root is not None:
            fs.make_dirs(project_root, folder)  # never mkdir(parents=True): it follows links
        else:
            folder.mkdir(parents=True, exist_ok=True)
    except fs.UnsafePath as refused:
        raise GeneratedFolderError(f"refusing to write into {folder}: {refused}") from None
    root = folder.resolve()
    owned = read_manifest(folder)
    targets: dict[str, Path] = {}
    folders: set[Path] = set()  # checked once each: 10,000 pages share a handful of folders
    for rel, text in files.items():
        if previous is not None and rel in owned and previous.get(rel) == text:
            continue  # as written last time, through these same checks
        target = root.joinpath(*check_path(rel).parts)
        try:
            # No link in any folder below the root, nor as the file itself: nothing leads out.
            if target.parent not in folders:
                fs.check_inside(root, target.parent, want="dir")
                folders.add(target.parent)
            fs.check_inside(target.parent, target, want="file")
        except fs.UnsafePath as refused:
            raise GeneratedFolderError(f"refusing to write {rel!r}: {refused}") from None
        if rel not in owned and target.exists():
            raise GeneratedFolderError(
                f"{folder / rel} exists but dossier did not write it; move it out of {folder} "
                "(the generator owns that folder and replaces only its own files)"
            )
        targets[rel] = target
    foreign = _foreign(root, owned | set(files))
    if foreign:
        shown = ", ".join(f"{folder.name}/{rel}" for rel in foreign[:5])
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        raise GeneratedFolderError(
            f"refusing to build: {shown}{more} in {folder} were not written by dossier, and the site "
            "would publish them as they are (raw HTML and script included); delete them: the "
            "generator owns that folder"
        )
    stale_files: dict[str, Path] = {}
    for rel in sorted(owned - set(files)):
        # The manifest is only a file in the folder: an entry behind a link must not make the
        # generator delete something elsewhere.
        stale_files[rel] = root.joinpath(*check_path(rel).parts)
        try:
            fs.check_inside(root, stale_files[rel], want="file")
        except fs.UnsafePath as refused:
            raise GeneratedFolderError(f"refusing to remove {rel!r}: {refused}") from None
    _write_manifest(folder, owned | set(files))

    changed, unchanged = [], len(files) - len(targets)
    for rel, text in files.items():
        if rel not in targets:
            continue
        data = text.encode("utf-8") if isinstance(text, str) else text
        target = targets[rel]
        try:
            if target.read_bytes() == data:
                unchanged += 1
                continue
        except FileNotFoundError:
            fs.make_dirs(root, target.parent)
        _replace(target, data)
        changed.append(rel)

    removed = []
    for rel, stale in stale_files.items():
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            removed.append(rel)
        prune(stale.parent, root)
    _write_manifest(folder, set(files))
    return Written(tuple(sorted(changed)), unchanged, tuple(removed))


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
    """Files below ``root`` that the generator neither wrote nor is about to write.

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
