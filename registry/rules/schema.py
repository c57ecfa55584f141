"""Schema rules: emitted while loading and validating, documented here."""

from __future__ import annotations

from registry.core.findings import Severity
from registry.rules.base import loader_rule, rule

E = Severity.error


@rule("SCH-001", "yaml-unreadable", E, "Art. 30(3)")
@loader_rule
def yaml_unreadable() -> None:
    """A file is not valid YAML, not UTF-8, too large, or a link out of the inventory.

    The register must be in writing (Art. 30(3)); a file nobody can parse is not.
    Fix the syntax at the line given (tabs are not allowed for indentation; save
    files as UTF-8; split files over 64 MiB).
    """


@rule("SCH-002", "complex-key", E, "Art. 30(3)")
@loader_rule
def complex_key() -> None:
    """A mapping key is itself a list or a mapping.

    Keys are field names: write them as plain words.
    """


@rule("SCH-003", "duplicate-key", E, "Art. 30(3)")
@loader_rule
def duplicate_key() -> None:
    """The same key appears twice in one mapping.

    YAML parsers silently keep the last value, so one of the two would be lost.
    Merge the two entries into one.
    """


@rule("SCH-004", "alias", E, "Art. 30(3)")
@loader_rule
def alias() -> None:
    """A YAML anchor, alias or merge key (`&`, `*`, `<<`) is used.

    They are refused so that an alias bomb cannot exhaust memory and every value
    is written where it applies. Write the values out.
    """


@rule("SCH-005", "tag", E, "Art. 30(3)")
@loader_rule
def tag() -> None:
    """A YAML tag such as `!!python/object` is used.

    No tag ever builds an object; remove the tag and write a plain value.
    """


@rule("SCH-006", "too-deep", E, "Art. 30(3)")
@loader_rule
def too_deep() -> None:
    """A document nests more than 64 levels deep.

    No inventory kind needs that depth; flatten the document.
    """


@rule("SCH-007", "unknown-kind", E, "Art. 30(3)")
@loader_rule
def unknown_kind() -> None:
    """A document has no `kind`, or one that does not exist.

    Kinds are Organisation, DataCategory, DataSubject, System, Activity, Flow,
    Contract and Waiver; the message suggests the nearest one.
    """


@rule("SCH-008", "unknown-field", E, "Art. 30(3)")
@loader_rule
def unknown_field() -> None:
    """A field that the kind does not define.

    Unknown fields are errors, not ignored: a misspelt `retention` would
    otherwise vanish. `ropa schema` lists every field; fix the spelling.
    """


@rule("SCH-009", "invalid-value", E, "Art. 30(3)")
@loader_rule
def invalid_value() -> None:
    """A value of the wrong type or form: a bad date, duration, country, id or enum.

    Dates are YYYY-MM-DD, periods ISO 8601 (`P10Y`), countries ISO 3166-1
    alpha-2 (`FR`), ids kebab-case; the message lists the allowed values.
    """


@rule("SCH-010", "missing-field", E, "Art. 30(3)")
@loader_rule
def missing_field() -> None:
    """A field the kind cannot do without (such as `id`, `name` or a flow's `to`).

    Add the field named in the message.
    """


@rule("SCH-011", "duplicate-id", E, "Art. 30(3)")
@loader_rule
def duplicate_id() -> None:
    """Two entities of one kind share an id, or differ only by case or look-alikes.

    References would be ambiguous; rename one of them.
    """


@rule("SCH-012", "dangling-reference", E, "Art. 30(3)")
@loader_rule
def dangling_reference() -> None:
    """A reference names an id that no entity of the expected kind has.

    The message suggests the nearest existing id; fix the reference or declare
    the missing entity.
    """


@rule("SCH-013", "not-a-mapping", E, "Art. 30(3)")
@loader_rule
def not_a_mapping() -> None:
    """A YAML document is a list or a plain value instead of a mapping, or a file is empty.

    Each document describes one entity: `kind: …`, `id: …` and its fields.
    Delete files that hold no document.
    """
