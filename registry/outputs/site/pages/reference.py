"""The inventory format reference (format.md): every kind, its fields, their types.

Generated from the pydantic models that validate the YAML, so the page cannot drift from
what the loader accepts: each kind, then each nested model it mentions, with every field's
key, a reader's name for its type, whether it is required and what it means.
"""

from __future__ import annotations

import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel

from registry.core.model import KINDS
from registry.outputs.site.markup import lines, table, text
from registry.outputs.site.pages.context import Context


def add_format_reference(ctx: Context) -> None:
    page = "format.md"
    out = ["# Inventory format\n"]
    out.append(
        "Every YAML document has a `kind` and a kebab-case `id`, unique per kind. "
        "References are by id. Unknown fields are errors. Generated from the model that "
        "validates the files.\n"
    )
    seen: set[type[BaseModel]] = set()
    queue: list[type[BaseModel]] = list(KINDS.values())
    while queue:
        model = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        is_kind = model.__name__ in KINDS
        out.append(f"## {'kind: ' if is_kind else ''}{model.__name__}\n")
        doc = (model.__doc__ or "").strip()
        if doc and not doc.startswith("Common to every kind"):
            out.append(lines(doc) + "\n")
        rows = []
        references = getattr(model, "references", {})
        for name, info in model.model_fields.items():
            key = info.alias or name
            kind_type, nested = _type_name(info.annotation, info.metadata)
            queue += [n for n in nested if n not in seen]
            targets = references.get(key)
            if targets:
                kind_type += " → " + " or ".join(targets)
            rows.append(
                [
                    f"`{key}`",
                    text(kind_type),
                    "yes" if info.is_required() else "",
                    text(info.description or ""),
                ]
            )
        out.append(table(["Field", "Type", "Required", "Meaning"], rows))
    ctx.site.add(page, "Inventory format", "\n".join(out))


_VALIDATOR_TYPES = {
    "_check_id": "id",
    "_check_name": "name",
    "_check_text": "text",
    "_check_country": "country (ISO 3166-1 alpha-2)",
    "_check_duration": "ISO 8601 duration",
    "_check_url": "link (https, mailto or path)",
}


def _type_name(annotation: Any, metadata: list | None = None) -> tuple[str, list[type[BaseModel]]]:
    """A reader's name for a field type, and the nested models it mentions."""
    for item in metadata or []:
        func = getattr(getattr(item, "func", None), "__name__", "")
        if func in _VALIDATOR_TYPES:
            return _VALIDATOR_TYPES[func], []
        if func == "<lambda>":
            return "date (YYYY-MM-DD)", []
        if getattr(item, "pattern", None) and "@" in str(item.pattern):
            return "e-mail address", []
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0], list(args[1:]))
    if origin in (typing.Union, __import__("types").UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(p[0] for p in parts), [m for p in parts for m in p[1]]
    if origin is list:
        inner, nested = _type_name(args[0])
        return f"list of {inner}", nested
    if origin is dict:
        key, nested = _type_name(args[0])
        value, more = _type_name(args[1])
        return f"mapping of {key} to {value}", nested + more
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args), []
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return annotation.__name__, [annotation]
        if issubclass(annotation, Enum):
            return "one of " + ", ".join(str(m.value) for m in annotation), []
        if annotation is bool:
            return "true or false", []
        return {"str": "text", "int": "whole number", "date": "date (YYYY-MM-DD)"}.get(
            annotation.__name__, annotation.__name__
        ), []
    return str(annotation), []
