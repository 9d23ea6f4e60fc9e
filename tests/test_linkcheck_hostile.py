"""The link check on hand-written, hostile HTML: it reads a page as a browser does, finds every
link a reader can follow (a broken one fails the build), takes time linear in the page, and
reports a page it cannot read instead of raising.

Each page here is one a security review crafted to slip a broken link past the check or to
stall it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dossier import linkcheck

ROOT = Path(__file__).resolve().parent.parent


def _broken(tmp_path: Path, page: str, **others: str) -> list[str]:
    """What the check reports of a site of ``page`` (index.html) and ``others`` (name: text)."""
    (tmp_path / "index.html").write_text(page, "utf-8")
    for name, text in others.items():
        (tmp_path / name).write_text(text, "utf-8")
    return linkcheck.broken(tmp_path)


def test_unclosed_raw_text_and_comments_take_linear_time() -> None:
    """200,000 tags that open raw text (or a comment, a quote) and never close it: each is skipped
    to the end of the page once, not once per tag. The time limit only guards against a hang
    (a quadratic scan takes many minutes here); it is no timing assertion."""
    probe = textwrap.dedent(
        """
        from dossier import linkcheck
        openers = ("<style>", "<script>", "<title>", "<textarea>", "<!--", "<a title='", "<p ")
        for opener in (*openers, "<noscript>", "<svg><title>", "<svg><script><!--<script>"):
            page = "<div>" + opener * 200_000 + "</div><a href='after.html'>x</a>"
            found = linkcheck.parse(page)
            assert found.links in ([], ["after.html"]), (opener, found)
            assert linkcheck.parse(page[:-4]).links in ([], ["after.html"]), opener
        print("done")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=20, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "done\n"


def test_an_unclosed_raw_text_element_swallows_the_rest_of_the_page() -> None:
    for tag in linkcheck.RAW_TEXT:
        page = f'<{tag}><a href="inside.html" id="no">'
        assert linkcheck.parse_reference(page) == linkcheck.Links(), tag
        # Without scripts, a <noscript> holds markup: its links count (its ids do not).
        links = ["inside.html"] if tag == "noscript" else []
        assert linkcheck.parse(page) == linkcheck.Links(links=links), tag


@pytest.mark.parametrize("tag", linkcheck.RAW_TEXT)
@pytest.mark.parametrize("close", ["</{} x>", "</{}/>", "</{}\n>", "</{}\tfoo='>'>", "</{} >"])
def test_raw_text_ends_at_any_end_tag_html_accepts(tmp_path: Path, tag: str, close: str) -> None:
    end = close.format(tag.upper() if "foo" in close else tag)
    page = f'<{tag}>x{end}<a href="missing.html">x</a>'
    assert _broken(tmp_path, page) == ["index.html: missing.html (no missing.html)"]


def test_raw_text_does_not_end_at_a_longer_name(tmp_path: Path) -> None:
    page = '<script></scripts><a href="missing.html">in the script</a></script>'
    assert _broken(tmp_path, page) == []


@pytest.mark.parametrize(
    "page",
    [
        """<div><a title=it's href="missing-quote.html">q</a></div>""",
        """<p title=it's>x</p><a href="missing-quote.html">y</a><p title='z'>""",
    ],
)
def test_a_quote_inside_an_unquoted_value_is_part_of_it(tmp_path: Path, page: str) -> None:
    assert _broken(tmp_path, page) == ["index.html: missing-quote.html (no missing-quote.html)"]


def test_an_id_may_hold_quotes(tmp_path: Path) -> None:
    page = """<p class=a"b id=c'd x=1=2>"""
    assert _broken(tmp_path, page, **{"x.html": '<a href="index.html#c\'d">ok</a>'}) == []
    assert linkcheck.parse(page).ids == {"c'd"}


def test_an_area_link_is_checked(tmp_path: Path) -> None:
    page = '<map name="m"><area href="missing.html" alt=""><area href="index.html#top"></map><p id="top">'
    assert _broken(tmp_path, page) == ["index.html: missing.html (no missing.html)"]


