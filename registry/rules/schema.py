"""Schema rules: emitted while loading and validating, catalogued here.

The rules layer declares none of its own; importing the core declarations puts
them in the catalogue (``ropa rules``, ``ropa explain SCH-…``) beside the others.
"""

from __future__ import annotations

# Declared in core: the loader and the inventory builder that emit them sit below this layer.
from registry.core.schema_rules import (
    ALIAS,
    COMPLEX_KEY,
    DANGLING_REFERENCE,
    DUPLICATE_ID,
    DUPLICATE_KEY,
    INVALID_VALUE,
    MISSING_FIELD,
    NOT_A_MAPPING,
    TAG,
    TOO_DEEP,
    UNKNOWN_FIELD,
    UNKNOWN_KIND,
    YAML_UNREADABLE,
)

__all__ = [
    "ALIAS",
    "COMPLEX_KEY",
    "DANGLING_REFERENCE",
    "DUPLICATE_ID",
    "DUPLICATE_KEY",
    "INVALID_VALUE",
    "MISSING_FIELD",
    "NOT_A_MAPPING",
    "TAG",
    "TOO_DEEP",
    "UNKNOWN_FIELD",
    "UNKNOWN_KIND",
    "YAML_UNREADABLE",
]
