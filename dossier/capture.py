"""Read a captured web page (``.html``) or PDF: the article's text and the metadata the capture carries.

A capture is hostile input: a saved page can nest elements without end, a PDF can hold a
decompression bomb or a broken cross-reference table. So extraction never runs in the
analyst's process: :func:`extract` hands the bytes to ``python -I -m dossier.capture`` on
stdin, with a time limit and (where the system allows it) a memory limit, and with its sockets
disabled, so neither trafilatura nor pypdf can reach the network whatever the capture says.
Whatever goes wrong comes back as a :class:`CaptureError` naming the file, never a traceback.

The text is trafilatura's main-content extraction for HTML and pypdf's text layer for PDF.
Metadata (title, author, date, canonical URL, language) is taken only where the capture states
it; each value says how it was found (``how``), so ``add-seed`` records it under ``inferred:``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HTML = "text/html"
PDF = "application/pdf"
# The file name suffixes add-seed reads as captures, and the suffix each kind is kept under.
MEDIA_TYPES = {".html": HTML, ".htm": HTML, ".pdf": PDF}
EXTENSIONS = {HTML: "html", PDF: "pdf"}
# Bounds for one extraction. A long report PDF is a few MB and extracts in seconds on a slow
# machine; anything past these is refused rather than allowed to stall or exhaust the machine.
MAX_BYTES = 64 * 1024 * 1024
TIME_LIMIT = 120  # seconds
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024  # bytes of address space for the extracting process

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LANGUAGE_TAG = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# How each field was found, recorded under the seed's ``inferred:`` (see docs/review.md).
_HOW = {
    (HTML, "title"): "the saved page's metadata (og:title, JSON-LD headline or <title>), read by "
    "trafilatura when the seed was imported",
    (HTML, "author"): "the saved page's author metadata (meta author, JSON-LD or byline markup), read by "
    "trafilatura when the seed was imported",
    (HTML, "published"): "the saved page's publication-date metadata (article:published_time, JSON-LD "
    "datePublished or <time> markup), read by htmldate when the seed was imported",
    (HTML, "url"): "the saved page's canonical link (<link rel=canonical> or og:url), read by "
    "trafilatura when the seed was imported",
    (HTML, "language"): "the saved page's lang attribute (<html lang>), read when the seed was imported",
    (PDF, "title"): "the PDF's document information (Title), read by pypdf when the seed was imported",
    (PDF, "author"): "the PDF's document information (Author), read by pypdf when the seed was imported",
    (PDF, "published"): "the PDF's document information (CreationDate): the day the file was made, "
    "which can be later than publication; check it",
    (PDF, "language"): "the PDF's document catalogue (Lang), read by pypdf when the seed was imported",
}


class CaptureError(ValueError):
    """The capture cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class Capture:
    """What a capture yields: the quotable text, and metadata with how each value was found."""

    text: str
    media_type: str
    metadata: dict[str, str] = field(default_factory=dict)  # title, author, published, url, language
    how: dict[str, str] = field(default_factory=dict)  # the same keys: how each was found


def media_type(path: Path) -> str | None:
    """The capture kind a file name says (``.html``, ``.htm``, ``.pdf``), or None for plain text."""
    return MEDIA_TYPES.get(path.suffix.lower())


def extract(data: bytes, kind: str, name: str, *, time_limit: float = TIME_LIMIT) -> Capture:
    """Extract ``data`` (a capture of media type ``kind``, shown as ``name``) in a bounded subprocess."""
    if len(data) > MAX_BYTES:
        raise CaptureError(
            f"{name} is {len(data)} bytes; captures of more than {MAX_BYTES // (1024 * 1024)} MB are "
            "not imported: save only the article (or split the PDF)"
        )
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-m", "dossier.capture", kind],
            input=data,
            capture_output=True,
            timeout=time_limit,
            preexec_fn=_limit_memory if sys.platform != "win32" else None,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CaptureError(
            f"cannot import {name}: reading it took longer than {time_limit:g} seconds, so it was stopped "
            "(a damaged or deliberately hostile file?)"
        ) from None
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict) or done.returncode != 0:
        raise CaptureError(
            f"cannot import {name}: reading it failed (exit status {done.returncode}); the file may be "
            "damaged, or need more memory than the import allows"
        )
    if "error" in answer:
        raise CaptureError(f"cannot import {name}: {answer['error']}")
    metadata = {k: v for k, v in answer.get("metadata", {}).items() if isinstance(v, str) and v.strip()}
    return Capture(answer["text"], kind, metadata, {k: _HOW[kind, k] for k in metadata})


