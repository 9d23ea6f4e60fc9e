"""The ``dossier`` command: parse flags, call library functions, print, exit.

Exit codes: 0 clean, 1 findings (or a failed step), 2 usage. Heavy modules are imported
inside each command so that ``dossier check`` on an unchanged project starts fast.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dossier import __version__
from dossier.project import Project
from dossier.urls import ENGINES

if TYPE_CHECKING:
    from dossier.quote import Passage

FORMATS = ("text", "github", "json")


def _project(path: str | None) -> Project:
    return Project(Path(path).resolve() if path else Path.cwd())


project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, exists=True),
    help="The project root (default: the current folder).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dossier")
def cli() -> None:
    """Turn data/facts.yaml and seeds/ into a checked, browsable fact dossier."""


@cli.command()
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="text (path:line:col: CODE message), github (Actions annotations) or json. "
    "Default: github when $GITHUB_ACTIONS is set, else text.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--no-cache", is_flag=True, help="Check from scratch, ignoring the cached result.")
def check(project_dir: str | None, fmt: str | None, strict: bool, no_cache: bool) -> None:
    """Verify every fact against the words of its seeds.

    Reports every finding at once and writes nothing into data/ or seeds/.
    """
    from dossier import cache
    from dossier.diagnostics import Severity

    project = _project(project_dir)
    # A cached result is trusted only in the folder that computed it: a pull request can commit a
    # cache whose key it computed for broken data (the key is a digest of public files).
    inputs = cache.gather(project, use_cache=not no_cache)
    cached = None if inputs.who is None else cache.read(project, inputs.digest)
    if cached is not None:  # nothing changed: neither the checker nor the YAML parser is imported
        diags, acknowledged = cached
    else:
        from dossier import incremental

        result = incremental.run(project, build=False, inputs=inputs)
        diags, acknowledged = list(result.diagnostics), result.acknowledged
    _print_diagnostics(diags, fmt)
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = len(diags) - errors
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if acknowledged:
        summary += f" ({acknowledged} acknowledged in the data)"
    click.echo(summary, err=True)
    sys.exit(1 if errors or (strict and warnings) else 0)


def _print_diagnostics(diags: list, fmt: str | None) -> None:  # type: ignore[type-arg]
    import os

    from dossier import diagnostics

    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    formatter = {
        "text": diagnostics.format_text,
        "github": diagnostics.format_github,
        "json": diagnostics.format_json,
    }
    click.echo(formatter[fmt](diags), nl=False)


# --- dossier init ---------------------------------------------------------------------------


@cli.command("init")
@click.argument("folder", metavar="DIR", type=click.Path(), default=".")
@click.option("--title", default=None, help="The dossier's title (default: the folder's name).")
@click.option(
    "--requirement",
    default=None,
    metavar="SPEC",
    help="What CI installs dossier from, for requirements.txt: 'dossier @ git+https://…@TAG' or a "
    "wheel's URL (default: where this dossier was installed from, when that is an https URL).",
)
def init_command(folder: str, title: str | None, requirement: str | None) -> None:
    """Start a new dossier in DIR (default: the current folder), ready to check and build.

    Writes mkdocs.yml, docs/index.md, data/facts.yaml (no entities or facts yet), seeds/, the
    GitHub workflows that check pull requests and publish to GitHub Pages, a pre-commit config,
    requirements.txt (where CI installs dossier from), a README for analysts and a .gitignore. DIR may
    exist, but no file in it is ever overwritten: exit 2, with nothing written, when one of
    these files is already there or DIR is a symbolic link.
    """
    from dossier.init import InitError, init, installed_from

    try:
        written = init(Path(folder), title, requirement)
    except InitError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.option) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write into {folder}: {exc.strerror}") from exc
    for path in written:
        click.echo(f"wrote {Path(folder) / path}", err=True)
    if requirement is None and installed_from() is None:
        click.echo(
            "note: requirements.txt does not yet say where CI installs dossier from: edit it, or "
            "start again with --requirement",
            err=True,
        )
    import shlex

    go = "" if Path(folder) == Path() else f"cd {shlex.quote(folder)} && "
    click.echo(f"next: {go}dossier build   (then add seeds with dossier add-seed; see README.md)")


# --- dossier fmt ----------------------------------------------------------------------------


@cli.command("fmt")
@project_option
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; show the diff and exit 1 if formatting is needed.",
)
@click.argument("file", required=False, type=click.Path(dir_okay=False, exists=True))
def fmt_command(project_dir: str | None, check_only: bool, file: str | None) -> None:
    """Lay out data/facts.yaml (or FILE) canonically, keeping every comment.

    Indentation, the order of keys inside each entry and quoting become canonical; comments,
    blank lines and the order of entries stay. The file is replaced atomically, and a file
    with YAML errors is left alone (exit 1).
    """
    from dossier.diagnostics import format_text
    from dossier.fmt import format_file

    project = _project(project_dir)
    # FILE is the user's own choice and may live anywhere; the default lives in the project,
    # and no component below its root may be a link.
    path = Path(file).absolute() if file else project.facts_file
    result = format_file(
        path, check=check_only, display=project.rel(path), root=None if file else project.root
    )
    if result.diagnostics:
        click.echo(format_text(result.diagnostics), nl=False)
        click.echo(f"{result.path} has errors; nothing was formatted", err=True)
        sys.exit(1)
    if not result.changed:
        click.echo(f"{result.path} is formatted", err=True)
        return
    endings = f" ({result.endings})" if result.endings else ""
    if check_only:
        click.echo(result.diff, nl=False)
        click.echo(f"{result.path} needs formatting{endings}: run 'dossier fmt'", err=True)
        sys.exit(1)
    click.echo(f"formatted {result.path}{endings}", err=True)


# --- dossier build / serve / export ------------------------------------------------------------


def _report(result: object) -> bool:
    """Print a check result's findings (warnings too); True when it has no error."""
    from dossier.check import CheckResult

    assert isinstance(result, CheckResult)
    _print_diagnostics(list(result.diagnostics), None)
    if result.errors:
        click.echo(f"{result.errors} error{'s' * (result.errors != 1)}: nothing was written", err=True)
    return result.errors == 0


