"""What a rule is: a stable code, a severity, the article it enforces and how to fix it.

Every rule is declared once, by :func:`declare`, and the code that finds a breach
makes the finding through the rule (``rule.finding(...)``), so a code, its severity
and its article are never written out where findings are made. Rules that judge the
loaded inventory are declared in the rules layer (``registry.rules``); those that the
loader and the inventory builder emit are declared in core, below them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from registry.core.findings import Finding, Severity
from registry.core.position import Position

# Judges the inventory through a rule context (registry.rules.base.RuleContext, a layer up).
Check = Callable[[Any], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    article: str
    doc: str  # first line: what fails; the rest: how to fix it
    check: Check | None = None  # None: emitted where it is found (loader, evidence)

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip()

    @property
    def help(self) -> str:
        """Everything after the summary line: how to fix it, with examples."""
        lines = self.doc.strip().splitlines()[1:]
        return inspect.cleandoc("\n".join(lines)) if lines else self.summary

    def finding(
        self, message: str, pos: Position, *, kind: str = "File", ident: str = ""
    ) -> Finding:
        """A finding of this rule about ``kind``:``ident`` (by default the file at ``pos``)."""
        return Finding(
            self.code, self.severity, self.article, message, kind, ident or pos.file, pos
        )


_DECLARED: dict[str, Rule] = {}


def declare(
    code: str, name: str, severity: Severity, article: str, doc: str, check: Check | None = None
) -> Rule:
    """Declare a rule under a code no other rule has; ``doc`` is cleaned like a docstring."""
    if code in _DECLARED:
        raise RuntimeError(f"rule code {code} registered twice")
    declared_rule = Rule(code, name, severity, article, inspect.cleandoc(doc), check)
    _DECLARED[code] = declared_rule
    return declared_rule


def declared() -> dict[str, Rule]:
    """Every rule declared so far, by code (``registry.rules.catalogue`` imports them all)."""
    return _DECLARED
