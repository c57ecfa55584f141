"""Art. 32: security of processing, judged per system and per flow."""

from __future__ import annotations

from collections.abc import Iterator

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import System
from registry.core.vocabulary import Authentication, FlowMedium
from registry.rules.base import RuleContext, rule

E, W = Severity.error, Severity.warning


def special_stored(inv: Inventory, system: System) -> list[str]:
    """The stored categories of a system that are special (Art. 9/10/87); read, never
    change (worked out once per system of the inventory: three rules ask)."""
    if inv.systems.get(system.id) is system:
        return inv.stored_special.get(system.id, [])
    return sorted({s.category for s in system.stores if inv.special_of(s.category)})


@rule("SEC-001", "special-unencrypted", E, "Art. 32(1)(a)")
def special_unencrypted(ctx: RuleContext) -> Iterator[Finding]:
    """A system stores special categories without encryption at rest (or does not say).

    Set `security.encryption_at_rest: true` once the disks, database or files are
    encrypted. (In the Dedalus Biologie case, CNIL SAN-2022-009, the migration extract
    was stored in clear.)

    Does not fire for a system whose `stores:` names no special category (Art. 9
    data, criminal data under Art. 10 or national identification numbers under
    Art. 87, also by inheritance from a marked parent category), `stores: []`
    included; special data that arrives by a flow without being declared in
    `stores:` is SEC-101's finding. Left unset, `encryption_at_rest` fires as
    `false` does: a measure the record does not state cannot be demonstrated
    (Art. 5(2)).
    """
    inv = ctx.inventory
    for system in inv.systems.values():
        special = special_stored(inv, system)
        if special and not (system.security and system.security.encryption_at_rest):
            yield ctx.finding(
                system,
                f"system {system.id} stores {', '.join(special)} without encryption at rest",
                "security",
                "encryption_at_rest",
            )


@rule("SEC-002", "exposed-without-authentication", E, "Art. 32(1)(b)")
def exposed_without_authentication(ctx: RuleContext) -> Iterator[Finding]:
    """An internet-exposed system has no authentication (or does not say), in whole or in part.

    Put the system behind individual authentication (`authentication:
    individual`) or take it off the internet. (In the Dedalus Biologie case, CNIL
    SAN-2022-009, the migration server had a public area reachable without any.)

    A system is as open as its weakest entrance: with several modes
    (`authentication: [none, shared]`, an unauthenticated public area beside
    shared accounts) it is judged by the weakest, here `none`.

    Does not fire when every way in asks for an account (individual or shared;
    shared accounts are SEC-003's), nor when the system is not exposed to the
    internet: the breach of Art. 32(1)(b) this rule catches is anyone on the
    internet reading the data.
    """
    for system in ctx.inventory.systems.values():
        security = system.security
        if (
            security
            and security.internet_exposed
            and security.weakest_authentication in (None, Authentication.none)
        ):
            modes = security.authentications
            part = f" to part of it (authentication: {', '.join(modes)})" if len(modes) > 1 else ""
            yield ctx.finding(
                system,
                f"system {system.id} is reachable from the internet without authentication{part}",
                "security",
                "authentication",
            )


@rule("SEC-003", "shared-accounts", E, "Art. 32(1)(b), 32(4)")
def shared_accounts(ctx: RuleContext) -> Iterator[Finding]:
    """A system holding personal data is accessed through shared accounts.

    Shared accounts make access untraceable. Give each person an individual
    account (`authentication: individual`).

    Fires whenever `shared` is among the system's modes, even beside a weaker one
    (`[none, shared]`): the public area is SEC-002's finding, the shared accounts
    are a second, separate gap with its own fix (Art. 32(4): each person acting
    under the controller's authority must be identifiable).

    Does not fire when the system declares it stores nothing (`stores: []`) or
    stores nothing yet: accounts to a system holding no personal data expose none.
    """
    for system in ctx.inventory.systems.values():
        if (
            system.stores
            and system.security
            and Authentication.shared in system.security.authentications
        ):
            yield ctx.finding(
                system,
                f"system {system.id} holds personal data behind shared accounts",
                "security",
                "authentication",
            )