def _report_round(result: object, warned: Counter[tuple[str, str, str]], *, serving: bool = True) -> bool:
    """A ``serve`` round's findings: every error, last (beside the line that counts them), and
    only the warnings the last round did not have (by file, code and message: an edit that moves
    lines moves a warning, it does not make it new; counted, since two facts can raise the same
    message); ``warned`` counts the last round's. A large dossier's thousands of warnings,
    printed again on every save, buried the one error."""
    from dossier.check import CheckResult
    from dossier.diagnostics import Severity

    assert isinstance(result, CheckResult)
    warnings = [d for d in result.diagnostics if d.severity is not Severity.ERROR]
    before = Counter(warned)
    new = []
    for d in warnings:
        key = (d.path, d.code, d.message)
        if before[key] > 0:
            before[key] -= 1  # one of the last round's: as before
        else:
            new.append(d)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    _print_diagnostics([*new, *errors], None)
    warned.clear()
    warned.update((d.path, d.code, d.message) for d in warnings)
    if len(new) < len(warnings):
        told = len(warnings) - len(new)
        click.echo(
            f"{told} warning{'s' * (told != 1)} as before, not repeated (dossier check lists all)", err=True
        )
    if result.errors:
        # Serving, the pages stay as the last good round left them, and a banner on each names
        # the errors; a first round that fails stops serve before anything is served.
        plural = "s" * (result.errors != 1)
        shown = f"pages not regenerated (every page shows {'them' if plural else 'it'})"
        click.echo(f"{result.errors} error{plural}: {shown if serving else 'nothing was written'}", err=True)
    return result.errors == 0


_engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Site engine; default: `extra: dossier_engine:` in mkdocs.yml, else mkdocs.",
)


