"""A small inventory for the lineage tests, built as Python data so each test can
vary one thing: a French lab (controller) whose patients' lab results go to its own
LIS, then to a German cloud processor, and from there onward."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SECURE = {
    "encryption_at_rest": True,
    "authentication": "individual",
    "mfa": True,
    "internet_exposed": False,
    "monitoring": True,
    "alert_escalation": True,
}
CLAUSES = {
    c: True
    for c in (
        "documented_instructions",
        "confidentiality",
        "security",
        "sub_processors",
        "data_subject_rights",
        "compliance_assistance",
        "deletion_or_return",
        "audits",
    )
}


def _org(ident: str, name: str, country: str) -> dict[str, Any]:
    return {
        "kind": "Organisation",
        "id": ident,
        "name": name,
        "country": country,
        "address": f"1 street, {country}",
        "dpo": {"name": f"DPO of {name}", "email": f"dpo@{ident}.example"},
    }


def _system(ident: str, operator: str, country: str, stores: list[str]) -> dict[str, Any]:
    return {
        "kind": "System",
        "id": ident,
        "name": ident.replace("-", " ").title(),
        "operator": operator,
        "country": country,
        "stores": [{"category": c, "retention": "P1Y"} for c in stores],
        "security": dict(SECURE),
    }


def _flow(ident: str, activity: str, source: str, to: str, **extra: Any) -> dict[str, Any]:
    flow = {
        "kind": "Flow",
        "id": ident,
        "activity": activity,
        "from": source,
        "to": to,
        "data_categories": ["identity", "lab-results"],
        "data_subjects": ["patients"],
        "encrypted_in_transit": True,
    }
    flow.update(extra)
    return flow


def _activity(ident: str, controller: str, estimated: int) -> dict[str, Any]:
    return {
        "kind": "Activity",
        "id": ident,
        "name": ident.replace("-", " ").capitalize(),
        "controller": controller,
        "purposes": [{"purpose": "run the service", "legal_basis": "contract"}],
        "art9_condition": "health_or_social_care",
        "data_subjects": ["patients"],
        "data_categories": ["identity", "lab-results"],
        "retention": [
            {"category": "identity", "period": "P1Y"},
            {"category": "lab-results", "period": "P1Y"},
        ],
        "estimated_subjects": estimated,
        "dpia": {"reference": "DPIA-1", "date": "2026-01-01"},
    }


def _dpa(ident: str, controller: str, processor: str, **extra: Any) -> dict[str, Any]:
    contract = {
        "kind": "Contract",
        "id": ident,
        "type": "dpa",
        "controller": controller,
        "processor": processor,
        "signed": "2026-01-01",
        "scope": {"data_categories": ["identity", "health"], "data_subjects": ["patients"]},
        "art28_clauses": dict(CLAUSES),
    }
    contract.update(extra)
    return contract


def base() -> dict[str, dict[str, Any]]:
    """Documents by "Kind:id"; a clean chain lab → LIS → cloud."""
    docs = [
        _org("lab", "Lab of Lyon", "FR"),
        _org("cloudco", "CloudCo", "DE"),
        _system("lis", "lab", "FR", ["identity", "lab-results"]),
        _system("cloud-store", "cloudco", "DE", ["identity", "lab-results"]),
        _activity("lab-testing", "lab", 50_000),
        _dpa("dpa-cloudco", "lab", "cloudco"),
        _flow("collect", "lab-testing", "patients", "lis"),
        _flow("to-cloud", "lab-testing", "lis", "cloud-store", contract="dpa-cloudco"),
    ]
    return {f"{d['kind']}:{d['id']}": d for d in docs}


def with_docs(docs: dict[str, dict[str, Any]], *extra: dict[str, Any]) -> dict[str, dict]:
    result = copy.deepcopy(docs)
    for doc in extra:
        result[f"{doc['kind']}:{doc['id']}"] = copy.deepcopy(doc)
    return result


org, system, flow, activity, dpa = _org, _system, _flow, _activity, _dpa


def to_yaml(docs: dict[str, dict[str, Any]]) -> str:
    return "\n---\n".join(
        yaml.safe_dump(d, sort_keys=False, allow_unicode=True) for _, d in sorted(docs.items())
    )


def write(directory: Path, docs: dict[str, dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "inventory.yaml").write_text(to_yaml(docs), encoding="utf-8")
    return directory
