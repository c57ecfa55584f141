"""Edges: the flows, one by one in a detailed view, merged between parties when collapsed.

A flow is labelled with the names of the categories it carries (special ones first)
and, when it leaves the EEA, with its transfer mechanism; its tooltip names the flow,
its activity and contract, and its link leads to the flow's page (or, for merged
flows, the receiving party's page).

The label is a node of its own on the flow's path (``u -> label -> v``, the label
node titled ``Flow/ID`` and of class ``flow``), not a Graphviz edge label: dot
never lets two nodes overlap, while it places edge labels of edges that cross
cluster frames, or join nodes of one rank, over each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from registry.core.vocabulary import TransferMechanism, countries
from registry.core.wording import MECHANISM_WORDS
from registry.outputs.render.canvas import Canvas
from registry.outputs.render.labels import (
    category_lines,
    category_names,
    counted,
    dot_name,
    dot_text,
    is_transfer,
    tooltip_text,
    wrap,
)
from registry.outputs.render.style import (
    FLOW_COLOUR,
    INVALID_COLOUR,
    INVALID_NOTE,
    LABEL_COLOUR,
    SPECIAL_COLOUR,
    THIRD_COUNTRY_COLOUR,
)

if TYPE_CHECKING:
    import graphviz

FrameOf = Callable[[str], "str | None"]  # node key -> the cluster it is drawn in
PAPER_NOTE = "on paper"  # a flow with `medium: paper`: forms posted or handed in


@dataclass
class Mark:
    """One drawn flow (or several merged): its ends, label lines, tooltip lines, link
    (a quoted DOT string) and look."""

    u: str
    v: str
    name: str  # the label node's graph key: Flow/ID, or Flows/FROM/TO when merged
    label: list[str]
    tooltip: list[str]
    url: str
    special: bool
    fontcolor: str
    dashed: bool
    invalid: bool = False  # a flow with a schema error: its line purple and dashed


def draw_marks(dot: graphviz.Digraph, marks: list[Mark], frame_of: FrameOf) -> None:
    """Each flow as ``u -> label -> v``; a label sits in the frame of its ends when
    both are in the same one (else between frames). Label nodes first, then edges,
    in the order given."""
    by_frame: dict[str | None, list[Mark]] = {}
    for mark in marks:
        frame = frame_of(mark.u)
        by_frame.setdefault(frame if frame == frame_of(mark.v) else None, []).append(mark)
    for frame in sorted(by_frame, key=lambda f: f or ""):
        if frame is None:
            for mark in by_frame[frame]:
                _label_node(dot, mark)
        else:
            # Declaring the same cluster again adds to it (DOT merges subgraphs by name).
            with dot.subgraph(name=frame) as cluster:
                for mark in by_frame[frame]:
                    _label_node(cluster, mark)
    for mark in marks:
        line = {
            "color": INVALID_COLOUR
            if mark.invalid
            else (SPECIAL_COLOUR if mark.special else FLOW_COLOUR),
            "penwidth": "2.5" if mark.special else "1",
            "tooltip": tooltip_text("\n".join(mark.tooltip)),
            "URL": mark.url,
        }
        if mark.dashed:
            line["style"] = "dashed"
        label = dot_name(mark.name)
        dot.edge(dot_name(mark.u), label, arrowhead="none", **line)
        dot.edge(label, dot_name(mark.v), **line)


def _label_node(dot: graphviz.Digraph, mark: Mark) -> None:
    dot.node(
        dot_name(mark.name),
        label=dot_text("\n".join(mark.label)),
        shape="plaintext",
        margin="0.06,0.03",  # the flow's line stops short of the text
        fontsize="9",
        fontcolor=mark.fontcolor,
        tooltip=tooltip_text("\n".join(mark.tooltip)),
        URL=mark.url,
        **{"class": "flow"},
    )


MAX_PARALLEL = 3  # more flows than this between two nodes are drawn as one edge


def flow_edges(
    canvas: Canvas, dot: graphviz.Digraph, edges: list[tuple[str, str, str]], frame_of: FrameOf
) -> None:
    """The flows of a detailed view, in flow id order."""
    # Many flows between the same two nodes (28 labs' copies on one server) are drawn
    # as one edge that counts them; each flow keeps its own edge otherwise.
    parallel: dict[tuple[str, str], list[str]] = {}
    for u, v, flow_id in edges:
        parallel.setdefault((u, v), []).append(flow_id)
    marks = []
    for u, v, flow_id in sorted(edges, key=lambda e: (e[2], e[0], e[1])):
        flows = parallel[(u, v)]
        if len(flows) <= MAX_PARALLEL:
            marks.append(_shared_mark(canvas, u, v, flow_id))
        elif flow_id == min(flows):
            marks.append(merged_mark(canvas, u, v, sorted(flows), by_parent=False))
    draw_marks(dot, marks, frame_of)


_MARKS = "_ropa_flow_marks"  # where an inventory keeps the flow marks drawn from it


def _shared_mark(canvas: Canvas, u: str, v: str, flow_id: str) -> Mark:
    """:func:`flow_mark`, made once per flow and link: a site draws each flow on many
    views (its activity's, its systems', its categories'), from one inventory and
    graph; the mark is read, never changed."""
    kept: dict[tuple[str, str, str, str], Mark] = vars(canvas.inv).setdefault(_MARKS, {})
    key = (u, v, flow_id, canvas.url("Flow", flow_id))
    found = kept.get(key)
    if found is None:
        found = kept[key] = flow_mark(canvas, u, v, flow_id)
    return found


def flow_mark(canvas: Canvas, u: str, v: str, flow_id: str) -> Mark:
    """One flow: the names of its categories, and for a transfer outside the EEA its
    mechanism (or that it has none); red and thick when it carries special categories."""
    inv = canvas.inv
    data = canvas.graph.edges[u, v, flow_id]
    flow = inv.flows[flow_id]
    categories = list(data["categories"])
    target = canvas.graph.nodes[v]
    label = category_lines(inv, categories)
    activity = inv.activities.get(data["activity"])
    tooltip = [
        f"{flow.label} ({data['type']})",
        f"activity: {activity.label if activity else data['activity']}",
        "categories: " + (", ".join(category_names(inv, categories)) or "none declared"),
    ]
    if data["contract"]:
        contract = inv.contracts.get(data["contract"])
        tooltip.append(f"contract: {contract.label if contract else data['contract']}")
    fontcolor = SPECIAL_COLOUR if data["special"] else LABEL_COLOUR
    dashed = is_transfer(canvas.graph.nodes[u]["country"], target["country"])
    if dashed:
        mechanisms = flow.transfer.mechanisms if flow.transfer else ()
        if mechanisms:
            said = f"transfer to {target['country']}: " + ", ".join(
                MECHANISM_WORDS.get(m, str(m)) for m in mechanisms
            )
        elif target["needs_mechanism"]:
            said = f"transfer to {target['country']}: NO MECHANISM"
            fontcolor = THIRD_COUNTRY_COLOUR
        else:
            said = f"transfer to {target['country']}: adequacy decision"
        label += wrap(said)
        tooltip.append(said)
    if data.get("medium") == "paper":  # no network to show: say how it travels
        label.append(PAPER_NOTE)
        tooltip.append(PAPER_NOTE)
    invalid = inv.is_invalid("Flow", flow_id)
    if invalid:
        label.append(INVALID_NOTE)
        tooltip.append(INVALID_NOTE)
        fontcolor = INVALID_COLOUR
    return Mark(
        u,
        v,
        f"Flow:{flow_id}",
        label,
        tooltip,
        canvas.url("Flow", flow_id),
        bool(data["special"]),
        fontcolor,
        dashed or invalid,
        invalid,
    )


def merged_mark(
    canvas: Canvas,
    u: str,
    v: str,
    flows: list[str],
    *,
    by_parent: bool = True,
) -> Mark:
    """Several flows as one edge that counts them, names their categories (their
    top-level parents when ``by_parent``) and how many leave the EEA, and how."""
    from registry.lineage.graph import location, split_key

    inv = canvas.inv
    lists = countries()
    roots: set[str] = set()
    special = False
    transfers, unprotected = 0, 0
    mechanisms: set[TransferMechanism] = set()
    for flow_id in flows:
        flow = inv.flows[flow_id]
        special = special or any(inv.special_of(c) for c in flow.data_categories)
        if by_parent:
            roots.update(inv.category_ancestors.get(c, (c,))[-1] for c in flow.data_categories)
        else:
            roots.update(flow.data_categories)
        country = location(inv.countries_of(flow.to))["country"]
        if is_transfer(location(inv.countries_of(flow.source))["country"], country):
            transfers += 1
            if flow.transfer:
                mechanisms.update(flow.transfer.mechanisms)
            elif lists.needs_mechanism(country):
                unprotected += 1
    categories = sorted(roots)
    kind, ident = split_key(v)
    inside = " inside" if u == v else ""
    label = [f"{counted(flows, 'flow')}{inside}:", *category_lines(inv, categories)]
    if transfers:
        words = sorted(MECHANISM_WORDS.get(m, m) for m in mechanisms)
        label += wrap(f"{transfers} leaving the EEA" + (f": {', '.join(words)}" if words else ""))
        if unprotected:
            label.append(f"{unprotected} with NO MECHANISM")
    invalid = sum(1 for f in flows if inv.is_invalid("Flow", f))
    if invalid:
        label.append(f"{invalid} INVALID: schema errors, see their findings")
    shown = [inv.flows[f].label for f in flows[:10]]
    tooltip = [
        f"{counted(flows, 'flow')}: "
        + ", ".join(shown)
        + (f" and {len(flows) - len(shown)} more" if len(flows) > len(shown) else ""),
        "categories: " + ", ".join(category_names(inv, categories)),
    ]
    fontcolor = (
        THIRD_COUNTRY_COLOUR if unprotected else (SPECIAL_COLOUR if special else LABEL_COLOUR)
    )
    if invalid:
        # The line keeps its colour (most of its flows are valid); its text is purple.
        tooltip.append(label[-1])
        fontcolor = INVALID_COLOUR
    return Mark(
        u,
        v,
        f"Flows:{dot_name(u)}>{dot_name(v)}",
        label,
        tooltip,
        canvas.url(kind, ident),
        special,
        fontcolor,
        bool(transfers or invalid),
    )
