"""Remember the last check's findings, keyed by everything they depend on.

A re-check of an unchanged project reads one small JSON file instead of parsing thousands of
facts. The key covers the facts file's bytes, each seed's name, size and modification time,
and the checker's own source files, so any edit (or an upgrade of dossier) misses the cache.
The cache lives in ``.dossier-cache/`` at the project root and is never committed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from dossier.diagnostics import RULES, Diagnostic
from dossier.project import Project

_FILE = "check.json"


def key(project: Project) -> str:
    """A digest of every input the check reads, and of the checker itself."""
    h = hashlib.sha256()
    try:
        h.update(project.facts_file.read_bytes())
    except OSError:
        h.update(b"<no facts file>")
    for folder in (project.seeds_dir, Path(__file__).parent, Path(__file__).parent / "schema"):
        try:
            with os.scandir(folder) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if entry.is_file():
                        st = entry.stat()
                        h.update(f"{folder.name}/{entry.name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"<no {folder.name}>".encode())
    return h.hexdigest()


def read(project: Project, digest: str) -> tuple[list[Diagnostic], int] | None:
    """The cached findings and acknowledged count for this digest, if any."""
    try:
        stored = json.loads((project.cache_dir / _FILE).read_text("utf-8"))
        if stored.get("key") != digest:
            return None
        diags = [
            Diagnostic(d["path"], d["line"], d["column"], d["code"], RULES[d["code"]].severity, d["message"])
            for d in stored["diagnostics"]
        ]
        return diags, int(stored["acknowledged"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


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
        project.cache_dir.mkdir(exist_ok=True)
        (project.cache_dir / ".gitignore").write_text("*\n", "utf-8")
        tmp = project.cache_dir / f"{_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
        tmp.replace(project.cache_dir / _FILE)
    except OSError:
        pass
