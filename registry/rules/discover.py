"""Discovery rules: services and data stores that a repository shows and the register does not.

``ropa discover`` (or ``discover:`` in ``ropa.yaml``) reads dependency manifests,
hostnames in code and configuration, Terraform and other scanners' reports, and
``registry/discover/reconcile.py`` makes these findings through the objects below.
A service counts as *used* only through a runtime dependency, an API host written in
code or configuration, a Terraform provider or another scanner's report; development,
test, build, optional and indirect dependencies are listed as coverage, never as
findings (half of them would be wrong).
"""

from __future__ import annotations

from registry.core.findings import Severity
from registry.core.rulebook import declare

E, W = Severity.error, Severity.warning


UNDOCUMENTED_SERVICE = declare(
    code="DSC-001",
    name="undocumented-service",
    severity=E,
    article="Art. 30(1)(d), 28(1)",
    doc="""
    A repository uses a service that receives personal data, and the register does not know it.

    The message names the service, its legal entity and country (from ropa's vendor
    catalogue), the file:line that shows it (a dependency, an API host, a Terraform
    provider, another scanner's report) and how many other places do. This is the
    commonest undocumented recipient: an SDK added in a pull request the DPO never
    reads. Check that the service is meant to be used, then declare the recipient,
    for example
    `{kind: Organisation, id: stripe, name: Stripe, country: US, identifiers: [api.stripe.com]}`,
    the `Flow` that sends it data and, for a processor, its DPA (`ropa discover
    --draft DIR` writes these for you to complete).

    An organisation or system documents the service when its id is the catalogue id,
    its `identifiers` name the catalogue id or one of the service's hosts, or its
    name or `aliases` are the service's name, its legal entity or an alias
    ("Stripe, Inc." and "Stripe" are one name: case, punctuation and legal forms are
    ignored).

    Does not fire when the service appears only as a development, test or build
    dependency, an optional extra, or a package pulled in by another one: these are
    listed as "not used at run time". Nor for a host that the register's own
    identifiers claim.
    """,
)


SERVICE_WITHOUT_FLOW = declare(
    code="DSC-002",
    name="service-without-flow",
    severity=E,
    article="Art. 30(1)(d)",
    doc="""
    A repository uses a service that the register knows, but no flow sends data to it.

    The organisation (or system) is declared, yet no `Flow` goes to it, to a system
    it operates or to a system that documents the service: the record lists it among
    no activity's recipients. Declare the flow with its activity and data
    categories, e.g. `{kind: Flow, id: checkout-to-stripe, activity: online-sales,
    from: webshop, to: stripe, data_categories: [identity, financial]}`.

    Does not fire when the service is documented by a system that some flow
    reaches, nor when the repository uses it only at development or build time.
    """,
)


STORE_OUTSIDE_EEA = declare(
    code="DSC-003",
    name="store-outside-eea",
    severity=E,
    article="Art. 44, 30(1)(e)",
    doc="""
    Infrastructure code puts a system's data store outside the EEA; the register says the EEA.

    The store (a bucket, database, queue, warehouse or log group in Terraform, or
    in a `terraform show -json` plan or state) is matched to its system through the
    system's `identifiers` (the bucket or database name, `s3://name`, the Terraform
    address such as `aws_s3_bucket.exports`); its region is mapped to a country by
    the region table shipped with ropa (AWS, GCP, Azure, OVHcloud, Scaleway,
    Hetzner). Move the store into the EEA, or document the transfer: the system's
    `country` and a flow's `transfer` safeguard (Art. 44-49).

    Does not fire when the region is not known from the code (a variable without a
    default, a region the table lacks), nor when the system itself declares a
    country outside the EEA (then the register is not contradicted; see DSC-006).
    """,
)


STORE_UNENCRYPTED = declare(
    code="DSC-004",
    name="store-unencrypted",
    severity=E,
    article="Art. 32(1)(a), 30(1)(g)",
    doc="""
    Infrastructure code leaves a data store unencrypted that the register says is encrypted.

    The system declares `security: {encryption_at_rest: true}`, and the store's
    Terraform switches encryption off (`storage_encrypted = false`,
    `encrypted = false`, `encrypt_at_rest { enabled = false }`,
    `sqs_managed_sse_enabled = false`, `encryption_type = "NONE"`…) or leaves it at
    a provider default that is off (an `aws_db_instance` or `aws_rds_cluster`
    without `storage_encrypted`, a Kinesis stream without `encryption_type`).
    Switch encryption on, or correct the register (Art. 30(1)(g) describes the
    measures really taken).

    Does not fire where the provider encrypts whatever the code says (S3 since
    January 2023, DynamoDB, Cloud Storage, Azure Storage), nor where the default is
    not known from the code alone (an EBS volume under an account-wide default).
    """,
)


UNDOCUMENTED_STORE = declare(
    code="DSC-005",
    name="undocumented-store",
    severity=W,
    article="Art. 30(1)",
    doc="""
    Infrastructure code declares a data store that no system of the register names.

    Name it in a system's `identifiers` (the bucket or database name, `s3://name`,
    `gs://name`, or the Terraform address such as `aws_s3_bucket.exports`), or
    declare the system (`ropa discover --draft DIR` writes one with its region,
    country and encryption). A warning, not an error: a store may hold no personal
    data (static assets, build artefacts); then waive it with that reason
    (`{kind: Waiver, rule: DSC-005, entity: "Store:<its address>", ...}`).

    Does not fire for a store some system names — by its address (`s3://name`), its
    bucket or database name, or its Terraform address among the system's
    `identifiers` — whatever its region or encryption (DSC-003, DSC-004 and DSC-006
    judge those), nor for resources that are not data stores (compute, networks, IAM).
    """,
)


STORE_LOCATION_DIFFERS = declare(
    code="DSC-006",
    name="store-location-differs",
    severity=W,
    article="Art. 30(1)(e), 5(1)(d)",
    doc="""
    Infrastructure code puts a system's data store in a country its system does not declare.

    The region's country is missing from the system's `country` (one country or a
    list): the register's location is wrong or incomplete. Add the country (and
    the region under `regions:` for the reader), or move the store.

    Does not fire when the system declares no country at all (then its location is
    simply not documented yet), nor where DSC-003 already reports the store.
    """,
)


DISCOVERY_UNREADABLE = declare(
    code="DSC-007",
    name="discovery-unreadable",
    severity=W,
    article="Art. 5(2)",
    doc="""
    A manifest, Terraform file, plan or scanner report in the repository cannot be read.

    What it declares is unknown, so services or stores may be missing from the
    discovery. The message says why (invalid JSON, TOML or XML at a line, an HCL
    syntax error, not UTF-8); fix the file, or keep it out of the paths discovered.

    Does not fire for files discovery does not read (documentation, lockfiles of
    ecosystems it does not know, minified bundles), nor for a readable file that
    declares nothing: only a file it tried and failed to parse is reported.
    """,
)
