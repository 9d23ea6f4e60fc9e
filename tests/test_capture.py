"""Captures as seeds: ``add-seed`` on a saved web page or a PDF, the kept original, ``archived:``,
the check of the original (E111, W413) and the published download in both site engines.

Every capture here is made by the test: an HTML page with meta tags, Open Graph and JSON-LD, and
PDFs written with fpdf2 (a text layer and document information, or none).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dossier import atomic, capture, seeds
from dossier.build import build
from dossier.check import check
from dossier.cli import cli
from dossier.project import Project
from tests.sitefixtures import site_project
from tests.test_site import broken_links

PAGE = """<!DOCTYPE html>
<html lang="de-DE"><head><meta charset="utf-8">
<title>Beispiel | Hafen öffnet im Frühjahr</title>
<meta property="og:title" content="Hafen öffnet im Frühjahr">
<meta name="author" content="Erika Mustermann">
<meta property="article:published_time" content="2024-08-06T09:30:00+02:00">
<link rel="canonical" href="https://zeitung.example/2024/08/06/hafen">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Hafen öffnet im Frühjahr", "datePublished": "2024-08-06",
 "author": {"@type": "Person", "name": "Erika Mustermann"}}</script>
<script>localStorage.setItem("pwned", "yes"); document.title = "PWNED";</script>
</head><body>
<nav><a href="/">Startseite</a> | <a href="/politik">Politik</a></nav>
<article><h1>Hafen öffnet im Frühjahr</h1>
<p>Die Hafenbehörde bestätigte am Dienstag, dass der neue Anleger im Frühjahr in Betrieb geht.</p>
<p>Die Kosten seien um ein Drittel höher als geplant, sagte ein Sprecher der Behörde.</p>
<img src="https://tracker.example/pixel.gif" alt="">
</article>
<footer>Impressum · Datenschutz</footer>
</body></html>
"""
PARAGRAPH = "Die Hafenbehörde bestätigte am Dienstag, dass der neue Anleger im Frühjahr in Betrieb geht."


def _pdf(*pages: str, title: str | None = None, author: str | None = None, lang: str | None = None) -> bytes:
    """A PDF with one page per text (a page of "" has a drawing and no text), and document info."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2024, 8, 6, 12, 0, tzinfo=dt.timezone.utc))
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if lang:
        pdf.set_lang(lang)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.set_font("helvetica", size=12)
            pdf.multi_cell(0, 10, text)
        else:
            pdf.rect(20, 20, 100, 60, style="F")  # a scanned page: ink, no text layer
    return bytes(pdf.output())


REPORT = "The harbour authority confirmed on Monday that the new pier will open in the spring of 2025."


def add_seed(project: Path, *args: str) -> tuple[int, str, str, Any]:
    result = CliRunner().invoke(cli, ["add-seed", "--project", str(project), *args])
    return result.exit_code, result.stdout, result.stderr, result.exception


def _quiet(err: str) -> str:
    """Standard error without the warning that the text never prints the publication year (these
    captures' dates come from their metadata: the warning is right, and tested on its own)."""
    return "".join(
        line
        for line in err.splitlines(keepends=True)
        if not line.startswith("warning: the text never prints the year")
    )


