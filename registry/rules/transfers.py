"""Art. 44-49: transfers outside the EEA, judged on each flow's destination."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.vocabulary import TransferMechanism, countries
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


@rule("TRF-001", "transfer-without-mechanism", E, "Art. 44, 46")
def transfer_without_mechanism(ctx: RuleContext) -> Iterator[Finding]:
    """A flow sends data to a country outside the EEA without full adequacy, with no mechanism.

    Add `transfer: {mechanism: sccs, reference: …}` (or bcr, a derogation, or
    `adequacy` where a partial decision such as the EU-US Data Privacy Framework
    covers the recipient).
    """
    inv = ctx.inventory
    lists = countries()
    for flow in inv.flows.values():
        country = inv.country_of(flow.to)
        if country and lists.needs_mechanism(country) and flow.transfer is None:
            yield ctx.finding(
                flow,
                f"flow {flow.id} transfers data to {country} (outside the EEA, no full adequacy "
                "decision) without a transfer mechanism",
                "to",
            )


@rule("TRF-002", "adequacy-claimed", E, "Art. 45")
def adequacy_claimed(ctx: RuleContext) -> Iterator[Finding]:
    """A flow relies on adequacy for a country that has no adequacy decision.

    Use another mechanism (SCCs, BCRs, a derogation) or correct the country. The
    list of decisions ships with ropa, dated; `ropa explain TRF-002` names it.
    """
    inv = ctx.inventory
    lists = countries()
    for flow in inv.flows.values():
        if flow.transfer is None or flow.transfer.mechanism is not TransferMechanism.adequacy:
            continue
        country = flow.transfer.country or inv.country_of(flow.to)
        if country and lists.is_third_country(country) and lists.adequacy_of(country) is None:
            yield ctx.finding(
                flow,
                f"flow {flow.id} claims adequacy for {country}, which has no adequacy decision "
                f"(list reviewed {lists.reviewed})",
                "transfer",
                "mechanism",
            )


@rule("TRF-003", "destination-country-unknown", W, "Art. 30(1)(e)")
def destination_country_unknown(ctx: RuleContext) -> Iterator[Finding]:
    """A flow leaves the organisation for a recipient whose country is not known.

    The record must name the third countries data goes to. Give the receiving
    system a `country`, or its operator (the receiving organisation) one.
    """
    inv = ctx.inventory
    for flow in inv.flows.values():
        sender = inv.operator_of(flow.source)
        receiver = inv.operator_of(flow.to)
        if receiver and receiver != sender and inv.country_of(flow.to) is None:
            yield ctx.finding(flow, f"flow {flow.id}: the country of {flow.to} is unknown", "to")
