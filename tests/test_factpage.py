"""Fact pages' pure parts: the short heading, the citation formats, and "last changed" from git."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from dossier import cite, escape, history, site, urls
from dossier.check import check
from dossier.history import NOT_COMMITTED, Change
from dossier.model import Fact
from dossier.project import Project
from dossier.render import View, environment, render, render_site
from tests.sitefixtures import HOSTILE, SITE_FIXTURE, git, site_project

BUILT = "2024-09-15"


def _fact(statement: str, fact_id: str = "f") -> Fact:
    return Fact(id=fact_id, statement=statement, about=(), status="reported", sources=())


# --- the short heading -----------------------------------------------------------------------


def test_a_short_statement_is_its_own_heading() -> None:
    assert cite.short_title("Sergei Shoigu visited Tehran.") == "Sergei Shoigu visited Tehran."


def test_a_long_statement_is_cut_at_a_word_with_an_ellipsis() -> None:
    statement = "Russia has begun delivering S-300 air defense systems to Iran, according to officials of three countries."
    short = cite.short_title(statement)
    assert len(short) <= cite.SHORT_TITLE
    assert short.endswith("…") and statement.startswith(short[:-1])
    assert statement[len(short) - 1] in " ,"  # cut where a word ends, not inside one


# --- the citation: exact values, no break-out --------------------------------------------------

HOSTILE_STATEMENT = " ".join([*HOSTILE, "} @misc{evil, title={x}", "\\end{document}", '"q" %#&_~^$'])


def test_csl_json_parses_back_to_the_exact_values() -> None:
    made = cite.citation("Title & {T}", _fact(HOSTILE_STATEMENT), Change("a" * 40, "2024-09-01"))
    [item] = json.loads(made.csl)
    assert item["title"] == HOSTILE_STATEMENT and item["container-title"] == "Title & {T}"
    assert item["issued"] == {"date-parts": [[2024, 9, 1]]}
    assert item["URL"] == "generated/facts/f/" and not made.absolute  # a path: no host made up


def test_bibtex_values_cannot_end_their_field_or_entry() -> None:
    made = cite.citation("T } @misc{x,", _fact(HOSTILE_STATEMENT), None)
    lines = made.bibtex.split("\n")
    assert lines[0] == "@misc{f," and lines[-1] == "}"
    for line in lines[1:-1]:
        field = re.fullmatch(r"  (\w+) = \{(.*)\},", line)
        assert field, line
        depth = 0
        for i, char in enumerate(field.group(2)):  # unescaped braces balance inside each field
            if char in "{}" and (i == 0 or field.group(2)[i - 1] != "\\"):
                depth += 1 if char == "{" else -1
                assert depth >= 0, line
        assert depth == 0, line
    assert "\\end{document}" not in made.bibtex and "year" not in made.bibtex  # no date invented


def test_bibtex_escapes_every_tex_special_character() -> None:
    assert escape.bibtex("a{b}c\\d$%#&_~^") == (
        "a\\{b\\}c\\textbackslash{}d\\$\\%\\#\\&\\_\\textasciitilde{}\\textasciicircum{}"
    )
    assert escape.bibtex("two\nlines\u202e") == "two lines\ufffd"
    assert escape.bibtex_url("https://example.org/a{b}") == "https://example.org/a%7Bb%7D"
    assert escape.bibtex_url("javascript:alert(1)") == ""


def test_a_site_url_makes_the_permalink_absolute() -> None:
    made = cite.citation("T", _fact("S."), None, "https://dossier.example.org/sub/")
    assert made.permalink == "https://dossier.example.org/sub/generated/facts/f/" and made.absolute
    assert "  url = {https://dossier.example.org/sub/generated/facts/f/},\n" in made.bibtex


def test_the_site_url_is_read_from_mkdocs_yml_only_when_it_is_http(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_url: https://example.org/d/\n", encoding="utf-8")
    assert site.project_site_url(Project(tmp_path)) == "https://example.org/d/"
    (tmp_path / "mkdocs.yml").write_text("site_url: javascript:alert(1)\n", encoding="utf-8")
    assert site.project_site_url(Project(tmp_path)) == ""


def test_the_title_reaches_the_engines_escaped() -> None:
    assert site.title_env('A "b" <c> & d\u202e') == {
        "DOSSIER_TITLE": "A &quot;b&quot; &lt;c&gt; &amp; d\ufffd"
    }
    assert site.title_env("") == {}


# --- last changed, from one git blame --------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(site_project(tmp_path / "project", SITE_FIXTURE))


def _history(project: Project) -> dict[str, Change] | None:
    result = check(project)
    assert result.dossier is not None
    return history.for_project(project, result.dossier.facts)


def test_no_git_checkout_means_no_history(project: Project) -> None:
    assert _history(project) is None


def test_an_uncommitted_file_is_not_committed(project: Project) -> None:
    git(project.root, "init", "-q")
    found = _history(project)
    assert found and set(found.values()) == {NOT_COMMITTED}


def test_each_fact_has_the_date_of_the_last_commit_that_touched_its_lines(project: Project) -> None:
    git(project.root, "init", "-q")
    git(project.root, "add", "data", "seeds")
    git(project.root, "commit", "-q", "-m", "first")
    facts = project.facts_file.read_text(encoding="utf-8")
    project.facts_file.write_text(
        facts.replace(
            "  - id: shoigu-visits-tehran\n", "  - id: shoigu-visits-tehran\n    notes: Revised later.\n"
        ),
        encoding="utf-8",
    )
    git(project.root, "commit", "-q", "-am", "second", when="2024-10-02T12:00:00+00:00")
    # And one uncommitted edit, to the last fact of the file.
    last = check(project).dossier
    assert last is not None
    final = max(last.facts, key=lambda f: f.line)
    text = project.facts_file.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines.insert(final.line, "    notes: Not committed yet.")
    project.facts_file.write_text("\n".join(lines), encoding="utf-8")
    found = _history(project)
    assert found is not None
    assert found["shoigu-visits-tehran"].date == "2024-10-02"
    assert found[final.id] == NOT_COMMITTED
    others = {k: v for k, v in found.items() if k not in ("shoigu-visits-tehran", final.id)}
    assert others and {v.date for v in others.values()} == {"2024-09-01"}
    assert all(len(v.commit) == 40 for v in others.values())


def test_a_page_without_history_says_nothing_and_a_page_with_it_says_what_git_says(project: Project) -> None:
    dossier = check(project).dossier
    assert dossier is not None
    plain = render(dossier, built=BUILT)
    assert not any("Last changed" in text for path, text in plain.items() if path.startswith("facts/"))
    changes = {f.id: Change("b" * 40, "2024-09-01") for f in dossier.facts}
    changes["shoigu-visits-tehran"] = NOT_COMMITTED
    pages = render(dossier, built=BUILT, history=changes)
    assert "- **Last changed:** 2024-09-01 (commit `bbbbbbbbbbbb`)" in pages["facts/russia-delivers-s-300.md"]
    assert "- **Last changed:** not committed" in pages["facts/shoigu-visits-tehran.md"]


def test_the_blame_is_cached_by_commit_and_content_and_a_tampered_cache_is_ignored(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(project.root, "init", "-q")
    git(project.root, "add", "data", "seeds")
    git(project.root, "commit", "-q", "-m", "first")
    first = _history(project)
    assert first and {c.date for c in first.values()} == {"2024-09-01"}
    cache = project.cache_dir / "history.json"
    stored = json.loads(cache.read_text(encoding="utf-8"))

    def no_blame(*args: object) -> None:
        raise AssertionError("blamed again for an unchanged project")

    monkeypatch.setattr(history, "last_changed", no_blame)
    assert _history(project) == first  # from the cache
    monkeypatch.undo()
    stored["facts"] = {k: ["<script>", "x"] for k in stored["facts"]}
    cache.write_text(json.dumps(stored), encoding="utf-8")
    assert _history(project) == first  # the tampered entry is not shown: blamed afresh


def test_a_long_statement_page_has_the_short_heading_and_the_whole_statement_below(project: Project) -> None:
    dossier = check(project).dossier
    assert dossier is not None
    long = replace(
        dossier.fact["russia-delivers-s-300"],
        statement="Russia has begun delivering S-300 air defense systems to Iran, with at least twelve "
        "launchers already near Tehran, according to officials in three countries.",
    )
    at = urls.Place.of(urls.fact(long.id))
    page = environment().get_template("fact.md.j2").render(v=View(dossier, BUILT), at=at, fact=long)
    heading = cite.short_title(long.statement)
    assert f"# {escape.md(heading)} {{ #top " in page  # then the search attributes (dossier.search)
    assert f"\n{escape.md(long.statement)}\n{{: .dossier-statement }}\n" in page
    assert f"› {escape.md(heading)}\n" in page  # the breadcrumb names the page by its heading


def test_line_breaks_git_does_not_count_move_no_history(project: Project) -> None:
    """The YAML reader counts a bare carriage return and U+2028 in a comment as line breaks; git
    does not. Each fact's history is still its own lines' (before, a commit's date moved onto the
    next facts, and the edited fact showed an older one)."""
    git(project.root, "init", "-q")
    git(project.root, "add", "data", "seeds")
    git(project.root, "commit", "-q", "-m", "first")
    text = project.facts_file.read_text(encoding="utf-8")
    assert "\nfacts:\n" in text
    # Above the facts: three line breaks the reader counts and git does not.
    text = text.replace("\nfacts:\n", "\n# a note\r# more\u2028# and\u2029# end\nfacts:\n", 1)
    project.facts_file.write_text(text, encoding="utf-8", newline="")
    git(project.root, "commit", "-q", "-am", "note", when="2024-10-02T12:00:00+00:00")
    text = text.replace(
        "  - id: shoigu-visits-tehran\n", "  - id: shoigu-visits-tehran\n    notes: Revised later.\n"
    )
    project.facts_file.write_text(text, encoding="utf-8", newline="")
    git(project.root, "commit", "-q", "-am", "edit", when="2024-11-05T12:00:00+00:00")
    found = _history(project)
    assert found is not None
    assert found["shoigu-visits-tehran"].date == "2024-11-05"
    others = {k: v.date for k, v in found.items() if k != "shoigu-visits-tehran"}
    assert others and set(others.values()) == {"2024-09-01"}, others


def test_a_commit_time_no_calendar_holds_shows_the_commit_without_a_day(project: Project) -> None:
    """git accepts a committer time in the year 10000; the page names the commit and no day, and
    the build does not stop."""
    git(project.root, "init", "-q")
    git(project.root, "add", "data", "seeds")
    git(project.root, "commit", "-q", "-m", "first")
    text = project.facts_file.read_text(encoding="utf-8")
    project.facts_file.write_text(
        text.replace("  - id: shoigu-visits-tehran\n", "  - id: shoigu-visits-tehran\n    notes: Later.\n"),
        encoding="utf-8",
    )
    git(project.root, "commit", "-q", "-am", "far", when="@253402300800 +0000")
    found = _history(project)
    assert found is not None
    far = found["shoigu-visits-tehran"]
    assert far.committed and far.date == ""
    result = check(project)
    assert result.dossier is not None
    pages = render_site(result.dossier, built="2024-09-01", history=found).pages
    page = pages[urls.fact("shoigu-visits-tehran")]
    assert f"- **Last changed:** (commit `{far.short}`)" in page
    assert "Last changed ." not in page and "last changed ," not in page
