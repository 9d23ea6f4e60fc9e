"""Projects for the site tests: the fixture dossier, and one whose every string is hostile."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SITE_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MD_LINK = "[x](javascript:alert(1))"
HOSTILE = [SCRIPT, IMG, MD_LINK, "</title><script>alert(2)</script>", "javascript:alert(3)"]


def site_project(dest: Path, data_from: Path = SITE_FIXTURE) -> Path:
    """A buildable project in ``dest``: the real mkdocs.yml and hand-written docs, fixture data."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("generated"))
    for part in ("data", "seeds"):
        shutil.copytree(data_from / part, dest / part)
    return dest


def split_project(dest: Path, facts: int = 240, entities: int = 12, seeds: int = 12) -> Path:
    """A buildable synthetic dossier (``benchmarks/synth.py``): big enough to split its lists, and
    with few entities, so that each has dozens of facts (its facts split too)."""
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    synth.generate(dest, facts, entities, seeds)  # copies mkdocs.yml and docs/ too
    return dest


def _seed(title: str, outlet: str, body: str, url: str = "null") -> str:
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return (
        f'---\ntitle: {_yaml(title)}\noutlet: {outlet}\npublished: "2024-08-06"\nlanguage: en\n'
        f"url: {url}\nsha256: {digest}\n---\n{body}"
    )


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_project(dest: Path) -> Path:
    """A sound dossier (it passes the check) whose statements, names and titles attack the page."""
    site_project(dest)
    shutil.rmtree(dest / "seeds")
    (dest / "seeds").mkdir()
    body = (
        f"Officials said {SCRIPT} and {IMG} were seen.\n\n"
        f"A link {MD_LINK} and javascript:alert(3) and </div></mark><b>bold</b>.\n"
    )
    (dest / "seeds" / "hostile-seed.md").write_text(
        _seed(f"{SCRIPT} {IMG} title", "evil-outlet", body), encoding="utf-8"
    )
    (dest / "seeds" / "second-seed.md").write_text(
        _seed("Second </title><script>alert(2)</script>", "other-outlet", f"Also {SCRIPT} here.\n"),
        encoding="utf-8",
    )
    notes = _yaml("* list\n# heading\n<!-- comment --> ![i](javascript:alert(5))")
    (dest / "data" / "facts.yaml").write_text(
        f"""title: {_yaml("Hostile " + SCRIPT)}
summary: {_yaml("Summary " + IMG + " " + MD_LINK)}
entities:
  - id: evil-outlet
    type: outlet
    name: {_yaml(IMG)}
    description: {_yaml(MD_LINK + " javascript:alert(3) " + SCRIPT)}
  - id: other-outlet
    type: outlet
    name: {_yaml("</title><script>alert(2)</script>")}
  - id: villain
    type: person
    name: {_yaml(SCRIPT)}
    aliases: [{_yaml(MD_LINK)}]
facts:
  - id: hostile-fact
    statement: {_yaml(SCRIPT + " " + IMG + " " + MD_LINK + " {: onclick=alert(4) }")}
    date: "2024-08"
    date_inferred: {_yaml("From " + SCRIPT + " " + MD_LINK)}
    about: [villain, evil-outlet]
    status: disputed
    contradicts: [second-fact]
    notes: {notes}
    sources:
      - seed: hostile-seed
        quote: {_yaml(f"Officials said {SCRIPT} and {IMG} were seen.")}
        note: {_yaml(MD_LINK)}
      - seed: second-seed
        quote: {_yaml(f"Also {SCRIPT} here.")}
  - id: second-fact
    statement: "Plain statement, quoting the markup passage."
    about: [villain]
    status: denied
    contradicts: [hostile-fact]
    sources:
      - seed: hostile-seed
        quote: {_yaml(f"A link {MD_LINK} and javascript:alert(3) and </div></mark><b>bold</b>.")}
    acknowledge:
      W401: The fixture has one outlet for this.
""",
        encoding="utf-8",
    )
    return dest


def git(project: Path, *args: str, when: str = "2024-09-01T12:00:00+00:00") -> None:
    """Run git in ``project`` as a fixed analyst at a fixed time (``when``), whatever the machine's config."""
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_NOSYSTEM": "1"}
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)
    subprocess.run(
        ["git", "-c", "user.name=Analyst", "-c", "user.email=analyst@example.org", *args],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )


def pagefind_pages(site_dir: Path, bundle: str = "pagefind") -> dict[str, dict[str, Any]]:
    """Every page a Pagefind bundle holds, by URL: what the browser gets back for a result
    (``meta`` with ``title`` and ``type``, ``filters``, ``content`` as text). A fragment is
    gzip of ``pagefind_dcd`` followed by the page's JSON."""
    pages: dict[str, dict[str, Any]] = {}
    for fragment in sorted((site_dir / bundle / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(fragment.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), fragment
        page = json.loads(raw[len(b"pagefind_dcd") :])
        pages[page["url"]] = page
    return pages
