"""Which Art. 28 contract lets a processor process for a controller, on a given date.

One answer for everyone: the Art. 28 rules (DPA-001, DPA-002, DPA-005) judge with
:func:`covers` and :func:`valid_contracts`, and the record
(:mod:`registry.core.record`) shows :func:`covers`, so a processor appears "without
contract" in the register exactly where no contract of any status links it to the
controller.

A processor Q processes for controller C under one of:

- a DPA between C and Q;
- a sub-processing contract between one of C's processors P and Q, where C's DPA
  with P authorises Q (Art. 28(2), 28(4));
- C's DPA with P alone, where P hands Q C's data (a flow of C's activity from a
  system P runs to Q) and that DPA authorises Q: specifically
  (`authorised_subprocessors`) or by a general written authorisation
  (`general_authorisation`). The contract between P and Q is P's to hold under
  Art. 28(4); a controller's register need not copy it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from registry.core.inventory import Inventory
from registry.core.model import Activity, Contract
from registry.core.vocabulary import ContractType

PROCESSING = (ContractType.dpa, ContractType.sub_processing)


def concluded(contract: Contract) -> dt.date | None:
    """When the contract was made in writing: signed, or accepted online (Art. 28(9):
    "in writing, including in electronic form"); the earlier of the two."""
    dates = [d for d in (contract.signed, contract.accepted) if d is not None]
    return min(dates) if dates else None


def contract_problem(contract: Contract, as_of: dt.date) -> str | None:
    """Why a processing contract is not in force on ``as_of`` (None if it is)."""
    start = concluded(contract)
    if start is None:
        return f"contract {contract.id} is not signed (nor accepted online)"
    if start > as_of:
        how = "signed" if start == contract.signed else "accepted"
        return f"contract {contract.id} is only {how} on {start}"
    if contract.expires is not None and contract.expires < as_of:
        return f"contract {contract.id} expired on {contract.expires}"
    return None


def authorises(dpa: Contract, sub_processor: str) -> bool:
    """Whether a controller's DPA lets its processor engage ``sub_processor``: named in
    `authorised_subprocessors` (specific) or under `general_authorisation`."""
    return dpa.general_authorisation is not None or sub_processor in dpa.authorised_subprocessors


def dpas(inv: Inventory, controller: str, processor: str) -> list[Contract]:
    """The controller's DPAs with a processor, of any status, in declaration order."""
    return [
        c
        for c in inv.contracts_by_processor.get(processor, ())
        if c.type is ContractType.dpa and c.controller == controller
    ]


def _authorising(
    inv: Inventory, controller: str, engaging: str, sub_processor: str, as_of: dt.date
) -> Contract | None:
    """The controller's DPA with ``engaging`` that authorises ``sub_processor``; one in
    force first."""
    found = [d for d in dpas(inv, controller, engaging) if authorises(d, sub_processor)]
    live = [d for d in found if contract_problem(d, as_of) is None]
    return (live or found or [None])[0]


def valid_contracts(
    inv: Inventory, controller: str, processor: str, as_of: dt.date
) -> list[Contract]:
    """Contracts in force that let ``processor`` process for ``controller``."""
    return [c.contract for c in covers(inv, controller, processor, as_of) if c.in_force]


@dataclass(frozen=True)
class Cover:
    """A contract behind a processor, as the record shows it."""

    contract: Contract
    problem: str | None = None  # why it does not cover on the record's date; None: it does
    authorised_by: Contract | None = None  # a sub-processing contract: the controller's
    # contract with the engaging processor that authorises this sub-processor
    engaged_by: str | None = None  # a sub-processor: the processor that engaged it

    @property
    def in_force(self) -> bool:
        return self.problem is None

    @property
    def general(self) -> bool:
        """Authorised as sub-processor under a general written authorisation."""
        dpa = self.authorised_by or (self.contract if self.engaged_by else None)
        return dpa is not None and dpa.general_authorisation is not None


