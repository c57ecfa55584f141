"""Art. 44-49: transfers outside the EEA, judged on each flow's destination and on each
system's third-country access.

A flow's destination is the country its `transfer:` names, else every country its
receiving end is hosted in (a system's `country`, one or a list, else its operator's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import Flow, Organisation, System, Transfer
from registry.core.vocabulary import TransferMechanism, countries
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning

US = "US"
# The grounds that are an adequacy decision (Art. 45); for the US both mean the DPF.
_ADEQUACY = frozenset({TransferMechanism.adequacy, TransferMechanism.dpf})
# DPF organisations re-certify every year: a check of the DPF List older than this is stale.
_RECHECK_DAYS = 365


def _destinations(inv: Inventory, flow: Flow) -> tuple[str, ...]:
    if flow.transfer is not None and flow.transfer.country:
        return (flow.transfer.country,)
    return inv.countries_of(flow.to)


def _other_safeguard(transfer: Transfer) -> bool:
    """Some mechanism listed besides an adequacy decision (SCCs, BCRs, a derogation…)."""
    return any(m not in _ADEQUACY for m in transfer.mechanisms)


def _mechanism_path(transfer: Transfer, wanted: frozenset[TransferMechanism]) -> tuple:
    """Where the first of ``wanted`` is written in the flow's `transfer.mechanism`."""
    if isinstance(transfer.mechanism, list):
        index = next(i for i, m in enumerate(transfer.mechanism) if m in wanted)
        return ("transfer", "mechanism", index)
    return ("transfer", "mechanism")


def _certification_problem(inv: Inventory, receiver: str | None, on: dt.date) -> str | None:
    """Why ``receiver`` is not DPF-certified on ``on`` (None when it is)."""
    if receiver is None:
        return "the receiving organisation is not known (give the system an `operator`)"
    organisation = inv.organisations.get(receiver)
    dpf = organisation.dpf if organisation is not None else None
    if dpf is None:
        return f"{receiver} has no `dpf:` certification recorded"
    if dpf.since > on:
        return f"{receiver} is certified only from {dpf.since}, after {on}"
    if dpf.withdrawn is not None and dpf.withdrawn <= on:
        return f"{receiver} left the DPF List on {dpf.withdrawn}"
    return None


@rule("TRF-001", "transfer-without-mechanism", E, "Art. 44, 46")
def transfer_without_mechanism(ctx: RuleContext) -> Iterator[Finding]:
    """A flow sends data to a country outside the EEA without full adequacy, with no mechanism.

    Add `transfer: {mechanism: sccs, reference: …}` (or bcr, a derogation, `dpf`
    for a US organisation certified under the EU-US Data Privacy Framework, or
    `adequacy` where another partial decision covers the recipient). A system
    hosted in several countries (`country: [DE, US]`) is judged on each: one
    finding per flow names every country that needs a mechanism.

    Does not fire when the receiving end is in the EEA or in a country with a full
    adequacy decision (Art. 45(1): such a transfer needs no specific authorisation),
    or when the flow declares any `transfer:` (TRF-002 and TRF-004 judge whether the
    mechanism holds). Third-country *access* to a system hosted elsewhere is TRF-006.
    """
    inv = ctx.inventory
    lists = countries()
    for flow in inv.flows.values():
        if flow.transfer is not None:
            continue
        lacking = [c for c in inv.countries_of(flow.to) if lists.needs_mechanism(c)]
        if lacking:
            yield ctx.finding(
                flow,
                f"flow {flow.id} transfers data to {', '.join(lacking)} (outside the EEA, no "
                "full adequacy decision) without a transfer mechanism",
                "to",
            )


