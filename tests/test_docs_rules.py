"""docs/rules.md is generated from the rule catalogue and the rule fixtures, so every code is
documented with a real example. ``pytest --update-goldens`` regenerates it."""

from __future__ import annotations

import difflib
from pathlib import Path

from dossier.diagnostics import RULES, Severity
from tests.conftest import FIXTURES, ROOT

RULES_DOC = ROOT / "docs" / "rules.md"

INTRO = """# Rule reference

`dossier check` reports every finding at once, one a line:

```text
path:line:column: CODE message
```

Errors (`E…`) fail the check (exit 1). Warnings (`W…`) fail it only under `--strict`; a fact can
accept a warning it has been reviewed for with `acknowledge: {W401: "reason"}`, and the check then
counts it as acknowledged instead of printing it. `--format github` prints the same findings as
GitHub Actions annotations, `--format json` as a JSON list. Exit codes: 0 clean, 1 findings,
2 usage.

Each rule below shows the broken input of its test fixture (as a diff against a sound dossier)
and the exact output. Codes are stable: a code never changes meaning.

| code | name | severity | what it means |
| --- | --- | --- | --- |
"""


def _example(fixture: Path) -> str:
    links = [p for p in sorted(fixture.rglob("*")) if p.is_symlink()]
    changed = [
        p
        for p in sorted(fixture.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name not in ("expected.txt", "delete.txt")
    ]
    parts = []
    deleted = (fixture / "delete.txt").read_text().split() if (fixture / "delete.txt").exists() else []
    for name in deleted:
        parts.append(f"Deleted: `{name}`\n")
    for link in links:
        parts.append(f"Symbolic link: `{link.relative_to(fixture).as_posix()}` → `{link.readlink()}`\n")
    for path in changed:
        rel = path.relative_to(fixture).as_posix()
        base = FIXTURES / "base" / rel
        new = path.read_bytes().decode("utf-8", errors="replace")
        old = base.read_text("utf-8") if base.exists() else ""
        diff = difflib.unified_diff(
            old.splitlines(), new.splitlines(), f"a/{rel}", f"b/{rel}", n=1, lineterm=""
        )
        text = "\n".join(diff)
        if len(text) > 1500:
            text = text[:1500] + "\n…"
        parts.append(f"```diff\n{text}\n```\n")
    output = (fixture / "expected.txt").read_text("utf-8")
    parts.append(f"```text\n{output}```\n")
    return "\n".join(parts)


def render_rules_doc() -> str:
    fixtures = sorted(p for p in (FIXTURES / "rules").iterdir() if p.is_dir())
    lines = [INTRO]
    for rule in RULES.values():
        lines.append(
            f"| [{rule.code}](#{rule.code.lower()}) | {rule.name} | {rule.severity.value} | {rule.summary} |\n"
        )
    for rule in RULES.values():
        kind = "Error" if rule.severity is Severity.ERROR else "Warning"
        lines.append(
            f"\n## {rule.code} {{#{rule.code.lower()}}}\n\n**{rule.name}** · {kind}. {rule.summary}\n\n"
        )
        lines.append(f"**Fix:** {rule.fix}\n\n")
        for fixture in (f for f in fixtures if f.name.split("-")[0] == rule.code):
            lines.append("Example:\n\n" + _example(fixture))
    return "".join(lines)


def test_rules_doc_is_current(update_goldens: bool) -> None:
    text = render_rules_doc()
    if update_goldens:
        RULES_DOC.write_text(text, "utf-8")
    assert RULES_DOC.read_text("utf-8") == text, "docs/rules.md is stale: run pytest --update-goldens"


def test_every_code_is_documented() -> None:
    doc = RULES_DOC.read_text("utf-8")
    for code, rule in RULES.items():
        assert f"## {code} " in doc and rule.fix in doc, code
