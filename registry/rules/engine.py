"""Run the rule catalogue over an inventory, and turn waived findings into accepted risks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from registry.core.findings import Finding
from registry.core.inventory import Inventory
from registry.rules import catalogue
from registry.rules.base import Context, RuleContext, Settings


def run_rules(
    inventory: Inventory, as_of: dt.date, settings: Settings | None = None
) -> list[Finding]:
    context = Context(inventory, as_of, settings or Settings())
    findings = list(inventory.problems)
    for rule in catalogue().values():
        if rule.check is not None:
            findings.extend(rule.check(RuleContext(rule, context)))
    return findings


def apply_waivers(inventory: Inventory, findings: list[Finding], as_of: dt.date) -> list[Finding]:
    """Mark findings covered by a complete, unexpired waiver as accepted risks."""
    active = {}
    for waiver in inventory.waivers.values():
        complete = waiver.reason and waiver.approved_by and waiver.expires
        if complete and waiver.expires >= as_of:
            active[(waiver.rule, waiver.entity)] = waiver
    result = []
    for finding in findings:
        waiver = active.get((finding.rule, finding.entity))
        if waiver is not None and not finding.rule.startswith(("SCH-", "WAV-")):
            finding = replace(finding, waived_by=waiver.id, waiver_reason=waiver.reason)
        result.append(finding)
    return result
