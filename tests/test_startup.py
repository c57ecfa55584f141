"""What a `ropa` process does before its command runs (issue 19: a check's fixed cost).

Each runs in a fresh interpreter: what is imported, compiled or collected at start-up
depends on what the process has done before, which a test process cannot forget.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _after(statements: str, report: str) -> object:
    """Run ``statements`` in a fresh interpreter, then the expression ``report``."""
    code = f"import json, sys\n{statements}\nprint('\\n' + json.dumps({report}))\n"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_building_the_models_compiles_no_tokenizer_pattern() -> None:
    # pydantic asks each default factory whether it takes the validated data; for the
    # built-in `list` that parses its text signature with `tokenize`, compiling its
    # patterns (~2 % of the demo check). The models' list fields use `new_list` instead.
    compiled = _after(
        "import tokenize\nimport registry.cli.commands.check, registry.evidence.reconcile",
        "tokenize._compile.cache_info().currsize",
    )
    assert compiled == 0


def test_list_fields_still_default_to_a_new_empty_list() -> None:
    from registry.core.model import Flow, new_list

    first = Flow.model_validate(
        {"kind": "Flow", "id": "a", "activity": "x", "from": "s", "to": "t"}
    )
    second = Flow.model_validate(
        {"kind": "Flow", "id": "b", "activity": "x", "from": "s", "to": "t"}
    )
    assert first.data_categories == [] and second.data_categories == []
    assert first.data_categories is not second.data_categories
    assert Flow.model_fields["data_categories"].default_factory is new_list
    assert new_list() is not new_list()


def test_the_command_modules_are_frozen_out_of_the_collectors_reach() -> None:
    # `ropa rules` imports the catalogue and builds no inventory (the pipeline freezes
    # its own after loading): what is frozen is what start-up made.
    frozen, enabled = _after(
        "from registry.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['rules'])\n"
        "import gc",
        "[gc.get_freeze_count(), gc.isenabled()]",
    )
    assert frozen > 10_000
    assert enabled  # the collector is back on for the command itself


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    enabled = _after(
        "import gc\n"
        "gc.disable()\n"
        "from registry.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['rules'])",
        "gc.isenabled()",
    )
    assert enabled is False


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_a_run_builds_the_parser_of_its_own_command_alone() -> None:
    from registry.cli import _parser_for, build_parser

    full = _subparsers(build_parser())
    assert len(full) > 10
    for name, whole in full.items():
        alone = _subparsers(_parser_for([name]))
        assert list(alone) == [name]
        # the same parser: the same help, hence the same arguments, defaults and choices
        assert alone[name].format_help() == whole.format_help()
    # no command first (`--help`, `--version`, nothing) or an unknown one: all of them
    for argv in ([], ["--help"], ["--version"], ["nonsense"], ["-x", "check"]):
        assert list(_subparsers(_parser_for(argv))) == list(full)


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "inventory", "--format", "json", "--as-of", "2026-11-29"],
        ["check", "--observed", "a.jsonl", "b.csv", "--at", "HEAD~1"],
        ["export", "inventory", "--format", "xlsx", "--template", "cnil", "--org", "acme"],
        ["explain", "DPA-001"],
        ["import", "fides", "x", "--out", "y"],
    ],
)
def test_a_command_parses_as_the_whole_command_line_does(argv: list[str]) -> None:
    from registry.cli import _parser_for, build_parser

    assert _parser_for(argv).parse_args(argv) == build_parser().parse_args(argv)


def test_a_check_imports_salvage_and_the_baseline_reader_only_when_used() -> None:
    # The example inventory validates whole and ropa.yaml names no baseline.
    imported = _after(
        "from registry.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['check', 'inventory'])",
        "sorted(m for m in sys.modules if m.startswith('registry'))",
    )
    assert "registry.pipeline.check" in imported  # the check really ran
    assert "registry.core.salvage" not in imported
    assert "registry.pipeline.baseline" not in imported


def test_version_imports_no_typing() -> None:
    # `ropa --version` is the interpreter, argparse and ropa's version (typing alone is
    # ~8 % more instructions): the command line module annotates without it.
    imported = _after(
        "from registry.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass",
        "sorted(sys.modules)",
    )
    assert "registry.cli" in imported
    assert "typing" not in imported
