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

    Does not fire for files the inventory does not read: names not ending in
    `.yaml` or `.yml`, and hidden files and folders (starting with `.`). Nor for a
    UTF-8 file with a byte order mark, or UTF-16/32 with one (YAML allows them), a
    tab inside a value rather than in the indentation, or a symbolic link to a file
    inside the inventory (it is read; only links out of it are refused).
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

    Does not fire for a key that is a plain value other than text (a number,
    `true`): YAML can hold it, and the model then refuses it as a field name
    (SCH-009).
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

    Does not fire for the same key in two different mappings (an `email` in both
    `contact` and `dpo`) or in two documents of one file: each is its own place.
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

    Does not fire for `&` or `*` inside a value (`R&D`, `a *draft* note`), nor at
    the start of a quoted one (`"*draft*"`): only an anchor or alias where YAML
    reads one is refused. A quoted `"<<"` key is not a merge key but a field name,
    which the model refuses (SCH-008).
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

    Does not fire for the tags that only say what the value already is: `!!str`
    (`!!str 123` is the text "123"), `!!map`, `!!seq` and the non-specific `!`.
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

    Does not fire at 64 levels or fewer; no kind of the model nests more than a few.
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

    Does not fire for a document that is not a mapping (SCH-013 says so). Kinds are
    written exactly: `kind: system` fires, suggesting `System`.
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

    Does not fire for a field the kind defines that is left out, or given a wrong
    value: those are SCH-010 and SCH-009, or, for what the GDPR requires, the rule
    that enforces it. Field names are exact: `Retention` is unknown.
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

    Does not fire for values YAML 1.1 would have turned into something else: `NO`
    stays the country Norway, and a date reads the same quoted or not. Booleans are
    `true` and `false` (YAML 1.2): `yes` and `on` are text and fire on a boolean
    field.
    An entity with this error is left out of the other rules' judgement, and
    references to it are not dangling (no SCH-012), so one error is reported once.
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

    Does not fire for what the GDPR requires of the record but the schema leaves
    optional (a purpose, its legal basis, retention, security): the rule that
    enforces it reports its absence with its article (R30-003, LAW-001, R30-007,
    R30-008…), rather than a bare schema error.
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

    Does not fire for one id in two kinds (a System and an Organisation both `lis`:
    each reference says which kind it names), nor for an inventory entry that
    redefines a category of the default taxonomy (`identity`): the inventory's own
    definition replaces the built-in one. Of two entities with one id, the first
    read is kept.
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

    Does not fire for a reference to an entity that exists but failed validation
    (its own schema error is the finding, so one error does not cascade), nor for
    the default taxonomy's categories, which every inventory has. A waiver's `rule`
    and `entity` are not references: WAV-003 judges them.
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

    Does not fire for an empty document (`---` with nothing after it, or `~`) in a
    file that holds others: it describes nothing and is skipped. Files that are not
    read at all (not `*.yaml`/`*.yml`, or hidden) are not judged.
    """,
)