@rule("TRF-002", "adequacy-claimed", E, "Art. 45")
def adequacy_claimed(ctx: RuleContext) -> Iterator[Finding]:
    """A flow relies on adequacy for a country that has no adequacy decision.

    Use another mechanism (SCCs, BCRs, a derogation) or correct the country. The
    list of decisions ships with ropa, dated; `ropa explain TRF-002` names it.

    Does not fire for a country with a decision, full or partial (for the US,
    TRF-004 checks the recipient's DPF certification; for Canada, Japan or Korea
    the register cannot tell whether the recipient is in the decision's scope), or
    when the flow lists another safeguard beside adequacy (`[adequacy, sccs]`): the
    transfer then stands on that safeguard.
    """
    inv = ctx.inventory
    lists = countries()
    wanted = frozenset({TransferMechanism.adequacy})
    for flow in inv.flows.values():
        transfer = flow.transfer
        if transfer is None or not wanted & set(transfer.mechanisms) or _other_safeguard(transfer):
            continue
        missing = [
            c
            for c in _destinations(inv, flow)
            if lists.is_third_country(c) and lists.adequacy_of(c) is None
        ]
        if missing:
            yield ctx.finding(
                flow,
                f"flow {flow.id} claims adequacy for {', '.join(missing)}, which has no "
                f"adequacy decision (list reviewed {lists.reviewed})",
                *_mechanism_path(transfer, wanted),
            )


@rule("TRF-003", "destination-country-unknown", W, "Art. 30(1)(e)")
def destination_country_unknown(ctx: RuleContext) -> Iterator[Finding]:
    """A flow leaves the organisation for a recipient whose country is not known.

    The record must name the third countries data goes to. Give the receiving
    system a `country`, or its operator (the receiving organisation) one.

    Does not fire for a flow that stays within one organisation (sender and
    receiver run by the same operator): no recipient, no transfer to record.
    """
    inv = ctx.inventory
    for flow in inv.flows.values():
        sender = inv.operator_of(flow.source)
        receiver = inv.operator_of(flow.to)
        if receiver and receiver != sender and inv.country_of(flow.to) is None:
            yield ctx.finding(flow, f"flow {flow.id}: the country of {flow.to} is unknown", "to")


@rule("TRF-004", "dpf-not-certified", E, "Art. 45")
def dpf_not_certified(ctx: RuleContext) -> Iterator[Finding]:
    """A flow relies on the EU-US Data Privacy Framework for a recipient not certified then.

    The US adequacy decision ((EU) 2023/1795) is partial: it covers only
    organisations on the DPF List, from their certification until they leave it.
    `adequacy` or `dpf` for a transfer to the US therefore needs the receiving
    organisation (the system's operator, or the organisation the flow goes to) to
    carry `dpf: {since: …, verified: …, reference: <its DPF List entry>}` with
    `since` on or before the date checked and no `withdrawn` by then. Check the
    List at https://www.dataprivacyframework.gov/list and record the fact, or rely
    on SCCs (`mechanism: sccs`, or `[dpf, sccs]`). `dpf` claimed for another
    country is an error too: the DPF reaches only the United States.

    Does not fire when the flow lists another safeguard beside `adequacy`/`dpf`
    (`[dpf, sccs]`): the transfer stands on it whatever the certification; nor for
    a destination in the EEA or with full adequacy, where no mechanism is needed.
    A `dpf` on a flow into an EEA-hosted system, for access from the US, is judged
    here when the transfer names `country: US`, else by TRF-006 (a warning).
    """
    inv = ctx.inventory
    lists = countries()
    for flow in inv.flows.values():
        transfer = flow.transfer
        if transfer is None or _other_safeguard(transfer):
            continue
        claimed = _ADEQUACY & set(transfer.mechanisms)  # all of them: nothing else is listed
        destinations = _destinations(inv, flow)
        problems = []
        if US in destinations:
            problem = _certification_problem(inv, inv.operator_of(flow.to), ctx.as_of)
            if problem:
                problems.append(
                    f"relies on the EU-US Data Privacy Framework for the US, but {problem}"
                )
        if TransferMechanism.dpf in claimed:
            elsewhere = [c for c in destinations if c != US and lists.needs_mechanism(c)]
            if elsewhere:
                problems.append(
                    f"claims the EU-US Data Privacy Framework for {', '.join(elsewhere)}: it "
                    "covers only certified organisations in the United States"
                )
        if problems:
            yield ctx.finding(
                flow,
                f"flow {flow.id} " + "; and ".join(problems),
                *_mechanism_path(transfer, claimed),
            )


