"""The filesystem rule: every path dossier reads or writes stays inside the project, as a real
file or folder.

Facts and seeds arrive by pull request from strangers, and CI builds them on a machine with
credentials. A pull request can add symbolic links and (in a checkout made by hand, or an archive)
FIFOs, sockets and devices. So every path below the project root is checked component by
component with ``lstat``, never followed: a symbolic link anywhere below the root (``seeds``,
``data``, ``site``, ``docs/generated``, ``.dossier-cache``, a seed file) is refused, and so is
anything that is not a regular file or folder. Files are opened with ``O_NOFOLLOW|O_NONBLOCK``
and checked again with ``fstat`` after opening, so a FIFO never blocks and a file swapped for a
link between the check and the open is still refused. Refusals are :class:`UnsafePath` values
that callers turn into E110 findings or a plain ``Error:``.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from dossier.ids import MAX_ID_LENGTH
from dossier.project import Project

# Flags for opening anything we read: never follow a final symbolic link (ELOOP instead), never
# wait for a FIFO's writer, never leak the descriptor into the site engine's subprocess.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class UnsafePath(Exception):
    """A path was refused: it leads through a symbolic link, out of the project, or to
    something that is not a regular file or folder."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def where(self, meant: Path) -> str:
        """The reason, naming the refused component when it is not ``meant`` itself."""
        return self.reason if self.path == meant else f"{self.path.name}/ {self.reason}"


def describe(mode: int) -> str:
    """What kind of thing a ``st_mode`` is, in words."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "not a regular file"  # pragma: no cover - door files and the like


def _refusal(mode: int, wanted: str) -> str:
    if stat.S_ISLNK(mode):
        why = "dossier follows no links, so a pull request cannot point it outside the project"
    elif stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return f"is {describe(mode)}, not {wanted}"  # the wrong kind, but nothing unsafe
    else:
        why = "only regular files and folders are read or written"
    return f"is {describe(mode)}, not {wanted}: {why}"


def _components(root: Path, path: Path) -> Iterator[Path]:
    """Each path from the first component below ``root`` down to ``path`` itself."""
    path = path if path.is_absolute() else root / path
    try:
        rel = path.relative_to(root)
    except ValueError:
        raise UnsafePath(path, f"is outside the project folder {root}") from None
    current = root
    for part in rel.parts:
        if part in ("..", "."):
            raise UnsafePath(path, "leads out of the project folder ('..' in the path)")
        current = current / part
        yield current


_WANTED = {"file": "a regular file", "dir": "a folder", "any": "a regular file or folder"}


def check_inside(root: Path, path: Path, *, want: str = "any") -> bool:
    """Refuse ``path`` unless every existing component below ``root`` is a real folder and the
    path itself (if it exists) is what ``want`` says: ``"file"``, ``"dir"`` or ``"any"``
    (a regular file or a folder). True when the path exists; a missing path is not an error,
    so this also guards a file about to be written."""
    parts = list(_components(root, path))
    for i, current in enumerate(parts):
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return False
        if i < len(parts) - 1:
            if not stat.S_ISDIR(mode):
                raise UnsafePath(current, _refusal(mode, "a folder"))
        elif not (
            (want in ("file", "any") and stat.S_ISREG(mode))
            or (want in ("dir", "any") and stat.S_ISDIR(mode))
        ):
            raise UnsafePath(current, _refusal(mode, _WANTED[want]))
    return True


class TooLarge(OSError):
    """A file is larger than its reader allows (``read_bytes(limit=…)``)."""


def read_bytes(path: Path, *, root: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of a regular file; :class:`UnsafePath` for a link or anything else, without
    opening it, and :class:`OSError` as ``open`` raises it (``FileNotFoundError`` …).

    With ``root``, every component below it is checked too; without (a file the user named on
    the command line), only the file itself. With ``limit``, a file of more bytes raises
    :class:`TooLarge` without being read."""
    if root is not None:
        check_inside(root, path, want="file")
    mode = os.lstat(path).st_mode  # a FIFO or device is refused before it is ever opened
    if not stat.S_ISREG(mode):
        raise UnsafePath(path, _refusal(mode, "a regular file"))
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the file became a link after the lstat above
            raise UnsafePath(path, _refusal(stat.S_IFLNK, "a regular file")) from None
        raise
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(file.fileno()).st_mode  # what was opened, not what was checked
        if not stat.S_ISREG(mode):
            raise UnsafePath(path, _refusal(mode, "a regular file"))
        if limit is None:
            return file.read()
        data = file.read(limit + 1)  # never more, even if the file grew since the fstat
        if len(data) > limit:
            raise TooLarge(errno.EFBIG, f"is larger than {limit} bytes", str(path))
        return data


