"""The `ropa` command line: parses arguments and wires the modules together.

Each command lives in ``registry/cli/commands/<name>.py`` with ``run(args) -> int`` and
is imported only when used, so `ropa check` never pays for networkx, Graphviz,
openpyxl or MkDocs. Exit codes: 0 no error-level finding, 1 error-level findings,
2 the command could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import sys
from collections.abc import Sequence

from registry import __version__
from registry.core.errors import CannotRun


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"ropa: error: {message} (see `ropa --help`)\n")


class _Unbuilt:
    """Stands for the parser of a command this run does not parse: its arguments are
    written down (so the table of commands stays one piece of code) and dropped."""

    def add_argument(self, *args: object, **kwargs: object) -> None:
        pass


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, every command with its arguments (`ropa --help`)."""
    parser = _build(None)
    assert parser is not None
    return parser


def _build(only: str | None) -> argparse.ArgumentParser | None:
    """The command line; with ``only``, that one command's parser alone (None if there
    is no such command): a run parses one command, and building the others' parsers
    (~15 of them, each looking its messages' translations up on disk) cost ~2 % of the
    demo check's instructions."""
    parser = _Parser(prog="ropa", description="The GDPR Article 30 register, kept as code.")
    parser.add_argument("--version", action="version", version=f"ropa {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser | _Unbuilt:
        if only is not None and name != only:
            return _Unbuilt()
        return commands.add_parser(name, help=help_text, description=help_text)

    def path_argument(p: argparse.ArgumentParser | _Unbuilt) -> None:
        p.add_argument(
            "path",
            nargs="?",
            default=None,
            metavar="PATH",
            help="inventory folder or file (default: from ropa.yaml, else inventory/)",
        )

    def as_of_argument(p: argparse.ArgumentParser | _Unbuilt) -> None:
        p.add_argument(
            "--as-of",
            type=_date,
            default=None,
            metavar="DATE",
            help="judge dates (expiries, deadlines, reviews) as of DATE (default: today)",
        )

    def at_argument(p: argparse.ArgumentParser | _Unbuilt) -> None:
        p.add_argument(
            "--at",
            default=None,
            metavar="DATE|REVISION",
            help="the register as it stood on DATE (the last commit on or before it) or at "
            "a git REVISION, read from git without touching the work tree; dates are "
            "judged as of that day unless --as-of says otherwise",
        )

    def timeout_argument(p: argparse.ArgumentParser | _Unbuilt) -> None:
        p.add_argument(
            "--timeout",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="give up drawing SVG after SECONDS (default: 60)",
        )

    p = command("check", "check the inventory against the GDPR rules")
    path_argument(p)
    p.add_argument("--format", choices=["text", "json", "sarif", "junit"], default="text")
    p.add_argument(
        "--observed",
        nargs="+",
        default=None,
        metavar="FILE",
        help="OpenLineage events (JSON/JSON lines) or connection-log CSV to reconcile",
    )
    p.add_argument(
        "--baseline", default=None, metavar="FILE", help="known findings that do not fail the check"
    )
    p.add_argument("--out", default=None, metavar="FILE", help="write the report to FILE")
    as_of_argument(p)
    at_argument(p)

    command("rules", "list the rule catalogue")
    p = command("explain", "print one rule's documentation")
    p.add_argument("code", metavar="CODE")

    p = command("graph", "draw the lineage as Graphviz DOT or SVG")
    path_argument(p)
    p.add_argument(
        "--view",
        default="overview",
        help="overview | transfers | category:ID | system:ID | activity:ID | organisation:ID",
    )
    p.add_argument("--format", choices=["dot", "svg"], default="dot")
    p.add_argument("--out", default=None, metavar="FILE")
    timeout_argument(p)
    at_argument(p)

    p = command("trace", "every route a data category takes, to its last recipient")
    p.add_argument("category", metavar="CATEGORY")
    path_argument(p)
    p.add_argument("--format", choices=["text", "json", "dot", "svg"], default="text")
    p.add_argument("--out", default=None, metavar="FILE")
    timeout_argument(p)
    at_argument(p)

    p = command("impact", "breach impact of one system (Art. 33/34)")
    p.add_argument("system", metavar="SYSTEM")
    path_argument(p)
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    p.add_argument("--out", default=None, metavar="FILE")
    as_of_argument(p)
    at_argument(p)

    p = command("export", "the register as CSV, XLSX or JSON (ICO, CNIL, full)")
    path_argument(p)
    p.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
    p.add_argument("--template", choices=["ico", "cnil", "full"], default=None)
    p.add_argument("--record", choices=["controller", "processor"], default="controller")
    p.add_argument("--org", default=None, metavar="ID", help="only this organisation's record")
    p.add_argument("--out", default=None, metavar="FILE")
    as_of_argument(p)
    at_argument(p)

    p = command(
        "import", "read an existing register (spreadsheet, Markdown or Fides) into YAML"
    )
    p.add_argument("source", choices=["spreadsheet", "markdown", "fides"])
    p.add_argument("input", metavar="FILE_OR_DIR")
    p.add_argument(
        "--template",
        choices=["ico", "cnil"],
        default="ico",
        help="spreadsheet layout: ico (any one-row-per-activity table) or cnil (fiches)",
    )
    p.add_argument(
        "--columns",
        default=None,
        metavar="MAPPING.yaml",
        help="headings of your own columns → register fields (heading: field)",
    )
    p.add_argument("--out", required=True, metavar="DIR")

    p = command("diff", "what a change does to the register (Markdown for pull requests)")
    p.add_argument("base", metavar="BASE")
    p.add_argument("head", nargs="?", default=None, metavar="HEAD")
    p.add_argument("path", nargs="?", default=None, metavar="PATH")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    as_of_argument(p)

    command("schema", "print the JSON Schema of the inventory, for editors")

    p = command(
        "verify",
        "check a built site, one of its files or an export against ropa-manifest.json",
    )
    p.add_argument("target", metavar="SITE_DIR_OR_FILE")
    p.add_argument(
        "--manifest",
        default=None,
        metavar="FILE",
        help="the manifest to check against (default: the site's own, beside or above)",
    )

    p = command(
        "summarise",
        "summarise Parquet or CSV flow logs with DuckDB into evidence for `check --observed`",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="Parquet or CSV (with a header)")
    p.add_argument("--out", required=True, metavar="FILE", help="the summary to write")
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    p.add_argument(
        "--memory-limit", default=None, metavar="SIZE", help="DuckDB's memory limit, e.g. 2GB"
    )
    p.add_argument("--print-sql", action="store_true", help="print the portable SQL and stop")

    p = command(
        "discover",
        "services and data stores that repositories show, reconciled with the register",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="REPO",
        help="repositories or folders of them (default: discover: in ropa.yaml, else .)",
    )
    p.add_argument(
        "--inventory", default=None, metavar="PATH", help="the register (default: ropa.yaml's)"
    )
    p.add_argument(
        "--catalogue",
        action="append",
        default=None,
        metavar="FILE",
        help="your own vendor catalogue entries (repeatable)",
    )
    p.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    p.add_argument("--out", default=None, metavar="FILE", help="write the report to FILE")
    p.add_argument(
        "--draft", default=None, metavar="DIR", help="write missing entities as YAML into DIR"
    )
    p.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="repositories read in parallel"
    )
    as_of_argument(p)

    p = command("init", "write a small starter inventory")
    p.add_argument("directory", metavar="DIR")

    p = command("baseline", "write the current findings as a baseline")
    p.add_argument("action", choices=["write"])
    p.add_argument("file", metavar="FILE")
    path_argument(p)
    p.add_argument(
        "--observed", nargs="+", default=None, metavar="FILE", help="evidence, as for check"
    )
    as_of_argument(p)
    if only is not None and only not in commands.choices:
        return None
    return parser


def _parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser ``argv`` needs: its command's alone when it starts with one (the top
    level's only options, ``-h`` and ``--version``, start with a dash), else all."""
    if argv and not argv[0].startswith("-"):
        parser = _build(argv[0])
        if parser is not None:
            return parser
    return build_parser()


# Commands whose name is a Python keyword live in a module of another name.
_MODULES = {"import": "importer"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser_for(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    module_name = f"registry.cli.commands.{_MODULES.get(args.command, args.command)}"
    # Importing a command builds pydantic's models and compiles patterns: hundreds of
    # thousands of objects that live as long as the process, which the cyclic collector
    # would scan again and again as they pile up. Paused while they are made, then
    # frozen (moved out of the collector's reach: else its next pass scans them all).
    collecting = gc.isenabled()
    gc.disable()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        print(
            f"ropa: error: `ropa {args.command}` is not available in this version", file=sys.stderr
        )
        return 2
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    try:
        return int(module.run(args))
    except CannotRun as error:  # the one place "cannot run" becomes exit 2
        print(f"ropa: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def entry() -> None:
    sys.exit(main())