def _chosen_engine(project: Project, engine: str | None) -> str:
    """The engine to use: the option, else the project's setting, which must name a known one."""
    from dossier.site import engine as find_engine
    from dossier.site import project_engine

    name = engine or project_engine(project)
    try:
        find_engine(name)
    except ValueError as exc:
        raise click.UsageError(f"mkdocs.yml: extra: dossier_engine: {exc}") from exc
    return name


@cli.command("build")
@project_option
@click.option("--no-site", is_flag=True, help="Only check and write docs/generated/; skip the site engine.")
@click.option(
    "--clean",
    is_flag=True,
    help="Render every page and rebuild site/ from nothing, instead of only what changed.",
)
@_engine_option
def build_command(project_dir: str | None, no_site: bool, clean: bool, engine: str | None) -> None:
    """Check, generate the pages into docs/generated/, and build the site into site/.

    Any check error stops the build before anything is written. The site is built with
    `mkdocs build --strict` or `zensical build --strict`, so a broken link fails it too, and
    then every internal link and anchor of the written HTML is checked.
    The pages are written for the engine: build with the one you publish with.

    Only what changed is rebuilt when site/ comes from the last successful build of the same
    engine, version and mkdocs.yml in this folder; otherwise (or with --clean) the build is full.
    """
    import time

    from dossier.build import build
    from dossier.fs import UnsafePath
    from dossier.generated import GeneratedFolderError
    from dossier.site import SiteError

    project = _project(project_dir)
    chosen = _chosen_engine(project, engine)
    started = time.perf_counter()
    try:
        result = build(project, with_site=not no_site, engine=chosen, clean=clean)
    except (GeneratedFolderError, SiteError, UnsafePath) as exc:
        raise click.ClickException(str(exc)) from exc
    if not _report(result):
        sys.exit(1)
    where = project.rel(project.generated_dir) if no_site else project.rel(project.site_dir)
    click.echo(f"built {where} in {time.perf_counter() - started:.1f} s", err=True)


@cli.command("serve")
@project_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@_engine_option
def serve_command(project_dir: str | None, dev_addr: str, engine: str | None) -> None:
    """Preview the site; edits to data/ and seeds/ regenerate pages and reload the browser.

    A save is rebuilt once the files have been quiet for 0.1 s, and only the pages whose inputs
    changed are rendered again. A check error is printed and shown at the top of every page in
    the browser (the last good pages stay up beneath it) until it is fixed. Each save prints
    every error and only the warnings that save brought.
    """
    from dossier import site
    from dossier.build import Regenerator
    from dossier.fs import UnsafePath
    from dossier.generated import GeneratedFolderError
    from dossier.site import SiteError

    project = _project(project_dir)
    chosen = _chosen_engine(project, engine)
    regenerate = Regenerator(project, chosen)
    warned: Counter[tuple[str, str, str]] = Counter()

    def again() -> str | None:
        """One save's round; the dossier's title after it (None when the check failed)."""
        try:
            result = regenerate()
        except (GeneratedFolderError, UnsafePath) as exc:
            click.echo(f"Error: {exc}", err=True)
            return None
        if _report_round(result, warned):
            click.echo("pages regenerated", err=True)
        return result.dossier.title if result.dossier is not None else None

    try:
        first = regenerate()
    except (GeneratedFolderError, UnsafePath) as exc:
        raise click.ClickException(str(exc)) from exc
    if not _report_round(first, warned, serving=False) or first.dossier is None:
        sys.exit(1)
    title = first.dossier.title
    del first  # the Regenerator keeps what the next save needs
    try:
        sys.exit(site.serve(project, again, dev_addr=dev_addr, engine_name=chosen, title=title))
    except SiteError as exc:
        raise click.ClickException(str(exc)) from exc


CSV_TABLES = ("entities", "seeds", "facts", "citations", "figures")
DEFAULT_EXPORT = "export"  # the folder the csv tables go to without --out, below the current one


