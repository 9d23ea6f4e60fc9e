"""Diagnostics are values: collected, never raised, printed as ``path:line:col: CODE message``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from enum import Enum


class Severity(str, Enum):
    """How bad a finding is: an error fails the check, a warning fails it only under ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """A stable diagnostic code with a short name; ``docs/rules.md`` documents each one."""

    code: str
    name: str
    severity: Severity
    summary: str
    fix: str = ""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding at one place. ``line`` and ``column`` are 1-based; 0 means "the whole file"."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


# The catalogue. Codes never change meaning; retired codes are not reused.
_RULES = [
    # 1xx: the file itself
    Rule("E101", "yaml-syntax", Severity.ERROR, "The file is not valid YAML."),
    Rule("E102", "duplicate-key", Severity.ERROR, "A mapping names the same key twice."),
    Rule("E103", "alias-bomb", Severity.ERROR, "YAML aliases expand beyond the allowed size."),
    Rule("E104", "empty-file", Severity.ERROR, "The file is empty or its top level is not a mapping."),
    Rule("E105", "not-utf8", Severity.ERROR, "The file is not valid UTF-8."),
    Rule("E106", "unreadable", Severity.ERROR, "The file or folder cannot be read."),
    Rule(
        "E107",
        "control-character",
        Severity.ERROR,
        "A text or key holds a control character, a bidirectional control or another invisible character.",
    ),
    Rule("E108", "too-deep", Severity.ERROR, "Lists and mappings nest deeper than the loader allows."),
    Rule("E109", "yaml-tag", Severity.ERROR, "A value carries an explicit YAML tag (`!!int`, `!foo`)."),
    Rule(
        "E110",
        "unsafe-path",
        Severity.ERROR,
        "A symlink or non-regular file where a file or folder is expected.",
    ),
    Rule(
        "E111",
        "original-mismatch",
        Severity.ERROR,
        "A seed's kept original (the captured web page or PDF) is missing, misnamed or no longer matches its sha256.",
    ),
    # 2xx: structure
    Rule("E201", "schema", Severity.ERROR, "A value does not match the JSON Schema."),
    Rule("E202", "duplicate-id", Severity.ERROR, "Two entities, two facts or two seeds share an id."),
    Rule(
        "E203", "bad-slug", Severity.ERROR, "An id is not a slug ([a-z0-9] words joined by single hyphens)."
    ),
    Rule("E204", "no-sources", Severity.ERROR, "A fact cites no source."),
    Rule("E205", "bad-url", Severity.ERROR, "A URL is not http(s)."),
    Rule("E206", "bad-number", Severity.ERROR, "A number is not finite, or too large to publish exactly."),
    # 3xx: references
    Rule("E301", "unknown-entity", Severity.ERROR, "A reference names no known entity."),
    Rule("E302", "unknown-seed", Severity.ERROR, "A reference names no seed in seeds/."),
    Rule("E303", "unknown-fact", Severity.ERROR, "A reference names no known fact."),
    Rule("E304", "figure-seed-not-cited", Severity.ERROR, "A figure's seed is not among its fact's sources."),
    Rule(
        "E305", "missing-translation", Severity.ERROR, "A quote from a non-English seed has no translation."
    ),
    Rule("E306", "outlet-not-outlet", Severity.ERROR, "A seed's outlet is not an entity of type outlet."),
    Rule(
        "E307",
        "one-sided-contradiction",
        Severity.ERROR,
        "A contradiction is listed on one side only, or a contradicted fact is not disputed or denied.",
    ),
    Rule(
        "E308",
        "needless-translation",
        Severity.ERROR,
        "A translation is for quotes from non-English seeds; this quote's seed is in English.",
    ),
    # 4xx: quotes and corroboration
    Rule(
        "E309",
        "resolution-seed-not-cited",
        Severity.ERROR,
        "A fact's date_resolved names a seed the fact does not cite.",
    ),
    Rule("E401", "quote-not-found", Severity.ERROR, "A quote does not occur in its seed."),
    Rule("E402", "figure-not-in-quote", Severity.ERROR, "A figure's words are not in a quote from its seed."),
    Rule("E403", "phrase-not-found", Severity.ERROR, "A date_resolved phrase does not occur in its seed."),
    Rule(
        "E404",
        "quote-cuts-word",
        Severity.ERROR,
        "A quote occurs in its seed only where it starts or ends inside a word.",
    ),
    # 5xx: dates
    Rule("E501", "bad-date", Severity.ERROR, "A date is malformed, impossible, or a range runs backwards."),
    Rule(
        "E502",
        "date-not-stated",
        Severity.ERROR,
        "A year, month or day of a fact's date is stated by no cited quote and not recorded as inferred.",
    ),
    # 6xx: seeds
    Rule("E601", "seed-front-matter", Severity.ERROR, "A seed's front matter is missing or malformed."),
    Rule(
        "E602",
        "seed-hash-mismatch",
        Severity.ERROR,
        "A seed body no longer matches its sha256: edited after vetting.",
    ),
    # Warnings
    Rule("W401", "single-outlet", Severity.WARNING, "Every source of a fact comes from one outlet."),
    Rule("W402", "ambiguous-quote", Severity.WARNING, "A quote occurs in more than one place in its seed."),
    Rule("W403", "unused-seed", Severity.WARNING, "No fact cites this seed."),
    Rule("W404", "unused-entity", Severity.WARNING, "No fact is about or attributed to this entity."),
    Rule(
        "W405", "stale-acknowledgement", Severity.WARNING, "A fact acknowledges a warning it does not raise."
    ),
    Rule(
        "W406",
        "imprecise-resolution",
        Severity.WARNING,
        "A relative date is resolved more precisely than its seed's publication date allows.",
    ),
    Rule(
        "W411",
        "quote-drops-hedge",
        Severity.WARNING,
        "A quote leaves out a negation, hedge or verdict of its own clause.",
    ),
    Rule("W407", "short-quote", Severity.WARNING, "A quote has fewer than four words."),
    Rule(
        "W408",
        "entity-not-quoted",
        Severity.WARNING,
        "A statement names an entity that no quote, credit or outlet of the fact mentions.",
    ),
    Rule(
        "W409",
        "number-not-quoted",
        Severity.WARNING,
        "A number in a statement is in no cited quote, translation, figure or the fact's date.",
    ),
    Rule(
        "W410",
        "anonymous-confirmed",
        Severity.WARNING,
        "A fact resting only on anonymous sources is marked confirmed.",
    ),
    Rule(
        "W412",
        "similar-outlets",
        Severity.WARNING,
        "Two outlet entities look alike: likely one outlet entered twice, counted as two.",
    ),
    Rule(
        "W413",
        "stray-original",
        Severity.WARNING,
        "A file in seeds/originals/ is the kept original of no seed.",
    ),
    Rule(
        "W501",
        "resolved-date-mismatch",
        Severity.WARNING,
        "A date disagrees with the weekday, month, year or period its date_resolved phrase names.",
    ),
    Rule(
        "W502",
        "date-after-sources",
        Severity.WARNING,
        "A fact is dated after the publication of every source that reports it.",
    ),
]
# How to fix each finding: shown in docs/rules.md next to a real example.
_FIXES = {
    "E101": "Fix the YAML at the reported line: an unclosed bracket or quote, a tab for indentation, "
    "or a `key: value` inside a plain scalar (quote the value).",
    "E102": "Keep one of the two keys; YAML would silently drop the first.",
    "E103": "Remove the anchors (`&a`) and aliases (`*a`): the facts file never needs them.",
    "E104": "Start from a mapping with `entities:` and `facts:` lists.",
    "E105": "Re-save the file as UTF-8. For a seed, re-import the original text with `dossier add-seed`.",
    "E106": "Create the missing file or folder, or run the command from the project root (`--project DIR`).",
    "E110": "Replace the link (or FIFO, socket, device) with the real file or folder, inside the project: "
    "`dossier` never follows links below the project root, so a pull request cannot make a build read, "
    "overwrite or delete files elsewhere. See the [security model](security.md#filesystem).",
    "E111": "Restore the captured file exactly as it was imported (`git checkout seeds/originals/…`); the "
    "seed's text was extracted from it and its sha256 proves what was captured. If the seed should have no "
    "original, remove `original:` from its front matter.",
    "W413": "Delete the file, or, if it is a seed's capture, import it with `dossier add-seed` (which names it in "
    "the seed's front matter).",
    "E107": "Delete the character. Bidirectional controls (U+202E and its kin) make text display differently "
    "from what it says; control characters have no place in prose. Seed bodies are evidence and may hold them.",
    "E108": "Flatten the structure: the facts file needs six levels of nesting at most.",
    "E109": "Remove the tag: put text in quotes and write numbers, true/false and null plainly.",
    "E201": "Use the fields and values the schema allows; editors with the YAML language server show them as you type.",
    "E202": "Give each entity, fact and seed its own id; merge true duplicates.",
    "E203": "Write ids as lower-case words joined by single hyphens: `s-300`, `shoigu-visits-tehran`.",
    "E204": "Cite at least one seed with a verbatim quote under `sources:`.",
    "E205": "Link only http:// or https:// addresses.",
    "E206": "Write a finite number of at most 10^15 in magnitude; leave the field out where the text gives none.",
    "E301": "Add the entity to `entities:` or correct the id (the message suggests a close match).",
    "E302": "Import the source with `dossier add-seed`, or correct the seed id (the file name in `seeds/` without `.md`).",
    "E303": "Point `contradicts:` at an existing fact id.",
    "E304": "Cite the seed under the fact's `sources:`, or attach the figure to the seed that states it.",
    "E305": "Add `translation:` with an English rendering of the quote.",
    "E306": "Make the seed's `outlet:` an entity of `type: outlet`.",
    "E307": "List each fact in the other's `contradicts:` and give both `status: disputed` "
    "(or `denied` where a party it concerns denies it).",
    "E308": "Remove the `translation:`: the quote is already in English, and a translation is the analyst's "
    "own text, which readers would take for the source's. If the seed is not in English, correct its `language:`.",
    "E309": "Resolve the relative date against a seed the fact cites (the phrase must come from that seed), "
    "or cite that seed under the fact's `sources:`.",
    "E401": 'Copy the words exactly from the seed: the message names the words that differ, and `dossier quote SEED "words"` '
    "prints the closest passage ready to paste.",
    "E402": "Make the figure's `text` the exact words of one of the fact's quotes from that seed.",
    "E404": "Quote whole words: take in the rest of the word the message names "
    '("unwilling to attack", not "willing to attack"), or start and end the quote elsewhere.',
    "E403": 'Copy the relative phrase ("Monday", "last week") exactly as the seed has it.',
    "E501": "Write 2024, 2024-08 or 2024-08-05, or a range `start/end` that runs forwards.",
    "E502": "Cite a quote that states the missing part (the year, the month, the day), or record how it was "
    'inferred: `date_inferred: "year from the publication date of the article"`. Or make the date '
    "only as precise as the sources.",
    "E601": "Give the seed front matter with title, outlet, published, language, url and sha256.",
    "E602": "Restore the original text. If the change is deliberate, re-vet every quote and record the new sha256.",
    "W401": 'Cite a second outlet, or add `acknowledge: {W401: "why one outlet is enough"}` to the fact.',
    "W402": "Lengthen the quote until it occurs once, so the site highlights the right passage.",
    "W403": "Cite the seed from a fact, or remove it.",
    "W404": "Use the entity in a fact's `about:` or a source's `attributed_to:`, or remove it.",
    "W405": "Remove the stale entry from `acknowledge:`.",
    "W411": "Quote the clause with the words the message names (`dossier quote` prints it), or, when they "
    'do not touch what the fact says, acknowledge: `{W411: "why the quote keeps its meaning"}`.',
    "W406": "Resolve against a seed with a day-precise date, or say in `date_resolved.note` where the day comes from "
    "and add `acknowledge: {W406: reason}`.",
    "W407": "Quote at least four words, enough for a reader to find and judge the passage.",
    "W408": "Quote words that name the entity (a name or alias in `entities:`), credit it with "
    "`attributed_to:`, or leave it out of the statement.",
    "W409": "Quote the words that give the number, record it as a figure, or write the statement without it.",
    "W412": "If they are one outlet, keep one entity (list the other spelling under its `aliases:`) and "
    "change every seed's `outlet:` to its id. If they are different outlets, make their ids and names "
    "tell them apart (the full name, with the country or language edition).",
    "W410": "Mark the fact `reported`, cite a named source, or add `acknowledge: {W410: reason}`.",
    "W501": "Correct the date or the phrase: a weekday resolves to that weekday, a month or a year to that "
    'month or year, "last week" to the Monday-to-Sunday week before publication.',
    "W502": "Correct the date; where the sources announce a planned event, add `acknowledge: {W502: reason}`.",
}
RULES: dict[str, Rule] = {rule.code: replace(rule, fix=_FIXES[rule.code]) for rule in _RULES}


