"""The JSON Schema of the inventory, for editors (yaml-language-server, VS Code).

Generated from the pydantic models, so it cannot drift from what `ropa check`
accepts: one schema for every kind, with `kind` as the discriminator. The schema
helps while typing; `ropa check` stays the judge (references, rules).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from registry.core.model import DURATION_PATTERN, KINDS

# Where a repository keeps the schema its YAML files point at (`ropa init` writes it).
SCHEMA_PATH = "schema/ropa.schema.json"


def inventory_schema() -> dict[str, Any]:
    document_type = Annotated[Union[tuple(KINDS.values())], Field(discriminator="kind")]  # noqa: UP007
    schema = TypeAdapter(document_type).json_schema()
    definitions = schema["$defs"]
    # A retention says exactly one of period, until and indefinite (the model's check).
    for name in ("Retention", "CategoryRetention"):
        definitions[name]["oneOf"] = [
            {"required": ["period"]},
            {"required": ["until"]},
            {"required": ["indefinite"], "properties": {"indefinite": {"const": True}}},
        ]
    # It is also written short: `P10Y`, `P3Y after end of contract`, `until account
    # deletion`, `indefinite`. (A vague phrase loads too, with a warning: not offered here.)
    retention = definitions["Retention"]
    definitions["Retention"] = {
        "title": retention.pop("title"),
        "description": retention.pop("description"),
        "anyOf": [
            {
                "type": "string",
                "pattern": DURATION_PATTERN.removesuffix("$") + "( after .+)?$",
                "description": "short form: an ISO 8601 period, optionally `after` an event",
            },
            {
                "type": "string",
                "pattern": "^[Uu]ntil .+$",
                "description": "short form: `until` the event that ends it",
            },
            {
                "type": "string",
                "pattern": "^[Ii]ndefinite(ly)?(: .+)?$",
                "description": "short form: kept indefinitely (`indefinite: <justification>`)",
            },
            retention,
        ],
    }
    # `kind` picks the schema. pydantic writes it as `oneOf` + `discriminator`; as
    # if/then, validators and editors report the wrong field itself, not merely
    # "valid under none of the kinds".
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ropa inventory document",
        "description": (
            "One YAML document of a GDPR Article 30 register kept with ropa. "
            "`ropa check` validates it fully, references and rules included."
        ),
        "type": "object",
        "required": ["kind", "id"],
        "properties": {"kind": {"enum": list(KINDS)}},
        "discriminator": schema["discriminator"],
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": f"#/$defs/{kind}"},
            }
            for kind in KINDS
        ],
        "$defs": definitions,
    }


def render() -> str:
    """The schema as committed and printed: sorted keys, so it diffs cleanly."""
    return json.dumps(inventory_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def modeline(schema_location: str) -> str:
    return f"# yaml-language-server: $schema={schema_location}"