@rule("TRF-005", "dpf-verification-stale", W, "Art. 45")
def dpf_verification_stale(ctx: RuleContext) -> Iterator[Finding]:
    """A DPF certification relied on was last checked on the DPF List over a year ago.

    Certified organisations re-certify every year and may leave the List; a
    transfer under the DPF is lawful only while they are on it. Check the
    organisation's entry (its `dpf.reference`) and write the date in
    `dpf: {verified: …}` (or `withdrawn: …` if it has left the List). Without a
    `verified` date, `since` is the last sign of a check.

    Does not fire for a certification that no flow relies on (no `adequacy` or
    `dpf` to that organisation in the US, for a flow or for access to its
    system): the fact is then only informative; nor for a certification not in
    force on the date checked (TRF-004 reports that transfer).
    """
    inv = ctx.inventory
    relied: dict[str, Organisation] = {}
    for flow in inv.flows.values():
        transfer = flow.transfer
        if transfer is None or not _ADEQUACY & set(transfer.mechanisms):
            continue
        if US not in _destinations(inv, flow) and US not in inv.access_countries(flow.to):
            continue
        organisation = inv.organisations.get(inv.operator_of(flow.to) or "")
        if organisation is not None and organisation.dpf and organisation.dpf.in_force(ctx.as_of):
            relied[organisation.id] = organisation
    for ident in sorted(relied):
        organisation = relied[ident]
        dpf = organisation.dpf
        assert dpf is not None  # collected above only with a certification
        checked = dpf.verified or dpf.since
        if (ctx.as_of - checked).days <= _RECHECK_DAYS:
            continue
        name = f"the EU-US Data Privacy Framework certification of {ident}"
        if dpf.verified:
            yield ctx.finding(
                organisation,
                f"{name} was last verified on {checked}, over a year before {ctx.as_of}: "
                "check the DPF List and update `verified`",
                "dpf",
                "verified",
            )
        else:
            yield ctx.finding(
                organisation,
                f"{name} (since {checked}) has no `verified` date and dates from over a year "
                f"before {ctx.as_of}: check the DPF List and write the date in `verified`",
                "dpf",
            )


@rule("TRF-006", "third-country-access", W, "Art. 44, 46")
def third_country_access(ctx: RuleContext) -> Iterator[Finding]:
    """A system is reached from a third country without adequacy, and no mechanism covers it.

    Remote access from a third country (support, administration) to data hosted
    elsewhere, typically in the EEA, is a transfer (EDPB guidelines 05/2021 on the
    interplay of Art. 3 and Chapter V): a system's `accessed_from`, and its
    operator's own country when that operator is established outside the EEA and
    runs the system for another controller. Cover it with a flow into the system
    that declares `transfer:` (`mechanism: sccs`, or `dpf` for a certified US
    operator; with `country:` it covers that country only), or remove the access.
    A warning: the register cannot tell whether the access is made, nor whether
    personal data are reached.

    Does not fire for access from the EEA or from a country with a full adequacy
    decision (e.g. CH, GB; Japan's decision is partial, so claim `adequacy` there);
    for a country the system is hosted in (its flows are transfers, TRF-001); for
    an operator that is the controller of every activity using the system (it
    reaches its own data: no exporter and importer, so no transfer); nor when a
    flow into the system declares a mechanism that holds for that country
    (an `adequacy`/`dpf` alone holds for the US only if the operator is
    certified, TRF-004's test), or one that names the country
    (`transfer: {mechanism: dpf, country: US}`: TRF-002 and TRF-004 then judge the
    claim, as an error where it fails).
    """
    inv = ctx.inventory
    lists = countries()
    for ident in sorted(inv.systems):
        system = inv.systems[ident]
        uncovered = [
            c
            for c in inv.access_countries(ident)
            if lists.needs_mechanism(c) and not _access_covered(ctx, system, c)
        ]
        if not uncovered:
            continue
        reasons = [
            c
            if c in system.accessed_from
            else f"{c} (its operator {system.operator} is established there)"
            for c in uncovered
        ]
        hosted = ", ".join(inv.countries_of(ident)) or "an unknown country"
        yield ctx.finding(
            system,
            f"system {ident} (hosted in {hosted}) is reached from {', '.join(reasons)}, outside "
            "the EEA without full adequacy, and no flow into it declares a transfer mechanism "
            "that covers it",
            "accessed_from" if any(c in system.accessed_from for c in uncovered) else "operator",
        )