def covers(
    inv: Inventory,
    controller: str,
    processor: str,
    as_of: dt.date,
    named: Iterable[str] = (),
) -> tuple[Cover, ...]:
    """Every contract linking ``processor`` to ``controller``: those in force first.

    ``named`` are contracts that flows name for this processor: shown even when they
    do not cover it (with the reason), since ``ropa check`` reports them. Empty only
    when no contract of any status links the two — where DPA-001/DPA-002 report.

    Answered once per (controller, processor, date) when no contract is ``named``: the
    Art. 28 rules and the record ask it of the same pairs for every flow, and each
    answer walks every contract of the processor (kept on the inventory, which is not
    modified once built).
    """
    if named:
        return _covers(inv, controller, processor, as_of, named)
    known: dict[tuple[str, str, dt.date], tuple[Cover, ...]] = vars(inv).setdefault(
        _COVERS_ATTRIBUTE, {}
    )
    key = (controller, processor, as_of)
    found = known.get(key)
    if found is None:
        found = known[key] = _covers(inv, controller, processor, as_of, ())
    return found


_COVERS_ATTRIBUTE = "_covers"


def _covers(
    inv: Inventory, controller: str, processor: str, as_of: dt.date, named: Iterable[str]
) -> tuple[Cover, ...]:
    in_force: list[Cover] = []
    lapsed: list[Cover] = []
    seen: set[str] = set()
    engaging_covered: set[str] = set()

    def add(cover: Cover) -> None:
        seen.add(cover.contract.id)
        (lapsed if cover.problem else in_force).append(cover)

    for contract in inv.contracts_by_processor.get(processor, ()):
        if contract.type is ContractType.dpa:
            if contract.controller == controller:
                add(Cover(contract, contract_problem(contract, as_of)))
        elif contract.type is ContractType.sub_processing and contract.controller:
            parent = _authorising(inv, controller, contract.controller, processor, as_of)
            if parent is not None:
                engaging_covered.add(contract.controller)
                add(
                    Cover(
                        contract,
                        contract_problem(contract, as_of),
                        parent,
                        contract.controller,
                    )
                )
    # Handed the data by a processor whose DPA authorises it, with no contract of its
    # own in the register: that DPA is what lets it process for the controller. (With
    # a DPA of its own it is the controller's direct processor, whatever hands it data.)
    direct = any(c.contract.type is ContractType.dpa for c in in_force + lapsed)
    handed = set() if direct else inv.handed_to.get((controller, processor), set())
    for engaging in sorted(handed - engaging_covered):
        parent = _authorising(inv, controller, engaging, processor, as_of)
        if parent is not None and parent.id not in seen:
            add(Cover(parent, contract_problem(parent, as_of), None, engaging))
    for ident in sorted(set(named) - seen):
        contract = inv.contracts.get(ident)
        if contract is None:
            continue  # a dangling reference: SCH-012's finding
        lapsed.append(
            Cover(contract, f"contract {ident} is not a DPA between {controller} and {processor}")
        )
    return tuple(in_force + lapsed)


def engaged_by(inv: Inventory, controller: str, processor: str) -> list[str]:
    """The controller's processors that engaged ``processor``: they hand it the
    controller's data, or hold a processing contract with it as its controller."""
    found = set(inv.handed_to.get((controller, processor), ()))
    found |= {
        c.controller
        for c in inv.contracts_by_processor.get(processor, ())
        if c.type in PROCESSING and c.controller and c.controller != controller
    }
    found.discard(processor)
    return sorted(p for p in found if dpas(inv, controller, p))


def activity_covers(
    inv: Inventory, activity: Activity, processor: str, as_of: dt.date, named: Iterable[str] = ()
) -> tuple[Cover, ...]:
    """:func:`covers` for every controller of ``activity``: its controller's contracts,
    then those its joint controllers concluded — Art. 26 lets joint controllers agree
    which of them binds a processor for the processing they share."""
    if activity.controller is None:
        return ()
    joint = sorted(set(activity.joint_controllers) - {activity.controller})
    signers = [activity.controller, *joint]
    found: dict[str, Cover] = {}
    for signer in signers:
        for cover in covers(inv, signer, processor, as_of, named if signer == signers[0] else ()):
            if cover.contract.id not in found or (
                cover.in_force and not found[cover.contract.id].in_force
            ):
                found[cover.contract.id] = cover
    return tuple(sorted(found.values(), key=lambda c: not c.in_force))
