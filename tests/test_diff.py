"""``dossier diff``: Markdown of what changed, between two files or two git revisions."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import seeds
from dossier.cli import cli
from dossier.diff import Changes, code, compare, compare_seeds, load_side, md, to_markdown
from tests.conftest import FIXTURES

DIFF = FIXTURES / "diff"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_two_files_give_the_expected_markdown(update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DIFF)
    code_, out, err = run("base.yaml", "head.yaml")
    if update_goldens:
        (DIFF / "expected.md").write_text(out, "utf-8")
    assert (code_, err) == (0, "")
    assert out == (DIFF / "expected.md").read_text("utf-8")


def test_no_change_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DIFF)
    assert run("base.yaml", "base.yaml") == (
        0,
        "## Changes to `data/facts.yaml`\n\nFrom `base.yaml` to `base.yaml`.\n\nNo changes to facts or entities.\n",
        "",
    )


def test_the_order_is_deterministic() -> None:
    base = load_side("base", (DIFF / "base.yaml").read_text("utf-8"))
    head = load_side("head", (DIFF / "head.yaml").read_text("utf-8"))
    assert compare(base, head) == compare(base, head)
    assert [f["id"] for f in compare(base, head).facts_added] == ["new-fact"]


def test_markdown_and_html_in_the_data_are_escaped() -> None:
    assert (
        md("a | b <i>x</i> *y* `z` [l](u)\nnext")
        == "a \\| b &lt;i&gt;x&lt;/i&gt; \\*y\\* \\`z\\` \\[l\\](u) next"
    )
    assert code("a`b") == "``a`b``"
    assert code("x|y") == "`x|y`"  # code spans never sit in a table, where '|' would need escaping


def test_no_value_can_make_markup_or_a_live_link() -> None:
    """What a pull request's data could do to a PR comment or a job summary on GitHub."""
    statement = "# x [a](javascript:x) https://evil.example | cell"
    assert md(statement) == "\\# x \\[a\\](javascript:x) https:&#47;&#47;evil.example \\| cell"
    assert md("- item") == "\\- item"  # no list
    assert md("> quoted") == "&gt; quoted"  # no block quote
    assert md("{: .attr } {x}") == "\\{: .attr \\} \\{x\\}"
    assert md("HTTP://A.example and WWW.b.example and www.c.example") == (
        "HTTP:&#47;&#47;A.example and WWW&#46;b.example and www&#46;c.example"
    )
    assert md("ask boss@evil.example or @someone") == "ask boss&#64;evil.example or &#64;someone"
    assert md("~~struck~~ from $1 to $2") == "\\~\\~struck\\~\\~ from &#36;1 to &#36;2"
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_hostile_statement_in_the_report(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text("facts: []\n", "utf-8")
    head = tmp_path / "head.yaml"
    head.write_text(
        "facts:\n  - id: bad\n    statement: '# x [a](javascript:x) https://evil.example | y'\n", "utf-8"
    )
    code_, out, _ = run(str(base), str(head))
    assert code_ == 0
    assert "- `bad`: \\# x \\[a\\](javascript:x) https:&#47;&#47;evil.example \\| y\n" in out


# --- git revisions -----------------------------------------------------------------------------
def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def put_seeds(root: Path, source: Path) -> None:
    """Make ``root/seeds`` hold exactly the files of ``source``."""
    shutil.rmtree(root / "seeds", ignore_errors=True)
    shutil.copytree(source, root / "seeds")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose commit main~1 holds base.yaml and seeds-base/, main head.yaml and seeds-head/."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "data" / "facts.yaml").write_bytes((DIFF / "base.yaml").read_bytes())
    put_seeds(root, DIFF / "seeds-base")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    (root / "data" / "facts.yaml").write_bytes((DIFF / "head.yaml").read_bytes())
    put_seeds(root, DIFF / "seeds-head")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "head")
    return root


def _body(markdown: str) -> str:
    return markdown.split("\n", 3)[3]  # without the heading and the From … to … line


