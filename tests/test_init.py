"""``dossier init``: a new dossier that checks and builds at once, from an installed wheel too,
and this repository's own config agrees with what init writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from dossier import __version__
from dossier.build import build
from dossier.cli import cli
from dossier.init import scaffold_files
from dossier.project import Project
from dossier.urls import ENGINES
from dossier.yamlload import parse
from tests.conftest import ROOT
from tests.sitefixtures import SITE_FIXTURE
from tests.test_site import broken_links

SCAFFOLD = ROOT / "dossier" / "scaffold"
TITLE = 'Radars & "relays" <b>: a test'


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _yaml(path: Path) -> Any:
    if path.name == "mkdocs.yml":
        return _config(path.read_text("utf-8"))
    parsed = parse(path.read_text("utf-8"))
    assert not parsed.problems, parsed.problems
    return parsed.data


def _config(text: str) -> Any:
    """mkdocs.yml as the engines read it, but with ``!ENV [NAME, fallback]`` kept as that list
    (dossier's own YAML reader refuses tags: they have no place in data)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node))  # type: ignore[arg-type]
    return yaml.load(text, Loader=Loader)


def _new(tmp_path: Path, *extra: str) -> Path:
    folder = tmp_path / "my-dossier"
    code, _, err = _invoke("init", str(folder), *extra)
    assert code == 0, err
    return folder


def _tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# --- what init writes --------------------------------------------------------------------------


def test_init_writes_the_whole_scaffold(tmp_path: Path) -> None:
    folder = _new(tmp_path, "--title", TITLE)
    assert _tree(folder) == [
        ".gitattributes",
        ".github/workflows/check.yml",
        ".github/workflows/deploy.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "README.md",
        "data/facts.yaml",
        "docs/index.md",
        "mkdocs.yml",
        "requirements.txt",
        "seeds/.gitkeep",
    ]
    facts = (folder / "data" / "facts.yaml").read_text("utf-8")
    assert facts.startswith("# yaml-language-server: $schema=../docs/generated/schema/facts.schema.json\n")
    # The title reaches each file exactly, whatever it holds: quotes, markup, a colon.
    assert _yaml(folder / "data" / "facts.yaml")["title"] == TITLE
    # The engines print site_name unescaped: the fallback (the engine run by hand) is encoded.
    assert _yaml(folder / "mkdocs.yml")["site_name"] == [
        "DOSSIER_TITLE",
        "Radars &amp; &quot;relays&quot; &lt;b&gt;: a test",
    ]
    assert (
        (folder / "README.md")
        .read_text("utf-8")
        .startswith("# Radars &amp; &#34;relays&#34; &lt;b&gt;: a test\n")
    )
    # Installed from a path (editable), dossier cannot tell CI where it came from, and never writes
    # the bare name, which on PyPI is an unrelated package.
    requirements = (folder / "requirements.txt").read_text("utf-8")
    assert not re.search(r"^dossier", requirements, re.M)
    assert f"dossier @ git+https://github.com/ORG/dossier@v{__version__}" in requirements
    # Nothing invented: no entity, fact or seed.
    data = _yaml(folder / "data" / "facts.yaml")
    assert (data["entities"], data["facts"]) == ([], [])


def test_the_title_defaults_to_the_folder_name(tmp_path: Path) -> None:
    folder = _new(tmp_path)
    assert _yaml(folder / "mkdocs.yml")["site_name"] == ["DOSSIER_TITLE", "my-dossier"]


def test_check_fmt_and_build_accept_a_new_dossier_at_once(tmp_path: Path) -> None:
    folder = _new(tmp_path, "--title", TITLE)
    assert _invoke("check", "--strict", "--project", str(folder))[0] == 0
    assert _invoke("fmt", "--check", "--project", str(folder))[0] == 0
    for engine in ENGINES:
        result = build(Project(folder), quiet=True, engine=engine)
        assert result.errors == 0, [str(d) for d in result.diagnostics]
        home = (folder / "site" / "index.html").read_text("utf-8")
        assert "Radars &amp; &#34;relays&#34; &lt;b&gt;: a test" in home or (
            "Radars &amp; &quot;relays&quot; &lt;b&gt;: a test" in home
        ), engine
        assert not broken_links(folder), engine
        # The editor's schema (the modeline's target) comes with every build.
        assert (folder / "docs" / "generated" / "schema" / "facts.schema.json").is_file()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_new_dossier_with_facts_builds_with_every_link_resolving(tmp_path: Path, engine: str) -> None:
    # The scaffold's mkdocs.yml must carry a real dossier, not only an empty one.
    folder = _new(tmp_path)
    for part in ("data", "seeds"):
        shutil.rmtree(folder / part)
        shutil.copytree(SITE_FIXTURE / part, folder / part)
    result = build(Project(folder), quiet=True, engine=engine)
    assert result.errors == 0, [str(d) for d in result.diagnostics]
    broken = broken_links(folder)
    assert not broken, "\n".join(broken[:20])


def test_the_engine_run_by_hand_shows_the_title_as_text(tmp_path: Path) -> None:
    """mkdocs.yml's fallback title is what the engine prints when run without dossier (no
    DOSSIER_TITLE): it must not become markup in the page."""
    folder = _new(tmp_path, "--title", TITLE)
    assert build(Project(folder), quiet=True).errors == 0
    env = {k: v for k, v in os.environ.items() if k != "DOSSIER_TITLE"}
    by_hand = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "by-hand")]
    subprocess.run(by_hand, cwd=folder, env=env, check=True)
    page = (tmp_path / "by-hand" / "index.html").read_text("utf-8")
    assert "<b>" not in page and "Radars &amp; &quot;relays&quot; &lt;b&gt;: a test" in page


