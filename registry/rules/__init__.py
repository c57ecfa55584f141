"""The rule catalogue. Each module holds the rules of one area of the GDPR.

Adding a rule: write a function decorated with ``@rule`` in the module of its
area (or a new module listed below) and its tests in ``tests/rules/``. A rule found
outside the checker (by the loader, in evidence) is declared once with
``registry.core.rulebook.declare`` and its finder calls ``RULE.finding(...)``.
"""

from __future__ import annotations

from functools import cache

from registry.core.rulebook import Rule, declared


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule by code, in catalogue order."""
    from registry.rules import (  # noqa: F401  (importing registers the rules)
        discover,
        evidence,
        governance,
        lawfulness,
        lineage,
        lineage_implied,
        processors,
        record,
        retention,
        schema,
        scope,
        security,
        transfers,
    )

    return dict(sorted(declared().items()))
