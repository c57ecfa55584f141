"""What a view is drawn from, as one key: a rebuild makes the DOT of a view only when
its key is new.

Making the DOT of 4,000 views costs more than reading their pictures back, so the
site keys each view by what its drawing reads rather than by its DOT. The key is a
superset of those inputs, so that it can only err towards making a DOT again, never
towards a stale picture:

- the whole ``registry`` package (its source and data files), the Python and
  ``graphviz`` package versions and the engine's identity: any code change makes
  every DOT again;
- what every view reads: the organisations' roles, every data category, and which
  entries have schema errors (and how many);
- the view, the entity it is about and the page's way back to the site root (links
  are relative);
- each node the view selects: its data in the lineage graph, its entity (every
  field, drawn or not) and its operator's;
- each flow the view selects: its data in the lineage graph, the flow (every field),
  its activity and its contract.

A field no diagram draws (a flow's description) still changes the keys of the views
that show the entity: their DOT is made again, found unchanged in the SVG cache, and
Graphviz does not run.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from registry.core.inventory import Inventory
from registry.outputs.render.views import ViewError, parse_view, select

if TYPE_CHECKING:
    import networkx as nx

_VIEW_KIND = {
    "category": "DataCategory",
    "system": "System",
    "activity": "Activity",
    "organisation": "Organisation",
}
_SOURCES = (".py", ".yaml", ".yml", ".json", ".css", ".js", ".sql")


def code_identity() -> bytes:
    """A digest of the ``registry`` package's files (what draws, and its data), the
    Python version and the ``graphviz`` package's version."""
    import graphviz

    import registry

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version}\0{graphviz.__version__}\0".encode())
    root = Path(registry.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.suffix in _SOURCES and "__pycache__" not in path.parts and path.is_file():
            digest.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape"))
            digest.update(b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


class ViewInputs:
    """Keys of one inventory's views; ``salt`` names the engine that draws them."""

    def __init__(self, inventory: Inventory, salt: str) -> None:
        from registry.lineage.graph import lineage_graph
        from registry.outputs.render.canvas import Canvas

        self.inv = inventory
        self.graph: nx.MultiDiGraph = lineage_graph(inventory)
        self._entities: dict[tuple[str, str], bytes] = {}
        self._nodes: dict[str, bytes] = {}
        self._edges: dict[tuple[str, str, str], bytes] = {}
        roles = Canvas(inventory, self.graph, lambda kind, ident: "").roles
        common = hashlib.blake2b(digest_size=16)
        common.update(code_identity())
        common.update(salt.encode("utf-8", "surrogateescape") + b"\0")
        common.update(repr(sorted(roles.items())).encode())
        for ident in sorted(inventory.categories):
            common.update(self._entity("DataCategory", ident))
        errors = sorted((k, len(v)) for k, v in inventory.schema_errors.items())
        common.update(repr(errors).encode())
        self.common = common.digest()

    def key(self, view: str, prefix: str) -> str | None:
        """The key of ``view`` drawn on a page ``prefix`` away from the root; None for
        a view that cannot be drawn (drawing it says why)."""
        try:
            name, ident = parse_view(view)
            selection = select(self.inv, self.graph, view)
        except ViewError:
            return None
        digest = hashlib.blake2b(digest_size=32)
        digest.update(self.common)
        digest.update(f"{view}\0{prefix}\0".encode("utf-8", "surrogateescape"))
        if ident is not None:
            digest.update(self._entity(_VIEW_KIND[name], ident))
        # What the selection says of itself (a bounded lineage counts the whole one).
        said = repr((selection.title, selection.notes, sorted(selection.focus)))
        digest.update(said.encode("utf-8", "surrogateescape"))
        for node in sorted(selection.nodes):
            digest.update(self._node(node))
        for edge in selection.edges:
            digest.update(self._edge(edge))
        return digest.hexdigest()

    def _entity(self, kind: str, ident: str | None) -> bytes:
        """Every field of one entity as validated (b"-" when there is none)."""
        if ident is None:
            return b"-"
        found = self._entities.get((kind, ident))
        if found is None:
            entity = self.inv.by_kind.get(kind, {}).get(ident)
            text = "-" if entity is None else entity.model_dump_json()
            found = hashlib.blake2b(
                f"{kind}\0{ident}\0{text}".encode("utf-8", "surrogateescape"), digest_size=16
            ).digest()
            self._entities[(kind, ident)] = found
        return found

    def _node(self, key: str) -> bytes:
        found = self._nodes.get(key)
        if found is None:
            data = self.graph.nodes[key]
            digest = hashlib.blake2b(digest_size=16)
            digest.update(f"{key}\0{sorted(data.items())!r}".encode("utf-8", "surrogateescape"))
            digest.update(self._entity(data["kind"], data["id"]))
            digest.update(self._entity("Organisation", data["operator"]))
            found = self._nodes[key] = digest.digest()
        return found

    def _edge(self, edge: tuple[str, str, str]) -> bytes:
        found = self._edges.get(edge)
        if found is None:
            data = self.graph.edges[edge]
            digest = hashlib.blake2b(digest_size=16)
            digest.update(f"{edge!r}\0{sorted(data.items())!r}".encode("utf-8", "surrogateescape"))
            digest.update(self._entity("Flow", edge[2]))
            digest.update(self._entity("Activity", data["activity"]))
            digest.update(self._entity("Contract", data["contract"]))
            found = self._edges[edge] = digest.digest()
        return found