def read_text(path: Path, *, root: Path | None = None) -> str:
    """:func:`read_bytes` decoded as UTF-8 (``UnicodeDecodeError`` on bad bytes)."""
    return read_bytes(path, root=root).decode("utf-8")


def entries(root: Path, folder: Path, suffix: str) -> list[Path]:
    """Every entry of ``folder`` whose name ends in ``suffix`` and is not a folder, in name
    order, links and FIFOs included (so their readers refuse them by name). Empty when the
    folder is missing; :class:`UnsafePath` when it is a link or not a folder."""
    if not check_inside(root, folder, want="dir"):
        return []
    found = []
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.name.endswith(suffix) and not entry.is_dir(follow_symlinks=False):
                found.append(entry.name)
    # Sorted by name, as Paths in one folder sort, without pathlib's slower comparisons.
    return [folder / name for name in sorted(found)]


def make_dirs(root: Path, folder: Path) -> None:
    """Create ``folder`` and its missing parents below ``root``, refusing any component that is
    a link or not a folder (``mkdir(parents=True)`` would follow a link and write elsewhere)."""
    for current in _components(root, folder):
        try:
            current.mkdir()
        except FileExistsError:
            mode = os.lstat(current).st_mode
            if not stat.S_ISDIR(mode):
                raise UnsafePath(current, _refusal(mode, "a folder")) from None


def check_target(path: Path) -> None:
    """Refuse to replace ``path`` when it is a link or anything but a regular file: a rename
    over a link would hide that the file the user meant lives elsewhere."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise UnsafePath(path, _refusal(mode, "a regular file"))


def check_name(name: str) -> str | None:
    """Why a seed id (a file name without ``.md``) is too long for a file name, or ``None``.

    Generated pages and temporary files add prefixes and suffixes to the id, and most file
    systems stop at 255 bytes, so ids are capped well below that."""
    if len(name) > MAX_ID_LENGTH:
        return f"is {len(name)} characters long; an id has at most {MAX_ID_LENGTH}"
    return None


def _walk(folder: Path, skip: Path | None = None) -> Iterator[UnsafePath]:
    """Every link or non-regular entry below ``folder``."""
    for top, dirs, files in os.walk(folder):  # followlinks=False: never descends into a link
        here = Path(top)
        if skip is not None and here == skip:
            dirs[:] = []
            continue
        for name in [*dirs, *files]:
            try:
                mode = os.lstat(here / name).st_mode
            except OSError:
                continue  # vanished or unreadable: whoever reads it next reports why
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                yield UnsafePath(here / name, _refusal(mode, "a regular file or folder"))


def survey(project: Project, *, generated: bool = False) -> list[UnsafePath]:
    """Every path of the project's layout that dossier would refuse to read or write: the fixed
    files and folders (a link or a FIFO where one is expected) and anything in ``docs/`` that the
    site engine would read through a link. ``docs/generated/`` is walked only with ``generated``
    (the generator checks each file it writes; the site build walks it before the engine runs)."""
    expected = [
        (project.facts_file.parent, "dir"),
        (project.facts_file, "file"),
        (project.seeds_dir, "dir"),
        (project.docs_dir, "dir"),
        (project.generated_dir, "dir"),
        (project.site_dir, "dir"),
        (project.cache_dir, "dir"),
        (project.mkdocs_file, "file"),
    ]
    found: dict[Path, UnsafePath] = {}
    for path, want in expected:
        try:
            check_inside(project.root, path, want=want)
        except UnsafePath as refused:
            found.setdefault(refused.path, refused)
        except OSError:
            pass  # unreadable, not unsafe: the reader reports it (E106)
    seeds = project.seeds_dir
    if seeds not in found and seeds.is_dir() and not seeds.is_symlink():
        with os.scandir(seeds) as listing:
            for entry in listing:
                # A folder named like a seed would be skipped without a word.
                if entry.name.endswith(".md") and entry.is_dir(follow_symlinks=False):
                    path = Path(entry.path)
                    found.setdefault(path, UnsafePath(path, "is a folder, not a seed file"))
    docs = project.docs_dir
    if docs not in found and docs.is_dir() and not docs.is_symlink():
        skip = None if generated else project.generated_dir
        for inside in _walk(docs, skip):
            found.setdefault(inside.path, inside)
    return sorted(found.values(), key=lambda r: r.path)
