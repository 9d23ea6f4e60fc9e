"""Remember the last check's findings, keyed by everything they depend on.

A re-check of an unchanged project reads one small JSON file instead of parsing thousands of
facts. The key covers the bytes of the facts file and of every seed (not their modification
times, which ``cp -p`` or ``rsync -t`` preserve across edits), and the checker's own source
files, so any edit, new seed or upgrade of dossier misses the cache.
The cache lives in ``.dossier-cache/`` at the project root and is never committed.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier import atomic, fs, seeds
from dossier.diagnostics import RULES, Diagnostic
from dossier.project import Project

_FILE = "check.json"


def _bytes(text: str) -> bytes:
    """``text`` as UTF-8, lone surrogates included: a file name with a byte that is not UTF-8
    (``a\\xffb.md``) reaches Python as a surrogate, and must key the cache, not crash it."""
    return text.encode("utf-8", "surrogatepass")


def key(project: Project) -> str:
    """A digest of every input the check reads, and of the checker itself."""
    return inputs(project)[0]


def inputs(project: Project, keep: dict[str, bytes] | None = None) -> tuple[str, dict[str, str]]:
    """:func:`key`, and a digest of each seed file's bytes by file name (for the incremental check);
    ``keep`` receives each seed's bytes by file name, so that the check need not read them again."""
    h = hashlib.sha256()
    seed_digests: dict[str, str] = {}
    # A refused path (a link, a FIFO) is keyed by the refusal, never read: reading a FIFO blocks.
    for refused in fs.survey(project):
        h.update(_bytes(f"\n<refused {refused}>\n"))
    try:
        h.update(fs.read_bytes(project.facts_file, root=project.root))
    except fs.UnsafePath as refused:
        h.update(_bytes(f"<refused {refused}>"))
    except OSError:
        h.update(b"<no facts file>")
    try:
        seed_files = fs.entries(project.root, project.seeds_dir, ".md")
    except (fs.UnsafePath, OSError):
        seed_files = []
    for seed in seed_files:
        h.update(_bytes(f"\n{seed.name}\n"))
        try:
            raw = fs.read_bytes(seed)  # its folder is checked above
            digest = hashlib.sha256(raw).digest()
            if keep is not None:
                keep[seed.name] = raw
        except fs.UnsafePath as refused:
            digest = _bytes(f"<refused {refused.reason}>")
        except OSError:
            digest = b"<unreadable>"
        h.update(digest)
        seed_digests[seed.name] = digest.hex()
    _key_originals(project, h)
    h.update(_bytes(checker_version()))
    return h.hexdigest(), seed_digests


@dataclass
class Inputs:
    """What a check reads, digested once: :func:`inputs` with this cache folder's :func:`identity`
    (``who``; None: no usable cache folder, so no cache) and each seed's bytes, kept for the check."""

    who: str | None
    digest: str  # the key of the whole result, the identity included
    seed_digests: dict[str, str]
    seed_bytes: dict[str, bytes]


def gather(project: Project, *, use_cache: bool = True) -> Inputs:
    """The inputs of a check, read once (see :class:`Inputs`); ``use_cache=False``: no identity."""
    who = identity(project) if use_cache else None
    seed_bytes: dict[str, bytes] = {}
    digest, seed_digests = inputs(project, seed_bytes)
    return Inputs(who, f"{digest}:{who}", seed_digests, seed_bytes)


def checker_version() -> str:
    """A digest of the checker's own files: an upgrade of dossier invalidates every result.

    The code changes rarely and is large: its files' sizes and times are enough."""
    h = hashlib.sha256()
    for folder in (Path(__file__).parent, Path(__file__).parent / "schema"):
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_file():
                    st = entry.stat()
                    h.update(_bytes(f"{folder.name}/{entry.name}:{st.st_size}:{st.st_mtime_ns}\n"))
    return h.hexdigest()


def _key_originals(project: Project, h: hashlib._Hash) -> None:
    """Every file in ``seeds/originals/`` by name and bytes: the check verifies kept captures (E111)."""
    folder = project.seeds_dir / seeds.ORIGINALS
    try:
        kept = fs.entries(project.root, folder, "")
    except (fs.UnsafePath, OSError) as refused:
        h.update(_bytes(f"\n<refused originals {refused}>\n"))
        return
    for path in kept:
        h.update(_bytes(f"\noriginals/{path.name}\n"))
        try:
            h.update(hashlib.sha256(fs.read_bytes(path, limit=seeds.MAX_ORIGINAL_BYTES)).digest())
        except fs.UnsafePath as refused:
            h.update(_bytes(f"<refused {refused.reason}>"))
        except OSError:
            h.update(b"<unreadable or too large>")


