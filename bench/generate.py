"""Seeded generator of realistic synthetic inventories, at any size.

    python bench/generate.py --flows N [--seed S] --out DIR [--fides DIR]

The synthetic organisation is a European healthcare and retail group: a few
subsidiaries (the controllers, one per EEA country), vendors in and outside the
EEA (processors, some of them using sub-processors), the tax authorities payroll
reports to, and per subsidiary a pool of internal systems. Each activity follows
one of a dozen templates (patient care, payroll, recruitment, CRM, marketing,
web analytics, occupational health, background checks...), collects data from
its data subjects into a first system and moves it along ~10 flows through the
subsidiary's systems, a vendor's tenant and sometimes that vendor's
sub-processor. Systems store what their flows bring them; contracts are derived
from the flows that reach processors. Proportions per N flows: ~N/10
activities, ~N/3 systems, N/2000+2 subsidiaries, N/400 vendors. Files are grouped
the way a real repository is: one folder per kind, at most 100 entities per file.

Everything passes ``ropa check`` except a fixed "legacy laboratory" corner that
carries the deliberate findings (the Dedalus case, in miniature), whatever N:

========  ==============================  =============================================
rule      entity                          why
========  ==============================  =============================================
LAW-002   Activity:legacy-lab-results     health data with no Art. 9(2) condition
DPA-001   Flow:lab-results-to-courier     hands lab results to a processor, no contract
TRF-001   Flow:lab-results-to-analytics   to a US processor with no transfer mechanism
SCP-001   Flow:lis-migration-extract      extracts hiv-status, outside its activity
SEC-005   Flow:lis-migration-extract      a migration with no documented procedure
RET-002   System:lis-migration-staging    temporary store with no delete_by
SEC-001   System:lis-migration-staging    special categories not encrypted at rest
SEC-002   System:lis-migration-staging    internet-exposed with no authentication
SEC-004   System:lis-migration-staging    special categories, no monitoring/alerting
SEC-007   System:lis-migration-staging    exposed special categories without MFA
REV-001   System:legacy-lis               review overdue (waived by legacy-lis-review)
WAV-002   Waiver:old-courier-exception    expired waiver
========  ==============================  =============================================

(as of 2026-11-29; ``DELIBERATE`` below lists them for the smoke test.)

``--fides DIR`` also writes the same organisation as a fideslang manifest
(organisations, systems with privacy declarations and egress/ingress, custom
data categories) for the side-by-side benchmark with Ethyca's fideslang. The
category names of that manifest come from fideslang's default taxonomy (CC BY 4.0).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

AS_OF = "2026-11-29"

# (rule, kind, id, waived_by)
DELIBERATE: frozenset[tuple[str, str, str, str | None]] = frozenset(
    {
        ("LAW-002", "Activity", "legacy-lab-results", None),
        ("DPA-001", "Flow", "lab-results-to-courier", None),
        ("TRF-001", "Flow", "lab-results-to-analytics", None),
        ("SCP-001", "Flow", "lis-migration-extract", None),
        ("SEC-005", "Flow", "lis-migration-extract", None),
        ("RET-002", "System", "lis-migration-staging", None),
        ("SEC-001", "System", "lis-migration-staging", None),
        ("SEC-002", "System", "lis-migration-staging", None),
        ("SEC-004", "System", "lis-migration-staging", None),
        ("SEC-007", "System", "lis-migration-staging", None),
        ("REV-001", "System", "legacy-lis", "legacy-lis-review"),
        ("WAV-002", "Waiver", "old-courier-exception", None),
    }
)

PER_FILE = 100
EEA_COUNTRIES = ["FR", "DE", "NL", "ES", "IT", "BE", "SE", "PL", "AT", "IE", "PT", "DK", "FI"]
# Vendor countries: mostly EEA, some adequate (GB, CH), some needing SCCs (US, IN).
VENDOR_COUNTRIES = ["IE", "DE", "US", "FR", "NL", "GB", "US", "IN", "SE", "CH"]
NEEDS_MECHANISM = {"US", "IN"}
ART28 = [
    "documented_instructions",
    "confidentiality",
    "security",
    "sub_processors",
    "data_subject_rights",
    "compliance_assistance",
    "deletion_or_return",
    "audits",
]

# Categories the inventory adds to the default taxonomy: (id, name, parent).
CUSTOM_CATEGORIES = [
    ("medical-imaging", "Medical imaging", "health"),
    ("vaccinations", "Vaccination records", "health"),
    ("loyalty-points", "Loyalty programme balance", "financial"),
    ("purchase-history", "Purchase history", "personal-life"),
    ("shift-schedules", "Shift schedules", "employment"),
    ("performance-reviews", "Performance reviews", "employment"),
    ("cv", "Curriculum vitae", "employment"),
    ("badge-logs", "Badge access logs", "online-identifiers"),
    ("cookie-ids", "Cookie identifiers", "online-identifiers"),
]
CUSTOM_SUBJECTS = [
    ("prescribing-doctors", "Prescribing doctors", False),
    ("contractors", "Contractors", False),
    ("loyalty-members", "Loyalty programme members", False),
]
SPECIAL = {  # taxonomy ids whose special mark matters here (children inherit it)
    "national-id",
    "health",
    "lab-results",
    "diagnoses",
    "prescriptions",
    "hiv-status",
    "pregnancy",
    "genetic",
    "biometric",
    "criminal",
    "medical-imaging",
    "vaccinations",
}
VULNERABLE = {"patients", "children"}

# fideslang equivalents of our categories and subjects (its default taxonomy).
FIDES_CATEGORY = {
    "identity": "user.name",
    "contact": "user.contact",
    "national-id": "user.government_id.national_identification_number",
    "financial": "user.financial",
    "bank-details": "user.financial.bank_account",
    "employment": "user.workplace",
    "payroll": "user.financial",
    "personal-life": "user.demographic",
    "online-identifiers": "user.device",
    "credentials": "user.authorization.credentials",
    "location": "user.location",
    "health": "user.health_and_medical",
    "lab-results": "user.health_and_medical.record_id",
    "diagnoses": "user.health_and_medical",
    "prescriptions": "user.health_and_medical",
    "hiv-status": "user.health_and_medical",
    "genetic": "user.health_and_medical.genetic",
    "criminal": "user.criminal_history",
}
FIDES_SUBJECT = {
    "patients": "patient",
    "employees": "employee",
    "customers": "customer",
    "prospects": "prospect",
    "suppliers": "supplier_vendor",
    "website-visitors": "visitor",
    "job-applicants": "job_applicant",
    "prescribing-doctors": "consultant",
    "contractors": "consultant",
    "loyalty-members": "customer",
}
FIDES_ART9 = {
    "health_or_social_care": "Health or social care (with a basis in law)",
    "employment_social_protection": "Employment, social security and social protection",
}
FIDES_LEGAL_BASIS = {
    "consent": "Consent",
    "contract": "Contract",
    "legal_obligation": "Legal obligations",
    "vital_interests": "Vital interests",
    "public_task": "Public interest",
    "legitimate_interests": "Legitimate interests",
}


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    function: str
    subjects: tuple[str, ...]
    categories: tuple[tuple[str, str], ...]  # (category, retention)
    purposes: tuple[tuple[str, str], ...]  # (purpose, legal basis)
    fides_use: str
    art9: str | None = None
    art10: str | None = None
    scale: int = 5_000
    to_authority: bool = False
    law: str | None = None  # Art. 6(3): behind its legal_obligation / public_task purposes
    national_id_law: str | None = None  # Art. 87, where it processes national-id


TEMPLATES = [
    Template(
        "patient-care",
        "Patient care",
        "Clinical services",
        ("patients", "prescribing-doctors"),
        (
            ("identity", "P20Y after end of care"),
            ("contact", "P20Y after end of care"),
            ("national-id", "P20Y after end of care"),
            ("diagnoses", "P20Y after end of care"),
            ("prescriptions", "P20Y after end of care"),
            ("medical-imaging", "P20Y after end of care"),
        ),
        (("Diagnosis and treatment of patients", "public_task"),),
        "essential.service",
        art9="health_or_social_care",
        scale=60_000,
        law="Public health code (hospital care)",
        national_id_law="Public health code (national health identifier)",
    ),
    Template(
        "lab-analysis",
        "Laboratory analysis",
        "Clinical services",
        ("patients", "prescribing-doctors"),
        (
            ("identity", "P10Y"),
            ("lab-results", "P10Y"),
            ("genetic", "P30Y"),
        ),
        (("Analysis of samples prescribed by doctors", "public_task"),),
        "essential.service",
        art9="health_or_social_care",
        scale=25_000,
        law="Public health code (medical biology)",
    ),
    Template(
        "payroll",
        "Payroll",
        "Human resources",
        ("employees",),
        (
            ("identity", "P5Y after end of employment"),
            ("bank-details", "P5Y after end of employment"),
            ("payroll", "P5Y after end of employment"),
            ("national-id", "P5Y after end of employment"),
        ),
        (("Paying salaries and reporting to the tax authority", "legal_obligation"),),
        "employment",
        scale=2_000,
        to_authority=True,
        law="Tax and social security codes (payroll reporting)",
        national_id_law="Social security code (employers' declarations)",
    ),
    Template(
        "recruitment",
        "Recruitment",
        "Human resources",
        ("job-applicants",),
        (("identity", "P2Y"), ("contact", "P2Y"), ("cv", "P2Y")),
        (("Selecting candidates for open positions", "consent"),),
        "employment.recruitment",
        scale=8_000,
    ),
    Template(
        "workforce-planning",
        "Workforce planning",
        "Human resources",
        ("employees", "contractors"),
        (("identity", "P3Y"), ("shift-schedules", "P1Y"), ("performance-reviews", "P3Y")),
        (("Planning shifts and evaluating staff", "contract"),),
        "employment",
        scale=2_000,
    ),
    Template(
        "occupational-health",
        "Occupational health",
        "Human resources",
        ("employees",),
        (("identity", "P40Y"), ("vaccinations", "P40Y"), ("health", "P40Y")),
        (("Occupational medicine and fitness for work", "legal_obligation"),),
        "employment",
        art9="employment_social_protection",
        scale=2_000,
        law="Labour code (occupational medicine)",
    ),
    Template(
        "background-checks",
        "Background checks",
        "Human resources",
        ("job-applicants",),
        (("identity", "P6M"), ("criminal", "P6M")),
        (("Vetting candidates for positions of trust", "legal_obligation"),),
        "employment.recruitment",
        art10="Code de la sécurité intérieure, art. L114-1",
        scale=500,
        law="Code de la sécurité intérieure, art. L114-1",
    ),
    Template(
        "customer-accounts",
        "Customer accounts",
        "Retail",
        ("customers", "loyalty-members"),
        (
            ("identity", "P3Y after end of contract"),
            ("contact", "P3Y after end of contract"),
            ("purchase-history", "P3Y after end of contract"),
            ("loyalty-points", "P3Y after end of contract"),
            ("financial", "P10Y"),
        ),
        (("Managing customer accounts and orders", "contract"),),
        "essential.service",
        scale=400_000,
    ),
    Template(
        "marketing",
        "Marketing campaigns",
        "Retail",
        ("customers", "prospects"),
        (("identity", "P3Y"), ("contact", "P3Y"), ("purchase-history", "P3Y")),
        (("Newsletters and offers to customers and prospects", "legitimate_interests"),),
        "marketing.communications.email",
        scale=900_000,
    ),
    Template(
        "web-analytics",
        "Website analytics",
        "Digital",
        ("website-visitors",),
        (("online-identifiers", "P13M"), ("cookie-ids", "P13M"), ("location", "P13M")),
        (("Measuring the audience of the websites", "consent"),),
        "analytics.reporting",
        scale=2_000_000,
    ),
    Template(
        "building-security",
        "Building access control",
        "Facilities",
        ("employees", "contractors"),
        (("identity", "P1Y"), ("badge-logs", "P3M"), ("credentials", "P1Y")),
        (("Controlling access to the premises", "legitimate_interests"),),
        "essential.service.security",
        scale=3_000,
    ),
    Template(
        "supplier-management",
        "Supplier management",
        "Procurement",
        ("suppliers",),
        (("identity", "P10Y"), ("contact", "P10Y"), ("bank-details", "P10Y")),
        (("Ordering from and paying suppliers", "contract"),),
        "finance",
        scale=1_500,
    ),
]
TEAMS = ["platform", "clinical-it", "hr-it", "data", "retail-it", "web", "finance-it", "security"]
SYSTEM_KINDS = [
    ("Patient portal", "portal"),
    ("Electronic health record", "ehr"),
    ("Laboratory information system", "lis"),
    ("HR information system", "hris"),
    ("Payroll engine", "payroll"),
    ("Data warehouse", "dwh"),
    ("CRM", "crm"),
    ("E-commerce platform", "shop"),
    ("Document store", "docs"),
    ("Reporting database", "reporting"),
    ("Message broker", "broker"),
    ("Archive", "archive"),
]
VENDOR_NAMES = [
    "Nimbus Cloud",
    "Helix Analytics",
    "Courier Labs",
    "Paywise",
    "Talentry",
    "Mailstream",
    "Datavault",
    "Orbit Hosting",
    "Medisoft",
    "Clearview Support",
]


@dataclass
class Org:
    id: str
    name: str
    country: str
    role: str  # subsidiary | vendor | authority | holding


@dataclass
class SystemSpec:
    id: str
    name: str
    operator: str
    country: str
    team: str
    stores: dict[str, str] = field(default_factory=dict)  # category -> retention
    subjects: set[str] = field(default_factory=set)
    exposed: bool = False
    activities: list[str] = field(default_factory=list)
    ingress: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (from, type, cats)
    egress: list[tuple[str, list[str]]] = field(default_factory=list)
    reviewed: str = "2026-03-02"


@dataclass
class ActivitySpec:
    id: str
    template: Template
    controller: str
    number: int


@dataclass
class FlowSpec:
    id: str
    activity: str
    source: str
    to: str
    categories: list[str]
    subjects: list[str]
    type: str = "continuous"
    contract: str | None = None
    transfer: str | None = None  # country needing a mechanism
    recipient_role: str | None = None


@dataclass
class ContractSpec:
    id: str
    type: str
    controller: str
    processor: str
    activities: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    subjects: set[str] = field(default_factory=set)
    subprocessors: set[str] = field(default_factory=set)


# --- YAML writing -------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,()/&'.+-]*\Z")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def q(value: str) -> str:
    """A YAML scalar: plain when unambiguous, else a JSON (double-quoted) string."""
    if _PLAIN.match(value) and value.lower() not in _RESERVED and not value.endswith(" "):
        return value
    return json.dumps(value, ensure_ascii=False)


def seq(items: Iterable[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def write_files(out: Path, folder: str, documents: list[str], stem: str) -> int:
    """Write documents ``PER_FILE`` to a file: ``folder/stem-001.yaml``..."""
    directory = out / folder
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for start in range(0, len(documents), PER_FILE):
        chunk = documents[start : start + PER_FILE]
        name = (
            f"{stem}-{start // PER_FILE + 1:03d}.yaml"
            if len(documents) > PER_FILE
            else (f"{stem}.yaml")
        )
        (directory / name).write_text("---\n".join(chunk), encoding="utf-8")
        count += 1
    return count


# --- the organisation ---------------------------------------------------------------


class Organisation:
    """The synthetic group: every entity, built deterministically from the seed."""

    def __init__(self, flows: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.target = flows
        self.orgs: list[Org] = []
        self.systems: dict[str, SystemSpec] = {}
        self.activities: list[ActivitySpec] = []
        self.flows: list[FlowSpec] = []
        self.contracts: dict[tuple[str, str, str], ContractSpec] = {}
        self.counts: dict[str, int] = {}
        self.build()

    # -- building ----------------------------------------------------------------
    def build(self) -> None:
        rng = self.rng
        n = self.target
        self.orgs.append(Org("meridian-group", "Meridian Group SE", "LU", "holding"))
        n_sub = max(2, n // 2000 + 2)
        self.subsidiaries = [
            Org(
                f"meridian-{EEA_COUNTRIES[i % len(EEA_COUNTRIES)].lower()}-{i + 1}",
                f"Meridian {EEA_COUNTRIES[i % len(EEA_COUNTRIES)]} {i + 1}",
                EEA_COUNTRIES[i % len(EEA_COUNTRIES)],
                "subsidiary",
            )
            for i in range(n_sub)
        ]
        n_vendor = max(4, n // 400)
        self.vendors = [
            Org(
                f"{VENDOR_NAMES[i % len(VENDOR_NAMES)].lower().replace(' ', '-')}-{i + 1}",
                f"{VENDOR_NAMES[i % len(VENDOR_NAMES)]} {i + 1}",
                VENDOR_COUNTRIES[i % len(VENDOR_COUNTRIES)],
                "vendor",
            )
            for i in range(n_vendor)
        ]
        # Every fifth vendor hands part of its work to the next one (a sub-processor).
        self.subprocessor_of = {
            v.id: self.vendors[(i + 1) % n_vendor].id
            for i, v in enumerate(self.vendors)
            if i % 5 == 0
        }
        countries = sorted({s.country for s in self.subsidiaries})
        self.authorities = {
            c: Org(f"tax-authority-{c.lower()}", f"Tax authority {c}", c, "authority")
            for c in countries
        }
        self.orgs += self.subsidiaries + self.vendors + list(self.authorities.values())
        self.org_by_id = {o.id: o for o in self.orgs}

        # Internal system pools: ~80% of the ~N/3 systems, the rest are vendor tenants.
        per_sub = max(2, (n * 4 // 15) // n_sub)
        self.pools: dict[str, list[str]] = {}
        for sub in self.subsidiaries:
            pool = []
            for j in range(per_sub):
                label, slug = SYSTEM_KINDS[j % len(SYSTEM_KINDS)]
                ident = f"{sub.id}-{slug}-{j + 1}"
                self.systems[ident] = SystemSpec(
                    ident,
                    f"{label} {j + 1} ({sub.country})",
                    sub.id,
                    sub.country,
                    TEAMS[j % len(TEAMS)],
                    exposed=slug in ("portal", "shop"),
                    reviewed=f"2026-{1 + j % 9:02d}-{1 + j % 27:02d}",
                )
                pool.append(ident)
            self.pools[sub.id] = pool
        self.cursor = dict.fromkeys(self.pools, 0)

        remaining = n - self.legacy_corner_flow_count
        number = 0
        while remaining > 0:
            sub = self.subsidiaries[number % n_sub]
            template = TEMPLATES[rng.randrange(len(TEMPLATES))]
            count = min(remaining, rng.randint(6, 14))
            self.add_activity(sub, template, number, count)
            remaining -= count
            number += 1
        self.add_legacy_corner()
        # Systems no activity reached are not part of the organisation.
        self.systems = {k: s for k, s in self.systems.items() if s.activities}

    def next_internal(self, sub: Org) -> str:
        pool = self.pools[sub.id]
        ident = pool[self.cursor[sub.id] % len(pool)]
        self.cursor[sub.id] += 1
        return ident

    def tenant(self, sub: Org, vendor: Org) -> str:
        ident = f"{vendor.id}-{sub.id}"
        if ident not in self.systems:
            self.systems[ident] = SystemSpec(
                ident,
                f"{vendor.name} tenant for {sub.name}",
                vendor.id,
                vendor.country,
                "platform",
                exposed=True,
            )
        return ident

    def contract(self, kind: str, controller: str, processor: str) -> ContractSpec:
        key = (kind, controller, processor)
        if key not in self.contracts:
            prefix = "dpa" if kind == "dpa" else "subproc"
            self.contracts[key] = ContractSpec(
                f"{prefix}-{controller}-{processor}", kind, controller, processor
            )
        return self.contracts[key]

    def add_flow(
        self,
        activity: ActivitySpec,
        source: str,
        to: str,
        cats: list[str],
        subjects: list[str],
        **extra: str | None,
    ) -> FlowSpec:
        flow = FlowSpec(
            f"{activity.id}-flow-{self.flow_counter(activity)}",
            activity.id,
            source,
            to,
            cats,
            subjects,
            **extra,  # type: ignore[arg-type]
        )
        self.flows.append(flow)
        retention = dict(activity.template.categories)
        if to in self.systems:
            system = self.systems[to]
            for c in cats:
                system.stores.setdefault(c, retention.get(c, "P5Y"))
            system.subjects.update(subjects)
            if activity.id not in system.activities:
                system.activities.append(activity.id)
            system.ingress.append((source, "system" if source in self.systems else "user", cats))
        if source in self.systems:
            system = self.systems[source]
            if activity.id not in system.activities:
                system.activities.append(activity.id)
            system.egress.append((to, cats))
        return flow

    def flow_counter(self, activity: ActivitySpec) -> int:
        self.counts[activity.id] = self.counts.get(activity.id, 0) + 1
        return self.counts[activity.id]

    def add_activity(self, sub: Org, template: Template, number: int, count: int) -> None:
        rng = self.rng
        activity = ActivitySpec(f"{template.slug}-{sub.id}-{number + 1}", template, sub.id, number)
        self.activities.append(activity)
        cats = [c for c, _ in template.categories]
        subjects = list(template.subjects)
        internal = [self.next_internal(sub) for _ in range(max(1, min(count - 1, count // 2)))]
        internal = list(dict.fromkeys(internal))
        chain: list[tuple[str, str | None]] = [(s, None) for s in internal]
        budget = count - 1 - (len(internal) - 1)  # flows left after collection + tree
        vendor = None
        if budget > 0 and rng.random() < 0.6:
            vendor = self.vendors[rng.randrange(len(self.vendors))]
            chain.append((self.tenant(sub, vendor), vendor.id))
            budget -= 1
            sub_id = self.subprocessor_of.get(vendor.id)
            if sub_id and budget > 0 and rng.random() < 0.5:
                chain.append((self.tenant(sub, self.org_by_id[sub_id]), sub_id))
                budget -= 1
        # Collection from the data subjects, into the first internal system.
        self.add_flow(activity, subjects[0], chain[0][0], cats, subjects)
        for j in range(1, len(chain)):
            target, operator = chain[j]
            if operator is None:  # internal systems come first: a tree among them
                source = internal[rng.randrange(j)]
            elif self.org_by_id[operator] is vendor:
                source = internal[rng.randrange(len(internal))]
            else:
                source = chain[j - 1][0]
            carried = self.subset(cats)
            extra: dict[str, str | None] = {}
            if operator is not None:
                if operator == (vendor.id if vendor else None):
                    dpa = self.contract("dpa", sub.id, operator)
                    extra["contract"] = dpa.id
                    contract = dpa
                else:
                    assert vendor is not None
                    dpa = self.contract("dpa", sub.id, vendor.id)
                    dpa.subprocessors.add(operator)
                    contract = self.contract("sub_processing", vendor.id, operator)
                    extra["contract"] = contract.id
                contract.activities.add(activity.id)
                contract.categories.update(carried)
                contract.subjects.update(subjects)
                if self.org_by_id[operator].country in NEEDS_MECHANISM:
                    extra["transfer"] = self.org_by_id[operator].country
            self.add_flow(activity, source, target, carried, subjects, **extra)
        # The rest: more movements between the internal systems (batches, syncs),
        # and the payroll declarations to the tax authority.
        for k in range(budget):
            if template.to_authority and k == 0:
                authority = self.authorities[sub.country]
                self.add_flow(
                    activity,
                    internal[-1],
                    authority.id,
                    self.subset(cats),
                    subjects,
                    recipient_role="controller",
                )
                continue
            i = rng.randrange(len(internal))
            j = rng.randrange(len(internal))
            source, target = internal[min(i, j)], internal[max(i, j)]
            if source == target:
                source = internal[0]
                target = internal[-1] if len(internal) > 1 else internal[0]
            self.add_flow(activity, source, target, self.subset(cats), subjects, type="batch")

    def subset(self, cats: list[str]) -> list[str]:
        size = self.rng.randint(1, len(cats))
        return sorted(self.rng.sample(cats, size), key=cats.index)

    legacy_corner_flow_count = 5

    def add_legacy_corner(self) -> None:
        """The deliberate findings: a legacy laboratory system and its botched migration."""
        sub = self.subsidiaries[0]
        courier = Org("swiftlab-courier", "SwiftLab Courier", "FR", "vendor")
        metrics = Org("cloudmetrics-inc", "CloudMetrics Inc", "US", "vendor")
        self.orgs += [courier, metrics]
        self.org_by_id.update({courier.id: courier, metrics.id: metrics})
        template = Template(
            "legacy-lab",
            "Legacy laboratory results",
            "Clinical services",
            ("patients",),
            (("identity", "P10Y"), ("lab-results", "P10Y"), ("hiv-status", "P10Y")),
            (("Results of analyses for the former laboratories", "public_task"),),
            "essential.service",
            scale=28_000,
            law="Public health code (medical biology)",
        )
        migration = Template(
            "lis-migration",
            "Migration of the laboratory system",
            "Clinical services",
            ("patients",),
            (("identity", "P3M"), ("lab-results", "P3M")),
            (("Moving the results to the new laboratory system", "public_task"),),
            "essential.service.upgrades",
            art9="health_or_social_care",
            scale=491_939,
            law="Public health code (medical biology)",
        )
        lab = ActivitySpec("legacy-lab-results", template, sub.id, -1)
        move = ActivitySpec("lis-migration", migration, sub.id, -2)
        self.activities += [lab, move]
        self.systems["legacy-lis"] = SystemSpec(
            "legacy-lis",
            "Legacy laboratory system",
            sub.id,
            sub.country,
            "clinical-it",
            reviewed="2021-01-10",
        )
        self.systems["lis-migration-staging"] = SystemSpec(
            "lis-migration-staging",
            "LIS migration staging server",
            sub.id,
            sub.country,
            "clinical-it",
        )
        self.systems["courier-portal"] = SystemSpec(
            "courier-portal",
            "SwiftLab courier portal",
            courier.id,
            "FR",
            "clinical-it",
            exposed=True,
        )
        self.systems["analytics-cloud"] = SystemSpec(
            "analytics-cloud", "CloudMetrics analytics", metrics.id, "US", "data", exposed=True
        )
        all_cats = ["identity", "lab-results", "hiv-status"]
        for contract_org in (courier, metrics):
            dpa = self.contract("dpa", sub.id, contract_org.id)
            dpa.activities.add(lab.id)
            dpa.categories.update(["identity", "lab-results"])
            dpa.subjects.add("patients")
        specs = [
            ("lab-results-collection", lab, "patients", "legacy-lis", all_cats, {}),
            (
                "lab-results-to-courier",
                lab,
                "legacy-lis",
                "courier-portal",
                ["identity", "lab-results"],
                {},
            ),
            (
                "lab-results-to-analytics",
                lab,
                "legacy-lis",
                "analytics-cloud",
                ["identity"],
                {"contract": f"dpa-{sub.id}-{metrics.id}"},
            ),
            (
                "lis-migration-extract",
                move,
                "legacy-lis",
                "lis-migration-staging",
                all_cats,
                {"type": "migration"},
            ),
            (
                "lis-migration-load",
                move,
                "lis-migration-staging",
                self.pools[sub.id][0],
                ["identity", "lab-results"],
                {"type": "one-off"},
            ),
        ]
        assert len(specs) == self.legacy_corner_flow_count
        for ident, activity, source, to, cats, extra in specs:
            flow = self.add_flow(activity, source, to, cats, ["patients"], **extra)
            flow.id = ident
        # The staging store keeps the extract: retention as the migration's.
        self.systems["lis-migration-staging"].stores["hiv-status"] = "P3M"
        self.dpa_courier = f"dpa-{sub.id}-{courier.id}"

    # -- YAML ----------------------------------------------------------------------
    def write(self, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        counts: dict[str, int] = {}
        counts["organisations"] = write_files(
            out, "organisations", [self.org_yaml(o) for o in self.orgs], "organisations"
        )
        counts["categories"] = write_files(
            out,
            "categories",
            [
                f"kind: DataCategory\nid: {i}\nname: {q(n)}\nparent: {p}\n"
                for i, n, p in CUSTOM_CATEGORIES
            ],
            "categories",
        )
        counts["subjects"] = write_files(
            out,
            "subjects",
            [
                f"kind: DataSubject\nid: {i}\nname: {q(n)}\nvulnerable: {str(v).lower()}\n"
                for i, n, v in CUSTOM_SUBJECTS
            ],
            "subjects",
        )
        by_operator: dict[str, list[str]] = {}
        for system in self.systems.values():
            by_operator.setdefault(system.operator, []).append(self.system_yaml(system))
        counts["systems"] = sum(
            write_files(out, "systems", docs, op) for op, docs in sorted(by_operator.items())
        )
        by_controller: dict[str, list[str]] = {}
        for activity in self.activities:
            by_controller.setdefault(activity.controller, []).append(self.activity_yaml(activity))
        counts["activities"] = sum(
            write_files(out, "activities", docs, c) for c, docs in sorted(by_controller.items())
        )
        flows_by_controller: dict[str, list[str]] = {}
        controller = {a.id: a.controller for a in self.activities}
        for flow in self.flows:
            flows_by_controller.setdefault(controller[flow.activity], []).append(
                self.flow_yaml(flow)
            )
        counts["flows"] = sum(
            write_files(out, "flows", docs, c) for c, docs in sorted(flows_by_controller.items())
        )
        counts["contracts"] = write_files(
            out,
            "contracts",
            [self.contract_yaml(c) for c in self.contracts.values()],
            "contracts",
        )
        counts["waivers"] = write_files(out, "waivers", [WAIVERS], "waivers")
        return counts

    def org_yaml(self, org: Org) -> str:
        slug = org.id.split("-")[0]
        text = (
            f"kind: Organisation\nid: {org.id}\nname: {q(org.name)}\ncountry: {org.country}\n"
            f"address: {q(f'{10 + len(org.id)} rue de la Paix, {org.country}')}\n"
            f"contact:\n  name: Privacy office\n  email: privacy@{slug}.example\n"
            f"  phone: {q('+33 1 23 45 67 89')}\n"
        )
        if org.role == "subsidiary":
            text += f"dpo:\n  name: Data protection officer\n  email: dpo@{org.id}.example\n"
        if org.role == "vendor":
            text += f"website: https://{slug}.example\n"
        return text

    def system_yaml(self, s: SystemSpec) -> str:
        special = any(c in SPECIAL for c in s.stores)
        lines = [
            "kind: System",
            f"id: {s.id}",
            f"name: {q(s.name)}",
            f"owner: {s.team}",
            f"operator: {s.operator}",
            f"country: {s.country}",
            "stores:",
        ]
        for category, retention in s.stores.items():
            lines.append(f"  - category: {category}")
            lines.append(f"    retention: {q(retention)}")
        if s.id == "lis-migration-staging":
            lines += [
                "temporary: true",
                "security:",
                "  encryption_at_rest: false",
                "  authentication: none",
                "  internet_exposed: true",
                "  monitoring: false",
            ]
        else:
            lines += [
                "security:",
                "  encryption_at_rest: true",
                "  authentication: individual",
                f"  mfa: {'true' if s.exposed or special else 'false'}",
                f"  internet_exposed: {'true' if s.exposed else 'false'}",
                "  monitoring: true",
                "  alert_escalation: true",
                "  backups: true",
                "  access_logging: true",
            ]
        lines += [
            f"identifiers: [{s.id}.internal.example, {s.id.replace('-', '_')}]",
            f"last_reviewed: {{date: {s.reviewed}, by: {s.team} lead}}",
            f"review_every: {'P1Y' if s.reviewed < '2022' else 'P3Y'}",
        ]
        return "\n".join(lines) + "\n"

    def activity_yaml(self, a: ActivitySpec) -> str:
        t = a.template
        risky = any(c in SPECIAL for c, _ in t.categories) or any(
            s in VULNERABLE for s in t.subjects
        )
        lines = [
            "kind: Activity",
            f"id: {a.id}",
            f"name: {q(t.name)}",
            f"reference: {q(f'RoPA-{a.number + 1:06d}')}",
            f"business_function: {q(t.function)}",
            f"controller: {a.controller}",
            "purposes:",
        ]
        for purpose, basis in t.purposes:
            lines += [f"  - purpose: {q(purpose)}", f"    legal_basis: {basis}"]
            if basis in ("legal_obligation", "public_task") and t.law:
                lines.append(f"    law: {q(t.law)}")
            if basis == "legitimate_interests":
                lines += [
                    "    legitimate_interests: Keeping in touch with our customers and premises",
                    f"    lia: https://intranet.example/lia/{t.slug}",
                ]
        if t.art9:
            lines.append(f"art9_condition: {t.art9}")
        if t.art10:
            lines.append(f"art10_authority: {q(t.art10)}")
        if t.national_id_law:
            lines.append(f"national_id_law: {q(t.national_id_law)}")
        lines.append(f"data_subjects: {seq(t.subjects)}")
        lines.append(f"data_categories: {seq(c for c, _ in t.categories)}")
        lines.append("retention:")
        for category, period in t.categories:
            period_only, _, after = period.partition(" after ")
            lines.append(f"  - category: {category}")
            lines.append(f"    period: {period_only}")
            if after:
                lines.append(f"    after: {q(after)}")
            lines.append("    source: Internal retention schedule")
        lines.append(f"estimated_subjects: {t.scale}")
        if risky and t.scale >= 10_000:
            lines += ["dpia:", f"  reference: DPIA-{t.slug}", "  date: 2025-06-01"]
        lines += [
            "source: Collected from the data subjects",
            "created: 2024-01-15",
            "last_reviewed: {date: 2026-05-04, by: DPO office}",
            "review_every: P2Y",
        ]
        return "\n".join(lines) + "\n"

    def flow_yaml(self, f: FlowSpec) -> str:
        lines = [
            "kind: Flow",
            f"id: {f.id}",
            f"activity: {f.activity}",
            f"from: {f.source}",
            f"to: {f.to}",
            f"data_categories: {seq(f.categories)}",
            f"data_subjects: {seq(f.subjects)}",
            f"type: {f.type}",
        ]
        if f.recipient_role:
            lines.append(f"recipient_role: {f.recipient_role}")
        if f.contract:
            lines.append(f"contract: {f.contract}")
        if f.transfer:
            lines += [
                "transfer:",
                "  mechanism: sccs",
                f"  reference: {q(f'SCC module 2, annex to {f.contract}')}",
            ]
        lines.append("encrypted_in_transit: true")
        return "\n".join(lines) + "\n"

    def contract_yaml(self, c: ContractSpec) -> str:
        lines = [
            "kind: Contract",
            f"id: {c.id}",
            f"type: {c.type}",
            f"controller: {c.controller}",
            f"processor: {c.processor}",
            "signed: 2024-02-01",
            "expires: 2031-01-31",
            "scope:",
        ]
        if c.type == "dpa":
            lines.append(f"  activities: {seq(sorted(c.activities))}")
        lines += [
            f"  data_categories: {seq(sorted(c.categories))}",
            f"  data_subjects: {seq(sorted(c.subjects))}",
            "art28_clauses:",
            *(f"  {clause}: true" for clause in ART28),
        ]
        if c.subprocessors:
            lines.append(f"authorised_subprocessors: {seq(sorted(c.subprocessors))}")
        lines += [
            f"document: https://contracts.example/{c.id}.pdf",
            "last_reviewed: {date: 2026-02-01, by: Legal}",
            "review_every: P2Y",
        ]
        return "\n".join(lines) + "\n"

    # -- fideslang ------------------------------------------------------------------
    def write_fides(self, out: Path) -> None:
        """The same organisation as fideslang resources, one folder per resource type."""
        out.mkdir(parents=True, exist_ok=True)
        fides_cat = dict(FIDES_CATEGORY)
        custom = []
        for ident, name, parent in CUSTOM_CATEGORIES:
            parent_key = FIDES_CATEGORY[parent]
            key = f"{parent_key}.{ident.replace('-', '_')}"
            fides_cat[ident] = key
            custom.append({"fides_key": key, "name": name, "parent_key": parent_key})
        dump(out / "data_categories.yml", {"data_category": custom})
        orgs = [
            {
                "fides_key": o.id,
                "name": o.name,
                "description": f"{o.role} in {o.country}",
                "controller": contact(o),
                "data_protection_officer": contact(o, "Data protection officer"),
            }
            for o in self.orgs
        ]
        dump(out / "organizations.yml", {"organization": orgs})
        activities = {a.id: a for a in self.activities}
        systems = []
        for s in self.systems.values():
            declarations = []
            for activity_id in s.activities:
                t = activities[activity_id].template
                cats = sorted({fides_cat[c] for c in s.stores} or {fides_cat[t.categories[0][0]]})
                basis = t.purposes[0][1]
                declarations.append(
                    {
                        "name": f"{t.name} ({activity_id})",
                        "data_categories": cats,
                        "data_use": t.fides_use,
                        "data_subjects": sorted({FIDES_SUBJECT[x] for x in t.subjects}),
                        "legal_basis_for_processing": FIDES_LEGAL_BASIS[basis],
                        "retention_period": t.categories[0][1],
                        "processes_special_category_data": t.art9 is not None,
                        **({"special_category_legal_basis": FIDES_ART9[t.art9]} if t.art9 else {}),
                        "data_shared_with_third_parties": s.operator
                        != activities[activity_id].controller,
                    }
                )
            systems.append(
                {
                    "fides_key": s.id,
                    "name": s.name,
                    "description": f"{s.name}, run by {s.operator}",
                    "system_type": "Service",
                    "administrating_department": s.team,
                    "privacy_declarations": declarations,
                    "egress": [
                        {
                            "fides_key": to,
                            "type": "system",
                            "data_categories": sorted({fides_cat[c] for c in cats}),
                        }
                        for to, cats in s.egress
                        if to in self.systems
                    ],
                    "ingress": [
                        {
                            "fides_key": "user" if kind == "user" else src,
                            "type": kind,
                            "data_categories": sorted({fides_cat[c] for c in cats}),
                        }
                        for src, kind, cats in s.ingress
                    ],
                    "responsibility": ["Controller"]
                    if self.org_by_id[s.operator].role == "subsidiary"
                    else ["Processor"],
                    "legal_name": self.org_by_id[s.operator].name,
                    "data_security_practices": "Encryption at rest, individual accounts, MFA",
                    "does_international_transfers": s.country in NEEDS_MECHANISM,
                    "legal_basis_for_transfers": ["SCCs"] if s.country in NEEDS_MECHANISM else [],
                }
            )
        for start in range(0, len(systems), PER_FILE):
            dump(
                out / "systems" / f"systems-{start // PER_FILE + 1:04d}.yml",
                {"system": systems[start : start + PER_FILE]},
            )


def contact(org: Org, name: str = "Privacy office") -> dict[str, str]:
    return {
        "name": name,
        "address": f"{10 + len(org.id)} rue de la Paix, {org.country}",
        "email": f"privacy@{org.id}.example",
        "phone": "+33 1 23 45 67 89",
    }


def dump(path: Path, data: dict) -> None:
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )


WAIVERS = """\
kind: Waiver
id: legacy-lis-review
rule: REV-001
entity: System:legacy-lis
reason: The legacy laboratory system is decommissioned once the migration ends
approved_by: Chief privacy officer
expires: 2030-06-30
---
kind: Waiver
id: old-courier-exception
rule: DPA-001
entity: Flow:lab-results-to-courier
reason: Courier contract under renegotiation
approved_by: Chief privacy officer
expires: 2025-06-30
"""


def generate(flows: int, seed: int, out: Path, fides: Path | None = None) -> Organisation:
    organisation = Organisation(flows, seed)
    organisation.write(out)
    if fides is not None:
        organisation.write_fides(fides)
    return organisation


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--flows", type=int, required=True, help="number of flows (S 100, M 10000, L 100000)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="inventory folder to write")
    parser.add_argument(
        "--fides",
        type=Path,
        default=None,
        help="also write the equivalent fideslang manifest folder",
    )
    args = parser.parse_args(argv)
    if args.flows < Organisation.legacy_corner_flow_count + 1:
        parser.error(f"--flows must be at least {Organisation.legacy_corner_flow_count + 1}")
    organisation = generate(args.flows, args.seed, args.out, args.fides)
    print(
        f"{len(organisation.flows)} flows, {len(organisation.systems)} systems, "
        f"{len(organisation.activities)} activities, {len(organisation.contracts)} contracts, "
        f"{len(organisation.orgs)} organisations → {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
