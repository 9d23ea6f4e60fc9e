"""Data tests: the dossier shipped in this repository (data/facts.yaml, seeds/) is sound.

These check the shipped data, not the tool: CI's checks pass on it, the editorial audit's
corrections stay made, and its seeds are the texts as received. Tests of the tool's behaviour
use the fixtures in tests/fixtures/ and never read the shipped dossier.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import quotes, seeds
from dossier.check import check
from dossier.cli import cli
from dossier.project import Project
from tests.conftest import ROOT


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_shipped_seed_bodies_are_byte_identical_to_shared() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    for path in sorted((ROOT / "seeds").glob("*.md")):
        received = seeds.read(path).meta["received_as"]
        body = seeds.split(path.read_bytes())
        assert body is not None
        assert body[1] == (shared / received).read_bytes(), path.name


def test_shipped_dossier_passes_what_ci_runs() -> None:
    """CI runs `fmt --check` and `check --strict` on every pull request: the shipped data must
    pass both, or every analyst's first pull request fails on lines they did not touch."""
    assert _invoke("fmt", "--check", "--project", str(ROOT))[0] == 0
    code, out, _ = _invoke("check", "--strict", "--no-cache", "--project", str(ROOT))
    assert (code, out) == (0, "")


def test_an_unreadable_seed_brings_its_own_error_and_no_false_findings(tmp_path: Path) -> None:
    """A seed that is not UTF-8 gets E105 at its byte; its twin's same_as does not call it
    missing (E302), and a fact citing it is not told to drop reviewed acknowledgements (W405)."""

    root = tmp_path / "p"
    for part in ("data", "seeds"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    seed = root / "seeds" / "moscow-times-air-defense-text.md"
    raw = seed.read_bytes()
    cut = raw.index(b"\n---\n") + 5 + 40  # inside the body
    seed.write_bytes(raw[:cut] + b"\xe9" + raw[cut:])
    for args in (["--no-cache"], []):
        code, out, _ = _invoke("check", *args, "--project", str(root), "--format", "text")
        codes = [line.split(" ")[1] for line in out.splitlines()]
        assert code == 1 and codes == ["E105"], out


def test_shipped_dossier_is_sound() -> None:
    """Every fact cites a seed, every citation resolves, every quote anchors; no warning is unexplained."""
    result = check(Project(ROOT))
    assert [str(d) for d in result.diagnostics] == []
    dossier = result.dossier
    assert dossier is not None
    assert len(dossier.entities) >= 40 and len(dossier.facts) >= 70
    for fact in dossier.facts:
        assert fact.sources, fact.id
        for citation in fact.sources:
            seed = dossier.seed[citation.seed]
            assert quotes.fold_text(seed.body[citation.start : citation.end]) == quotes.fold_text(
                citation.quote
            )
    citing: dict[str, set[str]] = {}
    for fact in dossier.facts:
        for citation in fact.sources:
            citing.setdefault(dossier.seed[citation.seed].article, set()).add(fact.id)
    assert all(len(ids) >= 5 for ids in citing.values()) and len(citing) == 4  # two captures, one article


def test_shipped_dossier_keeps_the_audits_corrections() -> None:
    """Issue 7: the three errors an independent editor found in the shipped data stay fixed."""
    dossier = check(Project(ROOT)).dossier
    assert dossier is not None
    # RT DE says only "im Juni" and prints no year: no seed dates the US drone claim.
    assert dossier.fact["us-says-russia-received-iranian-attack-drones"].date is None
    # Breitbart's "no English-language media reported it" is Breitbart's, and it conflicts with
    # the Moscow Times article of that Tuesday: recorded as data, both ways.
    breitbart = dossier.fact["no-russian-iranian-english-media-on-deliveries"]
    moscow = dossier.fact["moscow-times-reported-deliveries-august-6"]
    assert breitbart.statement.startswith("Breitbart wrote")
    assert (breitbart.status, moscow.status) == ("disputed", "disputed")
    assert breitbart.contradicts == (moscow.id,) and moscow.contradicts == (breitbart.id,)
    # RT DE credits the deliveries to media reports, the New York Times only with the request.
    rt = [
        c
        for c in dossier.fact["russia-began-delivering-air-defense-to-iran"].sources
        if c.seed == "rt-de-russland-luftverteidigung"
    ]
    assert rt and all("new-york-times" not in c.attributed_to for c in rt)


def test_shipped_acknowledgements_give_specific_reasons() -> None:
    """An acknowledgement says why this fact is fine: no reason is pasted onto two facts."""
    dossier = check(Project(ROOT)).dossier
    assert dossier is not None
    seen: dict[tuple[str, str], str] = {}
    for fact in dossier.facts:
        for code, reason in fact.acknowledge.items():
            assert len(reason.split()) >= 5, (fact.id, code, reason)
            first = seen.setdefault((code, reason), fact.id)
            assert first == fact.id, f"{fact.id} pastes the {code} reason of {first}: {reason}"


def test_shipped_relative_dates_resolve_against_publication() -> None:
    dossier = check(Project(ROOT)).dossier
    assert dossier is not None
    resolved = [f for f in dossier.facts if f.date_resolved]
    assert resolved
    for fact in resolved:
        assert fact.date is not None
        assert fact.date_resolved is not None
        assert fact.date.start <= dossier.seed[fact.date_resolved.seed].published.end, fact.id


def test_shipped_central_fact_is_relayed_and_says_why() -> None:
    """All five seeds relay one New York Times report; RT DE's unnamed 'media reports' may be that
    same report, so the page must not call the central fact independent."""
    from dossier.render import render

    dossier = check(Project(ROOT)).dossier
    assert dossier is not None
    page = render(dossier, built="2024-09-01")["facts/russia-began-delivering-air-defense-to-iran.md"]
    assert "badge--relayed" in page and "badge--independent" not in page
    assert "names no source, so it may be the same report as the others" in page
