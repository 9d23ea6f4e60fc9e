"""The URL scheme: every href lands where the engine that reads it will put the target page.

The site tests prove it on built sites; these prove it for every pair of pages, by resolving each
href the way a browser (MkDocs' raw HTML) or Zensical (raw HTML and Markdown) resolves it.
"""

from __future__ import annotations

import posixpath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossier import render, urls

_ID = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True) | st.just("index")
PAGES = st.one_of(
    st.builds(urls.entity, _ID),
    st.builds(urls.fact, _ID),
    st.builds(urls.seed, _ID),
    st.sampled_from(
        [urls.ENTITIES, urls.FACTS, urls.SOURCES, urls.TIMELINE, urls.DISPUTES, urls.GRAPH, urls.DOWNLOADS]
    ),
    st.builds(urls.part, st.sampled_from([urls.TIMELINE, urls.FACTS, urls.ENTITIES]), _ID),
)
SOURCES = PAGES | st.just(urls.HOME)


def _browser(page_url: str, href: str) -> str:
    """Where a browser on ``page_url`` (below the site root) goes for a relative ``href``."""
    folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    joined = posixpath.normpath(posixpath.join(folder, href))
    return "" if joined == "." else joined + ("/" if href.endswith("/") else "")


def _zensical(source: str, href: str) -> str:
    """Where Zensical sends a relative href in ``source``: resolved from the Markdown file's folder,
    then to the final URL of the file it names (the behaviour seen in 0.0.73)."""
    return urls.url(posixpath.normpath(posixpath.join(posixpath.dirname(source), href)))


@given(SOURCES, PAGES, st.sampled_from(["", "q-a-1", "source-2"]))
def test_markdown_and_raw_html_links_land_on_the_target(src: str, dst: str, anchor: str) -> None:
    target = urls.url(urls.docs_path(dst))
    for engine in urls.ENGINES:
        at = urls.Place.of(src, engine)
        md = str(at.md(dst, anchor))
        html = str(at.html(dst, anchor))
        page, _, fragment = md.partition("#")
        assert fragment == anchor
        # Markdown links are rewritten the same way by both engines; "#x" alone is the same page.
        assert _zensical(at.source, page) == target if page else (src == dst and anchor)
        page, _, fragment = html.partition("#")
        assert fragment == anchor
        if not page:
            assert src == dst and anchor
        elif engine == "mkdocs":  # raw HTML: MkDocs leaves it alone, the browser resolves it
            assert _browser(urls.url(at.source), page) == target, (src, dst, html)
        else:
            assert _zensical(at.source, page) == target, (src, dst, html)


def test_the_raw_html_href_differs_by_engine_where_the_engines_differ() -> None:
    seed = urls.seed("daily-example-radar")
    fact = urls.fact("russia-delivers-s-300")
    mkdocs = urls.Place.of(seed, "mkdocs").html(fact, urls.source(1))
    zensical = urls.Place.of(seed, "zensical").html(fact, urls.source(1))
    assert mkdocs == "../../facts/russia-delivers-s-300/#source-1"
    assert zensical == "../facts/russia-delivers-s-300.md#source-1"


def test_ids_that_are_not_slugs_never_become_paths() -> None:
    for bad in ("../etc/passwd", "a/b", "A", ""):
        with pytest.raises(ValueError, match="not a slug"):
            urls.fact(bad)
    assert urls.entity("index") == "entities/index_.md"  # never its folder's index page
    with pytest.raises(ValueError, match="unknown site engine"):
        urls.Place("index.md", "hugo")


def test_list_parts_never_share_a_name_with_a_page() -> None:
    assert urls.part(urls.FACTS, "reported-2024") == "facts/facts_reported-2024.md"
    assert urls.part(urls.TIMELINE, "2024") == "timeline_2024.md"
    assert "_" not in urls.fact("facts-reported-2024")


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 12), st.integers(0, 900)), max_size=60),
    st.integers(100, 2000),
)
def test_split_keeps_order_and_budget(items: list[tuple[int, int, int]], budget: int) -> None:
    """Parts hold every item once, in order (items come ordered by their keys); each part is within
    the budget unless it is one item; part keys are unique slugs (they become file names)."""
    items = sorted(items, key=lambda i: (i[0], i[1]))
    parts = render.split(
        items,
        [lambda i: (f"y{i[0]}", f"Year {i[0]}"), lambda i: (f"{i[1]:02d}", f"Month {i[1]}")],
        lambda i: i[2],
        budget,
    )
    assert [item for part in parts for item in part.items] == items
    for part in parts:
        assert sum(i[2] for i in part.items) <= budget or len(part.items) == 1
    if len(parts) > 1:
        keys = [part.key for part in parts]
        assert len(set(keys)) == len(keys)
        assert all(urls.part(urls.TIMELINE, key) for key in keys)  # each a slug
