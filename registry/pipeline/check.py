"""Run the rule catalogue over an inventory and apply waivers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.rules import catalogue
from registry.rules.base import Context, RuleContext, Settings

if TYPE_CHECKING:
    from registry.evidence.reconcile import Coverage


@dataclass
class CheckResult:
    inventory: Inventory
    findings: list[Finding]
    as_of: dt.date
    coverage: Coverage | None = None  # set when observed evidence was reconciled

    def count(self, severity: Severity, *, failing_only: bool = True) -> int:
        return sum(
            1
            for f in self.findings
            if f.severity is severity
            and (not failing_only or (not f.waived_by and not f.baselined))
        )

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waived_by)

    @property
    def failed(self) -> bool:
        return any(f.fails for f in self.findings)


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


def check(inventory: Inventory, as_of: dt.date, settings: Settings | None = None) -> CheckResult:
    findings = apply_waivers(inventory, run_rules(inventory, as_of, settings), as_of)
    findings = sorted(set(findings), key=Finding.sort_key)
    return CheckResult(inventory, findings, as_of)
