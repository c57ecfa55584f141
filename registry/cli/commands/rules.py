"""`ropa rules`: the catalogue, one rule a line."""

from __future__ import annotations

import argparse

from registry.rules import catalogue


def run(args: argparse.Namespace) -> int:
    for code, rule in catalogue().items():
        print(f"{code:<9} {rule.severity.value:<7} {rule.article:<22} {rule.summary}")
    return 0
