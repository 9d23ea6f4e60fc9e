"""Write a file so that a crash leaves either the old content or the new, never half of either.

The bytes go to a temporary file in the target's own folder (a rename is atomic only within one
file system), are flushed to disk, and the temporary file is then renamed over the target.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from dossier import fs


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(path: Path, data: bytes, *, exclusive: bool = False, root: Path | None = None) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`write_parts`)."""
    write_parts(path, (data,), exclusive=exclusive, root=root)


def write_parts(
    path: Path, parts: Iterable[bytes], *, exclusive: bool = False, root: Path | None = None
) -> None:
    """Replace ``path`` with the concatenated ``parts`` atomically, keeping its permission bits;
    the parts are written as they come, so the whole never has to be in memory at once.

    With ``exclusive`` the write fails with :class:`FileExistsError` when ``path`` exists,
    and never replaces a file that appears in the meantime. A target that is a link or not a
    regular file is refused (:class:`dossier.fs.UnsafePath`), and with ``root`` so is a path
    that leads out of it or through a link below it.
    """
    folder = path.parent
    if root is not None:
        fs.check_inside(root, path, want="file")
    fs.check_target(path)
    try:
        mode = stat.S_IMODE(path.lstat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()  # what open() would have given a new file
    if exclusive and os.path.lexists(path):
        raise FileExistsError(f"{path} exists")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for data in parts:
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.chmod(mode)
        if exclusive:
            # link() refuses an existing target, so a file created meanwhile is never replaced.
            os.link(tmp, path)
            tmp.unlink()
        else:
            tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _sync_folder(folder)


def write_text(path: Path, text: str, *, exclusive: bool = False, root: Path | None = None) -> None:
    """:func:`write_bytes` for UTF-8 text, written as given (no newline translation)."""
    write_bytes(path, text.encode("utf-8"), exclusive=exclusive, root=root)


def _sync_folder(folder: Path) -> None:
    # The rename itself lives in the folder's entry list; without this a power cut can undo it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - folders cannot be opened on Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)
