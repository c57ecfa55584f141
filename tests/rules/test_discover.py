"""Discovery rules (DSC-001..007): what a repository shows against the baseline register.

Each case writes a small repository (``repo``) beside the perturbed baseline, scans it
as `ropa discover` does and reconciles it with the register.
"""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from registry.core.findings import Finding
from registry.discover.catalogue import shipped_catalogue
from registry.discover.reconcile import reconcile_discovery
from registry.discover.run import register_hosts
from registry.discover.scan import ScanOptions, scan_repository
from registry.pipeline.check import CheckResult
from tests.builder import Case, Edit, Put, assert_finding, assert_no_finding

PORTAL = "systems/portal.yaml"
STRIPE_SDK = '{\n  "dependencies": {\n    "stripe": "^14"\n  }\n}\n'
STRIPE_DEV = '{\n  "devDependencies": {\n    "stripe": "^14"\n  }\n}\n'
STRIPE_ORG = """
    kind: Organisation
    id: stripe
    name: Stripe
    country: US
"""
TO_STRIPE = """
    kind: Flow
    id: payments-to-stripe
    activity: lab-testing
    from: portal
    to: stripe
    data_categories: [identity]
    data_subjects: [patients]
"""


def portal_named(*identifiers: str, country: str = "FR") -> Edit:
    listed = ", ".join(identifiers)
    return Edit(PORTAL, "country: FR\n", f"country: {country}\nidentifiers: [{listed}]\n")


def bucket(region: str, name: str = "lab-portal-archive") -> str:
    return (
        f'provider "aws" {{\n  region = "{region}"\n}}\n'
        f'resource "aws_s3_bucket" "archive" {{\n  bucket = "{name}"\n}}\n'
    )


def database(encrypted: str = "") -> str:
    setting = f"  storage_encrypted = {encrypted}\n" if encrypted else ""
    return (
        'provider "aws" {\n  region = "eu-west-3"\n}\n'
        f'resource "aws_db_instance" "portal" {{\n  identifier = "portal-db"\n{setting}}}\n'
    )


@dataclass(frozen=True)
class DiscoverCase(Case):
    """A case whose findings come from discovering ``repo`` (file name → text) too."""

    repo: dict[str, str] = field(default_factory=dict, compare=False)

    def result(self, check_yaml: Callable[..., CheckResult]) -> CheckResult:
        result = check_yaml(self.files(), self.as_of)
        catalogue = shipped_catalogue()
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "repo"
            for name, text in self.repo.items():
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(textwrap.dedent(text), "utf-8")
            options = ScanOptions(own=register_hosts(result.inventory))
            scan = scan_repository(root, catalogue, options, shown="repo")
        found = reconcile_discovery(result.inventory, catalogue, [scan]).findings
        return replace(result, findings=sorted(result.findings + found, key=Finding.sort_key))

    def assert_triggers(self, check_yaml: Callable[..., CheckResult]) -> Finding:
        return assert_finding(self.result(check_yaml), self.code, self.entity, self.at)

    def assert_near_miss(self, check_yaml: Callable[..., CheckResult]) -> None:
        assert_no_finding(self.result(check_yaml), self.code)


def found(code: str, why: str, repo: dict[str, str], *changes, entity: str, at: str):
    return DiscoverCase(code, why, tuple(changes), entity, at, repo=repo)


def not_found(code: str, why: str, repo: dict[str, str], *changes):
    return DiscoverCase(code, why, tuple(changes), repo=repo)