@cli.command("export")
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("json", "jsonl", "csv")),
    default="json",
    show_default=True,
    help="json: one document; jsonl: one entity, seed or fact a line; csv: one table per noun.",
)
@click.option(
    "--table",
    type=click.Choice(CSV_TABLES),
    default=None,
    help="With --format csv: only this table, as one file (to stdout without --out).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Folder to write into (created if needed). Without it, one file (json, jsonl, or csv with "
    "--table) goes to stdout, and the csv tables go to the folder export/ here.",
)
def export_command(project_dir: str | None, fmt: str, table: str | None, out_dir: str | None) -> None:
    """Export the checked dossier as data: facts, entities, seeds, and citations with spans.

    One file (json, jsonl, a csv --table) prints to stdout unless --out names a folder; the five
    csv tables are written into --out, or into ./export/ (which must not be a link).
    """
    from dossier import export
    from dossier.check import check_cached

    if table is not None and fmt != "csv":
        raise click.UsageError("--table picks one csv table: use it with --format csv")
    project = _project(project_dir)
    # Incremental: after a check, only changed facts are judged again, and the parsed file is
    # never held whole (at 50,000 facts that alone is half a gigabyte).
    result = check_cached(project)
    if result.dossier is None:
        _report(result)
        sys.exit(1)
    files: dict[str, str | Iterable[str]]
    if fmt == "csv":
        files = dict(export.to_csv(result.dossier))
        if table is not None:
            files = {f"{table}.csv": files[f"{table}.csv"]}
    else:
        # Streamed, a record at a time: the whole text of 50,000 facts would double the memory.
        parts = export.json_parts if fmt == "json" else export.jsonl_parts
        files = {f"dossier.{fmt}": export.chunks(parts(result.dossier))}
    if out_dir is None and len(files) == 1:
        text = next(iter(files.values()))
        for chunk in [text] if isinstance(text, str) else text:
            click.echo(chunk, nl=False)
        return
    _write_export(files, out_dir)


def _write_export(files: dict[str, str | Iterable[str]], out_dir: str | None) -> None:
    from dossier import atomic, fs

    # The folder --out names may be anywhere the user chooses. The default one is implicit, so it
    # is created without following a link (a cloned pull request could ship export/ as a link).
    root = None if out_dir is not None else Path.cwd()
    folder = Path(out_dir) if out_dir is not None else Path(DEFAULT_EXPORT)
    # A file in the folder that is a link (or a FIFO) is refused, not written through: the output
    # lands where it is shown to land. All are looked at first, so a refusal leaves no half set.
    for name in files:
        try:
            fs.check_target(folder.absolute() / name)
        except fs.UnsafePath as refused:
            raise click.ClickException(f"refusing to write {refused}") from None
    for name, text in files.items():
        try:
            if root is None:
                folder.mkdir(parents=True, exist_ok=True)
            else:
                fs.make_dirs(root, root / folder)
            parts = [text] if isinstance(text, str) else text
            atomic.write_parts(folder.absolute() / name, (part.encode("utf-8") for part in parts), root=root)
        except fs.UnsafePath as refused:
            raise click.ClickException(f"refusing to write {refused}") from None
        except OSError as exc:
            raise click.ClickException(f"cannot write {folder / name}: {exc.strerror}") from None
        click.echo(f"wrote {folder / name}", err=True)


# --- dossier add-seed / quote / diff --------------------------------------------------------


