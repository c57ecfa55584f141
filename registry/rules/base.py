"""The context a rule checks, and the decorator that declares a check as a rule.

A rule is a function decorated with :func:`rule`: a stable code, a severity, the
article it enforces and a docstring whose first line says what fails and whose
rest says how to fix it (declared as a :class:`registry.core.rulebook.Rule`). It
yields findings through the context, which knows where each field of each entity
was written.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from registry.core.config import RegisterReview
from registry.core.findings import Finding, Severity
from registry.core.inventory import Inventory
from registry.core.model import Entity
from registry.core.rulebook import Rule, declare


@dataclass(frozen=True)
class Settings:
    """Tunable thresholds (from ``ropa.yaml`` where present)."""

    large_scale_subjects: int = 10_000  # "large scale": DPIA screening (Art. 35), DPO (Art. 37)
    review: RegisterReview | None = None  # the whole register's review (REV-001, REV-002)


@dataclass
class Context:
    inventory: Inventory
    as_of: dt.date
    settings: Settings = field(default_factory=Settings)


CheckFunction = Callable[["RuleContext"], Iterator[Finding]]


class RuleContext:
    """The view one rule has: the inventory, the date, and a way to report."""

    def __init__(self, rule: Rule, context: Context) -> None:
        self.rule = rule
        self.inventory = context.inventory
        self.as_of = context.as_of
        self.settings = context.settings

    def finding(self, entity: Entity, message: str, *path: str | int) -> Finding:
        """A finding about ``entity``, located at its field ``path`` (or the entity)."""
        return self.rule.finding(
            message, self.inventory.position(entity, *path), kind=entity.kind, ident=entity.id
        )


def rule(
    code: str, name: str, severity: Severity, article: str
) -> Callable[[CheckFunction], CheckFunction]:
    """Declare a check function as a rule, its docstring as the rule's documentation."""

    def register(function: CheckFunction) -> CheckFunction:
        declare(code, name, severity, article, inspect.getdoc(function) or "", check=function)
        return function

    return register
