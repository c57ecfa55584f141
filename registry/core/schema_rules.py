"""Schema rules: what the loader and the inventory builder refuse.

Declared here, in core, because the code that finds these breaches sits below the
rules layer; ``registry/rules/schema.py`` brings them into the catalogue.
"""

from __future__ import annotations

from registry.core.findings import Severity
from registry.core.rulebook import declare

E = Severity.error


YAML_UNREADABLE = declare(
    code="SCH-001",
    name="yaml-unreadable",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A file is not valid YAML, not UTF-8, too large, or a link out of the inventory.

    The register must be in writing (Art. 30(3)); a file nobody can parse is not.
    Fix the syntax at the line given (tabs are not allowed for indentation; save
    files as UTF-8; split files over 64 MiB).
    """,
)


COMPLEX_KEY = declare(
    code="SCH-002",
    name="complex-key",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A mapping key is itself a list or a mapping.

    Keys are field names: write them as plain words.
    """,
)


DUPLICATE_KEY = declare(
    code="SCH-003",
    name="duplicate-key",
    severity=E,
    article="Art. 30(3)",
    doc="""
    The same key appears twice in one mapping.

    YAML parsers silently keep the last value, so one of the two would be lost.
    Merge the two entries into one.
    """,
)


ALIAS = declare(
    code="SCH-004",
    name="alias",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A YAML anchor, alias or merge key (`&`, `*`, `<<`) is used.

    They are refused so that an alias bomb cannot exhaust memory and every value
    is written where it applies. Write the values out.
    """,
)


TAG = declare(
    code="SCH-005",
    name="tag",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A YAML tag such as `!!python/object` is used.

    No tag ever builds an object; remove the tag and write a plain value.
    """,
)


TOO_DEEP = declare(
    code="SCH-006",
    name="too-deep",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A document nests more than 64 levels deep.

    No inventory kind needs that depth; flatten the document.
    """,
)


UNKNOWN_KIND = declare(
    code="SCH-007",
    name="unknown-kind",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A document has no `kind`, or one that does not exist.

    Kinds are Organisation, DataCategory, DataSubject, System, Activity, Flow,
    Contract and Waiver; the message suggests the nearest one.
    """,
)


UNKNOWN_FIELD = declare(
    code="SCH-008",
    name="unknown-field",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A field that the kind does not define.

    Unknown fields are errors, not ignored: a misspelt `retention` would
    otherwise vanish. `ropa schema` lists every field; fix the spelling.
    """,
)


INVALID_VALUE = declare(
    code="SCH-009",
    name="invalid-value",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A value of the wrong type or form: a bad date, duration, country, id or enum.

    Dates are YYYY-MM-DD, periods ISO 8601 (`P10Y`), countries ISO 3166-1
    alpha-2 (`FR`), ids kebab-case; the message lists the allowed values.
    """,
)


MISSING_FIELD = declare(
    code="SCH-010",
    name="missing-field",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A field the kind cannot do without (such as `id`, `name` or a flow's `to`).

    Add the field named in the message.
    """,
)


DUPLICATE_ID = declare(
    code="SCH-011",
    name="duplicate-id",
    severity=E,
    article="Art. 30(3)",
    doc="""
    Two entities of one kind share an id, or differ only by case or look-alikes.

    References would be ambiguous; rename one of them.
    """,
)


DANGLING_REFERENCE = declare(
    code="SCH-012",
    name="dangling-reference",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A reference names an id that no entity of the expected kind has.

    The message suggests the nearest existing id; fix the reference or declare
    the missing entity.
    """,
)


NOT_A_MAPPING = declare(
    code="SCH-013",
    name="not-a-mapping",
    severity=E,
    article="Art. 30(3)",
    doc="""
    A YAML document is a list or a plain value instead of a mapping, or a file is empty.

    Each document describes one entity: `kind: …`, `id: …` and its fields.
    Delete files that hold no document.
    """,
)
