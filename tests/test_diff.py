"""``dossier diff``: Markdown of what changed, between two files or two git revisions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import cli
from dossier.diff import code, compare, load_side, md
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
    assert code("x|y") == "`x\\|y`"


# --- git revisions -----------------------------------------------------------------------------
def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "data" / "facts.yaml").write_bytes((DIFF / "base.yaml").read_bytes())
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    (root / "data" / "facts.yaml").write_bytes((DIFF / "head.yaml").read_bytes())
    git(root, "commit", "-qam", "head")
    return root


def _body(markdown: str) -> str:
    return markdown.split("\n", 3)[3]  # without the heading and the From … to … line


def test_two_revisions_match_the_two_files(repo: Path) -> None:
    code_, out, err = run("--project", str(repo), "main~1", "main")
    assert (code_, err) == (0, "")
    assert out.startswith("## Changes to `data/facts.yaml`\n\nFrom `main~1` to `main`.\n")
    assert _body(out) == _body((DIFF / "expected.md").read_text("utf-8"))


def test_head_defaults_to_the_working_tree(repo: Path) -> None:
    (repo / "data" / "facts.yaml").write_bytes((DIFF / "base.yaml").read_bytes())
    code_, out, _ = run("--project", str(repo), "main~1")
    assert code_ == 0
    assert out.endswith("From `main~1` to `working tree`.\n\nNo changes to facts or entities.\n")


def test_a_revision_without_the_facts_file_reads_as_empty(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rq", "--cached", ".")
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing yet")
    code_, out, _ = run("--project", str(repo), "empty", "main")
    assert code_ == 0
    assert "| Facts | 2 | – | – |" in out


def test_an_unknown_revision_is_an_error(repo: Path) -> None:
    assert run("--project", str(repo), "no-such-branch") == (
        1,
        "",
        "Error: 'no-such-branch' is neither a file nor a git revision\n",
    )


def test_broken_yaml_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.yaml").write_text("facts: [\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code_, _, err = run("bad.yaml", str(DIFF / "base.yaml"))
    assert code_ == 1
    assert err.startswith("Error: data/facts.yaml (bad.yaml) has YAML errors: line 2, column 1: ")