@rule("SEC-004", "special-unmonitored", E, "Art. 32(1)(b), 33")
def special_unmonitored(ctx: RuleContext) -> Iterator[Finding]:
    """A system storing special categories has no monitoring or no alert escalation.

    Without supervision a breach goes unseen and the 72-hour notification clock
    (Art. 33) cannot start. Set `monitoring: true` and `alert_escalation: true`
    once alerts reach someone on call.

    Does not fire when both are `true`, nor for a system whose `stores:` names no
    special category (Art. 9, Art. 10 or national identification numbers, as for
    SEC-001); special data arriving by an undeclared flow is SEC-101's. Unset fires
    as `false` does, and one finding names both when both are missing.
    """
    inv = ctx.inventory
    for system in inv.systems.values():
        if not special_stored(inv, system):
            continue
        security = system.security
        missing = [
            name
            for name in ("monitoring", "alert_escalation")
            if not (security and getattr(security, name))
        ]
        if missing:
            yield ctx.finding(
                system,
                f"system {system.id} stores special categories with no {' or '.join(missing)}",
                "security",
                missing[0],
            )


@rule("SEC-005", "migration-procedure", E, "Art. 32(1)(d)")
def migration_procedure(ctx: RuleContext) -> Iterator[Finding]:
    """A migration flow has no documented procedure.

    Link the migration procedure (`procedure:`): what is extracted, who runs it,
    how it is verified and when the copy is deleted.

    Does not fire for a migration flow that links a `procedure` (its content is not
    read), nor for a flow of another `type` (`continuous`, `batch`, `one-off`): a
    migration moves a whole base at once, which is what Dedalus got wrong; other
    flows are judged by the rules on their channel and destination (SEC-006,
    RET-101, SEC-101).
    """
    for flow in ctx.inventory.flows.values():
        if flow.type == "migration" and not flow.procedure:
            yield ctx.finding(flow, f"migration flow {flow.id} has no documented procedure", "type")


@rule("SEC-006", "unencrypted-in-transit", E, "Art. 32(1)(a)")
def unencrypted_in_transit(ctx: RuleContext) -> Iterator[Finding]:
    """A flow that crosses organisations (or comes from data subjects) is not encrypted in transit.

    Set `encrypted_in_transit: true` once the channel uses TLS, SFTP, VPN or the
    like; data leaving one organisation for another must never travel in clear.

    Does not fire when the flow sets `encrypted_in_transit: true`, nor when both
    ends are run by the same organisation (two systems with one `operator`, or a
    system sending to its own operator): inside one organisation's network,
    encryption is a choice its risk assessment makes (Art. 32(1) "as appropriate"),
    and this rule is about data leaving it. Nor when the sending or receiving system
    names no `operator`: ropa cannot then tell whether the flow leaves the
    organisation. Unset fires as `false` does; a collection from the data subjects
    always crosses (from the person to the organisation). Nor for a flow on paper
    (`medium: paper`: forms posted or handed in): encryption in transit is a measure
    for data on a network; a paper flow's security is physical (sealed post, locked
    storage, who handles it), which the register records in the receiving system's
    `security.measures` and no rule yet judges.
    """
    inv = ctx.inventory
    for flow in inv.flows.values():
        if flow.encrypted_in_transit or flow.medium == FlowMedium.paper:
            continue
        sender = inv.operator_of(flow.source)
        receiver = inv.operator_of(flow.to)
        from_subject = flow.source in inv.subjects and flow.source not in inv.systems
        if from_subject or (sender and receiver and sender != receiver):
            yield ctx.finding(
                flow,
                f"flow {flow.id} crosses organisations without encryption in transit",
                "encrypted_in_transit",
            )


@rule("SEC-007", "exposed-special-without-mfa", W, "Art. 32(1)(b)")
def exposed_special_without_mfa(ctx: RuleContext) -> Iterator[Finding]:
    """An internet-exposed system storing special categories does not require MFA.

    Set `mfa: true` once a second factor protects every account.

    Does not fire when the system is not internet-exposed or does not say
    (`internet_exposed` unset), when `mfa: true`, when its `stores:` names no special
    category (Art. 9, Art. 10 or national identification numbers), nor for a
    system with no `security:` block at all (SEC-001 and SEC-004 already report its
    missing measures). A warning: Art. 32 names no particular measure, and a second
    factor is the state of the art to weigh for remote access to such data.
    """
    inv = ctx.inventory
    for system in inv.systems.values():
        security = system.security
        if (
            security
            and security.internet_exposed
            and not security.mfa
            and special_stored(inv, system)
        ):
            yield ctx.finding(
                system,
                f"system {system.id} exposes special categories to the internet without MFA",
                "security",
                "mfa",
            )
