"""What frames every diagram: Graphviz's settings, and the caption under the picture
with the title, notes (the summary, or why the view was collapsed) and the legend.

The legend is data (:func:`legend_keys`): drawn into the picture here for a diagram
on its own (``ropa graph``), and as HTML beside the picture by the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from registry.outputs.render.labels import html_text
from registry.outputs.render.style import (
    CONTROLLER_FILL,
    FLOW_COLOUR,
    FONT,
    FRAME_COLOUR,
    INVALID_COLOUR,
    PROCESSOR_FILL,
    SPECIAL_COLOUR,
    SPECIAL_FILL,
    SUBJECT_FILL,
    THIRD_COUNTRY_COLOUR,
)

if TYPE_CHECKING:
    from registry.outputs.render.dot import Digraph


def new_digraph(title: str, notes: list[str], keys: list[Key] | None) -> Digraph:
    """An empty diagram, left to right, captioned with its title, notes and legend
    ``keys``; with no keys, uncaptioned (a page says all that around the picture)."""
    from registry.outputs.render.dot import Digraph  # imports graphviz: only to draw

    graph_attr = {"rankdir": "LR", "fontname": FONT, "fontsize": "12"}
    if keys is not None:
        # Title, notes and legend sit in the graph's own label: outside the layout.
        graph_attr.update(label=caption(title, notes, keys), labelloc="b", labeljust="l")
    return Digraph(
        name="lineage",
        graph_attr={
            **graph_attr,
            "nodesep": "0.3",
            "ranksep": "0.5",
            "newrank": "true",
        },
        node_attr={"fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "9", "arrowsize": "0.7"},
    )


@dataclass(frozen=True)
class Key:
    """One line of the legend: a sample drawn as the diagram draws it, and what it means.

    ``sample`` is ``line`` or ``dashed`` (a flow, ``width`` thick), ``frame`` (a box
    outlined ``style``: rounded, dashed or bold), ``box3d`` or ``oval`` (a node's shape).
    """

    sample: str
    text: str
    colour: str = FRAME_COLOUR
    fill: str = "white"
    style: str = "rounded"
    width: int = 1


def legend_keys(*, collapsed: bool, focused: bool = False, invalid: bool = False) -> list[Key]:
    """What a diagram's legend explains: every colour, line and shape it may use
    (``invalid``: it draws entries with schema errors, and the legend says how)."""
    keys = [
        Key(
            "line",
            "flow carrying special categories (Art. 9, criminal data, national ids)",
            SPECIAL_COLOUR,
            width=4,
        ),
        Key("line", "other flow, labelled with the names of its categories", FLOW_COLOUR),
        Key("dashed", "transfer outside the EEA, labelled with its mechanism", FLOW_COLOUR),
        Key("frame", "organisation acting as controller", fill=CONTROLLER_FILL),
        Key("frame", "organisation acting as processor", fill=PROCESSOR_FILL, style="dashed"),
        Key(
            "frame",
            "red frame: outside the EEA (country and adequacy written)",
            THIRD_COUNTRY_COLOUR,
        ),
    ]
    if not collapsed:
        keys += [
            Key("frame", "system storing special categories", fill=SPECIAL_FILL),
            Key("frame", "system"),
            Key("box3d", "organisation receiving data, drawn on its own"),
            Key("oval", "data subjects the data is collected from", fill=SUBJECT_FILL),
        ]
    if focused:
        keys.append(Key("frame", "thick outline: what this page is about", style="bold", width=3))
    if invalid:
        keys.append(
            Key(
                "frame",
                "dashed purple: entry with a schema error, drawn with what validated",
                INVALID_COLOUR,
                style="dashed",
            )
        )
    return keys


def caption(title: str, notes: list[str], keys: list[Key]) -> str:
    """Title, notes and legend as one HTML-like table (ASCII samples: renderers
    measure other glyphs badly)."""

    def bar(colour: str, height: int) -> str:
        return (
            '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
            f'<TD BGCOLOR="{colour}" HEIGHT="{height}" WIDTH="36" FIXEDSIZE="TRUE"></TD>'
            "</TR></TABLE>"
        )

    def frame(key: Key) -> str:
        style = "dashed" if key.style == "dashed" else "rounded"
        return (
            '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
            f'<TD BORDER="{key.width}" STYLE="{style}" COLOR="{key.colour}" '
            f'BGCOLOR="{key.fill}" WIDTH="36" HEIGHT="12" FIXEDSIZE="TRUE"></TD></TR></TABLE>'
        )

    def sample(key: Key) -> str:
        if key.sample == "line":
            return bar(key.colour, key.width)
        if key.sample == "dashed":
            return f'<FONT COLOR="{key.colour}">- - - -</FONT>'
        if key.sample == "frame":
            return frame(key)
        return {"box3d": "3-D box", "oval": "oval"}[key.sample]

    small = '<FONT POINT-SIZE="10">{}</FONT>'
    sample_cell = '<TD ALIGN="CENTER" WIDTH="44" HEIGHT="14" FIXEDSIZE="TRUE">{}</TD>'
    legend = "".join(
        f"<TR>{sample_cell.format(small.format(sample(key)))}"
        f'<TD ALIGN="LEFT">{small.format(html_text(key.text))}</TD></TR>'
        for key in keys
    )
    left = '<BR ALIGN="LEFT"/>'
    heading = f'<FONT POINT-SIZE="14"><B>{html_text(title)}</B></FONT>{left}' + "".join(
        f"{html_text(note)}{left}" for note in notes
    )
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
    # Title and notes beside the legend, each in its own column, so neither stretches
    # the other.
    return (
        f'<{table}<TR><TD ALIGN="LEFT" VALIGN="TOP" BALIGN="LEFT">{heading}</TD>'
        f'<TD WIDTH="24"> </TD><TD ALIGN="LEFT" VALIGN="TOP">{table}'
        f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>{legend}</TABLE>'
        "</TD></TR></TABLE>>"
    )