@cli.command("add-seed")
@project_option
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--outlet", required=True, help="The outlet's entity id (an entity of type outlet in data/facts.yaml)."
)
@click.option(
    "--published",
    default=None,
    help="Publication date as precise as the text allows: 2024, 2024-08 or 2024-08-06 "
    "(required, except for a capture whose metadata states it).",
)
@click.option(
    "--language",
    default=None,
    help="ISO 639-1 code of the text's language: en, de, ru … "
    "(required, except for a capture whose metadata states it).",
)
@click.option("--url", default=None, help="The article's http(s) URL, where known.")
@click.option(
    "--archived", default=None, help="The http(s) URL of an archived copy (a web-archive snapshot)."
)
@click.option(
    "--title", default=None, help="The headline (default: the capture's title or the text's first line)."
)
@click.option(
    "--author", default=None, help="Who wrote the article (default: the capture's author, if stated)."
)
@click.option(
    "--id", "seed_id", default=None, help="The seed id and file name (default: made from the title)."
)
@click.option("--same-as", default=None, help="Another seed that captures the same article.")
@click.option(
    "--inferred",
    "inferred",
    multiple=True,
    metavar="FIELD=HOW",
    help="A field the text does not state, and how it is known: "
    "--inferred published='the date in the capture's URL'. Repeatable.",
)
def add_seed_command(
    project_dir: str | None,
    file: str,
    outlet: str,
    published: str | None,
    language: str | None,
    url: str | None,
    archived: str | None,
    title: str | None,
    author: str | None,
    seed_id: str | None,
    same_as: str | None,
    inferred: tuple[str, ...],
) -> None:
    """Import an article's text from FILE into seeds/ with front matter and its sha256.

    FILE is UTF-8 text, or a capture: a saved web page (.html, .htm) or a PDF (.pdf). From a
    capture the article's text is extracted (trafilatura, pypdf) and becomes the seed; the file
    itself is kept byte for byte as seeds/originals/ID.html or .pdf with its sha256, and its
    title, author, date, canonical URL and language are used where the capture's metadata
    states them and no option gives them (recorded under 'inferred:'). Extraction never uses
    the network and is stopped after a time limit.

    FILE must be a regular file: a symbolic link is refused (name the file it points to), a
    FIFO or device is refused without being read. The text is kept byte for byte and never
    overwrites a seed. Warns when the text nearly
    duplicates an existing seed (another capture of the same article). Exit 2 when a value is
    refused (an outlet that is not an entity of type outlet in data/facts.yaml, a bad date,
    language, URL or id), 1 when the text cannot be imported (not UTF-8, empty, or the seed
    file exists).
    """
    from dossier.addseed import SeedImportError, add_seed

    project = _project(project_dir)
    try:
        seed = add_seed(
            project,
            Path(file),
            outlet=outlet,
            published=published,
            language=language,
            url=url,
            title=title,
            seed_id=seed_id,
            same_as=same_as,
            inferred_how=dict(item.partition("=")[::2] for item in inferred),
            archived=archived,
            author=author,
        )
    except SeedImportError as exc:
        if exc.option:
            raise click.BadParameter(str(exc), param_hint=f"'{exc.option}'") from exc
        raise click.ClickException(str(exc)) from exc
    if seed.unstated_year:
        click.echo(
            f"warning: the text never prints the year {seed.unstated_year} of the publication date "
            "(--published, or the capture's metadata: a PDF's creation date is often the day the file "
            "was made, not published); check it: if the date "
            "comes from elsewhere (a URL, a capture's metadata, another seed), record how under "
            "'inferred: published:' in the seed (or import again with --inferred published='how'); "
            "the check then treats it as inferred, not stated (E502)",
            err=True,
        )
    for twin in seed.near_duplicates:
        click.echo(
            f"warning: the text is {twin.similarity:.0f}% similar to seeds/{twin.seed}.md; if both capture "
            f"one article, add 'same_as: {twin.seed}' to seeds/{seed.id}.md",
            err=True,
        )
    if seed.original is not None:
        click.echo(f"kept the capture as {project.rel(seed.original)}")
    click.echo(f"wrote {project.rel(seed.path)} (sha256 {seed.sha256[:12]}…)")
    click.echo(f"cite it as 'seed: {seed.id}'; find exact words with: dossier quote {seed.id} \"…\"")


