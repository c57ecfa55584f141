"""Judge one inventory: the rules, then the waivers. The result carries the record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.rules.base import Settings
from registry.rules.engine import apply_waivers, run_rules

if TYPE_CHECKING:
    from registry.core.config import RegisterReview
    from registry.core.record import Record
    from registry.discover.reconcile import Discovery
    from registry.evidence.reconcile import Coverage


@dataclass
class CheckResult:
    inventory: Inventory
    findings: list[Finding]
    as_of: dt.date
    coverage: Coverage | None = None  # set when observed evidence was reconciled
    discovery: Discovery | None = None  # set when repositories were discovered
    review: RegisterReview | None = None  # ropa.yaml's `review:`, for the record's dates

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

    @cached_property
    def record(self) -> Record:
        """The Art. 30 record of this inventory, as of the same date."""
        from registry.core.record import Record  # only outputs that show the record need it

        return Record(self.inventory, self.as_of, self.review)

    @property
    def failed(self) -> bool:
        return any(f.fails for f in self.findings)


def check(inventory: Inventory, as_of: dt.date, settings: Settings | None = None) -> CheckResult:
    """The rules judge the entities that validated whole; the result carries the whole
    inventory, entities kept in part included, for the outputs to show."""
    judged = inventory.judged()
    findings = apply_waivers(judged, run_rules(judged, as_of, settings), as_of)
    findings = sorted(set(findings), key=Finding.sort_key)
    return CheckResult(inventory, findings, as_of, review=settings.review if settings else None)
