"""Fuzzing the loader and the checker with hypothesis.

Property: whatever the bytes, `check` returns findings that each carry a file and
a 1-based line; it never raises. The default profile is fast; set
ROPA_FUZZ_EXAMPLES (e.g. 5000) for the long one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.core.inventory import load_inventory
from registry.core.model import KINDS
from registry.pipeline.check import check
from tests.conftest import AS_OF, EXAMPLE

EXAMPLES = int(os.environ.get("ROPA_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIELD_NAMES = sorted(
    {name for model in KINDS.values() for name in model.model_fields}
    | {"from", "type", "retention", "category", "period", "after", "security"}
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["P10Y", "2026-02-30", "2026-01-01", "FR", "ZZ", "NO", "yes", "<b>", "lis"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=5),
    ),
    max_leaves=25,
)
documents = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([*KINDS, "Sytem", 3, None]),
        "id": st.one_of(st.text(max_size=12), scalars),
    },
    optional={name: values for name in FIELD_NAMES if name not in ("kind", "id")},
)


def assert_checks_cleanly(directory: Path) -> None:
    result = check(load_inventory(directory), AS_OF)
    for finding in result.findings:
        assert finding.pos.file
        assert finding.pos.line >= 1 and finding.pos.column >= 1
        assert finding.rule and finding.message


def check_texts(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as raw:
        directory = Path(raw)
        for name, content in files.items():
            (directory / name).write_bytes(content)
        assert_checks_cleanly(directory)


@FUZZ
@given(st.lists(documents, min_size=1, max_size=4))
def test_generated_documents_never_crash_the_checker(docs: list[dict]) -> None:
    text = yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False)
    check_texts({"fuzz.yaml": text.encode("utf-8")})


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_checker(raw: bytes) -> None:
    check_texts({"bytes.yaml": raw})


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_random_unicode_text_never_crashes_the_checker(text: str) -> None:
    check_texts({"text.yaml": text.encode("utf-8", "surrogatepass")})


def _example_files() -> dict[str, bytes]:
    if not EXAMPLE.is_dir():
        return {}
    return {
        path.relative_to(EXAMPLE).as_posix().replace("/", "__"): path.read_bytes()
        for path in sorted(EXAMPLE.rglob("*.yaml"))
    }


EXAMPLE_FILES = _example_files()


@FUZZ
@given(st.data())
def test_mutated_example_inventory_never_crashes_the_checker(data: st.DataObject) -> None:
    files = dict(EXAMPLE_FILES) or {"seed.yaml": b"kind: System\nid: lis\nname: LIS\n"}
    name = data.draw(st.sampled_from(sorted(files)))
    content = bytearray(files[name])
    for _ in range(data.draw(st.integers(1, 5))):
        position = data.draw(st.integers(0, max(len(content) - 1, 0)))
        action = data.draw(st.sampled_from(["delete", "insert", "replace", "duplicate-line"]))
        if action == "delete" and content:
            del content[position : position + data.draw(st.integers(1, 20))]
        elif action == "insert":
            content[position:position] = data.draw(st.binary(min_size=1, max_size=8))
        elif action == "replace" and content:
            content[position] = data.draw(st.integers(0, 255))
        else:
            lines = bytes(content).split(b"\n")
            index = data.draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            content = bytearray(b"\n".join(lines))
    files[name] = bytes(content)
    check_texts(files)
