"""`ropa diff BASE [HEAD] [PATH]`: what a change does to the register.

Reads both revisions straight from git (the work tree is never touched). HEAD
defaults to the commit checked out; PATH to the inventory of ropa.yaml. Exit 0
whatever the change holds; 2 when it cannot run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from registry.cli.commands.common import as_of, write_output
from registry.core.config import load_config
from registry.core.errors import CannotRun
from registry.core.git import GitError, repository_root, resolve


def _repository_path(raw: str, root: Path) -> str:
    absolute = (Path.cwd() / raw).resolve()
    try:
        relative = absolute.relative_to(root.resolve())
    except ValueError:
        raise CannotRun(f"inventory path {raw!r} is outside the git repository") from None
    return "" if relative == Path(".") else relative.as_posix()


def run(args: argparse.Namespace) -> int:
    from registry.outputs.diff import FORMATS, compare

    root = repository_root(Path.cwd())
    head_name, path_arg = args.head, args.path
    if head_name is not None and path_arg is None:
        # `ropa diff main inventory/`: a second argument that is a path, not a revision
        try:
            resolve(head_name, root)
        except GitError:
            if Path(head_name).exists():
                head_name, path_arg = None, head_name
    head_name = head_name or "HEAD"
    path = _repository_path(path_arg or load_config().inventory, root)
    result = compare(args.base, head_name, path, root, as_of(args))
    write_output(FORMATS[args.format](result), None)
    return 0
