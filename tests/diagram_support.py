"""Reading diagrams in tests: their structure, what DOT says of one flow, and whether
any two texts overlap where Graphviz placed them."""

from __future__ import annotations

import itertools
import json
import subprocess
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from registry.outputs.render.engine import find_engine

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"


def structure(svg: str) -> dict[str, set]:
    """Node titles, flow (from, to) pairs, cluster titles and link targets of an SVG.

    A flow is drawn through a node of its own that holds its label (class ``flow``,
    titled ``Flow/ID``): ``from -> Flow/ID -> to`` counts as the one pair ``(from, to)``.
    """
    root = ET.fromstring(svg)
    found: dict[str, set] = {"node": set(), "edge": set(), "cluster": set(), "flow": set()}
    halves = []
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class")
        title = group.find(f"{SVG}title")
        if title is None:
            continue
        if kind in ("node", "cluster"):
            found[kind].add(title.text)
        elif kind == "node focus":
            found["node"].add(title.text)
        elif kind == "node flow":
            found["flow"].add(title.text)
        elif kind == "edge":
            halves.append(tuple(title.text.split("->")))
    into = {head: tail for tail, head in halves if head in found["flow"]}
    found["edge"] = {
        (into[tail] if tail in found["flow"] else tail, head)
        for tail, head in halves
        if head not in found["flow"]
    }
    found["href"] = {a.get(XLINK) for a in root.iter(f"{SVG}a") if a.get(XLINK)}
    return found


def _group(svg: str, title: str) -> ET.Element:
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        found = group.find(f"{SVG}title")
        if found is not None and found.text == title:
            return group
    raise AssertionError(f"nothing titled {title!r} in the SVG")


def node_text(svg: str, title: str) -> str:
    """The text of a node (or cluster) as one line: its lines joined by spaces."""
    return " ".join("".join(t.itertext()) for t in _group(svg, title).iter(f"{SVG}text"))


def tooltips(svg: str, title: str) -> set[str]:
    """The tooltips of a node, edge or cluster (its links' titles)."""
    return {a.get(XLINK_TITLE) for a in _group(svg, title).iter(f"{SVG}a") if a.get(XLINK_TITLE)}


def flow_text(dot: str, tail: str, head: str) -> str:
    """Every DOT statement about the flows drawn from ``tail`` to ``head`` (graph keys
    as DOT names, ``System/lis``): both halves of each and its label node."""
    lines = dot.splitlines()
    starts = {line.split('"')[3] for line in lines if line.strip().startswith(f'"{tail}" -> ')}
    ends = {line.split('"')[1] for line in lines if f' -> "{head}"' in line}
    middles = starts & ends
    assert middles, f"no flow drawn from {tail} to {head}"
    return "\n".join(
        line
        for line in lines
        if any(line.strip().startswith(f'"{m}" ') or f'-> "{m}"' in line for m in middles)
    )


@dataclass(frozen=True)
class Text:
    """One line of text Graphviz drew, its box in points (y grows downwards, as in SVG)."""

    owner: str  # the node, edge, cluster or graph whose label it belongs to
    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom


def texts(svg: str, dot: str) -> list[Text]:
    """Every text of the SVG with its box: position, anchor and size as the SVG has
    them, width as Graphviz measured it (its JSON output of the same DOT, which the SVG
    does not carry)."""
    done = subprocess.run(
        [*find_engine(), "-Kdot", "-Tjson"], input=dot.encode(), capture_output=True, check=True
    )
    graph = json.loads(done.stdout)
    widths: dict[tuple[str, float, float], float] = {}
    for item in [graph, *graph.get("objects", []), *graph.get("edges", [])]:
        for key in ("_ldraw_", "_hldraw_", "_tldraw_"):
            for op in item.get(key, []):
                if op["op"] == "T":
                    x, y = op["pt"]
                    widths[(op["text"], x, y)] = op["width"]
    root = ET.fromstring(svg)
    parent = {child: element for element in root.iter() for child in element}
    found = []
    for element in root.iter(f"{SVG}text"):
        owner = element
        while owner.get("class") not in ("node", "node flow", "node focus", "edge", "cluster"):
            if owner not in parent:
                break
            owner = parent[owner]
        title = owner.find(f"{SVG}title")
        words = "".join(element.itertext())
        x, y = float(element.get("x")), float(element.get("y"))
        size = float(element.get("font-size"))
        # the SVG's y axis points down: its y is the JSON's negated
        width = _nearest(widths, words, x, -y)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[
            element.get("text-anchor", "start")
        ]
        found.append(
            Text(
                title.text if title is not None else "graph",
                words,
                (left, y - 0.8 * size, left + width, y + 0.2 * size),
            )
        )
    return found


def _nearest(widths: dict[tuple[str, float, float], float], text: str, x: float, y: float) -> float:
    candidates = [(abs(kx - x) + abs(ky - y), w) for (t, kx, ky), w in widths.items() if t == text]
    assert candidates, f"Graphviz did not measure {text!r}"
    distance, width = min(candidates)
    assert distance < 2, f"{text!r} is not where Graphviz measured it"
    return width


def overlapping(found: list[Text], tolerance: float = 0.5) -> list[tuple[Text, Text]]:
    """Pairs of texts of different labels whose boxes intersect (by more than
    ``tolerance`` points each way)."""
    pairs = []
    for one, two in itertools.combinations(found, 2):
        if one.owner == two.owner:
            continue
        a, b = one.box, two.box
        if (
            a[0] + tolerance < b[2]
            and b[0] + tolerance < a[2]
            and a[1] + tolerance < b[3]
            and b[1] + tolerance < a[3]
        ):
            pairs.append((one, two))
    return pairs
