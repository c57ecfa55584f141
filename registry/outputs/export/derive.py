"""What the record says that no single YAML field holds: derived from the inventory.

Recipients and transfers come from the activity's flows (the receiving side's
operator and hosting country), the security description from the systems'
``security`` blocks, the location from their hosting countries, the rights from
the lawful bases. Every layout (ICO, CNIL, processor record, full JSON) uses these
same functions, so they never disagree, and the importers parse these same
phrasings back (the tables below are read in both directions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from registry.core.inventory import Inventory
from registry.core.model import Activity, Contract, Flow, Organisation, Security, System
from registry.core.vocabulary import (
    Art9Condition,
    LegalBasis,
    TransferMechanism,
    countries,
)

MECHANISM_WORDS: dict[TransferMechanism, str] = {
    TransferMechanism.adequacy: "adequacy decision",
    TransferMechanism.sccs: "standard contractual clauses",
    TransferMechanism.bcr: "binding corporate rules",
    TransferMechanism.code_of_conduct: "approved code of conduct",
    TransferMechanism.certification: "approved certification",
    TransferMechanism.ad_hoc_clauses: "ad hoc contractual clauses",
    TransferMechanism.derogation_explicit_consent: "derogation: explicit consent",
    TransferMechanism.derogation_contract_with_subject: (
        "derogation: contract with the data subject"
    ),
    TransferMechanism.derogation_contract_in_subject_interest: (
        "derogation: contract in the data subject's interest"
    ),
    TransferMechanism.derogation_public_interest: "derogation: important public interest",
    TransferMechanism.derogation_legal_claims: "derogation: legal claims",
    TransferMechanism.derogation_vital_interests: "derogation: vital interests",
    TransferMechanism.derogation_public_register: "derogation: public register",
    TransferMechanism.derogation_compelling_legitimate_interests: (
        "derogation: compelling legitimate interests"
    ),
}

BASIS_WORDS: dict[LegalBasis, str] = {
    LegalBasis.consent: "consent",
    LegalBasis.contract: "contract",
    LegalBasis.legal_obligation: "legal obligation",
    LegalBasis.vital_interests: "vital interests",
    LegalBasis.public_task: "public task",
    LegalBasis.legitimate_interests: "legitimate interests",
}

ART9_WORDS: dict[Art9Condition, str] = {
    Art9Condition.explicit_consent: "explicit consent",
    Art9Condition.employment_social_protection: "employment, social security and social protection",
    Art9Condition.vital_interests: "vital interests",
    Art9Condition.not_for_profit_body: "not-for-profit body",
    Art9Condition.made_public: "made public by the data subject",
    Art9Condition.legal_claims: "legal claims or judicial acts",
    Art9Condition.substantial_public_interest: "substantial public interest",
    Art9Condition.health_or_social_care: "health or social care",
    Art9Condition.public_health: "public health",
    Art9Condition.archiving_research_statistics: "archiving, research or statistics",
}

# Security phrases, in the order they are written: (field, phrase if true, phrase if false).
SECURITY_PHRASES: list[tuple[str, str, str]] = [
    ("encryption_at_rest", "encrypted at rest", "not encrypted at rest"),
    ("mfa", "multi-factor authentication", "no multi-factor authentication"),
    ("internet_exposed", "exposed to the internet", "not exposed to the internet"),
    ("monitoring", "monitored", "not monitored"),
    ("alert_escalation", "alerts escalated", "no alert escalation"),
    ("backups", "backed up", "no backups"),
    ("access_logging", "access logged", "no access logging"),
]
AUTHENTICATION_PHRASES = {
    "individual": "individual accounts",
    "shared": "shared accounts",
    "none": "no authentication",
}
NO_SECURITY = "security not documented"
NO_CONTRACT = "no contract"
NO_MECHANISM = "no safeguard documented"
DPIA_STATUS_WORDS = {
    "not_required": "not required",
    "planned": "planned",
    "in_progress": "in progress",
    "completed": "completed",
}

# Art. 15-22 rights by lawful basis (ICO guidance "lawful basis interactive guidance").
RIGHTS: list[tuple[str, frozenset[LegalBasis]]] = [
    ("access (Art. 15)", frozenset(LegalBasis)),
    ("rectification (Art. 16)", frozenset(LegalBasis)),
    (
        "erasure (Art. 17)",
        frozenset(LegalBasis) - {LegalBasis.legal_obligation, LegalBasis.public_task},
    ),
    ("restriction (Art. 18)", frozenset(LegalBasis)),
    ("portability (Art. 20)", frozenset({LegalBasis.consent, LegalBasis.contract})),
    ("object (Art. 21)", frozenset({LegalBasis.public_task, LegalBasis.legitimate_interests})),
    ("withdraw consent (Art. 7(3))", frozenset({LegalBasis.consent})),
]


@cache
def country_name(code: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


def basis_text(basis: LegalBasis | None) -> str:
    return f"{basis.article} {BASIS_WORDS[basis]}" if basis else "not documented"


def art9_text(condition: Art9Condition | None) -> str:
    return f"{condition.article} {ART9_WORDS[condition]}" if condition else ""


def mechanism_text(mechanism: TransferMechanism) -> str:
    return f"{MECHANISM_WORDS[mechanism]} ({mechanism.article})"


def contact_parts(name: str, contact, address: str | None = None) -> list[str]:
    """Name, address, e-mail, telephone — the columns of the regulators' header blocks."""
    return [
        name,
        address or (contact.address if contact and contact.address else "") or "",
        (contact.email if contact else None) or "",
        (contact.phone if contact else None) or "",
    ]


