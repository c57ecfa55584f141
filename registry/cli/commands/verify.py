"""`ropa verify SITE_DIR_OR_FILE`: is this copy what the build published?

Recomputes the SHA-256 of a built site (or of one file of it, or of an export
received alone) and compares them with a ``ropa-manifest.json``. Exit 0 when every
file matches, 1 when one differs, is missing or is not in the manifest, 2 when it
cannot run (no manifest, not a manifest).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from registry.core.errors import CannotRun
from registry.outputs.manifest import (
    MANIFEST_NAME,
    Verdict,
    load_manifest,
    verify_file,
    verify_folder,
)
from registry.outputs.report import terminal_safe


def run(args: argparse.Namespace) -> int:
    target = Path(args.target)
    manifest = Path(args.manifest) if args.manifest else None
    if manifest is not None:
        load_manifest(manifest)  # a bad manifest stops here, before any hashing
    if target.is_dir():
        verdicts = _folder(target, manifest)
    elif target.is_file():
        verdicts = [_file(target, manifest)]
    else:
        raise CannotRun(f"{args.target!r} does not exist")
    for verdict in verdicts:
        _report(verdict)
    return 0 if all(v.ok for v in verdicts) else 1


def _folder(folder: Path, manifest: Path | None) -> list[Verdict]:
    if manifest is not None or (folder / MANIFEST_NAME).is_file():
        return [verify_folder(folder, manifest)]
    # A versioned site (mike's gh-pages tree): one manifest per version folder.
    versions = sorted(folder.glob(f"*/{MANIFEST_NAME}"))
    if not versions:
        raise CannotRun(f"no {MANIFEST_NAME} in {str(folder)!r} nor in its folders")
    return [verify_folder(path.parent) for path in versions]


def _file(file: Path, manifest: Path | None) -> Verdict:
    if file.name == MANIFEST_NAME and manifest is None:
        return verify_folder(file.parent, file)
    if manifest is not None:
        return verify_file(file, manifest)
    # A file of a site copy: the manifest of the folder it is in, or of one above.
    for folder in file.resolve().parents:
        if (folder / MANIFEST_NAME).is_file():
            name = file.resolve().relative_to(folder).as_posix()
            return verify_file(file, folder / MANIFEST_NAME, name)
    raise CannotRun(
        f"no {MANIFEST_NAME} beside {str(file)!r} or above it: give the one to check "
        "against with --manifest FILE"
    )


def _report(verdict: Verdict) -> None:
    print(terminal_safe(f"{verdict.manifest}: {verdict.origin()}"))
    for problem in verdict.problems:
        print(terminal_safe(f"  {problem}"))
    if verdict.ok and len(verdict.matched) == 1:
        print(terminal_safe(f"  match: {verdict.matched[0]}, as published"))
    elif verdict.ok:
        print(f"  match: {len(verdict.matched)} file(s) as published")
    else:
        print(
            f"  MISMATCH: {len(verdict.problems)} problem(s), "
            f"{len(verdict.matched)} file(s) as published"
        )
