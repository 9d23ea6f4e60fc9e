"""The entity graph: who is connected to whom through facts, laid out and drawn as SVG at build time.

Pure Python and deterministic: the same dossier always gives the same picture, so golden files and
reviews stay stable, and the site ships no graph library. The graph shows the entities with the most
facts (a picture of thousands of nodes informs nobody); the page's text alternative lists the same
nodes and edges.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from markupsafe import Markup

from dossier import urls
from dossier.escape import attr, html
from dossier.model import ENTITY_TYPES, Dossier

WIDTH, HEIGHT, MARGIN = 900, 700, 80


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    type: str
    facts: int
    x: float = 0.0
    y: float = 0.0

    @property
    def radius(self) -> float:
        return 6 + 2.2 * math.sqrt(self.facts)


@dataclass(frozen=True)
class Edge:
    """Two entities and the number of facts about both."""

    a: str
    b: str
    shared: int


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    omitted: int  # entities with facts that did not fit in the picture

    def neighbours(self, node_id: str) -> list[tuple[str, int]]:
        """Connected node ids, most shared facts first."""
        found = [(e.b, e.shared) for e in self.edges if e.a == node_id]
        found += [(e.a, e.shared) for e in self.edges if e.b == node_id]
        return sorted(found, key=lambda n: (-n[1], n[0]))


def build(dossier: Dossier, limit: int = 30) -> Graph:
    """Pick the best-connected entities, count shared facts, and lay the graph out."""
    counts: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for fact in dossier.facts:
        about = sorted(set(fact.about))
        counts.update(about)
        pairs.update(combinations(about, 2))
    chosen = sorted(counts, key=lambda e: (-counts[e], e))[:limit]
    keep = set(chosen)
    edges = tuple(Edge(a, b, n) for (a, b), n in sorted(pairs.items()) if a in keep and b in keep)
    ordered = sorted(chosen, key=lambda e: (ENTITY_TYPES.index(dossier.entity[e].type), e))
    nodes = [Node(e, dossier.entity[e].name, dossier.entity[e].type, counts[e]) for e in ordered]
    return Graph(_layout(nodes, edges), edges, len(counts) - len(chosen))


def _layout(nodes: list[Node], edges: tuple[Edge, ...], rounds: int = 250) -> tuple[Node, ...]:
    """Fruchterman–Reingold from a circle ordered by type, so the result never depends on chance."""
    n = len(nodes)
    if n == 0:
        return ()
    index = {node.id: i for i, node in enumerate(nodes)}
    xs = [math.cos(2 * math.pi * i / n) for i in range(n)]
    ys = [math.sin(2 * math.pi * i / n) for i in range(n)]
    links = [(index[e.a], index[e.b], 1 + math.log(e.shared)) for e in edges]
    k = math.sqrt(4.0 / n)  # ideal distance in a 2 x 2 box
    temperature = 0.2
    for _ in range(rounds):
        dx = [0.0] * n
        dy = [0.0] * n
        for i in range(n):
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, n):
                ddx, ddy = xi - xs[j], yi - ys[j]
                dist2 = max(ddx * ddx + ddy * ddy, 1e-6)
                push = k * k / dist2
                dx[i] += ddx * push
                dy[i] += ddy * push
                dx[j] -= ddx * push
                dy[j] -= ddy * push
        for i, j, weight in links:
            ddx, ddy = xs[i] - xs[j], ys[i] - ys[j]
            dist = max(math.hypot(ddx, ddy), 1e-3)
            pull = dist * weight / k
            dx[i] -= ddx * pull
            dy[i] -= ddy * pull
            dx[j] += ddx * pull
            dy[j] += ddy * pull
        for i in range(n):
            # A weak pull to the centre keeps unconnected nodes on the canvas.
            dx[i] -= xs[i] * 0.3
            dy[i] -= ys[i] * 0.3
            length = max(math.hypot(dx[i], dy[i]), 1e-9)
            step = min(length, temperature)
            xs[i] += dx[i] / length * step
            ys[i] += dy[i] / length * step
        temperature = max(temperature * 0.985, 0.002)
    xs, ys = _even_out(xs, ys)
    half_w, half_h = WIDTH / 2 - MARGIN, HEIGHT / 2 - MARGIN / 2
    return tuple(
        Node(
            node.id,
            node.name,
            node.type,
            node.facts,
            round(WIDTH / 2 + x * half_w, 1),
            round(HEIGHT / 2 + y * half_h, 1),
        )
        for node, x, y in zip(nodes, xs, ys, strict=True)
    )


def _even_out(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    """Spread the layout evenly over the unit disc, keeping each node's direction and rank.

    Force layouts leave a dense core and a few far-flung nodes; scaled to the canvas, the core's
    labels would pile up. Replacing each radius by its rank (area-uniform) keeps who is central
    and who is peripheral, and gives every label room.
    """
    n = len(xs)
    cx, cy = sum(xs) / n, sum(ys) / n
    polar = [(math.hypot(x - cx, y - cy), math.atan2(y - cy, x - cx)) for x, y in zip(xs, ys, strict=True)]
    order = sorted(range(n), key=lambda i: (polar[i][0], i))
    radius = [0.0] * n
    for rank, i in enumerate(order):
        radius[i] = math.sqrt((rank + 0.5) / n) if n > 1 else 0.0
    return (
        [r * math.cos(a) for r, (_, a) in zip(radius, polar, strict=True)],
        [r * math.sin(a) for r, (_, a) in zip(radius, polar, strict=True)],
    )


_CHAR, _LINE = 8.2, 16.0  # a label's character width and line height at the CSS's 14px
_LABEL_MAX = 22  # longer names are shortened on the picture; the full name is the node's <title>


def label(name: str) -> str:
    """The name as drawn: cut at a word boundary with an ellipsis when it is long."""
    if len(name) <= _LABEL_MAX:
        return name
    cut = name[: _LABEL_MAX - 1]
    if " " in cut[_LABEL_MAX // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def _place_labels(nodes: tuple[Node, ...]) -> dict[str, tuple[float, float, str]]:
    """Label positions (x, y, text-anchor): beside, above, below or diagonal to each node.

    Greedy, best-connected nodes first: each label takes the first spot that stays on the canvas
    and overlaps no label or circle placed so far; failing that, the spot that overlaps least.
    """
    boxes = [(n.x - n.radius, n.y - n.radius, n.x + n.radius, n.y + n.radius) for n in nodes]
    placed: dict[str, tuple[float, float, str]] = {}
    for node in sorted(nodes, key=lambda n: (-n.facts, n.id)):
        width, gap = len(label(node.name)) * _CHAR, node.radius + 4
        outward = "start" if node.x >= WIDTH / 2 else "end"
        inward = "end" if outward == "start" else "start"
        side = {"start": node.x + gap, "end": node.x - gap}
        slant = {"start": node.x + gap * 0.7, "end": node.x - gap * 0.7}
        spots = [
            (side[outward], node.y, outward),
            (side[inward], node.y, inward),
            (node.x, node.y - gap - _LINE / 2, "middle"),
            (node.x, node.y + gap + _LINE / 2, "middle"),
            (slant[outward], node.y - gap * 0.7 - _LINE / 2, outward),
            (slant[outward], node.y + gap * 0.7 + _LINE / 2, outward),
            (slant[inward], node.y - gap * 0.7 - _LINE / 2, inward),
            (slant[inward], node.y + gap * 0.7 + _LINE / 2, inward),
        ]
        best: tuple[float, int] | None = None
        chosen, chosen_box = spots[0], boxes[0]
        for order, (x, y, anchor) in enumerate(spots):
            left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
            box = (left, y - _LINE / 2, left + width, y + _LINE / 2)
            outside = (
                max(0.0, -box[0]) + max(0.0, box[2] - WIDTH) + max(0.0, -box[1]) + max(0.0, box[3] - HEIGHT)
            )
            cost = sum(_overlap_area(box, other) for other in boxes) + outside * _LINE * 4
            if best is None or (cost, order) < best:
                best, chosen, chosen_box = (cost, order), (x, y, anchor), box
            if cost == 0:
                break
        boxes.append(chosen_box)
        placed[node.id] = (round(chosen[0], 1), round(chosen[1], 1), chosen[2])
    return placed


def _overlap_area(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _mkdocs_href(entity_id: str) -> Markup:
    return urls.Place.of(urls.GRAPH).html(urls.entity(entity_id))


def svg(graph: Graph, title: str, href: Callable[[str], Markup] = _mkdocs_href) -> Markup:
    """The picture as one line of inline SVG (a blank line would end Markdown's raw HTML block).

    Each node links to its entity page at ``href(entity id)``: the SVG is raw HTML, whose links
    the engines treat differently, so the caller asks :mod:`dossier.urls` for the engine's href.
    """
    where = {node.id: node for node in graph.nodes}
    parts = [
        Markup(
            '<svg class="dossier-graph" viewBox="0 0 {} {}" role="group" aria-labelledby="graph-title" '
            'aria-describedby="graph-desc" xmlns="http://www.w3.org/2000/svg">'
        ).format(WIDTH, HEIGHT),
        Markup('<title id="graph-title">{}</title>').format(html(title)),
        Markup(
            '<desc id="graph-desc">Entities are circles sized by their number of facts; a line joins two '
            "entities that share facts, thicker for more; each circle links to its entity's page. "
            "The same graph is listed as text below.</desc>"
        ),
        Markup('<g class="graph-edges">'),
    ]
    for edge in graph.edges:
        a, b = where[edge.a], where[edge.b]
        width = round(1 + 1.5 * math.log(edge.shared), 2)
        parts.append(
            Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"/>').format(
                a.x, a.y, b.x, b.y, width
            )
        )
    parts.append(Markup('</g><g class="graph-nodes">'))
    labels = _place_labels(graph.nodes)
    for node in graph.nodes:
        x, y, anchor = labels[node.id]
        facts = f"{node.facts} fact" if node.facts == 1 else f"{node.facts} facts"
        parts.append(
            Markup(
                '<a class="graph-node graph-node--{}" href="{}" aria-label="{}">'
                '<title>{} ({}, {})</title><circle cx="{}" cy="{}" r="{}"/>'
                '<text x="{}" y="{}" dy="0.35em" text-anchor="{}">{}</text></a>'
            ).format(
                attr(node.type),
                href(node.id),
                attr(node.name),
                html(node.name),
                html(node.type),
                facts,
                node.x,
                node.y,
                round(node.radius, 1),
                x,
                y,
                anchor,
                html(label(node.name)),
            )
        )
    parts.append(Markup("</g></svg>"))
    return Markup("").join(parts)