def test_requirement_is_what_ci_installs(tmp_path: Path) -> None:
    spec = "dossier @ git+https://example.org/team/dossier@v0.1.0"
    folder = _new(tmp_path, "--requirement", spec)
    lines = (folder / "requirements.txt").read_text("utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [spec]


def test_init_notes_when_it_cannot_tell_where_dossier_comes_from(tmp_path: Path) -> None:
    code, _, err = _invoke("init", str(tmp_path / "d"))
    assert code == 0 and "note: requirements.txt does not yet say where CI installs dossier from" in err


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("dossierx @ https://example.org/x.whl", "does not install dossier"),
        ("--index-url https://evil.example", "is not a pip requirement"),
        ("dossier\n--extra-index-url x", "is not a pip requirement"),
    ],
)
def test_requirement_must_install_dossier(tmp_path: Path, spec: str, message: str) -> None:
    code, _, err = _invoke("init", str(tmp_path / "d"), "--requirement", spec)
    assert code == 2 and message in err, err
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"url": "https://github.com/o/dossier", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            "dossier @ git+https://github.com/o/dossier@abc123",
        ),
        (
            {"url": "https://example.org/dossier-0.1.0-py3-none-any.whl", "archive_info": {}},
            "dossier @ https://example.org/dossier-0.1.0-py3-none-any.whl",
        ),
        ({"url": "file:///home/me/dossier", "dir_info": {"editable": True}}, None),
        ({"url": "http://example.org/x.whl", "archive_info": {}}, None),
    ],
)
def test_installed_from_reads_the_install_record(
    monkeypatch: pytest.MonkeyPatch, record: dict[str, Any], expected: str | None
) -> None:
    import json
    from importlib import metadata

    class Dist:
        def read_text(self, name: str) -> str | None:
            return json.dumps(record) if name == "direct_url.json" else None

    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    from dossier.init import installed_from

    assert installed_from() == expected


# --- what init refuses ---------------------------------------------------------------------------


def test_init_never_overwrites_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "facts.yaml").write_text("mine\n", "utf-8")
    (folder / "notes.txt").write_text("kept\n", "utf-8")
    code, _, err = _invoke("init", str(folder))
    assert code == 2
    assert "already has data/facts.yaml; dossier init never overwrites a file" in err
    assert "Traceback" not in err
    assert _tree(folder) == ["data/facts.yaml", "notes.txt"]  # nothing else was written
    assert (folder / "data" / "facts.yaml").read_text("utf-8") == "mine\n"


def test_init_in_an_existing_folder_without_those_files(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    (folder / ".git").mkdir(parents=True)  # a fresh clone of an empty repository
    assert _invoke("init", str(folder))[0] == 0
    assert (folder / "mkdocs.yml").is_file() and (folder / ".git").is_dir()


def test_init_refuses_a_link_as_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    code, _, err = _invoke("init", str(tmp_path / "link"))
    assert code == 2
    assert "is a symbolic link" in err and str(target) in err
    assert list(target.iterdir()) == []


def test_init_writes_nothing_through_a_link_inside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "docs").symlink_to(outside)  # a link where the scaffold wants a folder
    code, _, err = _invoke("init", str(folder))
    assert code == 2
    assert "refusing to write" in err and "symbolic link" in err
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == ["docs"]  # nothing else written either


@pytest.mark.parametrize(
    ("title", "message"),
    [("  ", "the title is blank"), ("a\u202eb", "RIGHT-TO-LEFT OVERRIDE"), ("a\nb", "line breaks")],
)
def test_init_refuses_a_title_the_check_would_refuse(tmp_path: Path, title: str, message: str) -> None:
    code, _, err = _invoke("init", str(tmp_path / "d"), "--title", title)
    assert code == 2 and message in err, err
    assert not (tmp_path / "d").exists()


