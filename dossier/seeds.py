"""Read seed files: YAML front matter between ``---`` lines, then the body, byte for byte.

The body is evidence, so its bytes, its sha256 and its line offsets come from the file itself.
(python-frontmatter's boundary pattern strips whitespace around the body and its YAML loader
expands aliases, so neither its body nor its parser is used on untrusted seeds.)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier import fs
from dossier.diagnostics import not_utf8
from dossier.ids import SLUG as SLUG  # re-exported for the checker
from dossier.yamlload import Parsed, YamlProblem, parse

_OPEN = re.compile(rb"\A---[ \t]*\r?\n")
_CLOSE = re.compile(rb"^---[ \t]*\r?$\n?", re.M)


@dataclass(frozen=True)
class SeedFile:
    """A seed as read: its parsed front matter (positions are file lines) and its exact body."""

    id: str
    path: Path
    meta: Any  # YMap, or None where the front matter is missing or unparseable
    body: str
    body_sha256: str
    body_line: int  # the 1-based file line on which the body starts
    problems: tuple[YamlProblem, ...]
    error: str | None = None  # why the file could not be read as a seed at all
    error_code: str = ""  # the diagnostic code for ``error``
    error_column: int = 1  # where on ``body_line`` the error is (E105: the bad byte's)

    def line_of(self, offset: int) -> int:
        """The 1-based file line of a character offset into the body."""
        return self.body_line + self.body.count("\n", 0, offset)


def split(raw: bytes) -> tuple[bytes, bytes, int] | None:
    """Front matter bytes, body bytes, and the body's first line; ``None`` without front matter."""
    opening = _OPEN.match(raw)
    if not opening:
        return None
    closing = _CLOSE.search(raw, opening.end())
    if not closing:
        return None
    front = raw[opening.end() : closing.start()]
    body = raw[closing.end() :]
    body_line = raw.count(b"\n", 0, closing.end()) + 1
    return front, body, body_line


def read(
    path: Path,
    *,
    root: Path | None = None,
    raw: bytes | None = None,
    parse_front: Callable[[str], Parsed] | None = None,
) -> SeedFile:
    """Read one seed file (every folder below ``root`` checked too). Never raises on bad content.

    ``raw``: the file's bytes where the caller has read them by the same rule already (the
    incremental check hashes every seed first); ``parse_front`` parses the front matter in place
    of :func:`dossier.yamlload.parse` (it may remember earlier parses)."""
    seed_id = path.stem
    too_long = fs.check_name(seed_id)
    if too_long:
        # Pages and temporary files are named after the id: refuse it before a write fails.
        return SeedFile(seed_id, path, None, "", "", 1, (), f"seed file name {too_long}", "E203")
    try:
        # A link could publish any file on the build machine, a FIFO would block the build:
        # both are refused without being opened (a pull request can add either).
        raw = fs.read_bytes(path, root=root) if raw is None else raw
    except fs.UnsafePath as refused:
        return SeedFile(seed_id, path, None, "", "", 1, (), refused.reason, "E110")
    except OSError as exc:
        return SeedFile(seed_id, path, None, "", "", 1, (), f"cannot read: {exc.strerror}", "E106")
    parts = split(raw)
    if parts is None:
        why = "no front matter: the file must start with a '---' line and close it with another"
        if raw.startswith(b"\xef\xbb\xbf---"):  # editors on Windows add a byte order mark
            why = (
                "the file starts with a byte order mark (U+FEFF) before '---': "
                "save it as UTF-8 without BOM (the body and its sha256 stay the same)"
            )
        return SeedFile(seed_id, path, None, "", hashlib.sha256(raw).hexdigest(), 1, (), why, "E601")
    front, body_bytes, body_line = parts
    digest = hashlib.sha256(body_bytes).hexdigest()
    try:
        front_text = front.decode("utf-8")
        body = body_bytes.decode("utf-8")
    except UnicodeDecodeError:
        # Line and column of the bad byte in the file, as the facts file's E105 gives them. The
        # parts are cut at ASCII lines ("---"), so the file's first bad byte is the part's.
        line, column, why = not_utf8(raw, _first_bad_byte(raw))
        return SeedFile(seed_id, path, None, "", digest, line, (), why, "E105", column)
    # The front matter starts on the file's line 2.
    parsed = parse(front_text, first_line=2) if parse_front is None else parse_front(front_text)
    return SeedFile(seed_id, path, parsed.data, body, digest, body_line, parsed.problems)


