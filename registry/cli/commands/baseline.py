"""`ropa baseline write FILE`: today's findings become known debt."""

from __future__ import annotations

import argparse

from registry.cli.commands.common import load_and_check, write_output
from registry.pipeline import baseline


def run(args: argparse.Namespace) -> int:
    result = load_and_check(args, use_baseline=False)
    write_output(baseline.render(result.findings), args.file)
    known = len({f.fingerprint for f in result.findings if not f.waived_by})
    print(f"ropa: wrote {known} known finding(s) to {args.file}")
    return 0