# --- the installed package -----------------------------------------------------------------------


def _wheel(tmp_path: Path, *, via_sdist: bool = False) -> Path:
    """Build the wheel offline from a copy of the source (so no build/ lands in the repository):
    straight from the tree, as ``pip install .`` in a clone does, or from the sdist built first,
    as an install from a source archive does."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "dossier", source / "dossier", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            *([] if via_sdist else ["--wheel"]),
            "--no-isolation",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("dossier-*.whl")
    return wheel


def test_the_wheel_ships_every_file_of_the_scaffold_assets_and_schemas(tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(_wheel(tmp_path)).namelist())
    shipped = {f"dossier/scaffold/{path}" for path in scaffold_files()}
    assert shipped <= names
    for folder in ("scaffold", "assets", "schema", "templates"):
        for path in (ROOT / "dossier" / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert path.relative_to(ROOT).as_posix() in names, path


def test_an_installed_wheel_starts_checks_and_builds_a_dossier_outside_the_repository(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path, via_sdist=True)  # the sdist must carry the scaffold's dotfiles too
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # No network: the wheel alone (--no-deps --no-index); its dependencies are the test venv's,
    # reached through a .pth line (which does not run the test venv's editable-install hooks).
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "test-venv-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def run(*args: str, cwd: Path) -> str:
        done = subprocess.run(
            [str(venv / "bin" / "dossier"), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout + done.stderr

    where = subprocess.run(
        [str(python), "-c", "import dossier; print(dossier.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(purelib), where  # the wheel's copy, not this repository's
    run("init", "my-dossier", "--title", "Elsewhere", cwd=work)
    project = work / "my-dossier"
    run("check", "--strict", cwd=project)
    for engine in ENGINES:
        run("build", "--engine", engine, cwd=project)
        assert re.search(
            "<title>[^<]*Elsewhere</title>", (project / "site" / "index.html").read_text("utf-8")
        )
        assert (project / "site" / "generated" / "assets" / "dossier.css").is_file()


# --- this repository's own dossier is one such dossier ---------------------------------------------


def _scaffold_yaml(name: str) -> Any:
    text = (SCAFFOLD / name).read_text("utf-8").replace("__DOSSIER_TITLE__", '"T"')
    text = text.replace("__DOSSIER_SITE_NAME__", '"T"')
    if name == "mkdocs.yml":
        return _config(text)
    parsed = parse(text)
    assert not parsed.problems
    return parsed.data


# Keys where the repository's dossier may differ: its title and description, its search
# languages (one seed is German) and its nav, which adds the tool's own documentation.
OWN = {"site_name", "site_description", "nav", "plugins"}


def test_the_repositorys_mkdocs_yml_is_the_scaffolds_plus_its_own_pages() -> None:
    repo, scaffold = _yaml(ROOT / "mkdocs.yml"), _scaffold_yaml("mkdocs.yml")
    assert {k: v for k, v in repo.items() if k not in OWN} == {
        k: v for k, v in scaffold.items() if k not in OWN
    }
    assert repo["nav"][: len(scaffold["nav"])] == scaffold["nav"]  # the generated sections, in order
    assert [next(iter(p)) for p in repo["plugins"]] == [next(iter(p)) for p in scaffold["plugins"]]


def _hooks(config: Any) -> dict[str, dict[str, Any]]:
    return {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}


def test_the_repositorys_pre_commit_hooks_are_the_scaffolds() -> None:
    repo, scaffold = (
        _hooks(_yaml(ROOT / ".pre-commit-config.yaml")),
        _hooks(_scaffold_yaml(".pre-commit-config.yaml")),
    )
    assert repo.keys() == scaffold.keys()
    for hook_id, hook in scaffold.items():
        # Here the command is the project's venv's (make install); a dossier uses the one on PATH.
        assert repo[hook_id]["entry"] == ".venv/bin/" + hook["entry"]
        assert {k: v for k, v in repo[hook_id].items() if k != "entry"} == {
            k: v for k, v in hook.items() if k != "entry"
        }


def test_the_repositorys_home_page_is_the_scaffolds() -> None:
    # ... followed by its own section for analysts: this repository also publishes the tool's guide.
    assert (ROOT / "docs" / "index.md").read_bytes().startswith((SCAFFOLD / "docs" / "index.md").read_bytes())


def test_the_repository_ignores_what_a_dossier_ignores() -> None:
    def rules(path: Path) -> set[str]:
        lines = path.read_text("utf-8").splitlines()
        return {line for line in lines if line.strip() and not line.startswith("#")}

    assert rules(SCAFFOLD / ".gitignore") <= rules(ROOT / ".gitignore")
    assert rules(SCAFFOLD / ".gitattributes") <= rules(ROOT / ".gitattributes")


def test_git_never_converts_a_new_dossiers_seeds(tmp_path: Path) -> None:
    """A clone with core.autocrlf=true (Git for Windows' default) gets every seed byte for byte,
    so its recorded sha256 still holds (without .gitattributes every line ended in CRLF)."""
    folder = _new(tmp_path, "--title", TITLE)
    seed = folder / "seeds" / "example.md"
    seed.write_bytes(b"---\ntitle: x\n---\nFirst line.\nSecond line.\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=folder, check=True)
    subprocess.run([*git, "add", "-A"], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "seed"], cwd=folder, check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "-c", "core.autocrlf=true", "clone", "-q", str(folder), str(clone)], check=True)
    assert (clone / "seeds" / "example.md").read_bytes() == seed.read_bytes()
    # The facts file comes out as fmt writes it, so fmt --check passes in the clone.
    assert (clone / "data" / "facts.yaml").read_bytes() == (folder / "data" / "facts.yaml").read_bytes()


def _make_commands() -> dict[str, list[str]]:
    """Each Makefile target's dossier commands, as a dossier's workflow would run them."""
    targets: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "Makefile").read_text("utf-8").splitlines():
        header = re.match(r"^([a-z][\w-]*):", line)
        if header:
            current = header.group(1)
            targets[current] = []
        elif current and line.startswith("\t$(DOSSIER) "):
            command = re.sub(r"\s*\$\(if .*$", "", line.strip()).replace("$(DOSSIER)", "dossier")
            targets[current].append(command.strip())
    return targets


def _dossier_commands(workflow: Any, make: dict[str, list[str]]) -> set[str]:
    found = set()
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            run = step.get("run", "")
            for target in re.findall(r"\bmake ([\w-]+)", run):
                found.update(make[target])
            # A command starts a line of the script (an echoed message mentioning dossier does not).
            found.update(m.strip() for m in re.findall(r"^\s*(?:\.venv/bin/)?(dossier [^#\n>]*)", run, re.M))
    return {re.sub(r"^\.venv/bin/", "", c).strip() for c in found}


@pytest.mark.parametrize("name", ["check.yml", "deploy.yml"])
def test_the_repositorys_workflows_run_what_a_dossiers_workflows_run(name: str) -> None:
    make = _make_commands()
    workflows = Path(".github") / "workflows" / name
    scaffold = _dossier_commands(_scaffold_yaml(str(workflows)), make)
    repo = _dossier_commands(_yaml(ROOT / workflows), make)
    assert scaffold, name
    assert scaffold <= repo, scaffold - repo
    # The same triggers, permissions and deployment.
    for key in ("on", "permissions", "concurrency"):
        assert _yaml(ROOT / workflows)[key] == _scaffold_yaml(str(workflows))[key], key


# --- the pre-commit hooks --------------------------------------------------------------------------


def _pre_commit(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = Path(sys.executable).parent  # pre-commit and dossier, from the test extra
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")  # local hooks: nothing is fetched
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True, env=env)
    return subprocess.run(
        [str(bin_dir / "pre-commit"), "run", "--all-files", "--color", "never"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_pre_commit_hooks_pass_on_a_new_dossier_and_catch_a_bad_edit(tmp_path: Path) -> None:
    folder = _new(tmp_path)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    done = _pre_commit(folder, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"dossier fmt --check\.+Passed", done.stdout)
    assert re.search(r"dossier check\.+Passed", done.stdout)
    facts = folder / "data" / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("facts: []", "facts:   []\nbogus: 1"), "utf-8")
    done = _pre_commit(folder, tmp_path)
    assert done.returncode == 1
    assert re.search(r"dossier fmt --check\.+Failed", done.stdout)
    assert re.search(r"dossier check\.+Failed", done.stdout) and "E201" in done.stdout


# Ways a test reads the dossier shipped in this repository rather than a fixture.
_SHIPPED = re.compile(
    r'ROOT / "(seeds|data)"|Project\(ROOT\)|copy_project\(ROOT|str\(ROOT\)\)|site_project\([^)]*, ROOT\)'
)


def test_tests_of_the_tool_do_not_read_the_shipped_dossier() -> None:
    """The tool is tested on fixtures; only data tests, named for the shipped dossier, read it."""
    import ast

    offenders = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        source = path.read_text("utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and "shipped" not in node.name:
                segment = ast.get_source_segment(source, node) or ""
                if _SHIPPED.search(segment):
                    offenders.append(f"{path.name}::{node.name}")
    assert offenders == []