def test_two_revisions_give_the_expected_markdown(repo: Path, update_goldens: bool) -> None:
    code_, out, err = run("--project", str(repo), "main~1", "main")
    if update_goldens:
        (DIFF / "expected-revisions.md").write_text(out, "utf-8")
    assert (code_, err) == (0, "")
    assert out == (DIFF / "expected-revisions.md").read_text("utf-8")


def test_two_revisions_report_the_facts_as_the_two_files_do(repo: Path) -> None:
    _, out, _ = run("--project", str(repo), "main~1", "main")
    facts = _body((DIFF / "expected.md").read_text("utf-8"))
    without_seeds = _body(out).replace("| Seeds | 1 | 1 | 2 |\n", "")
    without_seeds = re.sub(r"> ⚠ [^\n]*\n\n", "", without_seeds).split("### Seeds added")[0]
    assert without_seeds == facts + "\n"


def test_a_seed_text_changed_with_its_sha256_is_reported(repo: Path) -> None:
    """The change that showed "No changes" before: a seed's text edited and its sha256 updated."""
    path = repo / "seeds" / "kept.md"
    raw = path.read_bytes()
    front, body, _ = seeds.split(raw)  # type: ignore[misc]
    new_body = body.replace(b"Nothing", b"Everything")
    old_sha, new_sha = hashlib.sha256(body).hexdigest(), hashlib.sha256(new_body).hexdigest()
    path.write_bytes(b"---\n" + front.replace(old_sha.encode(), new_sha.encode()) + b"---\n" + new_body)
    git(repo, "commit", "-qam", "edit a vetted seed")
    code_, out, _ = run("--project", str(repo), "main~1", "main")
    assert code_ == 0
    assert out == (
        "## Changes to `data/facts.yaml` and `seeds/`\n\nFrom `main~1` to `main`.\n\n"
        "| | Added | Removed | Changed |\n| --- | ---: | ---: | ---: |\n"
        "| Entities | – | – | – |\n| Facts | – | – | – |\n| Status changes | | | – |\n"
        "| Citations | – | – | – |\n| Figures | – | – | – |\n| Seeds | – | – | 1 |\n\n"
        "> ⚠ the text of seed `kept` changed after vetting: every quote from it must be re-vetted\n\n"
        "### Seed texts changed\n\n"
        f"- `kept`: sha256 of the text `{old_sha}` → `{new_sha}`\n\n"
        "### Seed front matter changed\n\n"
        "- `kept`: `sha256`\n"
    )


def test_head_defaults_to_the_working_tree(repo: Path) -> None:
    (repo / "data" / "facts.yaml").write_bytes((DIFF / "base.yaml").read_bytes())
    put_seeds(repo, DIFF / "seeds-base")
    code_, out, _ = run("--project", str(repo), "main~1")
    assert code_ == 0
    assert out.endswith("From `main~1` to `working tree`.\n\nNo changes to facts, entities or seeds.\n")


def test_the_working_tree_seeds_are_compared(repo: Path) -> None:
    (repo / "seeds" / "edited.md").unlink()
    (repo / "seeds" / "untracked.md").write_text('---\ntitle: "Not yet added"\n---\nNew.\n', "utf-8")
    code_, out, _ = run("--project", str(repo), "main")
    assert code_ == 0
    assert "| Seeds | 1 | 1 | – |" in out
    assert "### Seeds added\n\n- `untracked`: Not yet added\n" in out
    assert "### Seeds removed\n\n- `edited`: Radars arrive (alpha-news, 2024-08-06, en)\n" in out


def test_two_files_compare_no_seeds(repo: Path) -> None:
    (repo / "seeds" / "kept.md").write_text("---\ntitle: x\n---\nchanged\n", "utf-8")
    code_, out, _ = run("--project", str(repo), str(DIFF / "base.yaml"), str(DIFF / "base.yaml"))
    assert code_ == 0
    assert "seed" not in out.lower()


