"""Outlets that look alike: one outlet entered twice under two ids (W412).

Corroboration counts outlets: a fact cited by ``moscow-times`` and ``moscow-time`` would count as
confirmed by two outlets when one outlet was entered twice, a typo that raises no error because
both ids are entities. Two outlets look alike when their ids, or a name or alias of each, are
nearly the same text (rapidfuzz's ``ratio`` on case-folded words, at least :data:`TWIN`).
Distinct real outlets with similar names score lower: "Times of India" and "Times of Israel"
score 76, "RT DE" and "RT EN" 80, "Reuters" and "Reuter" 92. Texts whose numbers differ
("Channel 4", "Channel 5"; "outlet-1", "outlet-11") name different outlets and are never compared,
which also keeps the comparison cheap: only texts with the same numbers are paired.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from dossier.quotes import fold_text

TWIN = 90  # percent
_WORDS = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+")


def _key(text: str) -> str:
    """Text compared as words: folded typography, case-folded, one space apart (ids' hyphens too)."""
    return " ".join(_WORDS.findall(fold_text(text).casefold().replace("_", " ")))


def twins(outlets: Sequence[tuple[str, object, Iterable[str]]]) -> list[tuple[str, str]]:
    """``(later, earlier)`` id pairs of outlets that look alike, each later outlet reported once
    (against the first earlier one it resembles). ``outlets`` are ``(id, name, aliases)`` in file
    order; a name that is not text (a schema finding) is left out of the comparison."""
    from rapidfuzz import fuzz, process

    # Each outlet's texts, grouped by the numbers they hold: only texts of one group are compared.
    groups: dict[tuple[str, ...], list[tuple[int, str]]] = defaultdict(list)
    for index, (outlet_id, name, aliases) in enumerate(outlets):
        texts = {_key(outlet_id), *(_key(a) for a in aliases)}
        if isinstance(name, str):
            texts.add(_key(name))
        for text in texts - {""}:
            groups[tuple(_NUMBER.findall(text))].append((index, text))
    resembles: dict[int, int] = {}  # later outlet -> the first earlier one it resembles
    for members in groups.values():
        choices = [text for _, text in members]
        for j, text in members:
            # One call per text, the pairs scored in C: a dossier may list hundreds of outlets.
            for _, _, at in process.extract(text, choices, scorer=fuzz.ratio, score_cutoff=TWIN, limit=None):
                i = members[at][0]
                if i < resembles.get(j, j):
                    resembles[j] = i
    return [(outlets[j][0], outlets[i][0]) for j, i in sorted(resembles.items())]