def _first_bad_byte(raw: bytes) -> int:
    """Where ``raw`` stops being UTF-8 (0 if it is: never, where a part of it was not)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def read_all(
    seeds_dir: Path,
    *,
    root: Path | None = None,
    raw: dict[str, bytes] | None = None,
    parse_front: Callable[[str], Parsed] | None = None,
) -> list[SeedFile]:
    """Every ``*.md`` entry in the seeds folder that is not a folder, in name order; links and
    FIFOs are included so that :func:`read` refuses each by name. Empty when the folder is
    missing or refused (the loader reports why). ``raw``: bytes already read, by file name, each
    taken out of it once read (the seeds' texts replace them: at 50,000 facts, 40 MB that are
    not held through the rest of the check); ``parse_front``: see :func:`read`."""
    root = root or seeds_dir.parent
    try:
        paths = fs.entries(root, seeds_dir, ".md")
    except (fs.UnsafePath, OSError):
        return []
    raw = {} if raw is None else raw
    # The folder was checked by fs.entries; each file by read() (or by whoever read ``raw``).
    return [read(p, raw=raw.pop(p.name, None), parse_front=parse_front) for p in paths]


# --- kept originals -------------------------------------------------------------------------
# A seed imported from a capture (a saved web page, a PDF) keeps the captured file byte for byte
# in seeds/originals/, named after the seed, and records it in its front matter:
#   original: {file: originals/<id>.pdf, sha256: …, media_type: application/pdf}
# The folder holds no *.md, so no original is ever read as a seed.
ORIGINALS = "originals"
ORIGINAL_SUFFIXES = {"text/html": "html", "application/pdf": "pdf"}
# The largest original that is read (to verify or publish it); add-seed refuses larger captures.
MAX_ORIGINAL_BYTES = 64 * 1024 * 1024


def original_file(seed_id: str, media_type: object) -> str | None:
    """Where a seed's original must be, relative to ``seeds/``: ``originals/<id>.<ext>``; None
    for a media type that is not a capture kind. The name is made here, never read from data."""
    suffix = ORIGINAL_SUFFIXES.get(media_type) if isinstance(media_type, str) else None
    return f"{ORIGINALS}/{seed_id}.{suffix}" if suffix else None


@dataclass(frozen=True)
class OriginalFile:
    """A kept original as found on disk: its sha256, or why it could not be read."""

    file: str  # relative to seeds/
    sha256: str | None
    error: str | None = None
    error_code: str = ""  # E110 for a link or non-regular file, E111 otherwise


def read_original(seeds_dir: Path, rel: str, *, root: Path) -> tuple[OriginalFile, bytes | None]:
    """Read ``seeds/<rel>`` by the filesystem rule (no link, a regular file, at most
    :data:`MAX_ORIGINAL_BYTES`); never raises."""
    try:
        data = fs.read_bytes(seeds_dir / rel, root=root, limit=MAX_ORIGINAL_BYTES)
    except fs.UnsafePath as refused:
        return OriginalFile(rel, None, refused.where(seeds_dir / rel), "E110"), None
    except FileNotFoundError:
        return OriginalFile(rel, None, "is missing", "E111"), None
    except fs.TooLarge:
        return OriginalFile(rel, None, f"is larger than {MAX_ORIGINAL_BYTES} bytes", "E111"), None
    except OSError as exc:
        return OriginalFile(rel, None, f"cannot be read: {exc.strerror}", "E111"), None
    if rel.endswith(".pdf") and not data.startswith(b"%PDF-"):
        # Published as .pdf: a file that is not one (a page with script, say) must not pass as one.
        return OriginalFile(rel, None, "is not a PDF (it does not start with %PDF-)", "E111"), None
    return OriginalFile(rel, hashlib.sha256(data).hexdigest()), data


def read_originals(
    seeds_dir: Path, found: list[SeedFile] | tuple[SeedFile, ...], *, root: Path
) -> tuple[dict[str, OriginalFile], tuple[str, ...]]:
    """The kept original of every seed whose front matter names one (by seed id), and the files in
    ``seeds/originals/`` that no seed names (relative to ``seeds/``)."""
    originals: dict[str, OriginalFile] = {}
    for seed in found:
        original = seed.meta.get("original") if isinstance(seed.meta, dict) else None
        rel = original_file(seed.id, original.get("media_type")) if isinstance(original, dict) else None
        if rel is not None and SLUG.match(seed.id):
            originals[seed.id] = read_original(seeds_dir, rel, root=root)[0]
    try:
        kept = fs.entries(root, seeds_dir / ORIGINALS, "")
    except (fs.UnsafePath, OSError):
        kept = []  # a link there is reported where a seed's original is read through it
    named = {o.file for o in originals.values()}
    stray = tuple(
        f"{ORIGINALS}/{p.name}"
        for p in kept
        if f"{ORIGINALS}/{p.name}" not in named and not p.name.startswith(".")  # .DS_Store and the like
    )
    return originals, stray
