"""What a rule is, and the context it checks.

A rule is a function decorated with :func:`rule`: a stable code, a severity, the
article it enforces and a docstring whose first line says what fails and whose
rest says how to fix it. It yields findings through the context, which knows
where each field of each entity was written.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import Entity


@dataclass(frozen=True)
class Settings:
    """Tunable thresholds (from ``ropa.yaml`` where present)."""

    large_scale_subjects: int = 10_000  # Art. 35: "large scale" for DPIA screening


@dataclass
class Context:
    inventory: Inventory
    as_of: dt.date
    settings: Settings = field(default_factory=Settings)


CheckFunction = Callable[["RuleContext"], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    article: str
    check: CheckFunction | None  # None: emitted while loading (schema rules)
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip()

    @property
    def help(self) -> str:
        """Everything after the summary line: how to fix it, with examples."""
        lines = self.doc.strip().splitlines()[1:]
        return inspect.cleandoc("\n".join(lines)) if lines else self.summary


class RuleContext:
    """The view one rule has: the inventory, the date, and a way to report."""

    def __init__(self, rule: Rule, context: Context) -> None:
        self.rule = rule
        self.inventory = context.inventory
        self.as_of = context.as_of
        self.settings = context.settings

    def finding(self, entity: Entity, message: str, *path: str | int) -> Finding:
        """A finding about ``entity``, located at its field ``path`` (or the entity)."""
        return Finding(
            self.rule.code,
            self.rule.severity,
            self.rule.article,
            message,
            entity.kind,
            entity.id,
            self.inventory.position(entity, *path),
        )


_RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, article: str) -> Callable:
    """Register a check function (or, for schema rules, a docstring holder)."""

    def register(function: Callable) -> Callable:
        if code in _RULES:
            raise RuntimeError(f"rule code {code} registered twice")
        emitted_by_loader = getattr(function, "emitted_by_loader", False)
        _RULES[code] = Rule(
            code=code,
            name=name,
            severity=severity,
            article=article,
            check=None if emitted_by_loader else function,
            doc=inspect.getdoc(function) or "",
        )
        return function

    return register


def loader_rule(function: Callable) -> Callable:
    """Mark a rule that the loader emits (its function only carries the docs)."""
    function.emitted_by_loader = True  # type: ignore[attr-defined]
    return function


def registered() -> dict[str, Rule]:
    return _RULES