def _access_covered(ctx: RuleContext, system: System, country: str) -> bool:
    """A flow into ``system`` declares a mechanism that holds for access from ``country``."""
    inv = ctx.inventory
    lists = countries()
    for flow in inv.flows_into.get(system.id, ()):
        transfer = flow.transfer
        if transfer is None or transfer.country not in (None, country):
            continue
        if transfer.country == country or _other_safeguard(transfer):
            return True  # named for this country: TRF-002/TRF-004 judge the claim itself
        if country == US:
            if _certification_problem(inv, system.operator, ctx.as_of) is None:
                return True
        elif TransferMechanism.adequacy in transfer.mechanisms and lists.adequacy_of(country):
            return True
    return False


# Derogations the EDPB reads as for occasional transfers only (Guidelines 2/2018, 2.1):
# Art. 49(1)(b), (c) and (e), and the compelling legitimate interests of the second
# subparagraph ("not repetitive").
_OCCASIONAL_ONLY = frozenset(
    {
        TransferMechanism.derogation_contract_with_subject,
        TransferMechanism.derogation_contract_in_subject_interest,
        TransferMechanism.derogation_legal_claims,
        TransferMechanism.derogation_compelling_legitimate_interests,
    }
)


@rule("TRF-007", "derogation-for-regular-transfer", E, "Art. 49(1)")
def derogation_for_regular_transfer(ctx: RuleContext) -> Iterator[Finding]:
    """A continuous or batch flow rests only on a derogation meant for occasional transfers.

    Art. 49 derogations are exceptions, to be read restrictively (EDPB Guidelines
    2/2018): those of Art. 49(1)(b), (c) and (e) apply to occasional transfers, and the
    compelling legitimate interests of the second subparagraph to non-repetitive ones.
    A structural, regular transfer — the Dutch DPA's Uber decision of 22 July 2024:
    all drivers' data to the US on Art. 49(1)(b) and (c) — needs an Art. 45-47 ground:
    adequacy (the DPF for a certified US recipient), SCCs or BCRs. Add it to
    `transfer.mechanism`, or, if the flow truly happens only now and then, say so with
    `type: one-off`.

    Does not fire for a `one-off` or `migration` flow, when another ground is listed
    beside the derogation (SCCs, BCRs, adequacy, explicit consent, public interest,
    vital interests, a public register), or when the destination needs no mechanism
    (the EEA or full adequacy).
    """
    inv = ctx.inventory
    lists = countries()
    for flow in inv.flows.values():
        transfer = flow.transfer
        if transfer is None or flow.type.value not in ("continuous", "batch"):
            continue
        if not set(transfer.mechanisms) <= _OCCASIONAL_ONLY:
            continue
        if not any(lists.needs_mechanism(c) for c in _destinations(inv, flow)):
            continue
        articles = ", ".join(m.article for m in transfer.mechanisms)
        yield ctx.finding(
            flow,
            f"flow {flow.id} is a {flow.type.value} transfer resting only on {articles}: "
            "derogations for occasional transfers cannot carry a regular one",
            "transfer",
            "mechanism",
        )