def written(project: Path) -> set[str]:
    folder = project / "seeds"
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_a_saved_page_becomes_a_seed_with_its_metadata_recorded_as_read(
    base_project: Path, tmp_path: Path
) -> None:
    page = tmp_path / "hafen.html"
    page.write_bytes(PAGE.encode("utf-8"))
    code, out, err, _ = add_seed(base_project, str(page), "--outlet", "beta-zeitung")
    assert (code, _quiet(err)) == (0, "")
    assert "kept the capture as seeds/originals/beta-zeitung-2024-08-06-hafen.html" in out
    seed = seeds.read(base_project / "seeds" / "beta-zeitung-2024-08-06-hafen.md")
    meta = dict(seed.meta)
    # Byte for byte: the original as captured, its sha256 in the front matter.
    kept = base_project / "seeds" / "originals" / "beta-zeitung-2024-08-06-hafen.html"
    assert kept.read_bytes() == page.read_bytes()
    assert meta["original"] == {
        "file": "originals/beta-zeitung-2024-08-06-hafen.html",
        "sha256": hashlib.sha256(page.read_bytes()).hexdigest(),
        "media_type": "text/html",
    }
    # Title, author, date, canonical URL and language from the page's metadata ...
    assert (meta["title"], meta["author"], meta["published"], meta["url"], meta["language"]) == (
        "Hafen öffnet im Frühjahr",
        "Erika Mustermann",
        "2024-08-06",
        "https://zeitung.example/2024/08/06/hafen",
        "de",
    )
    # ... each recorded as read from the capture, not from the text.
    assert set(meta["inferred"]) == {"title", "author", "published", "url", "language"}
    assert "canonical link" in meta["inferred"]["url"]
    assert "lang attribute" in meta["inferred"]["language"]
    # The article's text is the quotable body; navigation, footer and scripts are not.
    assert PARAGRAPH in seed.body
    for chrome in ("Startseite", "Impressum", "localStorage", "NewsArticle"):
        assert chrome not in seed.body
    assert meta["sha256"] == seed.body_sha256
    result = check(Project(base_project))
    assert result.errors == 0, result.diagnostics
    assert [d.code for d in result.diagnostics] == ["W403"]  # nothing cites it yet


