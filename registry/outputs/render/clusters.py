"""Clusters: the frames that group the nodes of a detailed view.

Systems sit inside a frame for the organisation that runs them, filled by its role
(controller, processor) and outlined in red outside the EEA; data subjects share a
dotted frame. An organisation that only receives data is a node of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.core.vocabulary import countries
from registry.outputs.render.canvas import Canvas
from registry.outputs.render.labels import TOOLTIP_BACKSLASH, country_note, html_text
from registry.outputs.render.nodes import detailed_node
from registry.outputs.render.style import (
    CONTROLLER_FILL,
    FONT,
    FRAME_COLOUR,
    OTHER_FILL,
    PROCESSOR_FILL,
    THIRD_COUNTRY_COLOUR,
)
from registry.outputs.render.views import Selection

if TYPE_CHECKING:
    import graphviz


SUBJECTS_FRAME = "cluster_data_subjects"


def frames(canvas: Canvas, selection: Selection) -> dict[str, str | None]:
    """The frame (cluster name) each node of a detailed view is drawn in: data subjects
    together, systems inside the organisation that runs them, any other node on its own."""
    graph, inv = canvas.graph, canvas.inv
    # One cluster per organisation running systems in the view; an organisation
    # that only receives data is drawn as a node of its own.
    runs = {
        graph.nodes[k]["operator"]
        for k in selection.nodes
        if graph.nodes[k]["kind"] == "System" and graph.nodes[k]["operator"] in inv.organisations
    }
    found: dict[str, str | None] = {}
    for key in selection.nodes:
        data = graph.nodes[key]
        if data["kind"] == "DataSubject":
            found[key] = SUBJECTS_FRAME
        elif data["operator"] in runs:
            found[key] = f"cluster_{data['operator']}"
        else:
            found[key] = None
    return found


def clustered_nodes(
    canvas: Canvas, dot: graphviz.Digraph, selection: Selection, frame_of: dict[str, str | None]
) -> None:
    """The nodes of a detailed view, each in its frame (see :func:`frames`)."""
    members: dict[str | None, list[str]] = {}
    for key in sorted(selection.nodes):
        members.setdefault(frame_of[key], []).append(key)
    if SUBJECTS_FRAME in members:
        with dot.subgraph(name=SUBJECTS_FRAME) as cluster:
            cluster.attr(
                label="Data subjects",
                labelloc="t",
                style="rounded,dotted",
                color=FRAME_COLOUR,
                fontname=FONT,
                fontsize="11",
            )
            for key in members[SUBJECTS_FRAME]:
                detailed_node(canvas, cluster, key, focused=key in selection.focus)
    owners = sorted(f for f in members if f is not None and f != SUBJECTS_FRAME)
    for frame in owners:
        with dot.subgraph(name=frame) as cluster:
            cluster.attr(**organisation_frame(canvas, frame[len("cluster_") :]))
            for key in members[frame]:
                detailed_node(canvas, cluster, key, focused=key in selection.focus, in_cluster=True)
    for key in members.get(None, []):
        detailed_node(canvas, dot, key, focused=key in selection.focus)


def organisation_frame(canvas: Canvas, ident: str) -> dict[str, str]:
    """The frame of an organisation running systems: filled by its role, red outside
    the EEA, its label linked to the organisation's page."""
    organisation = canvas.inv.organisations[ident]
    role = canvas.role(ident)
    country = organisation.country
    third = bool(country and countries().is_third_country(country))
    fill = {"controller": CONTROLLER_FILL, "processor": PROCESSOR_FILL}.get(
        role, CONTROLLER_FILL if role.startswith("controller and") else OTHER_FILL
    )
    style = "rounded,filled,dashed" if role == "processor" else "rounded,filled"
    details = [role] + ([country_note(country)] if country else [])
    # The link sits on the frame's label only: a link on the whole frame would lie
    # under its systems' own links.
    href = html_text(canvas.url_for("Organisation", ident))
    tooltip = html_text(f"{organisation.name} ({role})".replace("\\", TOOLTIP_BACKSLASH))
    label = (
        # BGCOLOR draws the label's own area, so the whole of it takes the click.
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" HREF="{href}" '
        f'TOOLTIP="{tooltip}" BGCOLOR="{fill}"><TR><TD ALIGN="LEFT">'
        f"<B>{html_text(organisation.name)}</B></TD></TR>"
        '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">'
        f"{html_text(' · '.join(details))}</FONT></TD></TR></TABLE>>"
    )
    return {
        "label": label,
        "style": style,
        "fillcolor": fill,
        "color": THIRD_COUNTRY_COLOUR if third else FRAME_COLOUR,
        "penwidth": "2" if third else "1",
        "fontname": FONT,
        "fontsize": "11",
        "labelloc": "t",
    }
