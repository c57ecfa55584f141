"""What a check produces: findings, each pointing at a file:line to edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from registry.core.position import Position


class Severity(StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    article: str
    message: str
    entity_kind: str
    entity_id: str
    pos: Position
    waived_by: str | None = field(default=None, compare=False)
    waiver_reason: str | None = field(default=None, compare=False)
    baselined: bool = field(default=False, compare=False)

    @property
    def entity(self) -> str:
        return f"{self.entity_kind}:{self.entity_id}" if self.entity_id else self.entity_kind

    @property
    def fingerprint(self) -> str:
        """Stable across edits that move lines: rule + entity."""
        return f"{self.rule}/{self.entity}"

    @property
    def fails(self) -> bool:
        """An error that is neither waived nor baselined fails CI."""
        return self.severity is Severity.error and not self.waived_by and not self.baselined

    def sort_key(self) -> tuple:
        return (self.pos.file, self.pos.line, self.pos.column, self.rule, self.entity, self.message)
