"""Baselines: adopt ropa on a messy register and fail only on new findings.

A baseline lists the findings known today, keyed by rule + entity (the
finding's fingerprint), never by line: moving YAML around does not resurrect
them. Baselined findings are still reported, as known debt, but do not fail the
check; a finding that is fixed drops out the next time the baseline is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from registry.core.errors import CannotRun
from registry.core.findings import Finding

VERSION = 1


class BaselineError(CannotRun):
    pass


@dataclass(frozen=True)
class Baseline:
    fingerprints: frozenset[str]

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """Mark the findings the baseline knows (waived ones stay waived)."""
        return [
            replace(f, baselined=True)
            if f.fingerprint in self.fingerprints and not f.waived_by
            else f
            for f in findings
        ]

    def stale(self, findings: Iterable[Finding]) -> list[str]:
        """Entries no finding matches any more: fixed, to drop on the next write."""
        current = {f.fingerprint for f in findings}
        return sorted(self.fingerprints - current)


def render(findings: Iterable[Finding]) -> str:
    """The baseline file for ``findings``: sorted, one entry per fingerprint."""
    entries: dict[str, dict[str, str]] = {}
    for finding in sorted(findings, key=lambda f: (f.fingerprint, f.sort_key())):
        if finding.waived_by:
            continue  # a waiver already accounts for it, with an expiry
        entries.setdefault(
            finding.fingerprint,
            {
                "fingerprint": finding.fingerprint,
                "rule": finding.rule,
                "entity": finding.entity,
                "severity": finding.severity.value,
                "message": finding.message,
            },
        )
    document = {"version": VERSION, "tool": "ropa", "findings": list(entries.values())}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Baseline:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {path} does not exist; create it with `ropa baseline write {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"cannot read baseline {path}: {error}") from None
    return parse(text, str(path))


def parse(text: str, path: str) -> Baseline:
    """The baseline in ``text`` (the file ``path``, for messages)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"{path}:{error.lineno}:{error.colno}: baseline is not valid JSON: {error.msg}"
        ) from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("version") != VERSION
        or not isinstance(entries, list)
        or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries)
    ):
        raise BaselineError(
            f"{path}: not a ropa baseline (version {VERSION}, findings with fingerprints); "
            "rewrite it with `ropa baseline write`"
        )
    return Baseline(frozenset(e["fingerprint"] for e in entries))
