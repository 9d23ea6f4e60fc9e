"""``dossier quote``: find the exact words of a seed from an approximate recollection of them.

The analyst types what they remember; we fold typography as the checker does, find the closest
passage (:func:`dossier.quotes.closest`: whole words, widened to keep any negation or hedge word
of its clause), and print it verbatim with its line and a ``sources:`` entry that ``dossier
check`` will accept as it stands. ``--all`` asks every seed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from dossier import fs, quotes, seeds
from dossier.project import Project

# Below this similarity (0-100) the closest passage is shown, but not offered as a quote.
MIN_SIMILARITY = 60


class UnknownSeed(LookupError):
    """No seed has the given id or path."""


@dataclass(frozen=True)
class Passage:
    """The passage of a seed that best matches the words asked for."""

    seed: str
    path: str  # as the user sees it: seeds/<id>.md
    line: int
    text: str  # verbatim from the body, line breaks included
    similarity: float
    occurrences: int  # how often the passage occurs in the seed (after folding)
    language: str
    gave_up: str = ""  # why no passage was searched (a seed too large, a quote too long)
    kept: tuple[str, ...] = ()  # negation and hedge words of the clause the passage takes in

    @property
    def quote(self) -> str:
        """The passage on one line: whitespace runs become one space, which the check ignores."""
        return " ".join(self.text.split())

    def snippet(self, indent: int = 6) -> str:
        """A ``sources:`` list item, indented to paste below a fact's ``sources:`` key."""
        from dossier.fmt import double_quoted

        pad = " " * indent
        lines = [f"{pad}- seed: {self.seed}", f"{pad}  quote: {double_quoted(self.quote)}"]
        if self.language != "en":
            lines.append(
                f'{pad}  translation: ""  # required: the quote in English (the seed is in {self.language!r})'
            )
        return "\n".join(lines) + "\n"


def resolve_seed(project: Project, name: str) -> Path:
    """The seed file for an id (``alpha-report``) or a path (``seeds/alpha-report.md``)."""
    candidates = [project.seeds_dir / f"{name}.md", project.seeds_dir / name, project.root / name, Path(name)]
    for path in candidates:
        with contextlib.suppress(OSError):  # a name too long for the file system names no seed
            # Links and FIFOs too, so that reading refuses them by name instead of "unknown".
            if path.suffix == ".md" and (path.is_symlink() or path.exists()) and not path.is_dir():
                return path
    known: list[str] = []
    with contextlib.suppress(fs.UnsafePath):  # a linked seeds/ lists nothing from elsewhere
        known = [p.stem for p in fs.entries(project.root, project.seeds_dir, ".md")]
    from rapidfuzz import process

    stem = Path(name).stem
    prefixed = [k for k in known if k.startswith(stem)]
    match = prefixed[0] if len(prefixed) == 1 else None
    if match is None and known:
        best = process.extractOne(stem, known, score_cutoff=70)
        match = best[0] if best else None
    hint = f"; did you mean {match!r}?" if match else f" (known: {', '.join(known)})" if known else ""
    raise UnknownSeed(f"unknown seed {name!r}: no seeds/{Path(name).stem}.md{hint}")


def _passage(project: Project, path: Path, words: str) -> Passage:
    """The passage of the seed file at ``path`` closest to ``words``."""
    inside = path.absolute().is_relative_to(project.root)
    seed = seeds.read(path, root=project.root if inside else None)  # no link, no FIFO
    if seed.error:
        raise UnknownSeed(f"{project.rel(path)}: {seed.error}")
    folded = quotes.fold(seed.body)
    anchor = quotes.find(folded, words)
    if anchor is not None:
        # Exact words still keep a negation or hedge of their clause ("No" … "took place").
        start, end = quotes.keep_hedges(seed.body, anchor.start, anchor.end)
        kept = quotes.hedges_taken_in(seed.body, (anchor.start, anchor.end), (start, end))
        similarity = (
            100.0 if (start, end) == (anchor.start, anchor.end) else _similarity(seed.body[start:end], words)
        )
        gave_up = ""
    else:
        near = quotes.closest(folded, words)
        start, end, similarity, gave_up, kept = near.start, near.end, near.similarity, near.gave_up, near.kept
    text = seed.body[start:end]
    found = quotes.find(folded, text) if text.strip() else None
    language = seed.meta.get("language") if isinstance(seed.meta, dict) else None
    return Passage(
        seed=seed.id,
        path=project.rel(path),
        line=seed.line_of(start),
        text=text,
        similarity=round(similarity, 1),
        occurrences=found.occurrences if found else 1,
        language=language if isinstance(language, str) else "en",
        gave_up=gave_up,
        kept=kept,
    )


def _similarity(passage: str, words: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(quotes.fold_text(words).lower(), quotes.fold_text(passage).lower()))


def find_passage(project: Project, seed_name: str, words: str) -> Passage:
    """The passage of the seed closest to ``words``."""
    return _passage(project, resolve_seed(project, seed_name), words)


def find_everywhere(project: Project, words: str) -> tuple[list[Passage], list[str]]:
    """The best passage of every seed, best first, and the seeds that could not be read."""
    found, unreadable = [], []
    try:
        paths = fs.entries(project.root, project.seeds_dir, ".md")
    except fs.UnsafePath as refused:
        return [], [str(refused)]
    for path in paths:
        try:
            found.append(_passage(project, path, words))
        except UnknownSeed as exc:
            unreadable.append(str(exc))
    found.sort(key=lambda p: (-p.similarity, p.seed))
    return found, unreadable