@cli.command("quote")
@project_option
@click.argument("seed_and_words", nargs=-1, metavar="[SEED] WORDS")
@click.option("--all", "everywhere", is_flag=True, help="Search every seed; give only WORDS.")
@click.option(
    "--min-similarity",
    type=click.IntRange(0, 100),
    default=60,
    show_default=True,
    help="Below this similarity (percent) no quote is offered (exit 1).",
)
def quote_command(
    project_dir: str | None, seed_and_words: tuple[str, ...], everywhere: bool, min_similarity: int
) -> None:
    """Find the passage of SEED closest to WORDS and print it verbatim, ready to cite.

    SEED is a seed id (or its file). Prints the passage with its file and line, and a
    sources: entry to paste under a fact. The passage is cut at whole words and takes in any
    negation or hedge word of its clause (not, never, reportedly, nicht, angeblich, ...), so
    it never says more than the seed. With --all, lists the best passage of every seed, best
    first. Exit 1 when nothing is close enough, 2 for an unknown seed.
    """
    from dossier.quote import UnknownSeed, find_everywhere, find_passage

    wanted = 1 if everywhere else 2
    if len(seed_and_words) != wanted:
        usage = "--all WORDS" if everywhere else "SEED WORDS (or --all WORDS)"
        raise click.UsageError(f"give {usage}, quoted: dossier quote {usage}")
    project = _project(project_dir)
    words = seed_and_words[-1]
    if everywhere:
        passages, unreadable = find_everywhere(project, words)
        for problem in unreadable:
            click.echo(f"skipped {problem}", err=True)
        offered = 0
        for passage in passages:
            offered += _show_passage(passage, min_similarity, quiet=True)
            click.echo()
        if not offered:
            click.echo(f"no passage is at least {min_similarity}% similar; try other words", err=True)
            sys.exit(1)
        return
    try:
        passage = find_passage(project, seed_and_words[0], words)
    except UnknownSeed as exc:
        raise click.BadParameter(str(exc), param_hint="SEED") from exc
    if not _show_passage(passage, min_similarity, quiet=False):
        sys.exit(1)


def _show_passage(passage: Passage, min_similarity: int, *, quiet: bool) -> bool:
    """Print one passage and, when it is close enough, its citation; say whether it was."""
    if passage.gave_up:
        click.echo(f"{passage.path}: no close passage searched: {passage.gave_up}")
        return False
    click.echo(f"{passage.path}:{passage.line}: {passage.similarity:.0f}% similar")
    click.echo(passage.text)
    if passage.similarity < min_similarity:
        if not quiet:
            click.echo(f"no passage is at least {min_similarity}% similar; try other words", err=True)
        return False
    if passage.kept:
        click.echo(
            f"note: the passage keeps {', '.join(map(repr, passage.kept))} from its clause; "
            "without it, it would say more than the seed",
            err=True,
        )
    if passage.occurrences > 1:
        click.echo(
            f"warning: this passage occurs {passage.occurrences} times in the seed; lengthen it so it points at one place",
            err=True,
        )
    click.echo("\nPaste under the fact's sources:")
    click.echo(passage.snippet(), nl=False)
    return True


@cli.command("diff")
@project_option
@click.argument("base")
@click.argument("head", required=False)
def diff_command(project_dir: str | None, base: str, head: str | None) -> None:
    """Summarise the changes to data/facts.yaml and seeds/ from BASE to HEAD as Markdown.

    BASE and HEAD are git revisions (main, origin/main, HEAD~1) or two facts files; HEAD
    defaults to the working tree. Lists entities and facts added, removed and changed, status
    changes, citations added and removed and changed figures: fit for a pull-request comment
    or a CI job summary. Between revisions it also lists seeds added and removed, front matter
    changed, and, with a warning, seed texts changed since vetting. Exit 2 when BASE or HEAD
    is neither a file nor a revision, 1 when a side cannot be read (such as broken YAML).
    """
    from dossier.diff import DiffInputError, UnknownSide, diff

    try:
        click.echo(diff(_project(project_dir), base, head), nl=False)
    except UnknownSide as exc:
        raise click.BadParameter(str(exc), param_hint=exc.param) from exc
    except DiffInputError as exc:
        raise click.ClickException(str(exc)) from exc


def main() -> None:
    """Console-script entry point."""
    cli()
