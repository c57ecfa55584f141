"""Lineage diagrams: views of the graph as Graphviz DOT, and DOT to SVG.

DOT is built with the `graphviz` package; every text from the YAML is escaped for
where it goes (quoted DOT strings, or HTML-like labels), and links are built from
kinds and ids only (:mod:`registry.outputs.urls`), never from YAML text. The same
inventory gives byte-identical DOT: nodes, clusters and edges are emitted sorted.

A view that grows past a threshold is collapsed (systems into their operating
organisation, categories into their top-level parent) and says so in the diagram:
Graphviz's layout time grows much faster than the number of edges.

Where things are: :mod:`.views` (which nodes and flows a view shows, collapsing),
:mod:`.drawing` (a view drawn, detailed or collapsed), :mod:`.nodes`,
:mod:`.edges` and :mod:`.clusters` (what each part looks like), :mod:`.legend`
(caption and legend), :mod:`.labels` (texts and escaping), :mod:`.style` (palette),
:mod:`.canvas` (what a drawing shares, organisation roles), :mod:`.dot` (DOT text,
as the ``graphviz`` package writes it, faster), :mod:`.engine` (DOT → SVG),
:mod:`.cache` (SVG kept by the hash of the DOT) and :mod:`.inputs` (a view's key by
what it is drawn from, so that a rebuild makes no DOT for an unchanged view).
graphviz and networkx are imported only when a diagram is drawn; each name
below is imported from its module when first asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry.outputs.render.cache import SvgCache
    from registry.outputs.render.canvas import UrlFor, organisation_roles
    from registry.outputs.render.drawing import Drawing, view_dot, view_drawing
    from registry.outputs.render.edges import MAX_PARALLEL
    from registry.outputs.render.engine import RenderError, dot_to_svg, find_engine
    from registry.outputs.render.labels import (
        LABEL_CATEGORIES,
        TOOLTIP_BACKSLASH,
        dot_name,
        dot_text,
        html_text,
        is_transfer,
    )
    from registry.outputs.render.legend import Key, legend_keys
    from registry.outputs.render.style import (
        CONTROLLER_FILL,
        FLOW_COLOUR,
        FONT,
        OTHER_FILL,
        PROCESSOR_FILL,
        SPECIAL_COLOUR,
        SPECIAL_FILL,
        THIRD_COUNTRY_COLOUR,
    )
    from registry.outputs.render.views import (
        MAX_COLLAPSED_NODES,
        MAX_EDGES,
        MAX_NODES,
        VIEWS,
        Selection,
        ViewError,
        parse_view,
        select,
    )

# Each name's module, imported when the name is first asked for: the process that
# draws the site's diagrams needs the engine alone, not the views (networkx, the
# inventory's models).
_MODULE_OF = {
    "CONTROLLER_FILL": "style",
    "Drawing": "drawing",
    "FLOW_COLOUR": "style",
    "FONT": "style",
    "Key": "legend",
    "LABEL_CATEGORIES": "labels",
    "MAX_COLLAPSED_NODES": "views",
    "MAX_EDGES": "views",
    "MAX_NODES": "views",
    "MAX_PARALLEL": "edges",
    "OTHER_FILL": "style",
    "PROCESSOR_FILL": "style",
    "RenderError": "engine",
    "SPECIAL_COLOUR": "style",
    "SPECIAL_FILL": "style",
    "Selection": "views",
    "SvgCache": "cache",
    "THIRD_COUNTRY_COLOUR": "style",
    "TOOLTIP_BACKSLASH": "labels",
    "UrlFor": "canvas",
    "VIEWS": "views",
    "ViewError": "views",
    "dot_name": "labels",
    "dot_text": "labels",
    "dot_to_svg": "engine",
    "find_engine": "engine",
    "html_text": "labels",
    "is_transfer": "labels",
    "legend_keys": "legend",
    "organisation_roles": "canvas",
    "parse_view": "views",
    "select": "views",
    "view_dot": "drawing",
    "view_drawing": "drawing",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # asked once
    return value


__all__ = [
    "CONTROLLER_FILL",
    "FLOW_COLOUR",
    "FONT",
    "LABEL_CATEGORIES",
    "MAX_COLLAPSED_NODES",
    "MAX_EDGES",
    "MAX_NODES",
    "MAX_PARALLEL",
    "OTHER_FILL",
    "PROCESSOR_FILL",
    "SPECIAL_COLOUR",
    "SPECIAL_FILL",
    "THIRD_COUNTRY_COLOUR",
    "TOOLTIP_BACKSLASH",
    "VIEWS",
    "Drawing",
    "Key",
    "RenderError",
    "Selection",
    "SvgCache",
    "UrlFor",
    "ViewError",
    "dot_name",
    "dot_text",
    "dot_to_svg",
    "find_engine",
    "html_text",
    "is_transfer",
    "legend_keys",
    "organisation_roles",
    "parse_view",
    "select",
    "view_dot",
    "view_drawing",
]