def organisation_parts(org: Organisation) -> list[str]:
    return contact_parts(org.name, org.contact, org.address)


def party_rows(org: Organisation, controller: str, dpo: str, representative: str) -> list[list]:
    """The header block's rows, labelled in the template's language: the controller,
    its DPO and its Art. 27 representative, each as name, address, e-mail, telephone."""
    rows: list[list] = [[controller, *organisation_parts(org)]]
    for role, contact in ((dpo, org.dpo), (representative, org.representative)):
        parts = contact_parts(contact.name or "", contact) if contact else ["", "", "", ""]
        rows.append([role, *parts])
    return rows


def contact_line(parts: Iterable[str]) -> str:
    """One line per party in a multi-value cell: ``name; address; e-mail; phone``."""
    return "; ".join(p for p in parts if p)


def _label(inv: Inventory, ident: str) -> str:
    entity = inv.endpoint(ident)
    return entity.label if entity is not None else ident


# --- recipients and transfers --------------------------------------------------


@dataclass(frozen=True, order=True)
class Recipient:
    name: str
    role: str  # processor, controller, joint controller, recipient
    organisation: str  # id


def recipient_of(inv: Inventory, activity: Activity, flow: Flow) -> Recipient | None:
    """The organisation a flow discloses data to, if not the activity's controller."""
    receiver = inv.operator_of(flow.to)
    if receiver is None or receiver == activity.controller:
        return None
    org = inv.organisations.get(receiver)
    name = org.name if org else receiver
    if inv.is_processor_end(flow) == receiver:
        role = "processor"
    elif flow.recipient_role is not None:
        role = flow.recipient_role.value.replace("_", " ")
    elif receiver in activity.joint_controllers:
        role = "joint controller"
    else:
        role = "recipient"
    return Recipient(name, role, receiver)


def hosting_processors(inv: Inventory, activity: Activity) -> set[str]:
    """Organisations running a system the activity uses, for its controllers: processors."""
    controllers = inv.controllers_of(activity)
    return {
        s.operator
        for s in systems_used(inv, activity)
        if s.operator and s.operator not in controllers and s.operator in inv.organisations
    }


def recipients(inv: Inventory, activity: Activity) -> list[Recipient]:
    found = {
        r
        for flow in inv.flows_by_activity.get(activity.id, ())
        if (r := recipient_of(inv, activity, flow))
    }
    found |= {
        Recipient(inv.organisations[o].name, "processor", o)
        for o in hosting_processors(inv, activity)
    }
    return sorted(found)


def recipient_line(recipient: Recipient) -> str:
    return f"{recipient.name} ({recipient.role})"


@dataclass(frozen=True, order=True)
class TransferLine:
    """Data reaching a country outside the EEA: where, to whom, on which safeguard."""

    country: str  # ISO code
    recipient: str  # organisation (or system) name
    mechanism: str  # a TransferMechanism value, or "" when none is documented
    reference: str = ""

    @property
    def country_text(self) -> str:
        return f"{country_name(self.country)} ({self.country}): {self.recipient}"

    @property
    def safeguard(self) -> str:
        if not self.mechanism:
            return NO_MECHANISM
        text = mechanism_text(TransferMechanism(self.mechanism))
        return text + (f": {self.reference}" if self.reference else "")

    @property
    def safeguard_text(self) -> str:
        return f"{self.recipient}: {self.safeguard}"


