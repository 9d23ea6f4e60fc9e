"""Generate a synthetic dossier project for benchmarks.

``python benchmarks/synth.py OUT --facts 10000 --entities 2000 --seeds 1000`` writes
``OUT/data/facts.yaml`` and ``OUT/seeds/*.md`` (and copies mkdocs.yml and docs/ when run from
the repository). Every quote is taken from its seed, so the project checks clean; output is
deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
from pathlib import Path

WORDS = [
    "air",
    "defense",
    "radar",
    "delivery",
    "system",
    "missile",
    "drone",
    "officials",
    "report",
    "council",
    "security",
    "minister",
    "president",
    "visit",
    "request",
    "equipment",
    "launcher",
    "battery",
    "regional",
    "war",
    "attack",
    "strike",
    "response",
    "capital",
    "agency",
    "statement",
    "meeting",
    "defense",
    "ministry",
    "secretary",
    "summit",
    "cooperation",
    "sanctions",
]
TYPES = ("person", "organization", "state", "equipment", "place", "event")


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def generate(out: Path, facts: int, entities: int, seeds: int, rng_seed: int = 1) -> None:
    rng = random.Random(rng_seed)
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "seeds").mkdir(parents=True, exist_ok=True)
    outlets = [f"outlet-{i}" for i in range(max(2, seeds // 50))]
    bodies: list[list[str]] = []
    for s in range(seeds):
        # Numbered sentences keep every quote unique within its seed.
        sentences = [f"Item {s}-{k}: {_sentence(rng, 14)}" for k in range(40)]
        bodies.append(sentences)
        body = "\n".join(" ".join(sentences[i : i + 4]) for i in range(0, 40, 4)) + "\n"
        raw = body.encode()
        front = (
            f'title: "Synthetic article {s}"\noutlet: {outlets[s % len(outlets)]}\n'
            f'published: "2024-{1 + s % 12:02d}-{1 + s % 28:02d}"\nlanguage: en\nurl: null\n'
            f"sha256: {hashlib.sha256(raw).hexdigest()}\n"
        )
        (out / "seeds" / f"seed-{s}.md").write_bytes(b"---\n" + front.encode() + b"---\n" + raw)
    lines = [
        "# yaml-language-server: $schema=../dossier/schema/facts.schema.json",
        "title: Synthetic dossier",
        "summary: Generated for benchmarks.",
        "entities:",
    ]
    for i in range(entities):
        lines += [
            f"  - id: entity-{i}",
            f"    type: {TYPES[i % len(TYPES)]}",
            f"    name: Entity {i}",
            f"    aliases: [E{i}, Ent {i}]",
            f"    description: {_sentence(rng, 12)}",
        ]
    for o in outlets:
        lines += [f"  - id: {o}", "    type: outlet", f"    name: Outlet {o[7:]}"]
    lines.append("facts:")
    for f in range(facts):
        cited = sorted({rng.randrange(seeds) for _ in range(rng.choice((1, 2, 2, 3)))})
        about = sorted({f"entity-{rng.randrange(entities)}" for _ in range(rng.choice((1, 2, 3)))})
        # Dated on the earliest publication among its sources (a later date is W502), and
        # inferred, since no synthetic quote states a date (E502).
        first = min(cited, key=lambda s: (s % 12, s % 28))
        lines += [
            f"  - id: fact-{f}",
            f"    statement: {_sentence(rng, 16)}",
            f'    date: "2024-{1 + first % 12:02d}-{1 + first % 28:02d}"',
            '    date_inferred: "Synthetic: the publication date of its earliest source."',
            f"    about: [{', '.join(about)}]",
            f"    status: {rng.choice(('reported', 'reported', 'confirmed', 'disputed'))}",
            "    sources:",
        ]
        for s in cited:
            sentence = bodies[s][rng.randrange(40)]
            # Whole words only: a quote cut inside a word is an error (E404).
            quote = sentence if len(sentence) <= 90 else sentence[:91].rsplit(" ", 1)[0]
            lines += [f"      - seed: seed-{s}", f'        quote: "{quote}"']
        if len({s % len(outlets) for s in cited}) == 1:
            lines += ["    acknowledge:", "      W401: Synthetic single-outlet fact."]
    (out / "data" / "facts.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    repo = Path(__file__).resolve().parent.parent
    if (repo / "mkdocs.yml").exists():
        shutil.copy(repo / "mkdocs.yml", out / "mkdocs.yml")
        shutil.copytree(
            repo / "docs", out / "docs", dirs_exist_ok=True, ignore=shutil.ignore_patterns("generated")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--seeds", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    args = parser.parse_args()
    generate(args.out, args.facts, args.entities, args.seeds, args.seed)
    print(f"wrote {args.facts} facts, {args.entities} entities, {args.seeds} seeds to {args.out}")


if __name__ == "__main__":
    main()
