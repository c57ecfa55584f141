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

    Does not fire when a declared flow from the sending system explains the movement:
    one to the receiving system, or to the organisation that runs it (or, for an
    organisation observed, to a system it runs), under any activity (what it
    carries is LIN-003's question), unless that flow is on paper (`medium: paper`):
    a posted form explains no electronic movement. A network connection (flow logs, firewall
    exports, summaries with `connection: true`) says which side opened it, not which
    way the data went, so a flow either way explains it. Nor does it fire for a
    movement inside one system, nor for one into the register from an organisation
    or an unknown endpoint: the register declares the flows leaving its systems (and
    those collected from data subjects), and an unknown endpoint is LIN-002's.
    Rejected or denied connections and records of zero bytes moved nothing and are
    not movements.
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

    Does not fire for an endpoint that an `identifiers` entry of a System or an
    Organisation names, in any letter case: exactly (a local file's `file:` URI and
    its bare path are one spelling), as a URI prefix ending at `/` or `.` (a bucket
    covers its objects, a database its tables), through a glob, by its host or its
    OpenLineage namespace, as an address inside a CIDR block (`10.20.0.0/16`), or
    through one of a dataset's `symlinks`. Only identifiers are matched, never ids or
    names: an endpoint written like a system's id still fires until that id is
    listed among its identifiers. Endpoints of rejected or empty connections are not
    looked up.
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

    Does not fire when each observed category is declared on a flow between the two
    ends (several flows count together) or is a sub-category of one declared there
    (`lab-results` seen on a flow declaring `health`); a parent category does fire.
    Nor when the evidence names no category, for a movement no flow explains
    (LIN-001 reports it and lists its categories), for a name that matches no
    DataCategory (LIN-006), nor for a movement into the register from outside it.
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

    Does not fire for what reading can do without: fields the OpenLineage spec
    requires but a movement does not need (`producer`, `eventTime`, `runId`) and
    malformed `tags` or `symlinks` facets (LIN-008 counts them), an event's unknown
    fields and facets and a firewall export's other columns (ignored), DatasetEvents
    (metadata about one dataset, no movement), blank lines, a UTF-8 byte order mark,
    nor records that moved nothing (rejected or denied connections, zero bytes,
    `NODATA`). An unknown column in ropa's own CSV layout does fire: a misspelt
    `data_categories` would lose the categories. After 20 unreadable records a file
    is not read on, and one more finding says so.
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

    Does not fire when one entity lists the same identifier twice, nor for
    identifiers that overlap without being the same: an address and the block
    holding it, a prefix and a longer one, or glob patterns (equal ones included).
    Each endpoint goes to the most specific claim (an exact name before a path
    prefix before a namespace), ties to the first owner by kind and id. Identifiers
    are compared in any letter case, and an address block by its network
    (`10.20.1.0/16` is `10.20.0.0/16`).
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

    Does not fire for a category written as the id, the name or one of the `aliases`
    of a DataCategory, in any letter case, the default taxonomy's categories
    included. It fires once per unknown name, whichever movement carried it
    (inbound ones too).
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

    Does not fire when at least one movement was read from the file, even if other
    records are unreadable (each is LIN-004) and even if that movement stays inside
    one system or comes into the register from outside. It does fire for a file
    whose records were read but moved nothing: only rejected or empty connections,
    only DatasetEvents, or runs that started in the file naming only their inputs
    (or only their outputs) and did not finish there. Such a file proves no
    movement either.
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

    Does not fire for events that carry `producer`, `eventTime` and, for a RunEvent,
    `run.runId`, and whose `tags` and `symlinks` facets follow the spec; nor for a
    JobEvent without a `run` (only a RunEvent has a `runId` to give), nor for
    connection logs, network logs and summaries, which the OpenLineage spec does not
    govern. Unknown fields and facets are not gaps: producers add their own freely.
    """,
)