def diag(path: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    """Build a diagnostic; the severity comes from the rule catalogue."""
    return Diagnostic(path, line, column, code, RULES[code].severity, message)


def not_utf8(raw: bytes, at: int) -> tuple[int, int, str]:
    """E105's line, column (1-based, in characters, as an editor counts them) and message for
    the byte at ``at``, the first of ``raw`` that is not UTF-8 (so everything before it decodes)."""
    start = raw.rfind(b"\n", 0, at) + 1
    column = len(raw[start:at].decode("utf-8", "replace")) + 1
    return raw.count(b"\n", 0, at) + 1, column, f"not valid UTF-8 (byte 0x{raw[at]:02x})"


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    """Order findings as a reader walks the files; two at one place by code, then message, so
    that the order never depends on how a set happened to hold them (CI logs, annotations and a
    cached check's output compare as text)."""
    return (d.path, d.line, d.column, d.code, d.message)


def _github_escape(text: str, *, prop: bool = False) -> str:
    # Workflow commands treat %, CR and LF specially; properties also reserve : and ,.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_text(diags: Iterable[Diagnostic]) -> str:
    """``path:line:col: CODE message``, one a line."""
    return "".join(f"{d}\n" for d in diags)


def format_github(diags: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so annotations land on the offending lines."""
    lines = []
    for d in diags:
        kind = "error" if d.severity is Severity.ERROR else "warning"
        props = f"file={_github_escape(d.path, prop=True)}"
        if d.line:
            props += f",line={d.line},col={max(d.column, 1)}"
        props += f",title={_github_escape(d.code + ' ' + RULES[d.code].name, prop=True)}"
        lines.append(f"::{kind} {props}::{_github_escape(d.message)}\n")
    return "".join(lines)


def format_json(diags: Iterable[Diagnostic]) -> str:
    """A JSON list of objects with path, line, column, code, name, severity and message."""
    items = []
    for d in diags:
        item = asdict(d)
        item["severity"] = d.severity.value
        item["name"] = RULES[d.code].name
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