def test_ids_inside_a_template_or_raw_text_are_no_anchors(tmp_path: Path) -> None:
    target = (
        '<template><p id="in-template"><template></template><p id="nested"></template><p id="after">'
        '<textarea><p id="in-textarea"></textarea><title><a name="in-title"></title>'
    )
    page = '<a href="t.html#in-template">1</a><a href="t.html#nested">2</a><a href="t.html#after">3</a>'
    page += '<a href="t.html#in-textarea">4</a><a href="t.html#in-title">5</a>'
    assert _broken(tmp_path, page, **{"t.html": target}) == [
        f"index.html: t.html#{name} (no #{name} in t.html)"
        for name in ("in-template", "nested", "in-textarea", "in-title")
    ]
    assert linkcheck.parse(target) == linkcheck.parse_reference(target)


def test_links_inside_a_template_are_still_checked(tmp_path: Path) -> None:
    assert _broken(tmp_path, '<template><a href="missing.html">x</a></template>') == [
        "index.html: missing.html (no missing.html)"
    ]


@pytest.mark.parametrize(
    "page",
    [
        '<!--><a href="missing.html">an empty comment ends at once</a><!-- -->',
        '<!---><a href="missing.html">so does this one</a><!-- -->',
        '<!-- x --!><a href="missing.html">and this one</a><!-- -->',
        # An end tag's quoted attribute holds ">": "<!--" after it is an attribute's name.
        '</p title=">"<!--"><a href="missing.html">x</a><!-- -->',
    ],
)
def test_comments_and_end_tags_end_where_html_ends_them(tmp_path: Path, page: str) -> None:
    assert _broken(tmp_path, page) == ["index.html: missing.html (no missing.html)"]


def test_a_page_that_cannot_be_read_is_a_problem_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page found, then removed before it is read (site/ changed during the check)."""
    (tmp_path / "index.html").write_text('<a href="gone-target.html#x">x</a>', "utf-8")
    monkeypatch.setattr(linkcheck, "_regular", lambda path: True)  # as if each had just vanished
    found = linkcheck.broken(tmp_path, ["index.html", "gone.html"])
    assert sorted(found) == [
        "gone-target.html: cannot be read (No such file or directory)",
        "gone.html: cannot be read (No such file or directory)",
    ]


@pytest.mark.parametrize(
    "page",
    [
        # After "<!--<script>", "</script>" does not end the script; the "<!--" after it is text.
        '<script><!--<script></script><!--</script><a href="missing.html">x</a><!-- -->',
        '<script><!--<script>--></script><a href="missing.html">x</a>',
        # "ſ" is "s" to Python's case-insensitive match, not to HTML's ASCII one.
        '<script></ſcript><!--</script><a href="missing.html">x</a><!-- -->',
        '<style></ſtyle><!--</style><a href="missing.html">x</a><!-- -->',
    ],
)
def test_a_script_or_style_ends_where_html_ends_it(tmp_path: Path, page: str) -> None:
    assert _broken(tmp_path, page) == ["index.html: missing.html (no missing.html)"]


def test_a_double_escaped_script_hides_its_text(tmp_path: Path) -> None:
    page = '<script><!--<script></script><a href="in-script.html">--></script><a href="index.html">'
    assert _broken(tmp_path, page) == []


@pytest.mark.parametrize(
    "page",
    [
        # In an <svg>, <title> is markup: "</svg>" ends the svg and the link is the page's.
        '<svg><title></svg><a href="missing.html">x</a></title>',
        # <p> leaves the svg: <style> is raw text again and "<!--" in it no comment.
        '<svg><p><style><!--</style><a href="missing.html">x</a><!-- -->',
        # Where scripts run, <noscript> is raw text; where they do not, markup.
        '<noscript><!--</noscript><a href="missing.html">x</a><!-- -->',
        '<noscript><a href="missing.html">x</a></noscript>',
    ],
)
def test_raw_text_a_browser_may_read_as_markup_is_read_both_ways(tmp_path: Path, page: str) -> None:
    assert _broken(tmp_path, page) == ["index.html: missing.html (no missing.html)"]
