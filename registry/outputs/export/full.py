"""The whole resolved register as JSON, for other tools: every entity, every derived field.

Each entity is written with all of its fields (the YAML format's names) plus a
``derived`` object holding what ropa works out from the rest: recipients,
transfers, security description, locations for activities; countries and the
processor for flows; whether contracts are in force on the given date. An entity
with schema errors is written with the fields that validated and an ``invalid``
object naming its errors (rule, message, file:line) and what was set aside. The
document's shape is the pydantic model :class:`Register` below, published as a
JSON Schema in ``registry/data/schemas/register.schema.json``
(``python -m registry.outputs.export.full`` prints it).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from pydantic import BaseModel, ConfigDict

from registry.core.contracts import contract_problem
from registry.core.inventory import Inventory
from registry.core.model import (
    Activity,
    Contract,
    DataCategory,
    DataSubject,
    Dpf,
    Flow,
    Organisation,
    System,
    Waiver,
)
from registry.core.record import ActivityRecord, Record
from registry.outputs.export import derive

FORMAT = "ropa-register"
VERSION = 1
SCHEMA_PATH = "data/schemas/register.schema.json"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecipientOut(_Out):
    organisation: str
    name: str
    role: str


class TransferOut(_Out):
    country: str
    recipient: str
    mechanism: str | None  # the first of `mechanisms` (kept for readers of older exports)
    mechanisms: list[str]
    reference: str | None
    safeguard: str
    certification: Dpf | None  # the recipient's DPF certification, where relied on


class CoverOut(_Out):
    contract: str
    in_force: bool
    problem: str | None
    authorised_by: str | None
    engaged_by: str | None  # a sub-processor: the processor that engaged it
    general_authorisation: bool  # authorised as sub-processor under a general authorisation


class ProcessorOut(_Out):
    organisation: str
    name: str
    contracts: list[CoverOut]


class LocationOut(_Out):
    system: str
    country: str | None
    countries: list[str]


class ActivityDerived(_Out):
    controllers: list[str]
    systems: list[str]
    recipients: list[RecipientOut]
    transfers: list[TransferOut]
    security: list[str]
    locations: list[LocationOut]
    special_categories: list[str]
    rights: list[str]
    processors: list[ProcessorOut]
    processor_contracts: list[str]


class FlowDerived(_Out):
    from_country: str | None
    to_country: str | None
    to_countries: list[str]
    processor: str | None
    third_country: bool


class SystemDerived(_Out):
    country: str | None
    countries: list[str]
    access_countries: list[str]  # third countries it is reached from (accessed_from, operator)
    activities: list[str]


class OrganisationDerived(_Out):
    controller_of: list[str]
    processor_for: list[str]


class CategoryDerived(_Out):
    builtin: bool
    special: str | None
    ancestors: list[str]


class SubjectDerived(_Out):
    builtin: bool


class ContractDerived(_Out):
    in_force: bool


class WaiverDerived(_Out):
    expired: bool


class SchemaErrorOut(_Out):
    rule: str
    message: str
    at: str  # file:line:column


class InvalidOut(_Out):
    """Present on an entity with schema errors: it is written with what validated."""

    errors: list[SchemaErrorOut]
    set_aside: list[str]  # dotted paths of the values that did not validate
    name_is_id: bool  # its name did not validate: the id stands in for it


class OrganisationOut(Organisation):
    derived: OrganisationDerived
    invalid: InvalidOut | None = None


class CategoryOut(DataCategory):
    derived: CategoryDerived
    invalid: InvalidOut | None = None


class SubjectOut(DataSubject):
    derived: SubjectDerived
    invalid: InvalidOut | None = None


class SystemOut(System):
    derived: SystemDerived
    invalid: InvalidOut | None = None


class ActivityOut(Activity):
    derived: ActivityDerived
    invalid: InvalidOut | None = None


class FlowOut(Flow):
    derived: FlowDerived
    invalid: InvalidOut | None = None


class ContractOut(Contract):
    derived: ContractDerived
    invalid: InvalidOut | None = None


class WaiverOut(Waiver):
    derived: WaiverDerived
    invalid: InvalidOut | None = None


class Register(_Out):
    """The full register: ``ropa export --format json``."""

    format: str
    version: int
    as_of: dt.date
    organisations: list[OrganisationOut]
    data_categories: list[CategoryOut]
    data_subjects: list[SubjectOut]
    systems: list[SystemOut]
    activities: list[ActivityOut]
    flows: list[FlowOut]
    contracts: list[ContractOut]
    waivers: list[WaiverOut]


def _dump(entity) -> dict[str, Any]:
    return entity.model_dump(mode="json", by_alias=True)


def _invalid(inv: Inventory, entity) -> dict[str, Any]:
    """``{"invalid": …}`` for an entity with schema errors (written with what validated)."""
    key = (entity.kind, entity.id)
    if not inv.is_invalid(*key):
        return {}
    kept = inv.set_aside.get(key)
    return {
        "invalid": {
            "errors": [
                {"rule": f.rule, "message": f.message, "at": str(f.pos)}
                for f in inv.schema_errors[key]
            ],
            "set_aside": list(kept.paths) if kept else [],
            "name_is_id": bool(kept and kept.name_is_id),
        }
    }


def _activity(inv: Inventory, entry: ActivityRecord) -> dict[str, Any]:
    activity, systems = entry.activity, entry.systems
    specials = sorted(
        {s.value for c in activity.data_categories if (s := inv.special_of(c)) is not None}
    )
    return {
        "controllers": sorted(entry.controllers),
        "systems": [s.id for s in systems],
        "recipients": [
            {"organisation": r.organisation, "name": r.name, "role": r.role}
            for r in entry.recipients
        ],
        "transfers": [
            {
                "country": t.country,
                "recipient": t.recipient,
                "mechanism": t.mechanisms[0] if t.mechanisms else None,
                "mechanisms": list(t.mechanisms),
                "reference": t.reference or None,
                "safeguard": t.safeguard,
                "certification": _dump(t.certification) if t.certification else None,
            }
            for t in entry.transfers
        ],
        "security": [derive.security_line(s) for s in systems],
        "locations": [
            {
                "system": s.id,
                "country": inv.country_of(s.id),
                "countries": list(inv.countries_of(s.id)),
            }
            for s in systems
        ],
        "special_categories": specials,
        "rights": list(entry.rights),
        "processors": [
            {
                "organisation": p.organisation,
                "name": p.name,
                "contracts": [
                    {
                        "contract": c.contract.id,
                        "in_force": c.in_force,
                        "problem": c.problem,
                        "authorised_by": c.authorised_by.id if c.authorised_by else None,
                        "engaged_by": c.engaged_by,
                        "general_authorisation": c.general,
                    }
                    for c in p.covers
                ],
            }
            for p in entry.processors
        ],
        "processor_contracts": derive.processor_lines(entry),
    }


def full_register(record: Record, *, org: str | None = None) -> dict[str, Any]:
    """The register as a JSON-ready dict (every entity, sorted by id, with ``derived``)."""
    from registry.outputs.export import ExportError

    if org is not None:
        raise ExportError(
            "--org applies to the ICO, CNIL and processor layouts, not to the full register"
        )
    inv, as_of = record.inventory, record.as_of
    transfers = (t for row in record.activities.values() for t in row.transfers)
    third_country = {flow for t in transfers for flow in t.flows}

    def items(mapping):
        return [mapping[k] for k in sorted(mapping)]

    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "as_of": as_of.isoformat(),
        "organisations": [],
        "data_categories": [],
        "data_subjects": [],
        "systems": [],
        "activities": [],
        "flows": [],
        "contracts": [],
        "waivers": [],
    }
    for org_ in items(inv.organisations):
        document["organisations"].append(
            _dump(org_)
            | {
                "derived": {
                    "controller_of": sorted(
                        a.id for a in inv.activities.values() if org_.id in inv.controllers_of(a)
                    ),
                    "processor_for": sorted(s.controller for s in record.processors[org_.id].served)
                    if org_.id in record.processors
                    else [],
                }
            }
            | _invalid(inv, org_)
        )
    for category in items(inv.categories):
        special = inv.special_of(category.id)
        document["data_categories"].append(
            _dump(category)
            | {
                "derived": {
                    "builtin": ("DataCategory", category.id) in inv.builtin,
                    "special": special.value if special else None,
                    "ancestors": list(inv.category_ancestors.get(category.id, ())[1:]),
                }
            }
            | _invalid(inv, category)
        )
    for subject in items(inv.subjects):
        document["data_subjects"].append(
            _dump(subject)
            | {"derived": {"builtin": ("DataSubject", subject.id) in inv.builtin}}
            | _invalid(inv, subject)
        )
    for system in items(inv.systems):
        document["systems"].append(
            _dump(system)
            | {
                "derived": {
                    "country": inv.country_of(system.id),
                    "countries": list(inv.countries_of(system.id)),
                    "access_countries": list(inv.access_countries(system.id)),
                    "activities": sorted(a.id for a in inv.activities_by_system.get(system.id, ())),
                }
            }
            | _invalid(inv, system)
        )
    for activity in items(inv.activities):
        entry = record.activities[activity.id]
        document["activities"].append(
            _dump(activity) | {"derived": _activity(inv, entry)} | _invalid(inv, activity)
        )
    for flow in items(inv.flows):
        if flow.transfer is not None and flow.transfer.country:
            to_countries: tuple[str, ...] = (flow.transfer.country,)
        else:
            to_countries = inv.countries_of(flow.to)
        document["flows"].append(
            _dump(flow)
            | {
                "derived": {
                    "from_country": inv.country_of(flow.source),
                    "to_country": to_countries[0] if to_countries else None,
                    "to_countries": list(to_countries),
                    "processor": inv.is_processor_end(flow),
                    "third_country": flow.id in third_country,
                }
            }
            | _invalid(inv, flow)
        )
    for contract in items(inv.contracts):
        in_force = contract_problem(contract, as_of) is None
        document["contracts"].append(
            _dump(contract) | {"derived": {"in_force": in_force}} | _invalid(inv, contract)
        )
    for waiver in items(inv.waivers):
        expired = waiver.expires is not None and waiver.expires < as_of
        document["waivers"].append(
            _dump(waiver) | {"derived": {"expired": expired}} | _invalid(inv, waiver)
        )
    return document


def register_schema() -> dict[str, Any]:
    schema = Register.model_json_schema(mode="serialization", by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ropa full register export"
    return schema


def schema_text() -> str:
    return json.dumps(register_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":  # regenerate the shipped schema: python -m registry.outputs.export.full
    sys.stdout.write(schema_text())
