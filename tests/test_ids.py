"""The schemas and the code share one definition of ids and URLs."""

from __future__ import annotations

import json

import pytest

from dossier import ids
from tests.conftest import ROOT


def _patterns(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(v) for v in node))
    return set()


@pytest.mark.parametrize("name", ["facts.schema.json", "seed.schema.json"])
def test_schema_patterns_are_the_shared_ones(name: str) -> None:
    schema = json.loads((ROOT / "dossier" / "schema" / name).read_text())
    known = {ids.SLUG.pattern, ids.HTTP_URL.pattern, ids.NONBLANK.pattern}
    others = _patterns(schema) - known
    # Everything left is a date, a sha256, a language code, a warning code or a dispute's question
    # (text ending with "?"), never an id or URL.
    assert all(
        ("[0-9]{4}" in p) or ("0-9a-f" in p) or ("a-z]{2}" in p) or p.startswith("^W") or p == "\\S.*\\?$"
        for p in others
    ), others
    # ECMA-262 (the schema's regex dialect) reads \d as ASCII digits; Python's re reads any digit.
    assert not any("\\d" in p for p in _patterns(schema))
    assert ids.SLUG.pattern in _patterns(schema)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a", True),
        ("http://x.example", True),
        ("HTTPS://example.org", False),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("//example.org", False),
        ("https://a b", False),
    ],
)
def test_http_url(url: str, ok: bool) -> None:
    assert ids.is_http_url(url) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("s-300", True), ("../etc", False), ("a--b", False), ("A", False), (3, False)]
)
def test_slug(value: object, ok: bool) -> None:
    assert ids.is_slug(value) is ok


@pytest.mark.parametrize(
    "value",
    ["s-300\n", "s-300\r\n", " s-300", "ѕ-300", "s-３００", "a" * 101, "", "https://a.example\n"],
)
def test_an_id_is_the_whole_value(value: str) -> None:
    # Python's '$' also matches before a final newline; ids are matched in full.
    assert not ids.is_slug(value)
    assert ids.is_slug("a" * 100)


@pytest.mark.parametrize("url", ["https://a.example\n", "https://a.example/\r\n"])
def test_a_url_is_the_whole_value(url: str) -> None:
    assert not ids.is_http_url(url)
    assert ids.HTTP_URL.match(url) is None