def read(project: Project, digest: str) -> tuple[list[Diagnostic], int] | None:
    """The cached findings and acknowledged count for this digest, if any."""
    try:
        stored = json.loads(fs.read_text(project.cache_dir / _FILE, root=project.root))
        if not isinstance(stored, dict) or stored.get("key") != digest:
            return None
        diags = [
            Diagnostic(d["path"], d["line"], d["column"], d["code"], RULES[d["code"]].severity, d["message"])
            for d in stored["diagnostics"]
        ]
        return diags, int(stored["acknowledged"])
    except (OSError, ValueError, KeyError, TypeError, fs.UnsafePath):
        return None  # a refused cache folder is reported by the check itself (E110)


def write(project: Project, digest: str, diags: tuple[Diagnostic, ...], acknowledged: int) -> None:
    """Store findings atomically; a cache that cannot be written is simply skipped."""
    payload = {
        "key": digest,
        "acknowledged": acknowledged,
        "diagnostics": [
            {"path": d.path, "line": d.line, "column": d.column, "code": d.code, "message": d.message}
            for d in diags
        ],
    }
    try:
        make_folder(project)
        atomic.write_text(project.cache_dir / _FILE, json.dumps(payload), root=project.root)
    except (OSError, fs.UnsafePath):
        pass  # not used; a refused cache folder is reported by the check itself (E110)


_PARTS = "check-parts.bin"
MODELS = "check-models.bin"  # the model values an incremental check with the model stores
_PARTS_MAGIC = b"dossier check parts\n"


def read_parts(project: Project, version: str, name: str = _PARTS) -> dict[str, Any]:
    """The incremental check's remembered results (:mod:`dossier.incremental`) for this checker
    ``version``; empty if none, or if the file is from another version or damaged.

    The results are stored with :mod:`marshal` (a tenth of the time JSON takes to read), after a
    header naming the version and a checksum of the payload. ``version`` names this cache folder's
    identity (:func:`identity`), which a file arriving by commit or copy cannot know, so only a
    payload this folder wrote, byte for byte, is ever unmarshalled."""
    try:
        raw = fs.read_bytes(project.cache_dir / name, root=project.root)
    except (OSError, fs.UnsafePath):
        return {}
    header = _PARTS_MAGIC + _bytes(version) + b"\n"
    if not raw.startswith(header):
        return {}
    digest, newline, payload = raw[len(header) :].partition(b"\n")
    if not newline or _checksum(payload) != digest:
        return {}  # cut short or damaged
    try:
        stored = marshal.loads(payload)  # noqa: S302 - this folder's own bytes (see above)
    except (EOFError, ValueError, TypeError):
        return {}
    return stored if isinstance(stored, dict) else {}


def make_folder(project: Project) -> None:
    """Create the cache folder (never through a link) with a ``.gitignore`` that keeps it out of
    commits; OSError or fs.UnsafePath where it cannot be made."""
    fs.make_dirs(project.root, project.cache_dir)
    if not (project.cache_dir / ".gitignore").exists():
        atomic.write_text(project.cache_dir / ".gitignore", "*\n", root=project.root)


def _checksum(payload: bytes) -> bytes:
    """Detects a damaged or cut payload (the version line, not this, keeps other folders' files
    out): CRC-32 and the length, ten times cheaper than sha256 on the megabytes stored."""
    return f"{zlib.crc32(payload):08x}-{len(payload)}".encode()


def write_parts(project: Project, version: str, parts: dict[str, Any], name: str = _PARTS) -> None:
    """Store the incremental check's results atomically (see :func:`read_parts`); skipped where the
    cache cannot be written."""
    try:
        payload = marshal.dumps(parts)
    except ValueError:  # a value marshal cannot store: keep nothing rather than something wrong
        return
    header = _PARTS_MAGIC + _bytes(version) + b"\n" + _checksum(payload) + b"\n"
    try:
        make_folder(project)
        atomic.write_bytes(project.cache_dir / name, header + payload, root=project.root)
    except (OSError, fs.UnsafePath):
        pass


_IDENTITY = "identity"


def identity(project: Project) -> str | None:
    """Who wrote this cache folder: the inode and change time of a file made in it on first use.

    The cache folder is git-ignored, but a pull request can still commit one (``git add -f``), and
    a cache file is public knowledge: anyone can compute the keys of the pages it would stand in
    for. The stored file names its identity, and a file that arrived by checkout or copy has an
    inode and change time (to the nanosecond) nobody can predict, so a cache that did not grow
    here never matches. None: no usable folder, no cache.
    """
    path = project.cache_dir / _IDENTITY
    try:
        make_folder(project)
        try:
            st = path.lstat()  # never follows a link
        except FileNotFoundError:
            atomic.write_text(path, "made by dossier: identifies this cache folder\n", root=project.root)
            st = path.lstat()
        if not stat.S_ISREG(st.st_mode):
            return None
    except (OSError, fs.UnsafePath):
        return None
    return f"{st.st_dev}:{st.st_ino}:{st.st_ctime_ns}"
