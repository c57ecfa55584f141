"""`ropa discover [REPO...]`: services and data stores repositories show, against the register.

Repositories default to ``discover:`` in ``ropa.yaml`` (else the current folder); a
folder of checkouts is expanded into its repositories and read in parallel
(``--jobs``). The register is the configured inventory (or ``--inventory``). Findings
and the discovery's coverage come out as ``ropa check`` writes them (text, JSON,
SARIF); ``--draft DIR`` also writes the missing organisations, systems and flows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from registry.cli.commands.common import write_output
from registry.core.config import load_config
from registry.core.errors import CannotRun
from registry.core.findings import Finding
from registry.discover.draft import drafts, write_drafts
from registry.discover.reconcile import RegisterIndex
from registry.discover.run import discover
from registry.outputs.report import FORMATS
from registry.pipeline import Request, baseline, inventory_path, observed_files
from registry.pipeline import run as run_pipeline
from registry.pipeline.check import CheckResult
from registry.rules.engine import apply_waivers


def run(args: argparse.Namespace) -> int:
    config = load_config()
    settings = config.discover
    as_of = args.as_of or dt.date.today()
    inventory_arg = Path(args.inventory) if args.inventory else None
    request = Request(path=inventory_arg, as_of=as_of, judge=False, use_baseline=False)
    loaded = run_pipeline(request).result  # the register and its schema problems, no rules
    inventory = loaded.inventory
    if args.paths:
        paths = [Path(p) for p in args.paths]
    elif settings is not None:
        paths = [config.directory / p for p in settings.paths]
    else:
        paths = [Path(".")]
    if args.catalogue:
        catalogue = tuple(args.catalogue)
    elif settings is not None:
        catalogue = tuple(str(config.directory / c) for c in settings.catalogue)
    else:
        catalogue = ()
    own = (
        inventory_arg is None
        or inventory_arg.resolve() == (config.directory / config.inventory).resolve()
    )
    try:
        evidence = [path for path, _ in observed_files(Request(), config, own)]
    except CannotRun:
        evidence = []  # a missing evidence file is `ropa check`'s to report
    excluded = (
        inventory_path(request, config),
        config.directory / "ropa.yaml",
        *evidence,
        *(Path(c) for c in catalogue),
    )
    if args.jobs is not None and args.jobs < 1:
        raise CannotRun("--jobs must be at least 1")
    reconciliation, _, found_catalogue = discover(
        inventory, paths, catalogue_files=catalogue, exclude=excluded, jobs=args.jobs
    )
    findings = apply_waivers(inventory, reconciliation.findings, as_of)
    if own and config.baseline:
        findings = baseline.load(config.directory / config.baseline).apply(findings)
    findings = sorted(set(loaded.findings + findings), key=Finding.sort_key)
    result = CheckResult(inventory, findings, as_of, discovery=reconciliation.discovery)
    if args.draft:
        files = drafts(reconciliation.discovery, RegisterIndex(inventory), found_catalogue)
        count = write_drafts(Path(args.draft), files)
        print(f"ropa: {count} draft file(s) written to {args.draft}", file=sys.stderr)
    write_output(FORMATS[args.format](result), args.out)
    return 1 if result.failed else 0
