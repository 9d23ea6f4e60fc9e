"""The entity graph: who is connected to whom through facts, laid out and drawn as SVG at build time.

Pure Python and deterministic: the same dossier always gives the same picture, so golden files and
reviews stay stable, and the site ships no graph library. The graph shows the entities with the most
facts (a picture of thousands of nodes informs nobody); the page's text alternative lists the same
nodes and edges. Each entity page draws its neighbourhood (:func:`neighbourhood`) with the same code.

The SVG's viewBox is the drawing's bounding box, labels included, so the picture scales to its
column at any width and no label is cut; ``assets/graph.js`` adds zoom, pan and neighbour emphasis
on top (the picture works without it).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import combinations

from markupsafe import Markup

from dossier import urls
from dossier.escape import attr, html
from dossier.model import ENTITY_TYPES, Dossier, Entity

WIDTH, HEIGHT, MARGIN = 900, 700, 80
PAD = 6  # room around the drawing inside the viewBox (circle strokes, focus rings)
R_MIN, R_SPAN = 6.0, 12.0  # circle radii: R_MIN for the fewest facts, R_MIN + R_SPAN for the most


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    type: str
    facts: int
    x: float = 0.0
    y: float = 0.0
    radius: float = R_MIN


def _radius(facts: int, most: int) -> float:
    """Area grows with the facts, relative to the graph's best-connected node, so that a hub of
    thousands of facts does not cover the picture."""
    return round(R_MIN + R_SPAN * math.sqrt(facts / most), 1) if most else R_MIN


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
    centre: str = ""  # a neighbourhood's entity; empty for the whole dossier's graph
    width: float = WIDTH  # the canvas the layout fills (the viewBox is the drawing's own box)
    height: float = HEIGHT

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
    most = max((counts[e] for e in chosen), default=0)
    nodes = [
        Node(e, dossier.entity[e].name, dossier.entity[e].type, counts[e], radius=_radius(counts[e], most))
        for e in ordered
    ]
    return Graph(_layout(nodes, edges), edges, len(counts) - len(chosen))


NEAR_SPOKE = 170  # how far a neighbour sits from the entity, sideways


def neighbourhood(dossier: Dossier, entity_id: str, limit: int = 20) -> Graph:
    """An entity and the ``limit`` entities it shares most facts with, laid out around it.

    A star: one edge from the entity to each neighbour (its shared facts). Neighbours stand in two
    columns, right and left of the entity (most shared first, alternating), each label on the
    outer side of its circle, so that no two labels meet however long the names; the columns bow
    outwards in the middle. ``omitted`` counts the neighbours left out. Cheap and deterministic,
    so every entity page can have one.
    """
    related = dossier.related(entity_id)
    shown = related[:limit]
    own = len(dossier.facts_about.get(entity_id, ()))
    facts = {other.id: len(dossier.facts_about.get(other.id, ())) for other, _ in shown}
    most = max([own, *facts.values()])
    radius = {other.id: _radius(facts[other.id], most) for other, _ in shown}
    sides: tuple[list[tuple[Entity, int]], list[tuple[Entity, int]]] = (shown[0::2], shown[1::2])
    # Each column's rows: a label's height apart, more where two big circles would touch.
    rows: list[list[float]] = []
    for column in sides:
        ys: list[float] = []
        for i, (other, _) in enumerate(column):
            gap = max(_LINE + 6, radius[column[i - 1][0].id] + radius[other.id] + 4) if i else 0.0
            ys.append((ys[-1] if ys else 0.0) + gap)
        rows.append(ys)
    span = max([ys[-1] for ys in rows if ys] + [0.0])
    # Room on every side for the longest label, so that _place_labels keeps each on its outer side.
    room = _LABEL_MAX * _CHAR + 2 * (R_MIN + R_SPAN) + 10
    cx, cy = NEAR_SPOKE + room, span / 2 + room / 2
    centre = dossier.entity[entity_id]
    nodes = [Node(centre.id, centre.name, centre.type, own, cx, cy, _radius(own, most))]
    edges = []
    for direction, column, ys in zip((1, -1), sides, rows, strict=True):
        offset = (span - (ys[-1] if ys else 0.0)) / 2
        for (other, shared), y in zip(column, ys, strict=True):
            bow = ((y + offset - span / 2) / (span / 2 + _LINE)) ** 2 if span else 0.0
            x = cx + direction * NEAR_SPOKE * (1 - 0.35 * bow)
            nodes.append(
                Node(
                    other.id,
                    other.name,
                    other.type,
                    facts[other.id],
                    round(x, 1),
                    round(cy - span / 2 + offset + y, 1),
                    radius[other.id],
                )
            )
            a, b = sorted((entity_id, other.id))
            edges.append(Edge(a, b, shared))
    return Graph(tuple(nodes), tuple(edges), len(related) - len(shown), entity_id, 2 * cx, 2 * cy)


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
        replace(node, x=round(WIDTH / 2 + x * half_w, 1), y=round(HEIGHT / 2 + y * half_h, 1))
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


# A label's box at the CSS's 14px bold: the widest common system fonts (DejaVu Sans Bold averages
# about 9.2px a character) set the width, so the box errs on the large side and no label is cut.
_CHAR, _LINE = 9.4, 17.0
_LABEL_MAX = 22  # longer names are shortened on the picture; the full name is the node's <title>

Box = tuple[float, float, float, float]  # left, top, right, bottom


def label(name: str) -> str:
    """The name as drawn: cut at a word boundary with an ellipsis when it is long."""
    if len(name) <= _LABEL_MAX:
        return name
    cut = name[: _LABEL_MAX - 1]
    if " " in cut[_LABEL_MAX // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def _place_labels(graph: Graph) -> dict[str, tuple[float, float, str, Box]]:
    """Label positions (x, y, text-anchor, box): beside, above, below or diagonal to each node.

    Greedy, best-connected nodes first: each label takes the first spot that stays on the canvas
    and overlaps no label or circle placed so far; failing that, the spot that overlaps least.
    """
    nodes, width_, height_ = graph.nodes, graph.width, graph.height
    boxes: list[Box] = [(n.x - n.radius, n.y - n.radius, n.x + n.radius, n.y + n.radius) for n in nodes]
    placed: dict[str, tuple[float, float, str, Box]] = {}
    first = sorted(nodes, key=lambda n: (n.id != graph.centre, -n.facts, n.id))
    for node in first:
        width, gap = len(label(node.name)) * _CHAR, node.radius + 4
        outward = "start" if node.x >= width_ / 2 else "end"
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
        if node.id == graph.centre:  # the middle of a star: below, clear of the spokes' ends
            spots.insert(0, spots.pop(3))
        best: tuple[float, int] | None = None
        chosen: tuple[float, float, str] = spots[0]
        chosen_box = boxes[0]
        for order, (x, y, anchor) in enumerate(spots):
            left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
            box = (left, y - _LINE / 2, left + width, y + _LINE / 2)
            outside = (
                max(0.0, -box[0]) + max(0.0, box[2] - width_) + max(0.0, -box[1]) + max(0.0, box[3] - height_)
            )
            cost = sum(_overlap_area(box, other) for other in boxes) + outside * _LINE * 4
            if best is None or (cost, order) < best:
                best, chosen, chosen_box = (cost, order), (x, y, anchor), box
            if cost == 0:
                break
        boxes.append(chosen_box)
        placed[node.id] = (round(chosen[0], 1), round(chosen[1], 1), chosen[2], chosen_box)
    return placed


def _overlap_area(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _bounds(graph: Graph, labels: dict[str, tuple[float, float, str, Box]]) -> Box:
    """The drawing's box: every circle and every label's estimated box, and a little room."""
    boxes = [(n.x - n.radius, n.y - n.radius, n.x + n.radius, n.y + n.radius) for n in graph.nodes]
    boxes += [box for *_, box in labels.values()]
    if not boxes:
        return (0.0, 0.0, graph.width, graph.height)
    return (
        math.floor(min(b[0] for b in boxes) - PAD),
        math.floor(min(b[1] for b in boxes) - PAD),
        math.ceil(max(b[2] for b in boxes) + PAD),
        math.ceil(max(b[3] for b in boxes) + PAD),
    )


def _mkdocs_href(entity_id: str) -> Markup:
    return urls.Place.of(urls.GRAPH).html(urls.entity(entity_id))


def _facts(count: int) -> str:
    return f"{count} fact" if count == 1 else f"{count} facts"


def svg(
    graph: Graph,
    title: str,
    href: Callable[[str], Markup] = _mkdocs_href,
    ident: str = "graph",
    desc: str = "",
) -> Markup:
    """The picture as one line of inline SVG (a blank line would end Markdown's raw HTML block).

    Each node links to its entity page at ``href(entity id)``: the SVG is raw HTML, whose links
    the engines treat differently, so the caller asks :mod:`dossier.urls` for the engine's href.
    ``ident`` prefixes the ids of the title and description (unique on the page). Nodes carry
    ``data-node`` and edges ``data-a``/``data-b`` (entity ids, slugs) for ``assets/graph.js``.
    """
    where = {node.id: node for node in graph.nodes}
    labels = _place_labels(graph)
    left, top, right, bottom = _bounds(graph, labels)
    desc = desc or (
        "Entities are circles sized by their number of facts; a line joins two entities that share "
        "facts, thicker for more; each circle links to its entity's page. The same graph is listed "
        "as text below."
    )
    parts = [
        Markup(
            '<svg class="dossier-graph" viewBox="{} {} {} {}" role="group" aria-labelledby="{}-title" '
            'aria-describedby="{}-desc" xmlns="http://www.w3.org/2000/svg">'
        ).format(left, top, right - left, bottom - top, attr(ident), attr(ident)),
        Markup('<title id="{}-title">{}</title>').format(attr(ident), html(title)),
        Markup('<desc id="{}-desc">{}</desc>').format(attr(ident), html(desc)),
        # graph.js zooms and pans by this group's transform; the viewBox stays the drawing's box.
        Markup('<g class="graph-view"><g class="graph-edges">'),
    ]
    for edge in graph.edges:
        a, b = where[edge.a], where[edge.b]
        width = round(1 + 1.5 * math.log(edge.shared), 2)
        shared = "1 shared fact" if edge.shared == 1 else f"{edge.shared} shared facts"
        parts.append(
            Markup(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}" data-a="{}" data-b="{}">'
                "<title>{} and {}: {}</title></line>"
            ).format(a.x, a.y, b.x, b.y, width, attr(a.id), attr(b.id), html(a.name), html(b.name), shared)
        )
    parts.append(Markup('</g><g class="graph-nodes">'))
    for node in graph.nodes:
        x, y, anchor, _ = labels[node.id]
        centre = Markup(" graph-node--centre") if node.id == graph.centre else Markup("")
        parts.append(
            Markup(
                '<a class="graph-node graph-node--{}{}" href="{}" aria-label="{}" data-node="{}">'
                '<title>{} ({}, {})</title><circle cx="{}" cy="{}" r="{}"/>'
                '<text x="{}" y="{}" dy="0.35em" text-anchor="{}">{}</text></a>'
            ).format(
                attr(node.type),
                centre,
                href(node.id),
                attr(node.name),
                attr(node.id),
                html(node.name),
                html(node.type),
                _facts(node.facts),
                node.x,
                node.y,
                node.radius,
                x,
                y,
                anchor,
                html(label(node.name)),
            )
        )
    parts.append(Markup("</g></g></svg>"))
    return Markup("").join(parts)
