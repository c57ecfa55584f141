"""Which Art. 28 contract lets a processor process for a controller, on a given date.

One answer for everyone: the Art. 28 rules (DPA-001, DPA-002) judge with
:func:`valid_contracts`, and the record (:mod:`registry.core.record`) shows
:func:`covers`, so a processor appears "without contract" in the register exactly
where no contract of any status links it to the controller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from registry.core.inventory import Inventory
from registry.core.model import Contract
from registry.core.vocabulary import ContractType

PROCESSING = (ContractType.dpa, ContractType.sub_processing)


def contract_problem(contract: Contract, as_of: dt.date) -> str | None:
    """Why a processing contract is not in force on ``as_of`` (None if it is)."""
    if contract.signed is None:
        return f"contract {contract.id} is not signed"
    if contract.signed > as_of:
        return f"contract {contract.id} is only signed on {contract.signed}"
    if contract.expires is not None and contract.expires < as_of:
        return f"contract {contract.id} expired on {contract.expires}"
    return None


def _authorising(inv: Inventory, controller: str, contract: Contract) -> list[Contract]:
    """The controller's contracts with the processor that engaged ``contract``'s
    processor, which list that sub-processor as authorised (Art. 28(2))."""
    return [
        parent
        for parent in inv.contracts_by_processor.get(contract.controller, ())
        if parent.controller == controller
        and contract.processor in parent.authorised_subprocessors
    ]


def valid_contracts(
    inv: Inventory, controller: str, processor: str, as_of: dt.date
) -> list[Contract]:
    """Contracts in force that let ``processor`` process for ``controller``.

    Either a DPA between the two, or a sub-processing contract from a processor of
    that controller whose own contract authorises this sub-processor.
    """
    return [c.contract for c in covers(inv, controller, processor, as_of) if c.in_force]


@dataclass(frozen=True)
class Cover:
    """A contract behind a processor, as the record shows it."""

    contract: Contract
    problem: str | None = None  # why it does not cover on the record's date; None: it does
    authorised_by: Contract | None = None  # a sub-processing contract: the controller's
    # contract with the engaging processor that authorises this sub-processor

    @property
    def in_force(self) -> bool:
        return self.problem is None


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
    """
    in_force: list[Cover] = []
    lapsed: list[Cover] = []
    seen: set[str] = set()
    for contract in inv.contracts_by_processor.get(processor, ()):
        if contract.type not in PROCESSING:
            continue
        parent: Contract | None = None
        if contract.type is ContractType.dpa:
            if contract.controller != controller:
                continue
            problem = contract_problem(contract, as_of)
        else:
            parents = _authorising(inv, controller, contract)
            if not parents:
                continue
            live = [p for p in parents if contract_problem(p, as_of) is None]
            parent = (live or parents)[0]
            problem = contract_problem(contract, as_of)
        seen.add(contract.id)
        (lapsed if problem else in_force).append(Cover(contract, problem, parent))
    for ident in sorted(set(named) - seen):
        contract = inv.contracts.get(ident)
        if contract is None:
            continue  # a dangling reference: SCH-012's finding
        lapsed.append(
            Cover(contract, f"contract {ident} is not a DPA between {controller} and {processor}")
        )
    return tuple(in_force + lapsed)
