"""``dossier add-seed``: exact bytes, front matter, refusals and near-duplicate warnings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import seeds
from dossier.addseed import near_duplicates
from dossier.check import check
from dossier.cli import cli
from dossier.ids import SEED_ID_TARGET, SLUG, propose_seed_id
from dossier.project import Project
from tests.conftest import FIXTURES

NEWS_CAPTURES = FIXTURES / "news-captures"  # five real texts on one story: see its README.txt

ARTICLE = (
    "Radars for the capital\n\nOfficials said the  first radar units  had arrived.\r\nMore will follow.\n"
)


YEAR_WARNING = "warning: the text never prints the year"


def run(project: Path, *args: str, year_warning: bool = False) -> tuple[int, str, str]:
    """add-seed's exit code, stdout and stderr (without the unstated-year warning unless asked:
    most texts here print no year, and only its own test is about it)."""
    result = CliRunner().invoke(cli, ["add-seed", "--project", str(project), *args])
    err = result.stderr
    if not year_warning:
        err = "".join(line for line in err.splitlines(keepends=True) if not line.startswith(YEAR_WARNING))
    return result.exit_code, result.stdout, err


def test_a_year_the_text_never_prints_is_flagged_or_recorded_as_inferred(
    base_project: Path, article: Path
) -> None:
    args = [str(article), "--outlet", "alpha-news", "--published", "2024-08", "--language", "en"]
    code, _, err = run(base_project, *args, year_warning=True)
    assert code == 0 and err.startswith(YEAR_WARNING + " 2024 of the publication date")
    how = "the date in the capture's URL"
    code, _, err = run(
        base_project, *args, "--id", "again", "--inferred", f"published={how}", year_warning=True
    )
    assert code == 0 and YEAR_WARNING not in err  # (it does warn that it duplicates the first)
    assert seeds.read(base_project / "seeds" / "again.md").meta["inferred"] == {
        "published": how,
        "title": "The text's first line (cut short if long): no --title was given.",
    }
    code, _, err = run(base_project, *args, "--id", "third", "--inferred", "weather=sunny")
    assert code == 2 and "--inferred takes FIELD=HOW" in err


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "001_capture.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


def test_writes_front_matter_and_the_exact_bytes(base_project: Path, article: Path) -> None:
    code, out, err = run(
        base_project,
        str(article),
        "--outlet", "alpha-news",
        "--published", "2024-08",
        "--language", "en",
        "--url", "https://alpha.example/radars",
        "--title", "Radars: for the capital",
    )  # fmt: skip
    digest = hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert (code, err) == (0, "")
    assert out == (
        f"wrote seeds/alpha-news-2024-08-radars.md (sha256 {digest[:12]}…)\n"
        "cite it as 'seed: alpha-news-2024-08-radars'; find exact words with: dossier quote alpha-news-2024-08-radars \"…\"\n"
    )
    written = (base_project / "seeds" / "alpha-news-2024-08-radars.md").read_bytes()
    assert (
        written
        == (
            "---\n"
            'title: "Radars: for the capital"\n'
            "outlet: alpha-news\n"
            'published: "2024-08"\n'
            "language: en\n"
            'url: "https://alpha.example/radars"\n'
            f"sha256: {digest}\n"
            'received_as: "001_capture.txt"\n'
            "---\n"
        ).encode()
        + ARTICLE.encode()
    )
    seed = seeds.read(base_project / "seeds" / "alpha-news-2024-08-radars.md")
    assert seed.body == ARTICLE and seed.body_sha256 == digest and seed.meta["published"] == "2024-08"


def test_the_new_seed_passes_the_check(base_project: Path, article: Path) -> None:
    code, _, _ = run(
        base_project, str(article), "--outlet", "alpha-news", "--published", "2024-08-06", "--language", "en",
        "--url", "http://alpha.example/a?b=c#d",
    )  # fmt: skip
    assert code == 0
    codes = {
        d.code
        for d in check(Project(base_project)).diagnostics
        if d.path.startswith("seeds/alpha-news-2024-08-06")
    }
    assert codes == {"W403"}  # only: no fact cites it yet


def test_title_and_id_come_from_the_first_line(base_project: Path, article: Path) -> None:
    run(base_project, str(article), "--outlet", "alpha-news", "--published", "2024", "--language", "EN")
    meta = seeds.read(base_project / "seeds" / "alpha-news-2024-radars-capital.md").meta
    assert meta["title"] == "Radars for the capital"
    assert meta["language"] == "en"
    assert meta["url"] is None
    assert meta["inferred"] == {"title": "The text's first line (cut short if long): no --title was given."}


def test_refuses_to_overwrite(base_project: Path, article: Path) -> None:
    before = (base_project / "seeds" / "alpha-report.md").read_bytes()
    code, out, err = run(
        base_project,
        str(article),
        "--outlet",
        "alpha-news",
        "--published",
        "2024",
        "--language",
        "en",
        "--id",
        "alpha-report",
    )
    assert (code, out) == (1, "")
    assert err == "Error: seeds/alpha-report.md exists and is never overwritten: choose another --id\n"
    assert (base_project / "seeds" / "alpha-report.md").read_bytes() == before


URL_RULE = "only links starting with http:// or https:// (in lower case, without spaces) are allowed"
FIX_OUTLET = "add the outlet to data/facts.yaml first, under entities: with 'id: {0}' and 'type: outlet'"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "javascript:alert(1)"], f"'javascript:alert(1)' is not an http(s) URL: {URL_RULE}"),
        (["--url", "ftp://alpha.example/x"], f"'ftp://alpha.example/x' is not an http(s) URL: {URL_RULE}"),
        (["--url", "https://"], f"'https://' is not an http(s) URL: {URL_RULE}"),
        # The schema's rule is case-sensitive: a seed written with this URL would fail the check.
        (["--url", "HTTPS://example.org/a"], f"'HTTPS://example.org/a' is not an http(s) URL: {URL_RULE}"),
        (["--published", "2024-02-30"], "'2024-02-30': February 2024 has 29 days"),
        (["--published", "2024-13-06"], "'2024-13-06': there is no month 13"),
        (["--language", "eng"], "'eng' is not a two-letter ISO 639-1 code such as en or de"),
        (["--language", "en\n"], "'en\\n' is not a two-letter ISO 639-1 code such as en or de"),
        (["--published", "0000"], "'0000': there is no year 0; the calendar starts at year 0001"),
        (["--published", "２０２４"], "'２０２４' is not a date: write 2024, 2024-08 or 2024-08-05"),
        (["--language", "english"], "'english' is not a two-letter ISO 639-1 code such as en or de"),
        (["--outlet", "Alpha News"], "'Alpha News' is not an entity id: use a-z, 0-9 and single hyphens"),
        (
            ["--outlet", "nobody"],
            "'nobody' is not an entity in data/facts.yaml; " + FIX_OUTLET.format("nobody"),
        ),
        (  # a typo of a known outlet: the correction comes first
            ["--outlet", "alpha-newz"],
            "'alpha-newz' is not an entity in data/facts.yaml; did you mean 'alpha-news'? If it is a new "
            "outlet, " + FIX_OUTLET.format("alpha-newz"),
        ),
        (  # close to an entity that is not an outlet: no suggestion
            ["--outlet", "radars"],
            "'radars' is not an entity in data/facts.yaml; " + FIX_OUTLET.format("radars"),
        ),
        (
            ["--outlet", "radar"],
            "'radar' is an entity of type 'equipment', not 'outlet': a seed's outlet must be an "
            "entity with 'type: outlet'",
        ),
        (["--id", "Bad_Id"], "'Bad_Id' is not a slug: use a-z, 0-9 and single hyphens"),
        (["--id", "../../etc"], "'../../etc' is not a slug: use a-z, 0-9 and single hyphens"),
        (["--same-as", "nothing"], "'nothing' names no seed: seeds/nothing.md does not exist"),
        (["--same-as", "../data/x"], "'../data/x' is not a seed id: use a-z, 0-9 and single hyphens"),
    ],
)
def test_refuses_bad_values_as_usage_errors(
    base_project: Path, article: Path, args: list[str], message: str
) -> None:
    base = {"--outlet": "alpha-news", "--published": "2024-08", "--language": "en"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [part for pair in base.items() for part in pair]
    code, out, err = run(base_project, str(article), *flat)
    assert (code, out) == (2, "")
    assert err.endswith(f"\nError: Invalid value for '{args[0]}': {message}\n")
    assert sorted(p.name for p in (base_project / "seeds").iterdir()) == [
        "alpha-report.md",
        "beta-bericht.md",
    ]


def test_refuses_an_outlet_when_there_is_no_facts_file(base_project: Path, article: Path) -> None:
    (base_project / "data" / "facts.yaml").unlink()
    code, _, err = run(
        base_project, str(article), "--outlet", "alpha-news", "--published", "2024", "--language", "en"
    )
    assert code == 2
    assert err.endswith(
        "Error: Invalid value for '--outlet': 'alpha-news' is not an entity: there is no data/facts.yaml; "
        + FIX_OUTLET.format("alpha-news")
        + "\n"
    )


def test_rejects_text_that_is_not_utf8(base_project: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Stra\xdfe".encode("latin-1"))
    code, _, err = run(
        base_project, str(latin), "--outlet", "alpha-news", "--published", "2024", "--language", "de"
    )
    assert code == 1  # the values were fine; the file was not
    assert err == f"Error: {latin} is not UTF-8 text (byte 4): convert it first, e.g. iconv -t UTF-8\n"


def test_warns_about_a_near_duplicate(base_project: Path, tmp_path: Path) -> None:
    body = (base_project / "seeds" / "alpha-report.md").read_text("utf-8").split("---\n", 2)[2]
    capture = tmp_path / "capture.md"
    capture.write_text("# Alpha reports radar deliveries\n\n" + body.replace("\n", "\n\n"), "utf-8")
    code, _, err = run(
        base_project, str(capture), "--outlet", "alpha-news", "--published", "2024-08-06", "--language", "en"
    )
    assert code == 0
    assert err == (
        "warning: the text is 93% similar to seeds/alpha-report.md; if both capture one article, "
        "add 'same_as: alpha-report' to seeds/alpha-news-2024-08-06-alpha.md\n"
    )


def test_no_warning_when_same_as_names_the_twin(base_project: Path, tmp_path: Path) -> None:
    body = (base_project / "seeds" / "alpha-report.md").read_text("utf-8").split("---\n", 2)[2]
    capture = tmp_path / "capture.txt"
    capture.write_text(body, "utf-8")
    code, _, err = run(
        base_project, str(capture), "--outlet", "alpha-news", "--published", "2024-08-06", "--language", "en",
        "--id", "alpha-text", "--same-as", "alpha-report",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert seeds.read(base_project / "seeds" / "alpha-text.md").meta["same_as"] == "alpha-report"


@pytest.mark.parametrize(
    ("new", "twin"),
    [
        ("moscow-times-air-defense-text", "moscow-times-air-defense-markdown"),
        ("moscow-times-air-defense-markdown", "moscow-times-air-defense-text"),
    ],
)
def test_two_captures_of_one_article_are_near_duplicates(new: str, twin: str) -> None:
    # The two captures (received as 002_… and 003_…) of one article: one plain text with a
    # donation appeal, one Markdown with a headline, a caption and links.
    shipped = seeds.read_all(NEWS_CAPTURES)
    text = next(s for s in shipped if s.id == new)
    others = [s for s in shipped if s.id != text.id]
    assert [d.seed for d in near_duplicates(text.body, others)] == [twin]


def test_different_articles_on_one_story_are_not_near_duplicates() -> None:
    shipped = seeds.read_all(NEWS_CAPTURES)
    for seed in shipped:
        if not seed.id.startswith("moscow-times"):
            assert near_duplicates(seed.body, [s for s in shipped if s.id != seed.id]) == [], seed.id


def test_a_short_excerpt_is_not_a_near_duplicate_of_the_article() -> None:
    # A token-set measure scored this 96% similar to each Moscow Times capture.
    excerpt = (
        "Russia has started sending advanced air defense systems and radars to Iran as it threatens "
        "to retaliate, the New York Times reported Monday."
    )
    assert near_duplicates(excerpt, seeds.read_all(NEWS_CAPTURES)) == []


def test_an_excerpt_is_not_flagged_through_the_cli(base_project: Path, tmp_path: Path) -> None:
    excerpt = tmp_path / "excerpt.txt"
    excerpt.write_text("Officials said on Monday that the first radar units had arrived.\n", "utf-8")
    code, _, err = run(
        base_project, str(excerpt), "--outlet", "alpha-news", "--published", "2024-08-06", "--language", "en"
    )
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Radars \u202edelivered\u202c",
            "seeds/alpha-news-2024-radars.md:2:8: E107 U+202E (RIGHT-TO-LEFT OVERRIDE) at offset 7 of title "
            "(and 1 more): control and bidirectional characters are not allowed here; delete it",
        ),
        (
            " ",
            "seeds/x.md:2:8: E601 title is blank: write the text, or leave the field out where it is optional",
        ),
    ],
)
def test_writes_no_seed_that_the_check_would_refuse(
    base_project: Path, article: Path, title: str, expected: str
) -> None:
    extra = ["--id", "x"] if not title.strip() else []
    code, out, err = run(
        base_project, str(article), "--outlet", "alpha-news", "--published", "2024", "--language", "en",
        "--title", title, *extra,
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert (
        err
        == f"Error: nothing was written: dossier check would refuse this seed's front matter:\n{expected}\n"
    )
    assert sorted(p.name for p in (base_project / "seeds").iterdir()) == [
        "alpha-report.md",
        "beta-bericht.md",
    ]


# --- the proposed id ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outlet", "published", "title", "expected"),
    [
        ("rt-de", "2024-08", "Russland liefert Iran Radaranlagen", "rt-de-2024-08-russland-liefert"),
        ("toi", "2024-08-06", "Russia delivers air defense to Iran", "toi-2024-08-06-russia-delivers"),
        ("alpha-news", "2024", "Ça va — “quotes” & dashes!", "alpha-news-2024-ca-va-quotes"),
        ("alpha-news", "2024", "Россия", "alpha-news-2024"),  # no Latin word: outlet and date
        ("alpha-news", "2024-08", "The radars of the capital", "alpha-news-2024-08-radars"),
        (
            "a-very-long-outlet-name-indeed",
            "2024-08-06",
            "Radars",
            "a-very-long-outlet-name-indeed-2024-08-06",
        ),
    ],
)
def test_proposed_ids_are_short_and_readable(outlet: str, published: str, title: str, expected: str) -> None:
    proposed = propose_seed_id(outlet, published, title, lambda _: False)
    assert proposed == expected
    assert SLUG.match(proposed)
    assert len(proposed) <= SEED_ID_TARGET or proposed.count("-") == expected.count("-")


def test_a_taken_id_gets_a_suffix(base_project: Path, article: Path) -> None:
    args = ["--outlet", "alpha-news", "--published", "2024", "--language", "en", "--title", "Radars"]
    assert run(base_project, str(article), *args)[0] == 0
    assert run(base_project, str(article), *args)[0] == 0
    names = sorted(p.name for p in (base_project / "seeds").iterdir())
    assert "alpha-news-2024-radars.md" in names and "alpha-news-2024-radars-2.md" in names
