"""``dossier quote``: find the exact words of a seed from an approximate recollection of them.

The analyst types what they remember; we fold typography as the checker does, find the closest
passage, widen it to whole words, and print it verbatim with its line and a ``sources:`` entry
that ``dossier check`` will accept as it stands.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from dossier import quotes, seeds
from dossier.project import Project

# Below this similarity (0-100) the closest passage is shown, but not offered as a quote.
MIN_SIMILARITY = 60
_WORD = re.compile(r"\w", re.UNICODE)


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
    known = sorted(p.stem for p in project.seeds_dir.glob("*.md")) if project.seeds_dir.is_dir() else []
    from rapidfuzz import process

    stem = Path(name).stem
    prefixed = [k for k in known if k.startswith(stem)]
    match = prefixed[0] if len(prefixed) == 1 else None
    if match is None and known:
        best = process.extractOne(stem, known, score_cutoff=70)
        match = best[0] if best else None
    hint = f"; did you mean {match!r}?" if match else f" (known: {', '.join(known)})" if known else ""
    raise UnknownSeed(f"unknown seed {name!r}: no seeds/{Path(name).stem}.md{hint}")


def _widen(body: str, start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` to whole words and trim the whitespace around it."""
    while start > 0 and _WORD.match(body[start - 1]) and _WORD.match(body[start]):
        start -= 1
    while end < len(body) and _WORD.match(body[end]) and end > start and _WORD.match(body[end - 1]):
        end += 1
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _lower(text: str) -> str:
    # Lower case one character at a time, so offsets stay valid ('İ'.lower() is two characters).
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def closest(hay: str, needle: str) -> tuple[int, int, float]:
    """The span of ``hay`` most like ``needle`` and its similarity (0-100), ignoring case.

    rapidfuzz's best partial alignment is a window as long as the words typed; the passage
    meant is often longer or shorter ("sending air defence" for "sending advanced air defense
    systems"), so its ends are moved to nearby word boundaries while the similarity grows.
    """
    from rapidfuzz import fuzz

    hay_l, needle_l = _lower(hay), _lower(needle)
    if not needle_l.strip() or not hay_l.strip():
        return 0, 0, 0.0
    align = fuzz.partial_ratio_alignment(needle_l, hay_l)
    if align is None:  # only for empty input, excluded above
        return 0, 0, 0.0
    reach = len(needle_l)
    starts = [0] + [m.end() for m in re.finditer(r"\s+", hay_l)]
    ends = [m.start() for m in re.finditer(r"\s+", hay_l)] + [len(hay_l)]
    near_starts = [b for b in starts if abs(b - align.dest_start) <= reach // 2] or [align.dest_start]
    near_ends = [e for e in ends if align.dest_end - reach // 2 <= e <= align.dest_end + reach] or [
        align.dest_end
    ]
    best = (fuzz.ratio(needle_l, hay_l[align.dest_start : align.dest_end]), align.dest_start, align.dest_end)
    for b in near_starts:
        for e in near_ends:
            if e > b:
                score = fuzz.ratio(needle_l, hay_l[b:e])
                if score > best[0]:
                    best = (score, b, e)
    return best[1], best[2], best[0]


def find_passage(project: Project, seed_name: str, words: str) -> Passage:
    """The passage of the seed closest to ``words``."""
    path = resolve_seed(project, seed_name)
    inside = path.absolute().is_relative_to(project.root)
    seed = seeds.read(path, root=project.root if inside else None)  # no link, no FIFO
    if seed.error:
        raise UnknownSeed(f"{project.rel(path)}: {seed.error}")
    folded = quotes.fold(seed.body)
    anchor = quotes.find(folded, words)
    if anchor is not None:
        start, end, similarity = anchor.start, anchor.end, 100.0
    else:
        f_start, f_end, similarity = closest(folded.text, quotes.fold_text(words))
        start, end = folded.original_span(f_start, max(f_end, f_start + 1))
    start, end = _widen(seed.body, start, end)
    text = seed.body[start:end]
    found = quotes.find(folded, text)
    language = seed.meta.get("language") if isinstance(seed.meta, dict) else None
    return Passage(
        seed=seed.id,
        path=project.rel(path),
        line=seed.line_of(start),
        text=text,
        similarity=round(similarity, 1),
        occurrences=found.occurrences if found else 1,
        language=language if isinstance(language, str) else "en",
    )