def _transfer_line(inv: Inventory, country: str | None, end: str, flow: Flow | None):
    lists = countries()
    if not country or not lists.is_third_country(country):
        return None
    receiver = inv.operator_of(end)
    org = inv.organisations.get(receiver or "")
    name = org.name if org else _label(inv, end)
    if flow is not None and flow.transfer is not None:
        return TransferLine(
            country, name, flow.transfer.mechanism.value, flow.transfer.reference or ""
        )
    if lists.adequacy_of(country) is not None and not lists.needs_mechanism(country):
        return TransferLine(country, name, TransferMechanism.adequacy.value)
    return TransferLine(country, name, "")


def transfer_of(inv: Inventory, flow: Flow) -> TransferLine | None:
    """The transfer a flow makes if its receiving side is outside the EEA."""
    country = (flow.transfer.country if flow.transfer else None) or inv.country_of(flow.to)
    return _transfer_line(inv, country, flow.to, flow)


def transfers(inv: Inventory, flows: Iterable[Flow]) -> list[TransferLine]:
    return sorted({t for flow in flows if (t := transfer_of(inv, flow))})


def activity_transfers(inv: Inventory, activity: Activity) -> list[TransferLine]:
    """Transfers by the activity's flows, and by the systems it uses that a processor
    hosts outside the EEA (their safeguard: that of a flow into the system, if any)."""
    flows = inv.flows_by_activity.get(activity.id, [])
    found = set(transfers(inv, flows))
    reached = {f.to for f in flows}
    controllers = inv.controllers_of(activity)
    for system in systems_used(inv, activity):
        if system.id in reached or not system.operator or system.operator in controllers:
            continue
        into = sorted(
            (f for f in inv.flows.values() if f.to == system.id and f.transfer is not None),
            key=lambda f: f.id,
        )
        line = _transfer_line(inv, inv.country_of(system.id), system.id, into[0] if into else None)
        if line is not None:
            found.add(line)
    return sorted(found)


# --- contracts -------------------------------------------------------------------


def contract_for(inv: Inventory, controller: str | None, processor: str, flow: Flow | None):
    """The DPA behind a processor: the flow's own contract, else the one between the parties."""
    if flow is not None and flow.contract and flow.contract in inv.contracts:
        return inv.contracts[flow.contract]
    for ident in sorted(inv.contracts):
        contract = inv.contracts[ident]
        if contract.processor == processor and contract.controller == controller:
            return contract
    return None


def contract_text(contract: Contract | None) -> str:
    if contract is None:
        return NO_CONTRACT
    return contract.document or contract.name or contract.id


def processor_contracts(inv: Inventory, activity: Activity) -> list[str]:
    """``processor: link to contract`` for every processor the activity's flows reach."""
    found: dict[str, Contract | None] = {}
    for flow in inv.flows_by_activity.get(activity.id, ()):
        processor = inv.is_processor_end(flow)
        if processor is not None and found.get(processor) is None:
            found[processor] = contract_for(inv, activity.controller, processor, flow)
    for processor in hosting_processors(inv, activity):
        if found.get(processor) is None:
            found[processor] = contract_for(inv, activity.controller, processor, None)
    lines = set()
    for processor, contract in found.items():
        org = inv.organisations.get(processor)
        lines.add(f"{org.name if org else processor}: {contract_text(contract)}")
    return sorted(lines)


# --- systems: security and location --------------------------------------------


def systems_used(inv: Inventory, activity: Activity) -> list[System]:
    used = [inv.systems[s] for s in inv.systems_of(activity) if s in inv.systems]
    return sorted(used, key=lambda s: (s.name, s.id))


def security_phrases(security: Security | None) -> list[str]:
    if security is None:
        return []
    phrases = []
    for name, yes, no in SECURITY_PHRASES[:1]:
        value = getattr(security, name)
        if value is not None:
            phrases.append(yes if value else no)
    if security.authentication is not None:
        phrases.append(AUTHENTICATION_PHRASES[security.authentication.value])
    for name, yes, no in SECURITY_PHRASES[1:]:
        value = getattr(security, name)
        if value is not None:
            phrases.append(yes if value else no)
    return phrases + list(security.measures)