def test_options_override_the_capture_and_absent_metadata_stays_absent(
    base_project: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "bare.html"
    bare.write_text(
        f"<html><body><article><p>{PARAGRAPH}</p><p>{PARAGRAPH} Noch einmal.</p></article></body></html>"
    )
    code, _, err, _ = add_seed(base_project, str(bare), "--outlet", "beta-zeitung", "--id", "bare")
    assert code == 2 and "states no publication date in its metadata" in err  # never guessed
    code, _, err, _ = add_seed(
        base_project, str(bare), "--outlet", "beta-zeitung", "--id", "bare", "--published", "2024-08"
    )
    assert code == 2 and "states no language in its metadata: give it with --language" in err
    assert written(base_project) == {"alpha-report.md", "beta-bericht.md"}  # nothing half-written
    page = tmp_path / "hafen.html"
    page.write_text(PAGE)
    code, _, err, _ = add_seed(
        base_project, str(page), "--outlet", "beta-zeitung", "--id", "hafen",
        "--title", "Der Hafen", "--published", "2024-08", "--language", "en",
        "--archived", "https://web.archive.org/web/20240806/https://zeitung.example/2024/08/06/hafen",
    )  # fmt: skip
    assert code == 0, err
    meta = dict(seeds.read(base_project / "seeds" / "hafen.md").meta)
    assert (meta["title"], meta["published"], meta["language"]) == ("Der Hafen", "2024-08", "en")
    assert meta["archived"] == "https://web.archive.org/web/20240806/https://zeitung.example/2024/08/06/hafen"
    assert set(meta["inferred"]) == {"author", "url"}  # only what the capture supplied
    code, _, err, _ = add_seed(
        base_project, str(page), "--outlet", "beta-zeitung", "--id", "x", "--archived", "javascript:alert(1)"
    )
    assert code == 2 and "'--archived'" in err and "not an http(s) URL" in err


def test_metadata_the_schema_would_refuse_is_left_out_not_recorded(
    base_project: Path, tmp_path: Path
) -> None:
    page = tmp_path / "odd.html"
    odd = PAGE.replace("https://zeitung.example/2024/08/06/hafen", "javascript:alert(1)")
    page.write_text(odd.replace('lang="de-DE"', 'lang="deutsch"'))
    args = (str(page), "--outlet", "beta-zeitung", "--id", "odd")
    code, _, err, _ = add_seed(base_project, *args)
    assert code == 2 and "states no language in its metadata" in err  # "deutsch" is no ISO 639-1 code
    code, _, err, _ = add_seed(base_project, *args, "--language", "de")
    assert (code, _quiet(err)) == (0, "")
    meta = dict(seeds.read(base_project / "seeds" / "odd.md").meta)
    assert meta["url"] is None and "url" not in meta["inferred"]  # a javascript: link is no URL


def test_a_pdf_becomes_a_seed_with_its_document_information(base_project: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(
        _pdf(REPORT, "Costs rose by a third.", title="Harbour report", author="Max Muster", lang="en-GB")
    )
    code, out, err, _ = add_seed(base_project, str(report), "--outlet", "alpha-news")
    assert (code, _quiet(err)) == (0, ""), err
    # The short id: outlet, date and the title's words (dossier.ids.propose_seed_id).
    assert "wrote seeds/alpha-news-2024-08-06-harbour.md" in out
    seed = seeds.read(base_project / "seeds" / "alpha-news-2024-08-06-harbour.md")
    meta = dict(seed.meta)
    assert (meta["title"], meta["author"], meta["published"], meta["language"], meta["url"]) == (
        "Harbour report",
        "Max Muster",
        "2024-08-06",
        "en",
        None,  # a PDF states no URL: none is made up
    )
    assert "CreationDate" in meta["inferred"]["published"]
    assert meta["original"]["media_type"] == "application/pdf"
    assert (
        base_project / "seeds" / "originals" / "alpha-news-2024-08-06-harbour.pdf"
    ).read_bytes() == report.read_bytes()
    assert REPORT in seed.body.replace("\n", " ") and "Costs rose by a third." in seed.body
    assert check(Project(base_project)).errors == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", _pdf("", ""), "cannot import scan.pdf: the PDF has no text to quote"),
        (
            "broken.pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nxref\ngarbage",
            "cannot import broken.pdf: it cannot be read",
        ),
        ("truncated.pdf", _pdf(REPORT)[:700], "cannot import truncated.pdf: "),
        ("fake.pdf", b"<html>not a pdf</html>", "cannot import fake.pdf: it is not a PDF"),
        ("deep.html", b"<html><body>" + b"<div>" * 200_000 + b"<p>deep</p>", "cannot import deep.html: "),
        (
            "empty.html",
            b"<html><head><title>Empty</title></head><body><script>x()</script></body></html>",
            "cannot import empty.html: no article text was found",
        ),
        ("binary.html", bytes(range(256)) * 64, "cannot import binary.html: "),
    ],
)
def test_a_capture_that_cannot_be_read_is_a_plain_error_and_writes_nothing(
    base_project: Path, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    code, _, err, exception = add_seed(
        base_project, str(source), "--outlet", "alpha-news", "--published", "2024", "--language", "en"
    )
    assert code == 1 and isinstance(exception, SystemExit), exception  # never a traceback
    assert err.startswith(f"Error: {message}"), err
    assert written(base_project) == {"alpha-report.md", "beta-bericht.md"}


def test_no_original_is_left_behind_when_the_seed_cannot_be_written(
    base_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = atomic.write_bytes

    def full_disk(path: Path, data: bytes, **kwargs: Any) -> None:
        if path.suffix == ".md":
            raise OSError(28, "No space left on device")
        write(path, data, **kwargs)

    monkeypatch.setattr(atomic, "write_bytes", full_disk)
    page = tmp_path / "hafen.html"
    page.write_text(PAGE)
    code, _, err, exception = add_seed(base_project, str(page), "--outlet", "beta-zeitung", "--id", "hafen")
    assert code == 1 and isinstance(exception, SystemExit)
    assert err == "Error: cannot write seeds/hafen.md: No space left on device\n"
    assert written(base_project) == {"alpha-report.md", "beta-bericht.md"}  # the kept capture went too


def test_extraction_is_stopped_at_its_time_limit() -> None:
    with pytest.raises(capture.CaptureError, match=r"took longer than 0.001 seconds, so it was stopped"):
        capture.extract(PAGE.encode(), capture.HTML, "slow.html", time_limit=0.001)


@pytest.mark.skipif(sys.platform == "win32", reason="no address-space limit on Windows")
def test_extraction_runs_within_its_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # A limit far too small to read even this page: the child fails, the import says why.
    monkeypatch.setattr(capture, "MEMORY_LIMIT", 64 * 1024 * 1024)
    with pytest.raises(capture.CaptureError, match=r"^cannot import page.html: .*memory"):
        capture.extract(PAGE.encode(), capture.HTML, "page.html")


def test_a_capture_over_the_size_limit_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture, "MAX_BYTES", 10)
    with pytest.raises(capture.CaptureError, match=r"big.pdf is 11 bytes; captures of more than"):
        capture.extract(b"%PDF-1.7 xx", capture.PDF, "big.pdf")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - one list per test, reset below

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<html><body><p>fetched</p></body></html>")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_extraction_never_reaches_the_network() -> None:
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        here = f"http://127.0.0.1:{server.server_address[1]}"
        page = PAGE.replace("https://zeitung.example/2024/08/06/hafen", f"{here}/canonical").replace(
            "https://tracker.example/pixel.gif", f"{here}/pixel.gif"
        )
        found = capture.extract(page.encode(), capture.HTML, "page.html")
        assert found.metadata["url"] == f"{here}/canonical"
        # The guard itself: in the extracting process, no library can open a socket.
        probe = (
            "import urllib.request, sys\nfrom dossier import capture\ncapture._no_network()\n"
            f"try:\n    urllib.request.urlopen({here + '/probe'!r}, timeout=5)\nexcept OSError as e:\n"
            "    print('refused', e)\n"
        )
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
        assert done.stdout.startswith("refused"), done.stdout + done.stderr
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert _Recorder.hits == []


def test_the_check_verifies_the_kept_original(base_project: Path, tmp_path: Path) -> None:
    page = tmp_path / "hafen.html"
    page.write_text(PAGE)
    assert add_seed(base_project, str(page), "--outlet", "beta-zeitung", "--id", "hafen")[0] == 0
    kept = base_project / "seeds" / "originals" / "hafen.html"

    def codes() -> list[str]:
        return [f"{d.code} {d.message}" for d in check(Project(base_project)).diagnostics if d.code != "W403"]

    assert codes() == []
    kept.write_text(PAGE.replace("Frühjahr", "Sommer"))
    assert codes()[0].startswith("E111 the kept original seeds/originals/hafen.html has sha256")
    kept.unlink()
    assert codes() == [
        "E111 the kept original seeds/originals/hafen.html is missing: restore it from the capture, or remove 'original:'"
    ]
    page.rename(tmp_path / "elsewhere.html")
    kept.symlink_to(tmp_path / "elsewhere.html")  # a pull request can add a link: never followed
    assert [c[:4] for c in codes()] == ["E110"]
    kept.unlink()
    (base_project / "seeds" / "originals" / "stray.pdf").write_bytes(b"%PDF-1.4")
    assert [c[:4] for c in codes()] == ["E111", "W413"]


def test_the_check_cache_notices_a_changed_original(base_project: Path, tmp_path: Path) -> None:
    page = tmp_path / "hafen.html"
    page.write_text(PAGE)
    assert add_seed(base_project, str(page), "--outlet", "beta-zeitung", "--id", "hafen")[0] == 0
    runner = CliRunner()
    assert runner.invoke(cli, ["check", "--project", str(base_project)]).exit_code == 0  # fills the cache
    (base_project / "seeds" / "originals" / "hafen.html").write_text(PAGE + " ")
    result = runner.invoke(cli, ["check", "--project", str(base_project)])
    assert result.exit_code == 1 and "E111" in result.stdout


class _Links(HTMLParser):
    """The links of a page (their attributes) and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _seed_page(site: Path, seed_id: str) -> _Links:
    parser = _Links()
    parser.feed((site / "generated" / "sources" / seed_id / "index.html").read_text("utf-8"))
    return parser


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_seed_page_links_to_the_kept_original_in_both_engines(tmp_path: Path, engine: str) -> None:
    if engine == "zensical":
        pytest.importorskip("zensical")
    project = site_project(tmp_path / "project")
    page, report = tmp_path / "hafen.html", tmp_path / "report.pdf"
    page.write_text(PAGE)
    report.write_bytes(_pdf(REPORT, title="Harbour report"))
    archive = "https://web.archive.org/web/20240806/https://zeitung.example/2024/08/06/hafen"
    assert (
        add_seed(project, str(page), "--outlet", "zeitung-beispiel", "--id", "hafen", "--archived", archive)[
            0
        ]
        == 0
    )
    assert (
        add_seed(project, str(report), "--outlet", "daily-example", "--id", "report", "--language", "en")[0]
        == 0
    )
    assert build(Project(project), quiet=True, engine=engine).errors == 0
    site = project / "site"
    for seed_id, kept, published, name in (
        ("hafen", page, "generated/originals/hafen.html.txt", "hafen.html"),
        ("report", report, "generated/originals/report.pdf", "report.pdf"),
    ):
        html = _seed_page(site, seed_id)
        (link,) = [a for a in html.links if "seed-original" in (a.get("class") or "").split()]
        assert link.get("download") == name
        target = (site / "generated" / "sources" / seed_id / str(link.get("href"))).resolve()
        assert target == (site / published).resolve()
        assert target.read_bytes() == kept.read_bytes()  # the capture, byte for byte
        assert hashlib.sha256(kept.read_bytes()).hexdigest() in "".join(html.text)
    hafen = _seed_page(site, "hafen")
    assert {"href": archive, "rel": "noopener noreferrer"} in hafen.links
    text = "".join(hafen.text)
    assert "Archived copy" in text and "Erika Mustermann" in text
    assert broken_links(project) == []
    exported = json.loads((site / "generated" / "downloads" / "dossier.json").read_text("utf-8"))
    (record,) = [s for s in exported["seeds"] if s["id"] == "report"]
    assert record["original"] == {
        "file": "originals/report.pdf",
        "sha256": hashlib.sha256(report.read_bytes()).hexdigest(),
        "media_type": "application/pdf",
    }
    # No saved page is ever published where a browser would render it as HTML on the site's origin.
    assert not list(site.rglob("originals/*.html"))


@pytest.mark.browser
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_saved_page_never_runs_its_script_on_the_sites_origin(tmp_path: Path, engine: str) -> None:
    """Click the link in Chromium: the capture downloads; opened by its URL, it is plain text."""
    from tests.test_browser import CHROMIUM, _serve

    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    if engine == "zensical":
        pytest.importorskip("zensical")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    project = site_project(tmp_path / "project")
    page_file = tmp_path / "hafen.html"
    page_file.write_text(PAGE)
    assert add_seed(project, str(page_file), "--outlet", "zeitung-beispiel", "--id", "hafen")[0] == 0
    assert build(Project(project), quiet=True, engine=engine).errors == 0
    with _serve(project / "site") as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
            page.goto(url + "generated/sources/hafen/")
            with page.expect_download() as info:
                page.click("a.seed-original")
            download = info.value
            assert download.suggested_filename == "hafen.html"
            assert Path(download.path()).read_bytes() == page_file.read_bytes()
            assert page.url == url + "generated/sources/hafen/"  # the page stayed; nothing was opened
            response = page.goto(url + "generated/originals/hafen.html.txt")
            assert response is not None and response.headers["content-type"].startswith("text/plain")
            assert page.title() != "PWNED"
            assert page.evaluate("localStorage.getItem('pwned')") is None  # its script never ran here
            assert "<script>localStorage" in page.inner_text("body")  # shown as text, not run
        finally:
            browser.close()


def test_a_kept_pdf_must_be_a_pdf(base_project: Path, tmp_path: Path) -> None:
    # Published as .pdf: a page with script, renamed and re-hashed by a pull request, must not pass.
    report = tmp_path / "report.pdf"
    report.write_bytes(_pdf(REPORT, title="Harbour report", lang="en"))
    assert add_seed(base_project, str(report), "--outlet", "alpha-news", "--id", "report")[0] == 0
    kept = base_project / "seeds" / "originals" / "report.pdf"
    seed = base_project / "seeds" / "report.md"
    forged = b"<script>alert(1)</script>"
    text = seed.read_text("utf-8").replace(
        hashlib.sha256(kept.read_bytes()).hexdigest(), hashlib.sha256(forged).hexdigest()
    )
    seed.write_text(text, "utf-8")
    kept.write_bytes(forged)
    found = [f"{d.code} {d.message}" for d in check(Project(base_project)).diagnostics if d.code == "E111"]
    assert found == [
        "E111 the kept original seeds/originals/report.pdf is not a PDF (it does not start with %PDF-): "
        "restore it from the capture, or remove 'original:'"
    ], found


def test_a_date_from_a_pdfs_metadata_is_warned_about_when_the_text_never_prints_its_year(
    base_project: Path, tmp_path: Path
) -> None:
    # A PDF's creation date is often the day the file was made: the analyst must look at it.
    report = tmp_path / "costs.pdf"
    report.write_bytes(
        _pdf("Costs rose by a third in the harbour this spring.", title="Harbour costs", lang="en")
    )
    code, _, err, _ = add_seed(base_project, str(report), "--outlet", "alpha-news")
    assert code == 0
    assert "warning: the text never prints the year 2024 of the publication date" in err, err
    assert "PDF's creation date" in err
