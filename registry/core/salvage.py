"""What of an invalid entity did validate: the entity without the values that failed.

An entity with a schema error is not dropped: a system whose country is misspelt
still runs, still holds data and still receives flows, and an output that leaves
it out loses data silently (issue 16). The decision, applied by the inventory
builder:

- **No usable id, no entity.** An entity whose ``id`` is missing or not kebab-case
  has no identity: no URL, diagram node or reference can name it. It stays out,
  and its findings name the file and line.
- **Every value that failed is set aside, the rest is kept.** Each error removes the
  value it is about (a wrong field, a list item, a key), or, when a nested part
  (a store, a retention, a review…) lacks a field it cannot do without, that part;
  a list or mapping left empty goes with it. What remains is validated again.
- **A name that failed is replaced by the id**, as every output already labels an
  entity without a name; the record of what was set aside says so.
- **Another required field that failed means no entity**: a flow without a valid
  activity, source or destination, a contract without a type, a waiver without its
  rule or entity have lost what they are about. They stay out, as before.

The entity kept is marked invalid (``Inventory.set_aside`` records what was left
out); the rules do not judge it (``Inventory.judged``), so a value set aside never
becomes a second finding ("no lawful basis" where the basis was misspelt); every
output shows it with what validated and links to its findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from registry.core.model import ONE, SEVERAL, Entity

Path = tuple[Any, ...]  # keys and list indexes into the document, as written
_PASSES = 8  # removals only ever shrink the document: a few passes always settle


@dataclass(frozen=True)
class SetAside:
    """What of an entity did not validate, as dotted paths into its YAML."""

    paths: tuple[str, ...]
    name_is_id: bool = False  # its name failed (or was missing): the id stands in

    @property
    def fields(self) -> set[str]:
        """The top-level fields set aside in whole or in part."""
        return {p.split(".", 1)[0] for p in self.paths}


def salvage(
    model: type[Entity], body: dict, error: ValidationError
) -> tuple[Entity, SetAside] | None:
    """The entity without the values ``error`` is about, or None if it cannot exist."""
    document = _plain(body)
    if not isinstance(document.get("id"), str):
        return None
    removed: set[Path] = set()
    name_is_id = False
    errors = error.errors(include_url=False)
    for _ in range(_PASSES):
        # Every error of a pass is located before any removal: locs count list items
        # as they were when validated.
        paths = []
        for item in errors:
            loc = item["loc"]
            if loc and loc[0] == "id":
                return None
            path = _origin(document, removed, loc)
            if item["type"] == "missing" and not path:
                # A required field of the entity itself is missing (or was set aside).
                if loc != ("name",):
                    return None
                name_is_id = True
            elif not path:  # about the whole entity: nothing to set aside
                return None
            else:
                paths.append(path)
        for path in paths:
            _remove(document, removed, path)
        data = _without(document, removed)
        if name_is_id:
            data["name"] = data["id"]
        try:
            entity = model.model_validate(data)
        except ValidationError as again:
            errors = again.errors(include_url=False)
            continue
        outermost = (p for p in removed if not any(p[:n] in removed for n in range(1, len(p))))
        return entity, SetAside(tuple(sorted(_dotted(p) for p in outermost)), name_is_id)
    return None


def _plain(node: Any) -> Any:
    """A located YAML tree as plain dicts and lists (positions are the builder's)."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _children(node: Any, path: Path, removed: set[Path]) -> Iterator[tuple[Any, Any]]:
    """The (key or index, value) pairs of a mapping or list still present."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    return ((k, v) for k, v in items if (*path, k) not in removed)


def _origin(document: dict, removed: set[Path], loc: tuple) -> Path:
    """The path, in the document as written, of what pydantic's ``loc`` is about.

    ``loc`` counts list items of the document already pruned, and may hold steps of
    its own (a union member, ``[key]`` for a mapping's key, a key that is not a
    string spelt as one): those are skipped. A step that cannot be followed leaves
    the path at the deepest value reached, which is what the error is about.
    """
    node, path = document, ()
    for step in loc:
        if step in (ONE, SEVERAL):  # the branch of a field written one way or as a list
            continue
        found = None
        if isinstance(node, dict):
            for key, value in _children(node, path, removed):
                if key == step or (not isinstance(key, str) and str(key) == step):
                    found = key, value
                    break
        elif isinstance(node, list) and isinstance(step, int):
            present = list(_children(node, path, removed))
            if 0 <= step < len(present):
                found = present[step]
        if found is not None:
            path, node = (*path, found[0]), found[1]
    return path


def _remove(document: dict, removed: set[Path], path: Path) -> None:
    """Set ``path`` aside, and each container that is left with nothing in it."""
    removed.add(path)
    while len(path) > 1:
        parent = path[:-1]
        node: Any = document
        for step in parent:
            node = node[step]
        if any(True for _ in _children(node, parent, removed)):
            return
        removed.add(parent)
        path = parent


def _without(node: Any, removed: set[Path], path: Path = ()) -> Any:
    if isinstance(node, dict):
        return {k: _without(v, removed, (*path, k)) for k, v in _children(node, path, removed)}
    if isinstance(node, list):
        return [_without(v, removed, (*path, i)) for i, v in _children(node, path, removed)]
    return node


def _dotted(path: Path) -> str:
    return ".".join(str(step) for step in path)
