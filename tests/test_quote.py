"""``dossier quote``: the closest passage, verbatim, with its line and a pasteable citation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
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


# --- passages that cannot mislead --------------------------------------------------------------
KREMLIN = (
    "Moscow reacted on Tuesday.\n"
    '"No deliveries of the kind described have taken place," Kremlin spokesman Dmitry Peskov said.\n'
    "Russland liefert die Systeme nicht, sagte ein Sprecher.\n"
    "Angeblich sind die ersten Radaranlagen eingetroffen.\n"
    "Russia has reportedly delivered radars to Tehran.\n"
    "Officials said the trucks have not arrived yet.\n"
)


def write_seed(project: Path, seed_id: str, body: str, language: str = "en") -> None:
    """A seed in ``project`` with a correct sha256, so the check accepts it."""
    import hashlib

    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    (project / "seeds" / f"{seed_id}.md").write_text(
        f'---\ntitle: "A test seed"\noutlet: alpha-news\npublished: "2024-08-06"\nlanguage: {language}\n'
        f"url: null\nsha256: {digest}\n---\n{body}",
        "utf-8",
        newline="",
    )


@pytest.mark.parametrize(
    ("words", "passage"),
    [
        # approximate words: the closest passage is widened back to the negation of its clause
        (
            "kind described have taken place, Kremlin spokesman",
            'No deliveries of the kind described have taken place," Kremlin spokesman',
        ),
        # exact words too: they are the seed's, but without "No" they say the opposite
        (
            "deliveries of the kind described have taken place",
            "No deliveries of the kind described have taken place",
        ),
        ("Russland liefert die Systeme", "Russland liefert die Systeme nicht"),  # German puts "nicht" late
        ("die ersten Radaranlagen eingetroffen", "Angeblich sind die ersten Radaranlagen eingetroffen"),
        ("delivered radars to Tehran", "reportedly delivered radars to Tehran"),
        ("the trucks have", "the trucks have not"),  # the next word
        ("Moscow reacted on Tuesday.", "Moscow reacted on Tuesday."),  # "No" begins the next sentence
    ],
)
def test_a_passage_keeps_the_negation_or_hedge_of_its_clause(
    base_project: Path, words: str, passage: str
) -> None:
    write_seed(base_project, "kremlin", KREMLIN)
    code, out, _ = run(base_project, "kremlin", words, "--min-similarity", "0")
    assert code == 0
    assert out.split("\n\nPaste")[0].split("\n", 1)[1] == passage


DENIALS = (
    "Officials said on Monday that Russia didn\u2032t deliver S-400 systems to Iran in August.\n"
    "Officials said on Tuesday that Russia didn`t deliver S-300 systems to Iran in July.\n"
    "The ministry refused to confirm that Iran received radar equipment.\n"
    "Reports that Russia sent jets to Iran were fabricated, the ministry said.\n"
    "Russia delivered drones to Tehran, officials claimed.\n"
    "Berichte, dass Russland Kampfjets geliefert habe, wurden zur\u00fcckgewiesen.\n"
    "Die Ger\u00fcchte \u00fcber neue Raketen halten sich.\n"
)


@pytest.mark.parametrize(
    ("words", "passage"),
    [
        # a negation written with a prime or a backtick for its apostrophe
        ("deliver S-400 systems to Iran in August", "didn\u2032t deliver S-400 systems to Iran in August"),
        ("deliver S-300 systems to Iran in July", "didn`t deliver S-300 systems to Iran in July"),
        # a refusal before the passage, a verdict or a hedge after it
        ("Iran received radar equipment", "refused to confirm that Iran received radar equipment"),
        ("Russia sent jets to Iran", "Reports that Russia sent jets to Iran were fabricated"),
        ("Russia delivered drones to Tehran", "Russia delivered drones to Tehran, officials claimed"),
        (
            "Russland Kampfjets geliefert habe",
            "Berichte, dass Russland Kampfjets geliefert habe, wurden zur\u00fcckgewiesen",
        ),
        ("\u00fcber neue Raketen halten sich", "Ger\u00fcchte \u00fcber neue Raketen halten sich"),
    ],
)
def test_a_passage_keeps_refusals_verdicts_and_every_apostrophe_of_its_negation(
    base_project: Path, words: str, passage: str
) -> None:
    write_seed(base_project, "denials", DENIALS)
    code, out, _ = run(base_project, "denials", words, "--min-similarity", "0")
    assert code == 0
    assert out.split("\n\nPaste")[0].split("\n", 1)[1] == passage


def test_the_closest_passage_of_e401_keeps_a_verdict_after_it(base_project: Path) -> None:
    write_seed(base_project, "denials", DENIALS)
    body = quotes.fold(DENIALS)
    near = quotes.closest(body, "Russia sent jet to Iran")
    assert DENIALS[near.start : near.end] == "Reports that Russia sent jets to Iran were fabricated"
    assert near.kept == ("fabricated",)


def test_a_hedge_in_another_clause_is_left_out(base_project: Path) -> None:
    write_seed(base_project, "kremlin", KREMLIN)
    _, out, _ = run(base_project, "kremlin", "Kremlin spokesman Dmitry Peskov said")
    assert out.splitlines()[1] == "Kremlin spokesman Dmitry Peskov said"


def test_the_closest_passage_of_e401_keeps_the_negation_and_names_the_words_that_differ(
    base_project: Path,
) -> None:
    write_seed(base_project, "alpha-report", KREMLIN)  # the base facts now quote words it lacks
    facts = base_project / "data" / "facts.yaml"
    text = facts.read_text("utf-8").replace(
        "The report counted some 300 missiles and drones.", "deliveries of the kind described had taken place"
    )
    facts.write_text(text, "utf-8")
    messages = [str(d) for d in check(Project(base_project)).diagnostics if d.code == "E401"]
    assert (
        "closest passage (seeds/alpha-report.md line 10, 94% similar): "
        "'No deliveries of the kind described have taken place'; quote has 'had', seed has 'No have'"
    ) in "\n".join(messages)


def test_word_diff_names_the_words_missing_from_either_side() -> None:
    assert quotes.word_diff("counted some 400 missiles", "counted some 300 missiles") == (
        "quote has '400', seed has '300'"
    )
    assert quotes.word_diff("sending air defence", "sending advanced air defense systems") == (
        "quote has 'defence', seed has 'advanced defense systems'"
    )
    assert (
        quotes.word_diff('said "no"', "said \u201cno\u201d.") == "the words are the same; punctuation differs"
    )


def test_all_lists_the_best_passage_of_every_seed_best_first(base_project: Path) -> None:
    code, out, err = run(base_project, "--all", "die ersten Radaranlagen")
    assert (code, err) == (0, "")
    blocks = out.split("\n\n")
    assert blocks[0] == "seeds/beta-bericht.md:9: 100% similar\ndie ersten Radaranlagen"
    assert "seeds/alpha-report.md:" in out
    assert out.index("seeds/beta-bericht.md") < out.index("seeds/alpha-report.md")
    assert out.count("Paste under the fact's sources:") == 1  # alpha-report is not close enough


def test_all_takes_no_seed_and_a_seed_needs_words(base_project: Path) -> None:
    assert run(base_project, "--all", "alpha-report", "radar")[0] == 2
    assert run(base_project, "radar")[0] == 2


# --- bounded work ------------------------------------------------------------------------------
def big_body(sentences: int = 100_000) -> str:
    """About 6 MB of varied text, with one sentence in the middle about S-400 batteries."""
    lines = [
        f"Report {i} says convoy {i * 7 % 1000} moved near town {i % 313} on road {i % 97}."
        for i in range(sentences)
    ]
    lines.insert(sentences // 2, "The Kremlin denied that any S-400 batteries had been shipped.")
    return "\n".join(lines) + "\n"


def test_a_large_seed_is_searched_in_a_few_windows_and_says_when_it_gave_up() -> None:
    folded = quotes.fold(big_body())
    assert len(folded.text) > quotes.FULL_SEARCH_LIMIT * 50
    quote = "the Kremlin confirmed S-400 batteries had been shipped"
    near = quotes.closest(folded, quote)
    assert (
        folded.original[near.start : near.end]
        == "The Kremlin denied that any S-400 batteries had been shipped."
    )
    # The work done is bounded by the budget, not by the seed's size.
    assert 0 < near.examined <= quotes.MAX_WINDOWS * 4 * len(quote)
    for absent_or_common in ("zebra crossing banana smoothie", "Report says convoy moved near town"):
        gave_up = quotes.closest(folded, absent_or_common)
        assert gave_up.gave_up.startswith("the seed is too large to compare in full")
        assert gave_up.examined == 0
    too_long = quotes.closest(folded, "word " * 1000)
    assert too_long.gave_up == f"the quote is longer than {quotes.MAX_NEEDLE} characters"


def test_check_reports_the_budget_in_e401(base_project: Path) -> None:
    write_seed(base_project, "alpha-report", big_body())
    facts = base_project / "data" / "facts.yaml"
    text = facts.read_text("utf-8").replace(
        "The report counted some 300 missiles and drones.", "zebra crossing banana smoothie"
    )
    facts.write_text(text, "utf-8")
    messages = [d.message for d in check(Project(base_project)).diagnostics if d.code == "E401"]
    assert any(
        m.startswith(
            "quote not found in seed 'alpha-report'; no close passage searched: the seed is too large to compare in full"
        )
        for m in messages
    )


@settings(deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=80), st.text(st.characters(codec="utf-8"), max_size=80))
def test_any_quote_against_any_body_gets_an_answer_and_a_span_inside_the_body(body: str, quote: str) -> None:
    folded = quotes.fold(body)
    found = quotes.locate(folded, quote)
    near = quotes.closest(folded, quote)
    assert 0 <= near.start <= near.end <= len(body)
    if found is None and not near.gave_up:
        assert isinstance(quotes.word_diff(quote, body[near.start : near.end]), str)


def test_the_command_says_which_hedge_words_it_kept(base_project: Path) -> None:
    write_seed(base_project, "kremlin", KREMLIN)
    _, _, err = run(base_project, "kremlin", "deliveries of the kind described have taken place")
    assert (
        err == "note: the passage keeps 'No' from its clause; without it, it would say more than the seed\n"
    )
    _, _, err = run(base_project, "kremlin", "Russland liefert die Systeme")
    assert (
        err
        == "note: the passage keeps 'nicht' from its clause; without it, it would say more than the seed\n"
    )
    assert run(base_project, "kremlin", "Moscow reacted on Tuesday.")[2] == ""


REVERSALS = (
    "No U.S. official believes that Russian instructors are training Iranian crews.\n"
    "Never has Gen. Bagheri said that Russia delivered jets.\n"
    '"Russian instructors are training Iranian pilots," the ministry denied.\n'
    "\u201cRussia sent jets,\u201d Israeli officials claimed without evidence.\n"
    "\u201cRussia sent drones,\u201d would read the headline. Then nothing.\n"
    "The ministry has yet to confirm that Iran received radar equipment.\n"
    "Reports that Russia sent bombers were a hoax.\n"
    "Berichte, Russland liefere Kampfjets, sind eine Falschmeldung.\n"
    "\u0420\u043e\u0441\u0441\u0438\u044f \u043f\u043e\u0441\u0442\u0430\u0432\u0438\u043b\u0430 "
    "\u0438\u0441\u0442\u0440\u0435\u0431\u0438\u0442\u0435\u043b\u0438 \u2014 \u044d\u0442\u043e "
    "\u0444\u0435\u0439\u043a.\n"
)


@pytest.mark.parametrize(
    ("quote", "kept"),
    [
        # an abbreviation's full stop ends no clause
        ("official believes that Russian instructors are training Iranian crews", ("No",)),
        ("Bagheri said that Russia delivered jets", ("Never",)),
        # the speech tag after a quotation closed with a comma judges it; a modal there does not
        ("Russian instructors are training Iranian pilots", ("denied",)),
        ("Russia sent jets", ("claimed", "without")),
        ("Russia sent drones", ()),
        # word forms
        ("confirm that Iran received radar equipment", ("yet to",)),
        ("Russia sent bombers", ("hoax",)),
        ("Russland liefere Kampfjets", ("Falschmeldung",)),
        (
            "\u0420\u043e\u0441\u0441\u0438\u044f \u043f\u043e\u0441\u0442\u0430\u0432\u0438\u043b\u0430 "
            "\u0438\u0441\u0442\u0440\u0435\u0431\u0438\u0442\u0435\u043b\u0438",
            ("\u0444\u0435\u0439\u043a",),
        ),
    ],
)
def test_the_check_names_the_reversal_a_quote_leaves_out(
    base_project: Path, quote: str, kept: tuple[str, ...]
) -> None:
    write_seed(base_project, "alpha-report", REVERSALS)
    facts = base_project / "data" / "facts.yaml"
    text = facts.read_text("utf-8").replace("The report counted some 300 missiles and drones.", quote)
    facts.write_text(text, "utf-8")
    messages = [d.message for d in check(Project(base_project)).diagnostics if d.code == "W411"]
    if not kept:
        assert messages == []
        return
    assert len(messages) == 1
    assert messages[0].startswith("the quote leaves out " + ", ".join(repr(w) for w in kept) + " from")
    # `dossier quote` takes the same words in
    _, out, _ = run(base_project, "alpha-report", quote)
    passage = out.split("\n\nPaste")[0].split("\n", 1)[1]
    assert all(w in passage for w in kept) and quote in passage


@pytest.mark.parametrize(
    ("body", "quote", "cut"),
    [
        ("Russia sent 1 500 missiles to Iran last year.", "500 missiles to Iran last year", "1 500"),
        ("Russia sent 1 500 000 rounds.", "000 rounds", "1 500 000"),
        ("Russia sent 12 500 rounds.", "Russia sent 12", "12 500"),
    ],
)
def test_a_plain_space_between_digit_groups_joins_one_number(body: str, quote: str, cut: str) -> None:
    found = quotes.locate(quotes.fold(body), quote)
    assert isinstance(found, quotes.Cut)
    assert cut in (found.starts_in, found.ends_in)


@pytest.mark.parametrize(
    ("body", "quote"),
    [
        ("In 2024 500 missiles arrived.", "500 missiles arrived"),  # a year has four digits
        ("Some 1,000 500 times.", "500 times"),  # the first number has its separator
        ("The A320 500 times.", "500 times"),  # after a letter: a name, not a number
        ("Russia sent 1 5000 rounds.", "5000 rounds"),  # a group has three digits
    ],
)
def test_other_spaces_between_digits_separate_numbers(body: str, quote: str) -> None:
    assert isinstance(quotes.find(quotes.fold(body), quote), quotes.Anchor)
