"""Where a dossier project keeps things. Every path the tool reads or writes is derived here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """A project root and the fixed layout below it."""

    root: Path

    @property
    def facts_file(self) -> Path:
        return self.root / "data" / "facts.yaml"

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def generated_dir(self) -> Path:
        """Pages the generator owns; git ignores it and nothing else writes here."""
        return self.docs_dir / "generated"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def mkdocs_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".dossier-cache"

    def rel(self, path: Path) -> str:
        """A path as diagnostics print it: relative to the root where possible, with slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
