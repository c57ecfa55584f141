"""The vendor catalogue shipped as data: valid against its schema, consistent, extensible."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.core.loader import LoadResult, load_text
from registry.discover.catalogue import (
    ECOSYSTEMS,
    UNKNOWN,
    CatalogueError,
    load_catalogue,
    normalise_package,
    schema_text,
    shipped_catalogue,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "registry" / "data"


def test_the_shipped_schema_is_current():
    path = DATA / "schemas" / "vendors.schema.json"
    assert path.read_text("utf-8") == schema_text(), (
        f"stale: python -m registry.discover.catalogue > {path.relative_to(ROOT)}"
    )


def test_the_catalogue_validates_against_its_json_schema():
    import jsonschema

    result = LoadResult()
    load_text((DATA / "vendors.yaml").read_text("utf-8"), "vendors.yaml", result)
    assert not result.problems
    document = json.loads(json.dumps(result.documents[0].body))
    jsonschema.Draft202012Validator(json.loads(schema_text())).validate(document)


def test_at_least_150_services_across_the_kinds_the_issue_names():
    catalogue = shipped_catalogue()
    assert len(catalogue.vendors) >= 150
    kinds = Counter(vendor.type for vendor in catalogue.vendors.values())
    for kind in (
        "analytics",
        "email",
        "sms",
        "push",
        "payments",
        "error-tracking",
        "logging-apm",
        "crm",
        "support",
        "identity",
        "ai",
        "maps",
        "ads",
    ):
        assert kinds[kind] >= 1, kind


def test_every_entry_says_how_it_is_reached_and_what_it_receives_in_taxonomy_ids():
    taxonomy = set(load_inventory(ROOT / "inventory").categories)
    for vendor in shipped_catalogue().vendors.values():
        reached = (
            vendor.hosts
            or vendor.terraform
            or any(getattr(vendor.packages, e) for e in ECOSYSTEMS)
            or vendor.namespaces
        )
        assert reached, vendor.id
        assert set(vendor.data_categories) <= taxonomy, vendor.id


def test_unknown_facts_are_written_unknown_and_no_dpf_is_claimed_unchecked():
    """The catalogue never asserts a DPF certification without the page that says so,
    the kind of source and the date it was read (no later than the review)."""
    catalogue = shipped_catalogue()
    claims = 0
    for vendor in catalogue.vendors.values():
        if vendor.dpf == UNKNOWN:
            continue
        claims += 1
        assert vendor.dpf.reference.startswith("https://"), vendor.id
        assert vendor.dpf.checked <= catalogue.reviewed, vendor.id
        assert vendor.dpf.updated is None or vendor.dpf.updated <= vendor.dpf.checked
        assert vendor.dpf.source in ("dpf-list", "vendor-statement"), vendor.id
        # a vendor's page is its own word: the claim says so, and that the List decides
        assert "dataprivacyframework.gov" in vendor.dpf.describe(), vendor.id
    assert claims >= 1
    for vendor in catalogue.vendors.values():
        for value in (vendor.dpa, vendor.subprocessors):
            assert value == UNKNOWN or value.startswith("https://"), vendor.id
    known = sum(1 for v in catalogue.vendors.values() if v.legal_entity != UNKNOWN)
    assert known >= 100  # most entries name their legal entity


def test_no_package_or_host_is_claimed_by_two_vendors():
    claims: dict[tuple[str, str], set[str]] = {}
    for vendor in shipped_catalogue().vendors.values():
        for ecosystem in ECOSYSTEMS:
            for name in getattr(vendor.packages, ecosystem):
                key = (ecosystem, normalise_package(ecosystem, name))
                claims.setdefault(key, set()).add(vendor.id)
        for host in vendor.hosts:
            claims.setdefault(("host", host), set()).add(vendor.id)
    shared = {key: ids for key, ids in claims.items() if len(ids) > 1}
    assert not shared


@pytest.mark.parametrize(
    ("ecosystem", "name", "vendor"),
    [
        ("npm", "@sentry/nextjs", "sentry"),
        ("npm", "@aws-sdk/client-s3", "aws"),
        ("pypi", "Sentry_SDK", "sentry"),  # PEP 503 spelling
        ("pypi", "google-cloud-bigquery", "google-cloud"),
        ("go", "github.com/stripe/stripe-go/v76", "stripe"),  # a major version
        ("go", "github.com/aws/aws-sdk-go-v2/service/s3", "aws"),
        ("maven", "io.sentry:sentry-spring-boot-starter-jakarta", "sentry"),
        ("rubygems", "aws-sdk-s3", "aws"),
        ("cargo", "async_stripe", "stripe"),
        ("packagist", "Stripe/Stripe-PHP", "stripe"),
        ("maven", "com.squareup.okhttp3:okhttp", None),  # Square's libraries, not Square
        ("maven", "com.facebook.react:react-android", None),
        ("npm", "react", None),
        ("go", "github.com/stripe/stripe-cli-other", None),  # a prefix, not a path
    ],
)
def test_packages_map_to_vendors(ecosystem, name, vendor):
    assert shipped_catalogue().vendor_of_package(ecosystem, name) == vendor


@pytest.mark.parametrize(
    ("ecosystem", "name", "vendor"),
    [
        ("npm", "@composio/core", "composio"),
        ("pypi", "composio-openai", "composio"),
        ("npm", "@openpanel/nextjs", "openpanel"),
        ("npm", "@unkey/api", "unkey"),
        ("npm", "sendblue", "sendblue"),
        ("packagist", "socialiteproviders/infomaniak", "infomaniak"),
        ("go", "github.com/qiniu/go-sdk/v7", "qiniu"),
        ("go", "github.com/upyun/go-sdk", "upyun"),
        ("go", "github.com/huaweicloud/huaweicloud-sdk-go-obs", "huawei-cloud"),
        ("npm", "oci-objectstorage", "oracle-cloud"),
        ("npm", "oci-common", "oracle-cloud"),
        ("pypi", "oci", "oracle-cloud"),
        ("cargo", "deepgram", "deepgram"),
        ("rubygems", "paypal-sdk-merchant", "paypal"),
        ("rubygems", "paypal-sdk-adaptivepayments", "paypal"),
        ("rubygems", "gmaps4rails", "google-maps"),
        # near misses: the same organisations' or prefixes' other libraries
        ("npm", "@composio/json-schema-to-zod", None),  # a generic converter
        ("npm", "@composio/ao-plugin-runtime-tmux", None),  # a local agent orchestrator
        ("npm", "composio", None),  # another publisher's UI components
        ("npm", "@unkey/cache", None),  # a generic cache library
        ("npm", "oci-registry-client", None),  # the Open Container Initiative's `oci-`
        ("go", "github.com/qiniu/qmgo", None),  # a MongoDB driver
    ],
)
def test_round_6_catalogue_gaps_are_filled(ecosystem, name, vendor):
    assert shipped_catalogue().vendor_of_package(ecosystem, name) == vendor


@pytest.mark.parametrize(
    ("host", "vendor"),
    [
        ("api.stripe.com", "stripe"),
        ("o4505.ingest.us.sentry.io", "sentry"),
        ("maps.googleapis.com", "google-maps"),  # exact beats *.googleapis.com
        ("fcm.googleapis.com", "firebase"),
        ("storage.googleapis.com", "google-cloud"),
        ("mybucket.s3.eu-west-3.amazonaws.com", "aws"),
        ("eu-checkout-live.adyenpayments.com", "adyen"),
        ("API.OpenAI.com", "openai"),
        ("stripe.com", None),  # the vendor's website is not its API
        ("docs.sentry.io", None),
        ("example.org", None),
    ],
)
def test_hosts_map_to_vendors(host, vendor):
    assert shipped_catalogue().vendor_of_host(host) == vendor


def test_a_users_file_adds_entries_and_replaces_shipped_ones(tmp_path):
    own = tmp_path / "vendors.yaml"
    own.write_text(
        "reviewed: 2026-12-01\n"
        "vendors:\n"
        "  - {id: acme-crm, name: Acme CRM, type: crm, legal_entity: Acme SAS, country: FR,\n"
        "     hosts: [api.acme-crm.example], dpf: unknown, dpa: unknown, subprocessors: unknown}\n"
        "  - id: stripe\n"
        "    name: Stripe\n"
        "    type: payments\n"
        "    legal_entity: Stripe, Inc.\n"
        "    country: US\n"
        "    packages: {npm: [stripe]}\n"
        "    dpf: {certified: true, source: dpf-list, checked: 2026-11-30,\n"
        "          reference: 'https://www.dataprivacyframework.gov/list'}\n"
        "    dpa: https://stripe.com/legal/dpa\n"
        "    subprocessors: unknown\n",
        "utf-8",
    )
    catalogue = load_catalogue((own,))
    assert catalogue.vendor_of_host("api.acme-crm.example") == "acme-crm"
    assert catalogue.vendors["stripe"].dpf.certified is True
    assert catalogue.vendor_of_host("api.stripe.com") is None  # replaced whole
    assert len(catalogue.vendors) == len(shipped_catalogue().vendors) + 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reviewed: 2026-12-01\nvendors:\n  - {id: x}\n", "vendors.yaml:3:5: vendors.0.name"),
        (
            "reviewed: 2026-12-01\nvendors:\n  - {id: x, name: X, type: crm, legal_entity: X,\n"
            "     country: France, dpf: unknown, dpa: unknown, subprocessors: unknown}\n",
            "vendors.yaml:4:15: vendors.0.country",
        ),
        ("vendors: [\n", "vendors.yaml:2:1"),
        ("- a\n- b\n", "a catalogue is one mapping"),
        ("reviewed: 2026-12-01\nvendors: []\nextra: 1\n", "extra"),
    ],
)
def test_a_broken_users_file_is_one_error_naming_its_line(tmp_path, text, expected):
    own = tmp_path / "vendors.yaml"
    own.write_text(text, "utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_catalogue((own,))
    message = str(raised.value).replace(str(tmp_path) + "/", "")
    assert expected in message


DPF_ENTRY = (
    "reviewed: 2026-12-01\nvendors:\n  - {id: x, name: X, type: crm, legal_entity: X,\n"
    "     country: US, dpa: unknown, subprocessors: unknown,\n"
    "     dpf: {%s}}\n"
)


@pytest.mark.parametrize(
    ("dpf", "missing"),
    [
        ("certified: true, source: vendor-statement, checked: 2026-12-01", "reference"),
        (
            "certified: true, source: vendor-statement, reference: 'https://x.example/dpa'",
            "checked",
        ),
        ("certified: true, checked: 2026-12-01, reference: 'https://x.example/dpa'", "source"),
        (
            "certified: true, source: rumour, checked: 2026-12-01, reference: 'https://x.example'",
            "source",
        ),
    ],
)
def test_a_dpf_claim_without_its_source_url_kind_or_date_is_refused(tmp_path, dpf, missing):
    own = tmp_path / "vendors.yaml"
    own.write_text(DPF_ENTRY % dpf, "utf-8")
    with pytest.raises(CatalogueError, match=rf"vendors\.0\.dpf\.DpfStatus\.{missing}"):
        load_catalogue((own,))


def test_a_dpf_claim_with_its_source_and_dates_is_read(tmp_path):
    own = tmp_path / "vendors.yaml"
    own.write_text(
        DPF_ENTRY
        % "certified: true, source: vendor-statement, checked: 2026-12-01, updated: 2026-01-05,"
        " reference: 'https://x.example/legal/dta'",
        "utf-8",
    )
    dpf = load_catalogue((own,)).vendors["x"].dpf
    assert (dpf.source, dpf.checked.isoformat(), dpf.updated.isoformat()) == (
        "vendor-statement", "2026-12-01", "2026-01-05",
    )  # fmt: skip
    assert "vendor's own statement" in dpf.describe()
    assert "confirm at https://www.dataprivacyframework.gov/list" in dpf.describe()


def test_a_missing_users_file_cannot_run(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read catalogue"):
        load_catalogue((tmp_path / "absent.yaml",))
