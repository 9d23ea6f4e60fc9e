"""Generate a synthetic dossier project for benchmarks.

``python benchmarks/synth.py OUT --facts 10000 --entities 2000 --seeds 1000`` writes
``OUT/data/facts.yaml`` and ``OUT/seeds/*.md`` (and copies mkdocs.yml and docs/ when run from
the repository). Every quote is taken from its seed, so the project checks clean (warnings are
acknowledged); output is deterministic for a given ``--seed``.

It is at least as hard as real data (issue 9): seed bodies are hard-wrapped, so most quotes span
a line break; quotations inside the text use curly quotes (“…”) and, in the German seeds (one in
eight), „…“ with umlauts and ß; some statements, quotes and notes are ``>-`` or ``|`` block
scalars; facts carry figures, dates of every precision (year, month, day, range) inferred from
their sources, translations of German quotes, pairs of facts that contradict each other, and
comment lines between batches of facts as analysts write them.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import textwrap
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
# German words with umlauts and ß (folded for matching), none of them a negation or hedge (W411).
GERMAN = [
    "Luftabwehr",
    "Lieferung",
    "System",
    "Rakete",
    "Drohne",
    "Behörden",
    "Bericht",
    "Sicherheitsrat",
    "Minister",
    "Präsident",
    "Besuch",
    "Anfrage",
    "Ausrüstung",
    "Startgerät",
    "Batterie",
    "Angriff",
    "Hauptstadt",
    "Erklärung",
    "Treffen",
    "Ministerium",
    "Gipfel",
    "Zusammenarbeit",
    "Größe",
    "Straße",
    "über",
    "für",
    "Gespräche",
]
TYPES = ("person", "organization", "state", "equipment", "place", "event")
SENTENCES = 40  # per seed; numbered, so every quote is unique within its seed
GERMAN_EVERY = 8  # one seed in eight is German (12.5 %)
UNITS = ("launchers", "drones", "missiles", "soldiers")


def _sentence(rng: random.Random, n: int, words: list[str] = WORDS) -> str:
    chosen = [rng.choice(words) for _ in range(n)]
    return " ".join(chosen).capitalize() + "."


def _seed_sentence(rng: random.Random, s: int, k: int, german: bool) -> tuple[str, int | None]:
    """One numbered sentence of seed ``s``, and the number of units it gives, if any."""
    words = GERMAN if german else WORDS
    head = f"{'Punkt' if german else 'Item'} {s}-{k}:"
    kind = k % 5
    if kind == 1:  # a quotation inside the sentence: “…” in English, „…“ in German
        inner = " ".join(rng.choice(words) for _ in range(5))
        opening, closing = ("„", "“") if german else ("“", "”")
        lead = " ".join(rng.choice(words) for _ in range(5))
        return f"{head} {lead.capitalize()} {opening}{inner}{closing} {rng.choice(words)}.", None
    if kind == 3 and not german:  # a number with a thousands separator, for a figure
        count = rng.choice((120, 300, 1200, 2500, 45))
        unit = UNITS[k % len(UNITS)]
        lead = " ".join(rng.choice(words) for _ in range(6))
        return f"{head} {lead.capitalize()} at least {count:,} {unit} {rng.choice(words)}.", count
    return f"{head} {_sentence(rng, 14, words)}", None


def _quote(sentence: str) -> str:
    """At most 90 characters of ``sentence``, cut between words."""
    return sentence if len(sentence) <= 90 else sentence[:91].rsplit(" ", 1)[0]


def _yaml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _published(s: int) -> str:
    return f"2024-{1 + s % 12:02d}-{1 + s % 28:02d}"


def generate(out: Path, facts: int, entities: int, seeds: int, rng_seed: int = 1) -> None:
    """Write a project with ``facts`` facts, ``entities`` entities and ``seeds`` seeds to ``out``."""
    rng = random.Random(rng_seed)
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "seeds").mkdir(parents=True, exist_ok=True)
    outlets = [f"outlet-{i}" for i in range(max(2, seeds // 50))]
    bodies: list[list[tuple[str, int | None]]] = []
    for s in range(seeds):
        german = s % GERMAN_EVERY == GERMAN_EVERY - 1
        sentences = [_seed_sentence(rng, s, k, german) for k in range(SENTENCES)]
        bodies.append(sentences)
        paragraphs = [" ".join(t for t, _ in sentences[i : i + 4]) for i in range(0, SENTENCES, 4)]
        # Hard-wrapped at 72 columns, as articles are saved: most quotes span a line break.
        body = "\n\n".join(textwrap.fill(p, 72, break_on_hyphens=False) for p in paragraphs) + "\n"
        raw = body.encode()
        title = f"Bericht {s}: „Lage“" if german else f"Synthetic article {s}: “update”"
        front = (
            f"title: {_yaml_quoted(title)}\noutlet: {outlets[s % len(outlets)]}\n"
            f'published: "{_published(s)}"\nlanguage: {"de" if german else "en"}\nurl: null\n'
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
        if i % 100 == 0:
            lines.append(
                f"  # ---------------------------------------------------------------- batch {i // 100}"
            )
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
        if f % 250 == 0:
            lines.append(
                f"  # ================================================================ facts {f}–{f + 249}"
            )
        cited = sorted({rng.randrange(seeds) for _ in range(rng.choice((1, 2, 2, 3)))})
        about = sorted({f"entity-{rng.randrange(entities)}" for _ in range(rng.choice((1, 2, 3)))})
        picks = {s: rng.randrange(SENTENCES) for s in cited}
        # Whole words only: a quote cut inside a word is an error (E404).
        quotes = {s: _quote(bodies[s][k][0]) for s, k in picks.items()}
        # A figure where a cited English sentence gives a number and its quote keeps it.
        figure = next(
            (
                (s, count)
                for s, k in picks.items()
                if (count := bodies[s][k][1]) is not None and f"at least {count:,} " in quotes[s]
            ),
            None,
        )
        statement = _sentence(rng, 16)
        if figure is not None:
            statement = statement[:-1] + f", at least {figure[1]:,} of them."
        # Dated on the earliest publication among its sources, at one of four precisions (a
        # later date is W502), and inferred, since no synthetic quote states a date (E502).
        first = _published(min(cited, key=lambda s: (s % 12, s % 28)))
        date = (first[:4], first[:7], first, f"{first[:7]}-01/{first}")[f % 4]
        pair = f % 100 < 2 and f + 1 - 2 * (f % 2) < facts  # facts 0 and 1, 100 and 101, ...
        lines.append(f"  - id: fact-{f}")
        if f % 7 == 3:  # a statement written as a folded block over two lines
            words = statement.split(" ")
            lines += [
                "    statement: >-",
                f"      {' '.join(words[:8])}",
                f"      {' '.join(words[8:])}",
            ]
        else:
            lines.append(f"    statement: {_yaml_quoted(statement) if figure else statement}")
        lines += [
            f'    date: "{date}"',
            '    date_inferred: "Synthetic: the publication date of its earliest source."',
            f"    about: [{', '.join(about)}]",
            f"    status: {'disputed' if pair else rng.choice(('reported', 'reported', 'confirmed', 'disputed'))}",
        ]
        if pair:
            lines.append(f"    contradicts: [fact-{f + 1 - 2 * (f % 2)}]")
        if figure is not None:
            s, count = figure
            unit = quotes[s].split(f"at least {count:,} ", 1)[1].split(" ")[0]
            lines += [
                "    figures:",
                f"      - measure: {unit}",
                f"        value: {count}",
                "        qualifier: at-least",
                f"        unit: {unit}",
                f'        text: "at least {count:,} {unit}"',
                f"        seed: seed-{s}",
            ]
        lines.append("    sources:")
        for s in cited:
            quote = quotes[s]
            if f % 3 == 0:  # typed with straight quotation marks where the seed has curly ones
                quote = quote.replace("“", '"').replace("”", '"')
            lines.append(f"      - seed: seed-{s}")
            if f % 11 == 5:  # a quote as a folded block: its line break reads as a space
                words = quote.split(" ")
                lines += [
                    "        quote: >-",
                    f"          {' '.join(words[:6])}",
                    f"          {' '.join(words[6:])}",
                ]
            else:
                lines.append(f"        quote: {_yaml_quoted(quote)}")
            if s % GERMAN_EVERY == GERMAN_EVERY - 1:
                lines.append(f'        translation: "Point {s}: {_sentence(rng, 10)}"')
        acknowledge = []
        if len({s % len(outlets) for s in cited}) == 1:
            acknowledge.append("      W401: Synthetic single-outlet fact.")
        if acknowledge:
            lines += ["    acknowledge:", *acknowledge]
        if f % 13 == 6:  # analyst's notes as a literal block
            lines += ["    notes: |", f"      {_sentence(rng, 9)}", f"      {_sentence(rng, 7)}"]
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
