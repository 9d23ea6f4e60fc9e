"""``dossier quote``: the closest passage, verbatim, with its line and a pasteable citation."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from dossier import quotes
from dossier.check import check
from dossier.cli import cli
from dossier.fmt import double_quoted
from dossier.project import Project
from dossier.yamlload import parse


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["quote", "--project", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def test_exact_words_with_straight_quotes_find_the_typographic_original(base_project: Path) -> None:
    code, out, err = run(base_project, "alpha-report", 'said "deliveries have started" - and')
    assert (code, err) == (0, "")
    assert out == (
        "seeds/alpha-report.md:10: 100% similar\n"
        "said “deliveries have started” — and\n"
        "\n"
        "Paste under the fact's sources:\n"
        "      - seed: alpha-report\n"
        '        quote: "said “deliveries have started” — and"\n'
    )


def test_approximate_words_find_the_passage_widened_to_whole_words(base_project: Path) -> None:
    code, out, err = run(base_project, "alpha-report", "the first radar unit arrived in the capitol")
    assert (code, err) == (0, "")
    assert out == (
        "seeds/alpha-report.md:9: 91% similar\n"
        "the first radar units had arrived in the capital.\n"
        "\n"
        "Paste under the fact's sources:\n"
        "      - seed: alpha-report\n"
        '        quote: "the first radar units had arrived in the capital."\n'
    )


def test_a_passage_across_lines_is_printed_verbatim_and_quoted_on_one_line(base_project: Path) -> None:
    code, out, _ = run(base_project, "seeds/alpha-report.md", "arrived in the capital. A second official")
    assert code == 0
    assert out == (
        "seeds/alpha-report.md:9: 100% similar\n"
        "arrived in the capital.\nA second official\n"
        "\n"
        "Paste under the fact's sources:\n"
        "      - seed: alpha-report\n"
        '        quote: "arrived in the capital. A second official"\n'
    )


def test_a_seed_not_in_english_asks_for_a_translation(base_project: Path) -> None:
    code, out, err = run(base_project, "beta-bericht", "die ersten Radaranlagen seien")
    assert (code, err) == (0, "")
    assert out.endswith(
        "      - seed: beta-bericht\n"
        '        quote: "die ersten Radaranlagen seien"\n'
        "        translation: \"\"  # required: the quote in English (the seed is in 'de')\n"
    )


def test_a_passage_that_occurs_twice_is_flagged(base_project: Path) -> None:
    code, _, err = run(base_project, "beta-bericht", "Die Lieferungen hätten begonnen")
    assert code == 0
    assert err == "warning: this passage occurs 2 times in the seed; lengthen it so it points at one place\n"


def test_nothing_close_enough_exits_1_without_a_citation(base_project: Path) -> None:
    code, out, err = run(base_project, "alpha-report", "zebra crossing banana smoothie")
    assert code == 1
    assert "Paste" not in out
    assert err == "no passage is at least 60% similar; try other words\n"


def test_an_unknown_seed_exits_2_with_a_suggestion(base_project: Path) -> None:
    code, out, err = run(base_project, "alpha", "radar")
    assert (code, out) == (2, "")
    assert err.endswith(
        "Error: Invalid value for SEED: unknown seed 'alpha': no seeds/alpha.md; did you mean 'alpha-report'?\n"
    )


def test_the_pasted_citation_passes_the_check(base_project: Path) -> None:
    _, out, _ = run(base_project, "alpha-report", "300 missiles and drones")
    snippet = out.split("Paste under the fact's sources:\n", 1)[1]
    facts = base_project / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    facts.write_text(text.replace("    sources:\n", "    sources:\n" + snippet, 1), "utf-8")
    assert check(Project(base_project)).errors == 0


@given(st.text(st.characters(codec="utf-8")))
def test_double_quoted_reads_back_exactly(text: str) -> None:
    quoted = double_quoted(text)
    assert "\n" not in quoted
    assert parse(f"quote: {quoted}\n").data["quote"] == text


@given(st.text(st.characters(codec="utf-8"), min_size=1), st.data())
def test_any_passage_of_a_body_is_found_again_by_the_check(body: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    start, end = quotes.widen(body, start, end)
    passage = " ".join(body[start:end].split())
    if quotes.fold_text(passage):  # a passage of only soft hyphens or zero-width spaces is no quote
        assert quotes.find(quotes.fold(body), passage) is not None
