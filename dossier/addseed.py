"""``dossier add-seed``: import an article's text into ``seeds/`` as evidence.

The text is kept byte for byte after a front matter block that records where it came from and
its sha256, so ``dossier check`` notices any later edit. Nothing is ever overwritten.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from dossier import atomic, capture, dates, fs, quotes, seeds
from dossier.ids import SLUG, is_http_url, propose_seed_id
from dossier.project import Project

# Similarity (0-100, rapidfuzz's symmetric ``fuzz.ratio``) of two texts' words, folded and in
# order, from which a new seed is reported as a near-duplicate. The two captures of one Moscow
# Times article (one with a donation appeal, one with a headline and captions) score 73;
# different articles on the same story score at most 46.
NEAR_DUPLICATE = 65
# Texts are only compared when the shorter has at least this share of the longer's words'
# characters: an excerpt is not "the same article" as the long piece it was cut from.
_MIN_LENGTH_SHARE = 0.6
_WORDS = re.compile(r"\w+")
_LANGUAGE = re.compile(r"[a-z]{2}")  # matched in full: '$' would allow a final line break
# Slugs, codes, hex and the original's name: never need quotes.
_PLAIN_FIELDS = ("outlet", "language", "sha256", "same_as", "file", "media_type")


class SeedImportError(ValueError):
    """The import was refused; the message says why and what to do.

    ``option`` names the command-line option whose value was refused (a usage error), or is
    ``None`` when the values were fine but the import could not be done (unreadable text, a seed
    file that already exists).
    """

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class NearDuplicate:
    """An existing seed whose text is close to the new one."""

    seed: str
    similarity: float


# Front-matter fields whose value may come from outside the text, recorded under `inferred:`.
INFERABLE = ("title", "author", "outlet", "published", "language", "url")


@dataclass(frozen=True)
class ImportedSeed:
    """What was written, and what the analyst should know about it."""

    id: str
    path: Path
    sha256: str
    near_duplicates: tuple[NearDuplicate, ...]
    # The publication year the text never prints, when no --inferred published says how it is known.
    unstated_year: str | None = None
    original: Path | None = None  # the kept capture (seeds/originals/<id>.html or .pdf)


def _first_line(text: str, limit: int = 120) -> str:
    """The first non-blank line (without Markdown heading marks), cut at a word near ``limit``."""
    line = next(
        (ln.strip().lstrip("#").strip() for ln in text.splitlines() if ln.strip().lstrip("#").strip()), ""
    )
    if len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return line


def check_url(url: str, option: str = "--url") -> str:
    """The URL if the schema accepts it (:func:`dossier.ids.is_http_url`); else :class:`SeedImportError`."""
    if not is_http_url(url):
        raise SeedImportError(
            f"{url!r} is not an http(s) URL: only links starting with http:// or https:// "
            "(in lower case, without spaces) are allowed",
            option,
        )
    return url


def front_matter(meta: dict[str, Any]) -> str:
    """Front matter text: words in double quotes, slugs and hashes plain, no value as ``null``."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from dossier.fmt import round_trip_yaml

    def styled(key: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: styled(k, v) for k, v in value.items()}
        if isinstance(value, str) and key not in _PLAIN_FIELDS:
            return DoubleQuotedScalarString(value)
        return value

    out = StringIO()
    round_trip_yaml().dump({k: styled(k, v) for k, v in meta.items()}, out)
    return out.getvalue()


def near_duplicates(
    text: str, existing: list[seeds.SeedFile], threshold: float = NEAR_DUPLICATE
) -> list[NearDuplicate]:
    """Existing seeds whose words are at least ``threshold`` similar, most similar first.

    The measure is symmetric and counts every word of both texts, so a short excerpt never
    looks like the long article it shares words with (a token-set measure scores that 90 or
    more); texts of very different lengths are not compared at all.
    """
    from rapidfuzz import fuzz

    words = _words(text)
    found = []
    for seed in existing:
        if seed.error or not seed.body.strip():
            continue
        other = _words(seed.body)
        if min(len(words), len(other)) < _MIN_LENGTH_SHARE * max(len(words), len(other)):
            continue
        score = fuzz.ratio(words, other, score_cutoff=threshold)
        if score >= threshold:
            found.append(NearDuplicate(seed.id, round(score, 1)))
    return sorted(found, key=lambda d: (-d.similarity, d.seed))


