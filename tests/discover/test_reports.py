"""Privado's privado.json and Bearer's privacy report, read as evidence of third parties."""

from __future__ import annotations

import json

from registry.discover.catalogue import shipped_catalogue
from registry.discover.reports import is_report, read_report
from registry.discover.scan import RepoScan

# The shape Privado's SinkExporter writes (sourceType, sinkType, id, name, domains,
# apiUrl, databaseDetails) and its sinkProcessing occurrences.
PRIVADO = {
    "repoName": "shop",
    "privadoCoreVersion": "2.0.0",
    "sinks": [
        {
            "sourceType": "sinks",
            "sinkType": "third_parties",
            "id": "ThirdParties.SDK.Stripe",
            "name": "Stripe",
            "domains": ["stripe.com"],
            "apiUrl": [],
            "databaseDetails": {},
        },
        {
            "sourceType": "sinks",
            "sinkType": "third_parties",
            "id": "ThirdParties.SDK.Acme.Loyalty",
            "name": "Acme Loyalty",
            "domains": ["loyalty.acme.example"],
            "apiUrl": [],
        },
        {
            "sourceType": "sinks",
            "sinkType": "storages",
            "id": "Storages.Postgres.Read",
            "name": "Postgres",
        },
        {
            "sourceType": "sinks",
            "sinkType": "third_parties",
            "id": "ThirdParties.API.api.mixpanel.com",
            "name": "api.mixpanel.com",
            "domains": [],
            "apiUrl": ["https://api.mixpanel.com/track"],
        },
    ],
    "sinkProcessing": [
        {
            "sinkId": "ThirdParties.SDK.Stripe",
            "occurrences": [
                {
                    "sample": "stripe",
                    "lineNumber": 12,
                    "columnNumber": 3,
                    "fileName": "src/pay.js",
                    "excerpt": "...",
                }
            ],
        }
    ],
}

BEARER = {
    "subjects": [{"subject_name": "User", "name": "Email Address", "detection_count": 2}],
    "third_party": [
        {"third_party": "Sentry", "subject_name": "User", "data_types": ["Email Address"]},
        {"third_party": "Amazon AWS APIs", "subject_name": "Unknown", "data_types": ["Unknown"]},
        {"third_party": "Sentry", "subject_name": "Customer", "data_types": ["Fullname"]},
    ],
}


def read(document: dict, name: str) -> RepoScan:
    text = json.dumps(document, indent=2)
    assert is_report(text)
    scan = RepoScan("")
    read_report(text, name, shipped_catalogue(), scan)
    return scan


def test_privado_third_parties_by_name_domain_and_api_url():
    scan = read(PRIVADO, ".privado/privado.json")
    assert [(s.vendor, s.name, s.how, s.detail, s.pos.line) for s in scan.sightings] == [
        ("stripe", "Stripe", "privado", "sink ThirdParties.SDK.Stripe at src/pay.js:12", 8),
        ("acme-loyalty", "Acme Loyalty", "privado", "sink ThirdParties.SDK.Acme.Loyalty", 19),
        ("mixpanel", "Mixpanel", "privado", "sink ThirdParties.API.api.mixpanel.com", 35),
    ]


def test_bearer_third_parties_once_each():
    scan = read(BEARER, "bearer-privacy.json")
    assert [(s.vendor, s.detail, s.pos.line) for s in scan.sightings] == [
        ("sentry", "third party Sentry (Email Address)", 11),
        ("aws", "third party Amazon AWS APIs (Unknown)", 18),
    ]


def test_other_json_is_not_a_report():
    assert not is_report(json.dumps({"name": "x", "dependencies": {}}))
    scan = RepoScan("")
    read_report("{not json", "x.json", shipped_catalogue(), scan)
    assert [p.message[:15] for p in scan.problems] == ["not valid JSON:"]
