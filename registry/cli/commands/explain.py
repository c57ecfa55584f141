"""`ropa explain CODE`: one rule's documentation."""

from __future__ import annotations

import argparse
import difflib

from registry.core.errors import CannotRun
from registry.rules import catalogue


def run(args: argparse.Namespace) -> int:
    rules = catalogue()
    code = args.code.upper()
    if code not in rules:
        # Equally close codes (SEC-01: SEC-001 or SEC-101?) resolve to the first in the
        # catalogue, not to whichever sorts last.
        close = difflib.get_close_matches(code, list(rules), n=5)
        score = {c: difflib.SequenceMatcher(None, code, c).ratio() for c in close}
        hint = sorted(close, key=lambda c: (-score[c], c))[:1]
        raise CannotRun(f"no rule {args.code!r}" + (f"; did you mean {hint[0]}?" if hint else ""))
    rule = rules[code]
    print(f"{rule.code} {rule.name} ({rule.severity.value}, {rule.article})\n")
    print(rule.summary + "\n")
    print(rule.help)
    return 0
