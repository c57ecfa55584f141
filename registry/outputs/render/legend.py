"""What frames every diagram: Graphviz's settings, and the caption under the picture
with the title, notes (the summary, or why the view was collapsed) and the legend.
"""

from __future__ import annotations

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
    THIRD_COUNTRY_COLOUR,
)

if TYPE_CHECKING:
    import graphviz


def new_digraph(
    title: str, notes: list[str], *, collapsed: bool = False, invalid: bool = False
) -> graphviz.Digraph:
    """An empty diagram: left to right, captioned with its title, notes and legend
    (``invalid``: it draws entries with schema errors, and the legend says how)."""
    import graphviz

    return graphviz.Digraph(
        name="lineage",
        graph_attr={
            "rankdir": "LR",
            "fontname": FONT,
            "fontsize": "12",
            # Title, notes and legend sit in the graph's own label: outside the layout.
            "label": caption(title, notes, collapsed, invalid),
            "labelloc": "b",
            "labeljust": "l",
            "nodesep": "0.35",
            "ranksep": "0.7",
            "newrank": "true",
        },
        node_attr={"fontname": FONT, "fontsize": "11"},
        # decorate: a line ties each label to its edge when dot places it away.
        edge_attr={"fontname": FONT, "fontsize": "9", "arrowsize": "0.7", "decorate": "true"},
    )


def caption(title: str, notes: list[str], collapsed: bool, invalid: bool = False) -> str:
    """Title, notes and legend as one HTML-like table (ASCII samples: renderers
    measure other glyphs badly)."""

    def bar(colour: str, height: int) -> str:
        return (
            '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
            f'<TD BGCOLOR="{colour}" HEIGHT="{height}" WIDTH="36" FIXEDSIZE="TRUE"></TD>'
            "</TR></TABLE>"
        )

    def frame(style: str, fill: str, colour: str = FRAME_COLOUR) -> str:
        return (
            '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
            f'<TD BORDER="1" STYLE="{style}" COLOR="{colour}" BGCOLOR="{fill}" '
            'WIDTH="36" HEIGHT="12" FIXEDSIZE="TRUE"></TD></TR></TABLE>'
        )

    rows = [
        (
            bar(SPECIAL_COLOUR, 4),
            "flow carrying special categories (Art. 9, criminal data, national ids)",
        ),
        (bar(FLOW_COLOUR, 1), "other flow, labelled with its categories"),
        (
            f'<FONT COLOR="{FLOW_COLOUR}">- - - -</FONT>',
            "transfer outside the EEA, labelled with its mechanism",
        ),
        (frame("rounded", CONTROLLER_FILL), "organisation acting as controller"),
        (frame("dashed", PROCESSOR_FILL), "organisation acting as processor"),
        (
            frame("rounded", "white", THIRD_COUNTRY_COLOUR),
            "red frame: outside the EEA (country and adequacy written)",
        ),
    ]
    if not collapsed:
        rows += [
            (frame("rounded", SPECIAL_FILL), "system storing special categories"),
            ("box", "system; 3-D box: organisation receiving data"),
            ("oval", "data subjects the data is collected from"),
        ]
    if invalid:
        rows.append(
            (
                frame("dashed", "white", INVALID_COLOUR),
                "dashed purple: entry with a schema error, drawn with what validated",
            )
        )
    small = '<FONT POINT-SIZE="10">{}</FONT>'
    sample_cell = '<TD ALIGN="CENTER" WIDTH="44" HEIGHT="14" FIXEDSIZE="TRUE">{}</TD>'
    legend = "".join(
        f"<TR>{sample_cell.format(small.format(sample))}"
        f'<TD ALIGN="LEFT">{small.format(html_text(text))}</TD></TR>'
        for sample, text in rows
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
