"""Every one-line mutation of the baseline inventory is judged without a crash.

Each line of each baseline file is deleted, or its value replaced by a value of
the wrong shape (list, mapping, null, number, unknown id, another entity's id…).
The checker must answer each with findings, never an exception, and every report
format must render them. This found `kind: []` crashing the builder.
"""

from __future__ import annotations

import re

import pytest

from registry.core.inventory import build
from registry.core.loader import LoadResult, load_text
from registry.outputs.report import FORMATS
from registry.pipeline.check import check
from tests.builder import AS_OF, baseline

# Shapes, not volume: each one stands for a class of mistakes.
WRONG_VALUES = ["null", "[]", "{a: 1}", "-1", "nope", "[nope]", "lis", "2020-01-01"]
_FIELD = re.compile(r"^(\s*(?:- )?[a-z_0-9]+:)\s*(.+)$")


def mutations(text: str):
    lines = text.splitlines()
    for index, line in enumerate(lines):
        yield f"delete line {index + 1}", lines[:index] + lines[index + 1 :]
        match = _FIELD.match(line)
        if match:
            for value in WRONG_VALUES:
                yield (
                    f"line {index + 1} = {value}",
                    [*lines[:index], f"{match.group(1)} {value}", *lines[index + 1 :]],
                )


@pytest.mark.parametrize("name", sorted(baseline()))
def test_mutations_never_crash(name):
    files = baseline()
    tried = 0
    for label, lines in mutations(files[name]):
        result = LoadResult()
        for file, text in sorted({**files, name: "\n".join(lines) + "\n"}.items()):
            result.files.append(file)
            load_text(text, file, result)
        try:
            checked = check(build(result, "inv"), AS_OF)
            for render in FORMATS.values():
                render(checked)
        except Exception as error:  # pragma: no cover - the failure report
            pytest.fail(f"{name}, {label}: {type(error).__name__}: {error}")
        tried += 1
    assert tried > 20