def test_a_revision_without_the_facts_file_reads_as_empty(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rq", "--cached", ".")
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing yet")
    code_, out, _ = run("--project", str(repo), "empty", "main")
    assert code_ == 0
    assert "| Facts | 2 | – | – |" in out


def test_a_file_named_like_a_revision_does_not_replace_it(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request commits files named like the revisions CI compares, holding the base's
    facts: the diff must still compare the revisions, not report "No changes"."""
    honest = run("--project", str(repo), "main~1", "main")[1]
    base_facts = subprocess.run(
        ["git", "show", "main~1:data/facts.yaml"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    (repo / "main").write_text(base_facts, "utf-8")
    (repo / "main~1").write_text(base_facts, "utf-8")
    monkeypatch.chdir(repo)  # where CI runs it, so the planted files are found as paths
    code_, out, _ = run("--project", str(repo), "main~1", "main")
    assert code_ == 0
    assert out == honest and "No changes" not in out


def test_an_unknown_revision_is_an_error(repo: Path) -> None:
    code_, out, err = run("--project", str(repo), "no-such-branch")
    assert (code_, out) == (2, "")
    assert err.endswith(
        "\nError: Invalid value for BASE: 'no-such-branch' is neither a file nor a git revision\n"
    )
    code_, _, err = run("--project", str(repo), "main", "nosuchrev")
    assert code_ == 2
    assert err.endswith("\nError: Invalid value for HEAD: 'nosuchrev' is neither a file nor a git revision\n")


def test_broken_yaml_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.yaml").write_text("facts: [\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code_, _, err = run("bad.yaml", str(DIFF / "base.yaml"))
    assert code_ == 1  # the command ran and found the file broken: not a usage error
    assert err.startswith("Error: data/facts.yaml (bad.yaml) has YAML errors: line 2, column 1: ")


def test_seed_front_matter_that_cannot_be_read_is_reported() -> None:
    changes = Changes()
    good = b"---\ntitle: x\n---\nText.\n"
    compare_seeds(changes, {"a": good, "b": good}, {"a": b"Text.\n", "b": b"---\ntitle: [\n---\nText.\n"})
    assert [(s.id, fields) for s, fields in changes.seed_fields_changed] == [("a", []), ("b", [])]
    assert changes.seed_texts_changed == []  # the words are the same on both sides
    assert "- `a`: unreadable on one side\n- `b`: unreadable on one side\n" in to_markdown(
        changes, "x", "y", with_seeds=True
    )


def test_every_changed_field_of_a_citation_is_shown(tmp_path: Path) -> None:
    """A new attribution or note is a change a reviewer must see, not "sources: see citations"."""
    fact = (
        "facts:\n  - id: f\n    statement: S.\n    sources:\n"
        "      - seed: a\n        quote: Q one.\n{a}"
        "      - seed: b\n        quote: {quote}\n        translation: {translation}\n"
    )
    base, head = tmp_path / "base.yaml", tmp_path / "head.yaml"
    base.write_text(fact.format(a="", quote="Alt.", translation="Old."), "utf-8")
    head.write_text(
        fact.format(
            a="        attributed_to: [\"[x](javascript:x)\", y]\n        note: '*see* <b>me</b>'\n",
            quote="Neu.",
            translation="New.",
        ),
        "utf-8",
    )
    code_, out, _ = run(str(base), str(head))
    assert code_ == 0
    assert "| Citations | – | – | 2 |" in out
    section = out.split("### Citations changed\n\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == [
        "- `f` ← `a`",
        "  - attributed\\_to: + `[x](javascript:x)`, + `y`",
        "  - note: *none* → \\*see\\* &lt;b&gt;me&lt;/b&gt;",
        "- `f` ← `b`",
        "  - quote: “Alt.” → “Neu.”",
        "  - translation: Old. → New.",
    ]


def test_control_and_bidi_characters_are_shown_not_obeyed() -> None:
    """U+202E would make "did not deliver" display as something else in the PR comment."""
    assert md("did \u202etoN\u202c deliver") == "did &lt;U+202E&gt;toN&lt;U+202C&gt; deliver"
    assert code("a\u2066b\x07") == "`a<U+2066>b<U+0007>`"
