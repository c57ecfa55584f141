"""Fuzzing the loader and the checker with hypothesis.

Property: whatever the bytes, `check` returns findings that each carry a file and
a 1-based line; it never raises. The default profile is fast; set
ROPA_FUZZ_EXAMPLES (e.g. 5000) for the long one.
"""

from __future__ import annotations

import contextlib
import os
import re
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
        # a valid id half the time: the entity is then kept with what validated
        "id": st.one_of(st.sampled_from(["lis", "a-1", "crm"]), st.text(max_size=12), scalars),
    },
    optional={name: values for name in FIELD_NAMES if name not in ("kind", "id")},
)


def every_output(result) -> None:
    """Every output of an inventory, whatever schema errors it has: entities kept in part
    (issue 16) reach all of them, and none may crash on what was set aside."""
    from registry.core.record import Record
    from registry.lineage.impact import impact
    from registry.lineage.trace import trace
    from registry.outputs.export import ExportError, export_register
    from registry.outputs.lineage_text import impact_markdown, trace_text
    from registry.outputs.render import view_dot
    from registry.outputs.site.pages import build_site

    inventory = result.inventory
    build_site(result, draw=lambda inv, view, page: "")
    record = Record(inventory, AS_OF)
    for template, fmt, kind in [
        ("full", "json", "controller"),
        ("ico", "xlsx", "controller"),
        ("cnil", "xlsx", "controller"),
        ("ico", "xlsx", "processor"),
        ("cnil", "json", "processor"),
    ]:
        # ExportError: no record of that kind in this inventory, a sentence, not a crash
        with contextlib.suppress(ExportError):
            export_register(record, fmt=fmt, template=template, record=kind)
    for view in ["overview", "transfers", *(f"system:{s}" for s in sorted(inventory.systems)[:3])]:
        view_dot(inventory, view)
    for category in sorted(inventory.categories)[:3]:
        trace_text(trace(inventory, category))
    for system in sorted(inventory.systems)[:3]:
        impact_markdown(impact(record, system))


def assert_checks_cleanly(directory: Path, *, outputs: bool = True) -> None:
    """Findings with a place, never an exception; with ``outputs``, every output too
    (else only when an entity was kept in part, the case the outputs must survive)."""
    result = check(load_inventory(directory), AS_OF)
    if outputs or result.inventory.set_aside:
        every_output(result)
    for finding in result.findings:
        assert finding.pos.file
        assert finding.pos.line >= 1 and finding.pos.column >= 1
        assert finding.rule and finding.message
    # An entity kept in part (issue 16) keeps its values as written, and has findings.
    inventory = result.inventory
    for key, kept in inventory.set_aside.items():
        assert inventory.schema_errors[key]
        entity = inventory.by_kind[key[0]][key[1]]
        node = inventory.nodes[key]
        for name, value in entity.model_dump(mode="json", by_alias=True).items():
            if name in node and name not in kept.fields and isinstance(value, str | int):
                assert node[name] == value or (name == "kind"), (key, name)
        if kept.name_is_id:
            assert entity.name == entity.id  # type: ignore[attr-defined]


def check_texts(files: dict[str, bytes], *, outputs: bool = True) -> None:
    with tempfile.TemporaryDirectory() as raw:
        directory = Path(raw)
        for name, content in files.items():
            (directory / name).write_bytes(content)
        assert_checks_cleanly(directory, outputs=outputs)


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
    check_texts(files, outputs=False)  # the whole example's outputs, 60 times: too slow


# --- numbers (issue 16) ------------------------------------------------------------------

_digits = st.text("0123456789", min_size=1, max_size=6000)
huge_numbers = st.one_of(
    # decimal integers past 2**53, up to past Python's 4,300-digit limit, any sign
    st.tuples(st.sampled_from(["", "-", "+"]), st.sampled_from("123456789"), _digits).map(
        lambda t: t[0] + t[1] + "9" * 16 + t[2]
    ),
    st.text("0123456789abcdef", min_size=20, max_size=6000).map(lambda t: "0x1" + t),
    st.integers(min_value=2**53, max_value=2**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from([".nan", ".NaN", ".inf", "-.Inf", "1e999", "-0.0", "12.5", "1e16"]),
)
SEED = """\
kind: System
id: lis
name: LIS
stores:
  - category: identity
---
kind: Activity
id: care
name: Care
controller: lab
systems: [lis]
data_categories: [identity]
purposes: [{purpose: Care, legal_basis: contract}]
---
kind: Organisation
id: lab
name: Lab
"""
# Where a number goes: (the line written, the document it is appended to).
PLACES = [
    ("estimated_subjects: {}", 1),
    ("name: {}", 2),
    ("{}: x", 0),
    ("review_every: P{}Y", 0),
    ("data_subjects: [{}]", 1),
    ("security: {{mfa: {}}}", 0),
    ("country: {}", 2),
]


@FUZZ
@given(huge_numbers, st.sampled_from(PLACES))
def test_huge_numbers_anywhere_are_findings_at_their_line(number: str, place) -> None:
    from registry.core.record import Record
    from registry.lineage.trace import trace
    from registry.outputs.export import export_register
    from registry.outputs.render import view_dot

    line_text, document = place
    if line_text.startswith("review_every"):  # its digits, as a period past 10,000 years
        number = "99999" + re.sub(r"\D", "", number)
    docs = SEED.split("---\n")
    before = sum(d.count("\n") + 1 for d in docs[:document])  # each "---" is a line
    line = before + docs[document].count("\n") + 1
    docs[document] += line_text.format(number) + "\n"
    with tempfile.TemporaryDirectory() as raw:
        directory = Path(raw)
        (directory / "n.yaml").write_text("---\n".join(docs), "utf-8")
        inventory = load_inventory(directory)
        result = check(inventory, AS_OF)
        at_line = [f for f in result.findings if f.pos.line == line and f.rule.startswith("SCH")]
        assert at_line, (line, [(f.rule, f.pos.line, f.message) for f in result.findings])
        assert all(len(f.message) < 300 for f in result.findings)
        # and every output still runs
        record = Record(inventory, AS_OF)
        export_register(record, fmt="json", template="full")
        view_dot(inventory, "overview")
        trace(inventory, "identity")
