"""Evidence rules: observed data movements that the register does not explain.

They are found by reconciling evidence of real data movements (OpenLineage events,
connection logs: ``ropa check --observed``) with the register, and
``registry/evidence/reconcile.py`` makes their findings through these objects.
"""

from __future__ import annotations

from registry.core.findings import Severity
from registry.core.rulebook import declare

E, W = Severity.error, Severity.warning


UNDOCUMENTED_FLOW = declare(
    code="LIN-001",
    name="undocumented-flow",
    severity=E,
    article="Art. 30(1)(d), 5(2)",
    doc="""
    Data was observed moving from a system to another endpoint, and no declared flow says so.

    The message names both ends, the evidence file and line, how often the
    movement was seen, and a `Flow` to add, for example
    `{kind: Flow, id: lis-to-billing, activity: lab-testing, from: lis, to: billing}`.
    Check that the movement is legitimate, then declare the flow with its activity
    and data categories; if it is not legitimate, stop it.
    """,
)


UNDOCUMENTED_SYSTEM = declare(
    code="LIN-002",
    name="undocumented-system",
    severity=E,
    article="Art. 30(1)",
    doc="""
    An endpoint seen in the evidence matches no system or organisation of the register.

    Declare the `System` (or the `Organisation`) and list the endpoint under its
    `identifiers` (exact names, hostnames, dataset URIs or glob patterns such as
    `s3://lab-exports/*`), e.g. `{kind: System, id: lab-exports, name: Lab exports,
    identifiers: ["s3://lab-exports"]}`.
    """,
)


UNDOCUMENTED_CATEGORIES = declare(
    code="LIN-003",
    name="undocumented-categories",
    severity=E,
    article="Art. 5(1)(c), 30(1)(c)",
    doc="""
    An observed movement carries data categories that the declared flows between its ends do not.

    The evidence (a CSV `data_categories` column or an OpenLineage `tags` facet
    with key `data_category`) shows more data moving than the register declares:
    add the categories to the flow if the movement is legitimate, otherwise stop
    sending them.
    """,
)


EVIDENCE_UNREADABLE = declare(
    code="LIN-004",
    name="evidence-unreadable",
    severity=E,
    article="Art. 5(2)",
    doc="""
    An evidence file, or one record in it, cannot be read.

    OpenLineage events are JSON (one event a line, or a JSON array) in UTF-8,
    each input and output dataset with a `namespace` and a `name`. Connection
    logs are CSV in UTF-8 with the columns
    `source,target[,data_categories][,observed_at][,count]` (summaries add
    `first_seen,last_seen,connection`); VPC flow logs are space-separated with
    the same number of fields on every line as in their header (or the default
    version 2 layout); firewall exports are CSV whose header names a source and
    a destination; Parquet needs DuckDB (`pip install 'ropa-registry[duckdb]'`).
    Fix the record at the line given; the rest of the file is still reconciled
    where possible.
    """,
)


AMBIGUOUS_IDENTIFIER = declare(
    code="LIN-005",
    name="ambiguous-identifier",
    severity=W,
    article="Art. 30(1)",
    doc="""
    Two systems or organisations claim the same identifier.

    Observed movements through that identifier are attributed to the first (by
    id) only. Keep each hostname, dataset or namespace under one entity.
    """,
)


UNKNOWN_OBSERVED_CATEGORY = declare(
    code="LIN-006",
    name="unknown-observed-category",
    severity=W,
    article="Art. 30(1)(c)",
    doc="""
    The evidence names a data category that the register does not know.

    Categories in evidence are matched to a `DataCategory` by id, name or alias.
    Add the name to the category's `aliases`, or declare the category.
    """,
)


NO_EVIDENCE_READ = declare(
    code="LIN-007",
    name="no-evidence-read",
    severity=E,
    article="Art. 5(2)",
    doc="""
    A configured evidence file gave no data movement at all.

    The file is empty, unreadable, or holds no record with a movement (no
    OpenLineage event with inputs or outputs, no connection-log row), so
    it proves nothing and coverage cannot be measured from it. The summary says
    how many records were read and how many were skipped as unreadable
    (LIN-004 gives each one's line). Point `--observed` (or `observed:` in
    `ropa.yaml`) at the files the pipeline really writes, and fix or remove
    files that hold no movement.
    """,
)


EVIDENCE_INCOMPLETE = declare(
    code="LIN-008",
    name="evidence-incomplete",
    severity=W,
    article="Art. 5(2)",
    doc="""
    Evidence records lack something the OpenLineage spec asks for, and were read without it.

    Real integrations leave out fields the spec requires (`producer`, `eventTime`,
    a run's `runId`) or write facets in their own shape. Only the job and the
    datasets are needed to see a movement, so such events are reconciled all the
    same; one warning per file and kind of gap says how many events it concerns and
    where the first is. Without `runId` a run's START and COMPLETE count as two
    observations; a malformed `symlinks` or `tags` facet is skipped, so the
    dataset is matched by its own name only and its categories are not read. Fix
    the emitter's configuration (or its version) so that the evidence is complete.
    """,
)