def _limit_memory() -> None:  # pragma: no cover - runs in the child between fork and exec
    import contextlib
    import resource

    # A system that refuses the limit still has the time limit.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


# --- the child process ----------------------------------------------------------------------


def _no_network() -> None:
    """Make every socket this process might open fail: extraction must never fetch anything.

    An audit hook cannot be removed once added, and sees every socket, connection and name
    lookup, whichever library asks."""

    def refuse(event: str, _args: tuple[Any, ...]) -> None:
        if event in ("socket.__new__", "socket.connect", "socket.getaddrinfo", "urllib.Request"):
            raise OSError(f"no network access while reading a capture ({event})")

    sys.addaudithook(refuse)


def clean_text(text: str) -> str:
    """Extracted text as a seed body: one blank line between paragraphs, no control characters,
    a final line break. (The original keeps every byte; this is the quotable reading of it.)"""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = [line.strip() for line in text.split("\n")]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def _language(tag: object) -> str | None:
    match = _LANGUAGE_TAG.fullmatch(tag.strip()) if isinstance(tag, str) else None
    return match.group(1).lower() if match else None


def _html(data: bytes) -> dict[str, Any]:
    import trafilatura
    from trafilatura.settings import Document
    from trafilatura.utils import load_html

    tree = load_html(data)
    if tree is None:
        raise CaptureError("it is not an HTML page that can be parsed")
    language = _language(tree.get("lang"))
    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        # Only dates the page's markup states: no guessing from text or the URL.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = clean_text(document.text or "") if isinstance(document, Document) else ""
    if not isinstance(document, Document) or not text.strip():
        raise CaptureError(
            "no article text was found in the saved page: save the article page itself (not a "
            "search or index page), or copy its text into a .txt file and import that"
        )
    date = document.date if isinstance(document.date, str) and _DAY.fullmatch(document.date) else None
    return {
        "text": text,
        "metadata": {
            "title": document.title,
            "author": document.author,
            "published": date,
            "url": document.url,
            "language": language,
        },
    }


def _pdf(data: bytes) -> dict[str, Any]:
    import io

    import pypdf

    if not data.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        raise CaptureError("it is not a PDF (it does not start with %PDF-)")
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise CaptureError("the PDF is encrypted: save an unencrypted copy and import that")
    pages = [page.extract_text() or "" for page in reader.pages]
    text = "\n\n".join(clean_text(p).strip() for p in pages if clean_text(p).strip())
    if not text:
        raise CaptureError(
            "the PDF has no text to quote: its pages are images without a text layer; run OCR "
            "first (e.g. ocrmypdf) and import the result"
        )
    info = reader.metadata
    metadata: dict[str, Any] = {}
    if info is not None:
        metadata["title"] = info.title
        metadata["author"] = info.author
        try:
            created = info.creation_date
        except ValueError:
            created = None
        metadata["published"] = created.date().isoformat() if created else None
    metadata["language"] = _language(reader.root_object.get("/Lang"))
    return {"text": text + "\n", "metadata": {k: _plain(v) for k, v in metadata.items()}}


def _plain(value: object) -> str | None:
    """A metadata value as one clean line of text, or None."""
    if not isinstance(value, str):
        return None
    line = " ".join(_CONTROL.sub(" ", value).split())
    return line or None


def main(argv: list[str]) -> int:
    """``python -m dossier.capture MEDIA_TYPE``: read a capture on stdin, print JSON on stdout."""
    _no_network()
    kind = argv[0] if argv else ""
    try:
        data = sys.stdin.buffer.read()
        if kind == HTML:
            answer = _html(data)
        elif kind == PDF:
            answer = _pdf(data)
        else:
            answer = {"error": f"unknown capture type {kind!r}"}
        answer["metadata"] = {k: _plain(v) for k, v in answer.get("metadata", {}).items()}
    except CaptureError as exc:
        answer = {"error": str(exc)}
    except RecursionError:
        answer = {"error": "it nests too deeply to be read"}
    except MemoryError:
        answer = {"error": "it needs more memory than the import allows"}
    except Exception as exc:
        detail = " ".join(str(exc).split())[:300]
        answer = {"error": f"it cannot be read ({type(exc).__name__}: {detail})"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
