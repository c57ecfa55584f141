"""Nodes: systems, organisations and data subjects, each labelled, linked and explained.

A detailed view draws one node per system, receiving organisation or group of data
subjects (:func:`detailed_node`); a collapsed view one per party, an organisation
standing for the systems it runs (:func:`party_node`). Both end in :func:`draw_node`,
so every node is named in bold, linked to its page and given a tooltip the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.core.vocabulary import countries
from registry.outputs.render.canvas import Canvas
from registry.outputs.render.labels import (
    WRAP,
    categories_label,
    counted,
    country_note,
    dot_name,
    html_text,
    tooltip_text,
    wrap,
)
from registry.outputs.render.style import (
    CONTROLLER_FILL,
    FRAME_COLOUR,
    INVALID_COLOUR,
    INVALID_NOTE,
    OTHER_FILL,
    PROCESSOR_FILL,
    SPECIAL_FILL,
    SUBJECT_FILL,
    THIRD_COUNTRY_COLOUR,
)

if TYPE_CHECKING:
    import graphviz


def detailed_node(
    canvas: Canvas, dot: graphviz.Digraph, key: str, *, focused: bool, in_cluster: bool = False
) -> None:
    """A system, receiving organisation or group of data subjects, with what an auditor
    checks about it: its country, special categories stored, encryption, deletion."""
    data = canvas.graph.nodes[key]
    kind, ident = data["kind"], data["id"]
    # Names, not ids: the id is in the tooltip and the linked page.
    lines: list[str] = []
    warn = f'<FONT COLOR="{THIRD_COUNTRY_COLOUR}">{{}}</FONT>'
    attrs: dict[str, str] = {}
    country = data["country"]
    operator = canvas.inv.organisations.get(data["operator"] or "")
    # The cluster already says where its organisation is; repeat only what differs.
    if len(data["countries"]) > 1:  # hosted in several: name each
        note = html_text(" + ".join(country_note(c) for c in data["countries"]))
        lines.append(warn.format(note) if data["third_country"] else note)
    elif country and not (in_cluster and operator and operator.country == country):
        note = html_text(country_note(country))
        lines.append(warn.format(note) if data["third_country"] else note)
    if kind == "System":
        attrs.update(shape="box", style="rounded,filled", fillcolor="white")
        if data["special"]:
            attrs["fillcolor"] = SPECIAL_FILL
            stores = "stores " + categories_label(canvas.inv, data["special"])
            lines += [html_text(line) for line in wrap(stores, WRAP + 8)]
            if not (data["security"] or {}).get("encryption_at_rest"):
                lines.append(warn.format("not encrypted at rest"))
        if data["temporary"]:
            deadline = data["delete_by"]
            lines.append(
                html_text(f"temporary, delete by {deadline}")
                if deadline
                else warn.format("temporary, no deletion date")
            )
    elif kind == "Organisation":
        attrs.update(shape="box3d", style="filled", fillcolor="white")
        role = canvas.role(ident)
        lines.append(html_text("the organisation itself" if in_cluster else role))
    else:
        attrs.update(shape="oval", style="filled", fillcolor=SUBJECT_FILL)
        if data.get("vulnerable"):
            lines.append("vulnerable")
    if data["third_country"]:
        attrs.update(color=THIRD_COUNTRY_COLOUR, penwidth="2")
    if focused:
        # the class lets the site's script open a small screen on what the page is about
        attrs.update(penwidth="3", **{"class": "focus"})
    draw_node(canvas, dot, key, data["name"], "<BR/>".join(lines), attrs)


def party_node(canvas: Canvas, dot: graphviz.Digraph, key: str, system_count: int) -> None:
    """A party of a collapsed view: an organisation, with the number of its systems
    drawn inside it, or a system no organisation of the register runs, or data subjects."""
    from registry.lineage.graph import split_key

    kind, ident = split_key(key)
    inv = canvas.inv
    if kind == "Organisation":
        organisation = inv.organisations[ident]
        role = canvas.role(ident)
        country = organisation.country
        third = bool(country and countries().is_third_country(country))
        lines = [role]
        if country:
            lines.append(country_note(country))
        if system_count:
            lines.append(counted(range(system_count), "system"))
        attrs = {
            "shape": "box",
            "style": "rounded,filled,dashed" if role == "processor" else "rounded,filled",
            "fillcolor": PROCESSOR_FILL
            if role == "processor"
            else (CONTROLLER_FILL if role.startswith("controller") else OTHER_FILL),
            "color": THIRD_COUNTRY_COLOUR if third else FRAME_COLOUR,
            "penwidth": "2" if third else "1",
        }
        name = organisation.name
    else:
        data = canvas.graph.nodes[key]
        name = data["name"]
        lines = []
        third = data["third_country"]
        attrs = {
            "shape": "oval" if kind == "DataSubject" else "box",
            "style": "filled",
            "fillcolor": SUBJECT_FILL,
        }
        if third:
            attrs.update(color=THIRD_COUNTRY_COLOUR, penwidth="2")
    detail = "<BR/>".join(html_text(line) for line in lines)
    draw_node(canvas, dot, key, name, detail, attrs, colour=THIRD_COUNTRY_COLOUR if third else "")


def draw_node(
    canvas: Canvas,
    dot: graphviz.Digraph,
    key: str,
    name: str,
    detail: str,
    attrs: dict[str, str],
    *,
    colour: str = "",
) -> None:
    """A node labelled with its name in bold over ``detail`` (HTML already escaped),
    linked to its page, with a tooltip naming the entity."""
    from registry.lineage.graph import split_key

    kind, ident = split_key(key)
    font_colour = f' COLOR="{colour}"' if colour else ""
    tooltip = f"{kind} {ident}: {name}"
    title = "<BR/>".join(html_text(line) for line in wrap(name, WRAP + 4))
    invalid = ""
    if canvas.inv.is_invalid(kind, ident):
        # Drawn with what validated, dashed, and saying so: its page lists the errors.
        errors = len(canvas.inv.schema_errors[(kind, ident)])
        invalid = f'<BR/><FONT POINT-SIZE="9" COLOR="{INVALID_COLOUR}">{INVALID_NOTE}</FONT>'
        attrs.update(color=INVALID_COLOUR, penwidth="2")
        attrs["style"] = ",".join([*attrs.get("style", "").split(","), "dashed"]).strip(",")
        tooltip += f" ({counted(range(errors), 'schema error')}: see ropa check)"
    attrs["label"] = (
        f"<<B>{title}</B>"
        + (f'<BR/><FONT POINT-SIZE="9"{font_colour}>{detail}</FONT>' if detail else "")
        + invalid
        + ">"
    )
    attrs["URL"] = canvas.url(kind, ident)
    attrs["tooltip"] = tooltip_text(tooltip)
    dot.node(dot_name(key), **attrs)