TRIGGERS = [
    found(
        "DSC-001",
        "payment-sdk-added-to-package-json",
        {"package.json": STRIPE_SDK},
        entity="Service:stripe",
        at="repo/package.json:3:6",
    ),
    found(
        "DSC-001",
        "llm-api-host-in-env-example",
        {".env.example": "OPENAI_URL=https://api.openai.com/v1\n"},
        entity="Service:openai",
        at="repo/.env.example:1:20",
    ),
    found(
        "DSC-002",
        "declared-processor-that-no-flow-reaches",
        {"package.json": STRIPE_SDK},
        Put("organisations/stripe.yaml", STRIPE_ORG),
        entity="Service:stripe",
        at="repo/package.json:3:6",
    ),
    found(
        "DSC-003",
        "archive-bucket-in-us-east-1-for-a-system-hosted-in-france",
        {"infra/main.tf": bucket("us-east-1")},
        portal_named("lab-portal-archive"),
        entity="Store:repo/infra:aws_s3_bucket.archive",
        at="repo/infra/main.tf:4:1",
    ),
    found(
        "DSC-004",
        "database-without-storage-encrypted-for-an-encrypted-system",
        {"main.tf": database()},
        portal_named("portal-db"),
        entity="Store:repo:aws_db_instance.portal",
        at="repo/main.tf:4:1",
    ),
    found(
        "DSC-005",
        "bucket-no-system-names",
        {"main.tf": bucket("eu-west-3")},
        entity="Store:repo:aws_s3_bucket.archive",
        at="repo/main.tf:4:1",
    ),
    found(
        "DSC-006",
        "bucket-in-frankfurt-for-a-system-declared-in-france",
        {"main.tf": bucket("eu-central-1")},
        portal_named("s3://lab-portal-archive"),
        entity="Store:repo:aws_s3_bucket.archive",
        at="repo/main.tf:4:1",
    ),
    found(
        "DSC-007",
        "package-json-cut-short",
        {"package.json": '{"dependencies": {\n'},
        entity="File:repo/package.json",
        at="repo/package.json:2:1",
    ),
]

NEAR_MISSES = [
    not_found("DSC-001", "sdk-only-in-dev-dependencies", {"package.json": STRIPE_DEV}),
    not_found(
        "DSC-001",
        "organisation-known-by-the-legal-entity-as-alias",
        {"package.json": STRIPE_SDK},
        Put(
            "organisations/payments.yaml",
            "kind: Organisation\nid: card-payments\nname: Card payments\n"
            'country: US\naliases: ["Stripe, Inc."]\n',
        ),
    ),
    not_found(
        "DSC-001",
        "api-host-among-an-organisations-identifiers",
        {"src/ai.py": "URL = 'https://api.openai.com/v1'\n"},
        Put(
            "organisations/llm.yaml",
            "kind: Organisation\nid: llm-provider\nname: LLM provider\n"
            "country: US\nidentifiers: [api.openai.com]\n",
        ),
    ),
    not_found(
        "DSC-002",
        "flow-from-the-portal-to-the-processor",
        {"package.json": STRIPE_SDK},
        Put("organisations/stripe.yaml", STRIPE_ORG),
        Put("flows/payments-to-stripe.yaml", TO_STRIPE),
    ),
    not_found(
        "DSC-003",
        "archive-bucket-in-paris",
        {"main.tf": bucket("eu-west-3")},
        portal_named("lab-portal-archive"),
    ),
    not_found(
        "DSC-003",
        "region-from-a-variable-without-default",
        {
            "main.tf": 'variable "region" {}\nprovider "aws" {\n  region = var.region\n}\n'
            'resource "aws_s3_bucket" "archive" {\n  bucket = "lab-portal-archive"\n}\n'
        },
        portal_named("lab-portal-archive"),
    ),
    not_found(
        "DSC-003",
        "system-declares-the-united-states-too",
        {"main.tf": bucket("us-east-1")},
        portal_named("lab-portal-archive", country="[FR, US]"),
    ),
    not_found(
        "DSC-004",
        "storage-encrypted-true",
        {"main.tf": database("true")},
        portal_named("portal-db"),
    ),
    not_found(
        "DSC-005",
        "bucket-named-as-an-s3-uri",
        {"main.tf": bucket("eu-west-3")},
        portal_named("s3://lab-portal-archive"),
    ),
    not_found(
        "DSC-006",
        "system-declares-both-countries",
        {"main.tf": bucket("eu-central-1")},
        portal_named("lab-portal-archive", country="[FR, DE]"),
    ),
    not_found("DSC-007", "package-json-complete", {"package.json": STRIPE_SDK}),
]


@pytest.mark.parametrize("case", TRIGGERS, ids=str)
def test_triggers(case, check_yaml):
    case.assert_triggers(check_yaml)


@pytest.mark.parametrize("case", NEAR_MISSES, ids=str)
def test_near_miss(case, check_yaml):
    case.assert_near_miss(check_yaml)
