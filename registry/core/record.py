"""The Art. 30 record, derived once from the inventory.

Everything the controller record (Art. 30(1)) and the processor record
(Art. 30(2)) say that no single YAML field holds is computed here and nowhere
else: recipients (from the activity's flows and the processors running its
systems), processors and sub-processors with the contract that covers each
(:mod:`registry.core.contracts`, the same judgement as the Art. 28 rules),
transfers outside the EEA with their safeguards (by flows, by systems hosted or
reached from abroad), the systems whose security and
location describe the activity, the rights its lawful bases give. The site, every
export, ``ropa diff`` and ``ropa impact`` read a :class:`Record`; they only choose
words and layout.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from registry.core.config import RegisterReview, ReviewTerms, review_terms
from registry.core.contracts import PROCESSING, Cover, activity_covers, covers
from registry.core.inventory import Inventory
from registry.core.model import Activity, Contract, Dpf, Flow, System
from registry.core.vocabulary import ContractType, TransferMechanism, countries
from registry.core.wording import NO_MECHANISM, country_name, dpf_text, mechanism_text, rights


@dataclass(frozen=True, order=True)
class Recipient:
    """An organisation the activity discloses data to (Art. 30(1)(d))."""

    name: str
    role: str  # processor, controller, joint controller, recipient
    organisation: str  # id


@dataclass(frozen=True)
class Processor:
    """A processor (or sub-processor) of one activity and the contracts behind it."""

    organisation: str  # id
    name: str
    covers: tuple[Cover, ...]  # in force first; empty: no contract links it to the controller

    @property
    def engaged_by(self) -> str | None:
        """The processor that engaged this one (a sub-processor), if that is what covers it."""
        return next((c.engaged_by for c in self.covers if c.engaged_by), None)


@dataclass(frozen=True, order=True)
class Transfer:
    """Data reaching a country outside the EEA: where, to whom, on which safeguards."""

    country: str  # ISO 3166-1 alpha-2
    recipient: str  # the receiving organisation's name (or the end's, if it has none)
    mechanisms: tuple[str, ...]  # TransferMechanism values as written; () when none documented
    reference: str = ""
    organisation: str = field(default="", compare=False)  # the receiving organisation's id
    flows: tuple[str, ...] = field(default=(), compare=False)  # flows that make it
    systems: tuple[str, ...] = field(default=(), compare=False)  # systems hosted or reached there
    # The recipient's DPF certification, where the transfer relies on the US adequacy decision.
    certification: Dpf | None = field(default=None, compare=False)

    @property
    def country_text(self) -> str:
        return f"{country_name(self.country)} ({self.country}): {self.recipient}"

    @property
    def safeguard(self) -> str:
        if not self.mechanisms:
            return NO_MECHANISM
        text = " and ".join(mechanism_text(TransferMechanism(m)) for m in self.mechanisms)
        text += f": {self.reference}" if self.reference else ""
        return text + (f"; {dpf_text(self.certification)}" if self.certification else "")

    @property
    def safeguard_text(self) -> str:
        return f"{self.recipient}: {self.safeguard}"


@dataclass(frozen=True)
class ActivityRecord:
    """One row of the controller record, everything derived."""

    activity: Activity
    controllers: frozenset[str]  # the controller and the joint controllers
    flows: tuple[Flow, ...]  # by id
    systems: tuple[System, ...]  # used by the activity, by name
    recipients: tuple[Recipient, ...]
    processors: tuple[Processor, ...]  # by name
    transfers: tuple[Transfer, ...]
    rights: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.activity.id

    @property
    def controller(self) -> str | None:
        return self.activity.controller


@dataclass(frozen=True)
class Served:
    """Art. 30(2): one controller a processor acts for, and what it does for it."""

    controller: str
    activities: tuple[Activity, ...]  # by id
    covers: tuple[Cover, ...]  # contracts with that controller (or authorising sub-processing)
    systems: tuple[System, ...]  # its systems those activities use, by name
    transfers: tuple[Transfer, ...]  # transfers it takes part in


@dataclass(frozen=True)
class ProcessorRecord:
    """Art. 30(2): the record a processor keeps of the controllers it acts for."""

    organisation: str
    served: tuple[Served, ...]  # by controller id


class Record:
    """The Art. 30 register of one inventory, as of a date (contracts in force then)."""

    def __init__(
        self, inventory: Inventory, as_of: dt.date, review: RegisterReview | None = None
    ) -> None:
        self.inventory = inventory
        self.as_of = as_of
        self.review = review  # the whole register's review (ropa.yaml `review:`), if any

    def review_terms(self, entity: Activity | System | Contract) -> ReviewTerms:
        """When an activity, system or contract was last reviewed and how often it must
        be: its own dates, else the whole register's (as REV-001 and REV-002 judge)."""
        return review_terms(entity, self.review)

    @cached_property
    def activities(self) -> dict[str, ActivityRecord]:
        """Every activity's row, by id."""
        inv = self.inventory
        return {i: self._activity(inv.activities[i]) for i in sorted(inv.activities)}

    def controllers(self) -> list[str]:
        """Organisations named as an activity's controller: each keeps an Art. 30(1) record."""
        inv = self.inventory
        return sorted(
            {a.controller for a in inv.activities.values() if a.controller in inv.organisations}
        )

    def activities_of(self, organisation: str) -> list[ActivityRecord]:
        """The rows an organisation's controller record holds: it is (joint) controller."""
        return [r for r in self.activities.values() if organisation in r.controllers]

    @cached_property
    def processors(self) -> dict[str, ProcessorRecord]:
        """Every organisation acting as processor (or sub-processor), by id."""
        inv = self.inventory
        served: dict[str, dict[str, set[str]]] = {}
        for row in self.activities.values():
            if row.controller is None:
                continue
            for processor in row.processors:
                # It acts for every controller of the activity, joint ones included; the
                # contract that covers it is the one with the activity's controller.
                for controller in row.controllers - {processor.organisation}:
                    served.setdefault(processor.organisation, {}).setdefault(controller, set()).add(
                        row.id
                    )
        for contract in inv.contracts.values():
            if contract.type not in PROCESSING or contract.processor not in inv.organisations:
                continue
            dpa = contract.type is ContractType.dpa
            if dpa and contract.controller:  # a DPA: its controller is served
                served.setdefault(contract.processor, {}).setdefault(contract.controller, set())
            # A DPA's scope, and a sub-processing contract's (whose "controller" is the
            # processor that engaged this one), name activities processed even where no
            # flow or system shows it yet.
            for ident in contract.scope.activities if contract.scope else ():
                activity = inv.activities.get(ident)
                if activity is None or activity.controller is None:
                    continue
                if dpa and contract.controller != activity.controller:
                    continue
                served.setdefault(contract.processor, {}).setdefault(
                    activity.controller, set()
                ).add(ident)
        return {
            p: ProcessorRecord(
                p,
                tuple(self._served(p, c, ids) for c, ids in sorted(by_controller.items())),
            )
            for p, by_controller in sorted(served.items())
            if p in inv.organisations
        }

    # --- one activity -------------------------------------------------------------

    def _activity(self, activity: Activity) -> ActivityRecord:
        inv = self.inventory
        flows = tuple(sorted(inv.flows_by_activity.get(activity.id, ()), key=lambda f: f.id))
        systems = tuple(
            sorted(
                (inv.systems[s] for s in inv.systems_of(activity)),
                key=lambda s: (s.name, s.id),
            )
        )
        controllers = frozenset(inv.controllers_of(activity))
        # Operators of its systems process for it, unless they receive as controllers.
        independent = inv.received_as_controller.get(activity.id, set())
        hosting = sorted(
            {
                s.operator
                for s in systems
                if s.operator
                and s.operator not in controllers
                and s.operator in inv.organisations
                and s.id not in independent
            }
        )
        recipients = {r for flow in flows if (r := self._recipient(activity, flow))}
        recipients |= {Recipient(inv.organisations[o].name, "processor", o) for o in hosting}
        return ActivityRecord(
            activity=activity,
            controllers=controllers,
            flows=flows,
            systems=systems,
            recipients=tuple(sorted(recipients)),
            processors=self._processors(activity, flows, hosting),
            transfers=self._transfers(activity, flows, systems, controllers),
            rights=tuple(rights(activity)),
        )

    def _recipient(self, activity: Activity, flow: Flow) -> Recipient | None:
        """The organisation a flow discloses data to, if not the activity's controller."""
        inv = self.inventory
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

    def _processors(
        self, activity: Activity, flows: tuple[Flow, ...], hosting: list[str]
    ) -> tuple[Processor, ...]:
        """Processors the activity's flows reach and those running its systems."""
        inv = self.inventory
        named: dict[str, set[str]] = {}
        for flow in flows:
            processor = inv.is_processor_end(flow)
            if processor is not None:
                names = named.setdefault(processor, set())
                if flow.contract:
                    names.add(flow.contract)
        for processor in hosting:
            named.setdefault(processor, set())
        found = []
        for processor, contracts in named.items():
            org = inv.organisations.get(processor)
            found.append(
                Processor(
                    processor,
                    org.name if org else processor,
                    activity_covers(inv, activity, processor, self.as_of, contracts),
                )
            )
        return tuple(sorted(found, key=lambda p: (p.name, p.organisation)))

    def _transfers(
        self,
        activity: Activity,
        flows: tuple[Flow, ...],
        systems: tuple[System, ...],
        controllers: frozenset[str],
    ) -> tuple[Transfer, ...]:
        """Transfers by the activity's flows, and by the systems it uses that a processor
        hosts outside the EEA (their safeguard: that of a flow into the system, if any)."""
        inv = self.inventory
        found: dict[Transfer, tuple[set[str], set[str]]] = {}

        def add(line: Transfer | None, flow: str | None, system: str | None) -> None:
            if line is None:
                return
            via = found.setdefault(line, (set(), set()))
            if flow:
                via[0].add(flow)
            if system:
                via[1].add(system)

        for flow in flows:
            if flow.transfer is not None and flow.transfer.country:
                where: tuple[str, ...] = (flow.transfer.country,)
            else:
                where = inv.countries_of(flow.to)
            for country in where:
                add(self._transfer(country, flow.to, flow), flow.id, None)
        reached = {f.to for f in flows}
        for system in systems:
            # Reached from abroad (remote access, an operator established there): a
            # transfer on the mechanism declared for it, if any.
            for country in inv.access_countries(system.id, activity):
                line = self._transfer(country, system.id, inv.transfer_into(system.id, country))
                add(line, None, system.id)
            if system.id in reached or not system.operator or system.operator in controllers:
                continue
            for country in inv.countries_of(system.id):
                line = self._transfer(country, system.id, inv.transfer_into(system.id, country))
                add(line, None, system.id)
        return tuple(
            Transfer(
                t.country,
                t.recipient,
                t.mechanisms,
                t.reference,
                t.organisation,
                tuple(sorted(flow_ids)),
                tuple(sorted(system_ids)),
                t.certification,
            )
            for t, (flow_ids, system_ids) in sorted(found.items())
        )

    def _transfer(self, country: str | None, end: str, flow: Flow | None) -> Transfer | None:
        lists = countries()
        if not country or not lists.is_third_country(country):
            return None
        inv = self.inventory
        receiver = inv.operator_of(end) or ""
        org = inv.organisations.get(receiver)
        if org is not None:
            name = org.name
        else:
            entity = inv.endpoint(end)
            name = entity.label if entity is not None else end
        if flow is not None and flow.transfer is not None:
            mechanisms = flow.transfer.mechanisms
            # The US decision covers certified organisations only: say whether this one is.
            relies = country == "US" and {TransferMechanism.adequacy, TransferMechanism.dpf} & set(
                mechanisms
            )
            return Transfer(
                country,
                name,
                tuple(m.value for m in mechanisms),
                flow.transfer.reference or "",
                receiver,
                certification=org.dpf if relies and org is not None else None,
            )
        if lists.adequacy_of(country) is not None and not lists.needs_mechanism(country):
            return Transfer(country, name, (TransferMechanism.adequacy.value,), "", receiver)
        return Transfer(country, name, (), "", receiver)

    # --- one processor ------------------------------------------------------------

    def _served(self, processor: str, controller: str, activity_ids: set[str]) -> Served:
        inv = self.inventory
        rows = [self.activities[a] for a in sorted(activity_ids)]
        systems = {s.id: s for row in rows for s in row.systems if s.operator == processor}
        named = {
            f.contract
            for row in rows
            for f in row.flows
            if f.contract and inv.is_processor_end(f) == processor
        }
        # The processor's part of the transfers: data it receives, sends, or hosts abroad.
        transfers = sorted(
            {
                t
                for row in rows
                for t in row.transfers
                if t.organisation == processor
                or any(inv.operator_of(inv.flows[f].source) == processor for f in t.flows)
                or any(s in systems for s in t.systems)
            }
        )
        # Each activity's own controller signs for it (joint controllers share its contract).
        signing = sorted({r.controller for r in rows if r.controller} or {controller})
        found: dict[str, Cover] = {}
        for signer in signing:
            for cover in covers(inv, signer, processor, self.as_of, named):
                found.setdefault(cover.contract.id, cover)
        return Served(
            controller=controller,
            activities=tuple(r.activity for r in rows),
            covers=tuple(sorted(found.values(), key=lambda c: not c.in_force)),
            systems=tuple(sorted(systems.values(), key=lambda s: (s.name, s.id))),
            transfers=tuple(transfers),
        )