def _words(text: str) -> str:
    """The text's words, folded as the checker folds quotes, lower-cased, one space apart."""
    return " ".join(_WORDS.findall(quotes.fold_text(text).lower()))


def check_outlet(project: Project, outlet: str) -> None:
    """Refuse an outlet that is not an entity of type outlet: ``dossier check`` would (E301, E306)."""
    from dossier.yamlload import parse

    fix = f"add the outlet to data/facts.yaml first, under entities: with 'id: {outlet}' and 'type: outlet'"
    try:
        parsed = parse(fs.read_text(project.facts_file, root=project.root).removeprefix("\ufeff"))
    except fs.UnsafePath as refused:
        raise SeedImportError(f"refusing to read data/facts.yaml: {refused.reason}") from None
    except FileNotFoundError:
        raise SeedImportError(
            f"{outlet!r} is not an entity: there is no data/facts.yaml; {fix}", "--outlet"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedImportError(f"cannot read data/facts.yaml to look up the outlet: {exc}") from exc
    data = parsed.data
    entities = data.get("entities") if isinstance(data, dict) else None
    types = {e.get("id"): e.get("type") for e in entities or () if isinstance(e, dict)}
    if outlet not in types:
        from dossier.check import suggest

        broken = " (data/facts.yaml has YAML errors: run dossier check)" if parsed.problems else ""
        # A typo of a known outlet gets its correction first; a new outlet, how to add it.
        close = suggest(outlet, {i: t for i, t in types.items() if isinstance(i, str) and t == "outlet"})
        raise SeedImportError(
            f"{outlet!r} is not an entity in data/facts.yaml{broken}{close}"
            + (f" If it is a new outlet, {fix}" if close else f"; {fix}"),
            "--outlet",
        )
    if types[outlet] != "outlet":
        raise SeedImportError(
            f"{outlet!r} is an entity of type {types[outlet]!r}, not 'outlet': a seed's outlet "
            "must be an entity with 'type: outlet'",
            "--outlet",
        )


def read_source(source: Path) -> bytes:
    """The bytes of the file to import. It may live anywhere (the analyst names it), but it must
    be a regular file named directly: a link is refused with the file it points to, so the
    analyst sees what would be imported, and a FIFO or device is refused without being opened
    (reading one would block or never end)."""
    try:
        return fs.read_bytes(source)
    except fs.UnsafePath as refused:
        reason = refused.reason
        if source.is_symlink():
            reason = f"is a symbolic link; to import the file it points to, name it: {source.resolve()}"
        raise SeedImportError(f"cannot import {source}: it {reason}") from None
    except OSError as exc:
        raise SeedImportError(f"cannot read {source}: {exc.strerror}") from exc


def _refuse_what_check_refuses(shown: str, front: bytes) -> None:
    """Read the front matter back as ``dossier check`` reads it; refuse it with the check's
    messages (a title with a control character, a language code with a line break ...) rather
    than write a seed that the check then rejects."""
    from dossier.check import control_characters, front_matter_diagnostics
    from dossier.diagnostics import format_text
    from dossier.load import problem_diagnostics
    from dossier.yamlload import YMap, parse

    parsed = parse(front.decode("utf-8"), first_line=2)
    found = problem_diagnostics(shown, parsed.problems)
    if isinstance(parsed.data, YMap):
        found += front_matter_diagnostics(shown, parsed.data)
        found += control_characters(shown, parsed.data, "front matter")
    if found:
        raise SeedImportError(
            "nothing was written: dossier check would refuse this seed's front matter:\n"
            + format_text(found).rstrip("\n")
        )


def add_seed(
    project: Project,
    source: Path,
    *,
    outlet: str,
    published: str | None,
    language: str | None,
    url: str | None = None,
    title: str | None = None,
    seed_id: str | None = None,
    same_as: str | None = None,
    inferred_how: Mapping[str, str] | None = None,
    archived: str | None = None,
    author: str | None = None,
) -> ImportedSeed:
    """Validate the inputs, then write ``seeds/<id>.md`` with front matter and the exact text.

    A ``.html`` or ``.pdf`` file is a capture: its article text (see :mod:`dossier.capture`)
    becomes the body, the file itself is kept byte for byte in ``seeds/originals/``, and title,
    author, date, URL and language come from its metadata where no option gives them.
    """
    if not SLUG.match(outlet):
        raise SeedImportError(f"{outlet!r} is not an entity id: use a-z, 0-9 and single hyphens", "--outlet")
    if published is not None:
        _check_published(published, "--published")
    if language is not None and not _LANGUAGE.fullmatch(language.lower()):
        raise SeedImportError(
            f"{language!r} is not a two-letter ISO 639-1 code such as en or de", "--language"
        )
    if url is not None:
        check_url(url)
    if archived is not None:
        check_url(archived, "--archived")
    # Length first: a long id fails the slug pattern too, and "too long" is the useful reason.
    too_long = fs.check_name(seed_id or "")
    if too_long:
        raise SeedImportError(f"the id {too_long}: choose a shorter --id", "--id")
    if seed_id is not None and not SLUG.match(seed_id):
        raise SeedImportError(f"{seed_id!r} is not a slug: use a-z, 0-9 and single hyphens", "--id")
    too_long = fs.check_name(same_as or "")
    if too_long:
        raise SeedImportError(f"the id {too_long}: no seed has such a name", "--same-as")
    if same_as is not None and not SLUG.match(same_as):
        raise SeedImportError(f"{same_as!r} is not a seed id: use a-z, 0-9 and single hyphens", "--same-as")
    if same_as is not None and not (project.seeds_dir / f"{same_as}.md").is_file():
        raise SeedImportError(f"{same_as!r} names no seed: seeds/{same_as}.md does not exist", "--same-as")
    inferred: dict[str, str] = {}
    for field_name, how in (inferred_how or {}).items():
        if field_name not in INFERABLE or not how.strip():
            raise SeedImportError(
                f"--inferred takes FIELD=HOW with FIELD one of {', '.join(INFERABLE)} and HOW "
                f"not blank, not {field_name}={how!r}",
                "--inferred",
            )
        inferred[field_name] = how.strip()
    check_outlet(project, outlet)
    kind = capture.media_type(source)
    original = read_source(source)
    if kind is None:
        body, text = _plain_text(source, original)
        captured = None
    else:
        try:
            captured = capture.extract(original, kind, source.name)
        except capture.CaptureError as exc:
            raise SeedImportError(str(exc)) from None
        text = captured.text
        body = text.encode("utf-8")
        given = {"title": title, "author": author, "published": published, "language": language, "url": url}
        for field_name, value in captured.metadata.items():
            if given.get(field_name) is None and _usable(field_name, value):
                given[field_name] = value
                inferred.setdefault(field_name, captured.how[field_name])
        title, author, published, language, url = (
            given["title"],
            given["author"],
            given["published"],
            given["language"],
            given["url"],
        )
    if published is None:
        raise SeedImportError(
            f"{source.name} states no publication date"
            + (" in its metadata" if captured else "")
            + ": give the date the text shows with --published",
            "--published",
        )
    if language is None:
        raise SeedImportError(
            f"{source.name} states no language"
            + (" in its metadata" if captured else "")
            + ": give it with --language (en, de, ru …)",
            "--language",
        )
    language = language.lower()
    if title is None:
        title = _first_line(text)
        inferred["title"] = "The text's first line (cut short if long): no --title was given."
    if seed_id is None:
        # Short and readable (ids.propose_seed_id); a taken id gets a -2, -3 … suffix.
        seed_id = propose_seed_id(
            outlet, published, title, lambda name: os.path.lexists(project.seeds_dir / f"{name}.md")
        )
    path = project.seeds_dir / f"{seed_id}.md"
    if os.path.lexists(path):
        raise SeedImportError(f"seeds/{seed_id}.md exists and is never overwritten: choose another --id")

    digest = hashlib.sha256(body).hexdigest()
    meta: dict[str, Any] = {"title": title}
    if author:
        meta["author"] = author
    meta.update({"outlet": outlet, "published": published, "language": language, "url": url})
    if archived:
        meta["archived"] = archived
    meta["sha256"] = digest
    kept = None
    if captured is not None:
        kept = project.seeds_dir / str(seeds.original_file(seed_id, captured.media_type))
        meta["original"] = {
            "file": seeds.original_file(seed_id, captured.media_type),
            "sha256": hashlib.sha256(original).hexdigest(),
            "media_type": captured.media_type,
        }
    if same_as:
        meta["same_as"] = same_as
    meta["received_as"] = source.name
    if inferred:
        meta["inferred"] = inferred
    data = b"---\n" + front_matter(meta).encode("utf-8") + b"---\n" + body
    parts = seeds.split(data)
    if parts is None or parts[1] != body:  # the text must read back byte for byte
        raise SeedImportError(f"{source} cannot be stored as a seed: its text would not read back unchanged")
    _refuse_what_check_refuses(f"seeds/{seed_id}.md", parts[0])

    target = path  # the file being written, named if a write is refused
    try:
        # Written only into the project's own seeds/ folder, never through a link.
        fs.make_dirs(project.root, project.seeds_dir)
        existing = seeds.read_all(project.seeds_dir, root=project.root)
        twins = [d for d in near_duplicates(text, existing) if d.seed != same_as]
        if kept is not None:
            target = kept
            fs.make_dirs(project.root, kept.parent)
            atomic.write_bytes(kept, original, exclusive=True, root=project.root)
        target = path
        try:
            atomic.write_bytes(path, data, exclusive=True, root=project.root)
        except BaseException:
            if kept is not None:  # no original without its seed (W413)
                kept.unlink()
            raise
    except fs.UnsafePath as refused:
        raise SeedImportError(f"refusing to write {project.rel(target)}: {refused}") from None
    except FileExistsError as exc:
        name = project.rel(Path(exc.filename)) if exc.filename else f"seeds/{seed_id}.md"
        raise SeedImportError(f"{name} exists and is never overwritten: choose another --id") from exc
    except OSError as exc:  # a full disk, a read-only folder: nothing half-written is left behind
        raise SeedImportError(f"cannot write {project.rel(target)}: {exc.strerror or exc}") from exc
    year = published[:4]
    # Warn unless the analyst said how the date is known (--inferred): a date read from a capture's
    # metadata (a PDF's CreationDate is often the day the file was made) is warned about too.
    said = "published" in (inferred_how or {})
    unstated = year if year not in text and not said else None
    return ImportedSeed(seed_id, path, digest, tuple(twins), unstated, kept)


def _check_published(published: str, option: str) -> None:
    try:
        dates.parse_point(published)
    except ValueError as exc:
        raise SeedImportError(str(exc), option) from exc


def _usable(field_name: str, value: str) -> bool:
    """Whether a value read from a capture's metadata can be recorded as is: a URL that is not
    http(s) or a date that is not a day is left out (never guessed at), not refused."""
    if field_name == "url":
        return is_http_url(value)
    if field_name == "published":
        try:
            dates.parse_point(value)
        except ValueError:
            return False
    return True


def _plain_text(source: Path, body: bytes) -> tuple[bytes, str]:
    """A text file's bytes and their text: the body, byte for byte."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedImportError(
            f"{source} is not UTF-8 text (byte {exc.start}): convert it first, e.g. iconv -t UTF-8"
        ) from exc
    if not text.strip():
        raise SeedImportError(f"{source} is empty")
    return body, text