def security_line(system: System) -> str:
    phrases = security_phrases(system.security)
    return f"{system.name}: " + ("; ".join(phrases) if phrases else NO_SECURITY)


def location_line(system: System, inv: Inventory) -> str:
    country = inv.country_of(system.id)
    return f"{system.name} ({country})" if country else f"{system.name} (country not documented)"


# --- lawfulness --------------------------------------------------------------------


def rights(activity: Activity) -> list[str]:
    bases = {p.legal_basis for p in activity.purposes if p.legal_basis}
    lines = [text for text, applies in RIGHTS if bases & applies]
    if activity.automated_decisions:
        lines.append("not to be subject to automated decision-making (Art. 22)")
    return lines


def aligned(activity: Activity, attribute: str) -> list[str]:
    """One line per purpose (``—`` where empty), or nothing when no purpose has it."""
    values = [getattr(p, attribute) for p in activity.purposes]
    if not any(values):
        return []
    return [v or "—" for v in values]


def retention_lines(inv: Inventory, activity: Activity) -> list[str]:
    return [f"{_label_category(inv, r.category)}: {r}" for r in activity.retention]


def _label_category(inv: Inventory, ident: str) -> str:
    category = inv.categories.get(ident)
    return category.name if category else ident


def category_names(inv: Inventory, idents: Iterable[str]) -> list[str]:
    return [_label_category(inv, i) for i in idents]


def subject_names(inv: Inventory, idents: Iterable[str]) -> list[str]:
    return [inv.subjects[i].name if i in inv.subjects else i for i in idents]


def dpia_required(activity: Activity) -> str:
    if activity.dpia is None:
        return ""
    return "No" if activity.dpia.status == "not_required" else "Yes"


def dpia_progress(activity: Activity) -> str:
    dpia = activity.dpia
    if dpia is None:
        return ""
    parts = []
    if dpia.status and dpia.status != "not_required":
        parts.append(DPIA_STATUS_WORDS[dpia.status])
    if dpia.date:
        parts.append(f"on {dpia.date.isoformat()}")
    if dpia.reference:
        parts.append(f"(ref. {dpia.reference})")
    return " ".join(parts)


def processor_ends(inv: Inventory) -> dict[str, list[Flow]]:
    """Each processor → the flows that hand it data (one pass over the flows)."""
    ends: dict[str, list[Flow]] = {}
    for flow in inv.flows.values():
        processor = inv.is_processor_end(flow)
        if processor is not None:
            ends.setdefault(processor, []).append(flow)
    return ends


def controllers_served(
    inv: Inventory, processor: str, ends: dict[str, list[Flow]] | None = None
) -> dict[str, list[Activity]]:
    """Art. 30(2): each controller a processor acts for, with the activities concerned.

    ``ends`` is :func:`processor_ends`, passed in when asking for many processors.
    """
    served: dict[str, set[str]] = {}
    for flow in (ends if ends is not None else processor_ends(inv)).get(processor, ()):
        activity = inv.activities.get(flow.activity)
        if activity and activity.controller:
            served.setdefault(activity.controller, set()).add(activity.id)
    for system in inv.systems.values():
        if system.operator == processor:
            for activity in inv.activities_by_system.get(system.id, ()):
                if activity.controller and activity.controller != processor:
                    served.setdefault(activity.controller, set()).add(activity.id)
    for contract in inv.contracts.values():
        # A sub-processing contract's "controller" is the processor that engaged this one:
        # the controllers served come from that contract's activities instead.
        if contract.type == "sub_processing" and contract.processor == processor:
            for ident in contract.scope.activities if contract.scope else ():
                activity = inv.activities.get(ident)
                if activity and activity.controller:
                    served.setdefault(activity.controller, set()).add(ident)
            continue
        if contract.processor == processor and contract.controller:
            scoped = set(contract.scope.activities) if contract.scope else set()
            served.setdefault(contract.controller, set()).update(
                a for a in scoped if a in inv.activities
            )
    return {
        c: sorted((inv.activities[a] for a in ids), key=lambda a: a.id)
        for c, ids in sorted(served.items())
    }


def processors(inv: Inventory) -> list[str]:
    found = {c.processor for c in inv.contracts.values() if c.processor}
    found |= set(processor_ends(inv))
    return sorted(p for p in found if p in inv.organisations)


def controllers(inv: Inventory) -> list[str]:
    return sorted(
        {a.controller for a in inv.activities.values() if a.controller in inv.organisations}
    )
