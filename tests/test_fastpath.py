"""The fast path gives exactly the located loader's documents, or falls back."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.core import fastpath
from registry.core.loader import LoadResult, LocatedList, LocatedMap, load_path, load_text
from registry.core.position import Position

ROOT = Path(__file__).resolve().parent.parent


# Until a fast-read file is located, its documents hold plain dicts and lists where the
# located loader has LocatedMap and LocatedList (its top mappings are LocatedMap).
_CONTAINER = {dict: LocatedMap, list: LocatedList}


def same(fast: Any, slow: Any) -> bool:
    """Equal value for value and type for type (1, 1.0 and True are not the same)."""
    if _CONTAINER.get(type(fast), type(fast)) is not type(slow):
        return False
    if type(slow) is LocatedMap:
        return list(fast) == list(slow) and all(
            type(a) is type(b) and same(fast[a], slow[b]) for a, b in zip(fast, slow, strict=True)
        )
    if type(slow) is LocatedList:
        return len(fast) == len(slow) and all(same(a, b) for a, b in zip(fast, slow, strict=True))
    if type(fast) is float and math.isnan(fast):
        return math.isnan(slow)
    return fast == slow


def check(text: str) -> bool:
    """Assert the fast path agrees with the located loader; True if it was taken."""
    documents = fastpath.read_fast(text, text.encode("utf-8"), "f.yaml")
    if documents is None:
        return False
    located = LoadResult()
    load_text(text, "f.yaml", located)
    assert not located.problems, (text, located.problems)
    assert len(documents) == len(located.documents)
    for fast, slow in zip(documents, located.documents, strict=True):
        assert same(fast.body, slow.body), (text, fast.body, slow.body)
    # and once located, every position is the located loader's
    for fast, slow in zip(documents, located.documents, strict=True):
        assert fast.pos == slow.pos
        assert_positions(fast.body, slow.body)
    return True


def assert_positions(fast: Any, slow: Any) -> None:
    """Once located, the fast tree is the located one, node for node and position for position."""
    assert type(fast) is type(slow)
    if type(fast) is LocatedMap:
        assert fast.pos == slow.pos
        assert list(fast.key_positions.values()) == list(slow.key_positions.values())
        assert list(fast.value_positions.values()) == list(slow.value_positions.values())
        for a, b in zip(fast.values(), slow.values(), strict=True):
            assert_positions(a, b)
    elif type(fast) is LocatedList:
        assert fast.pos == slow.pos
        assert list(fast.item_positions) == list(slow.item_positions)
        for a, b in zip(fast, slow, strict=True):
            assert_positions(a, b)


SCALARS = [
    "123",
    "-0",
    "+1",
    "007",
    "0x1F",
    "0o17",
    "1.5",
    ".5",
    "1.",
    "1e3",
    "1E400",
    "-.5",
    "~",
    "null",
    "Null",
    "NULL",
    "",
    "true",
    "True",
    "TRUE",
    "false",
    "FALSE",
    "yes",
    "NO",
    "on",
    ".inf",
    "-.inf",
    ".nan",
    "nan",
    "inf",
    "Infinity",
    "2026-02-30",
    "12:30",
    "1_000",
    "0b11",
    "9007199254740993",
    "12345678901234567890123",
    "a b",
    "x: y",
    "a#b",
    "a #b",
    "R&D",
    "café",
    "é",
    "'",
    '"',
    "-",
    "--",
    "[a]",
    "{a: 1}",
    "- a",
    "? a",
    "a,b",
    "http://x/y?z=1",
    "100%",
    "a > b",
    "a | b",
    "line\nbreak",
    "trailing ",
    " lead",
]


def rendered(value: str) -> st.SearchStrategy[str]:
    escaped = value.replace("'", "''")
    double = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return st.sampled_from([value, f"'{escaped}'", f'"{double}"'])


scalar_text = st.sampled_from(SCALARS).flatmap(rendered) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for index in range(draw(st.integers(1, 5))):
        key = draw(st.sampled_from([f"k{index}", "kind", "id", "123", "true", "~", "'k'"]))
        form = draw(st.sampled_from(["scalar", "flow", "block", "map", "folded", "literal"]))
        if form == "scalar":
            lines.append(f"{key}: {draw(scalar_text)}")
        elif form == "flow":
            items = draw(st.lists(scalar_text, max_size=4))
            lines.append(f"{key}: [{', '.join(items)}]")
        elif form == "block":
            lines.append(f"{key}:")
            lines += [f"  - {item}" for item in draw(st.lists(scalar_text, min_size=1, max_size=3))]
        elif form == "map":
            lines.append(f"{key}:")
            lines += [f"  {k}: {draw(scalar_text)}" for k in draw(st.sampled_from(["a", "b"]))]
        else:
            indicator = draw(st.sampled_from(["", "-", "+"]))
            lines.append(f"{key}: {'>' if form == 'folded' else '|'}{indicator}")
            body = draw(st.lists(st.sampled_from(["text", "  more", "", "x: y", "#c"]), max_size=4))
            lines += [f"  {line}" if line else "" for line in body]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n", "\n---\nz: 1\n"]))


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents())
def test_the_fast_path_gives_the_located_documents_or_falls_back(text: str) -> None:
    check(text)


@settings(max_examples=4000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.sampled_from(list("ab: -\n[]{},'\"#&*!|>?%~.01\\\t")), max_size=60))
def test_any_text_fast_or_fallback(text: str) -> None:
    check(text)
    check(text + "\n")  # the fast path takes only files that end with a line break


def test_the_adversarial_corpus_falls_back_or_agrees() -> None:
    for path in sorted((ROOT / "tests" / "bad_inputs").glob("*.y*ml")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        check(text)


def test_hostile_texts_fall_back_or_agree() -> None:
    import tests.hostile as hostile

    texts = [v for v in vars(hostile).values() if isinstance(v, str)]
    texts += [
        t
        for v in vars(hostile).values()
        if isinstance(v, (list, tuple))
        for t in v
        if isinstance(t, str)
    ]
    for text in texts:
        check(text)


def fast_and_located(root: Path) -> tuple[LoadResult, LoadResult]:
    return load_path(root, reader=fastpath.load_file), load_path(root)


def test_the_example_inventory_reads_the_same_fast() -> None:
    fast, slow = fast_and_located(ROOT / "inventory")
    # every file of the example is plain enough today; the share is what matters,
    # the sameness is what is required
    assert fast.fast_files >= len(fast.files) // 2
    assert not fast.problems and not slow.problems
    assert len(fast.documents) == len(slow.documents)
    for a, b in zip(fast.documents, slow.documents, strict=True):
        assert same(a.body, b.body)
        assert_positions(a.body, b.body)


def test_what_the_pre_scan_refuses() -> None:
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "<<: {a: 1}\n",
        "%YAML 1.2\n---\na: 1\n",
        "? a\n: b\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "a: 1\na: 2\n",
        "a: 0x1F\n",
        "a: ~\n",
        "a: .nan\n",
        "a: nan\n",
        "a: 9007199254740993\n",
        "- a\n",
        "just text\n",
        "",
        "a: [[[[[[[[[[[[[[x]]]]]]]]]]]]]]\n",
        # line breaks to libyaml, text to rapidyaml (found by the property test above)
        "k0: \x85\n",
        "k0: a\u2028b\n",
        "k0: a\u2029\n",
    ]:
        assert fastpath.read_fast(text, text.encode(), "f.yaml") is None, text
    assert check("kind: Flow\nid: a\nn: 1\nf: 1.5\nb: true\nz: null\nc: NO\nl: [a, b]\n")


def test_the_hostile_inventory_reads_the_same(tmp_path: Path) -> None:
    from tests.hostile import hostile_inventory

    root = hostile_inventory(tmp_path)
    fast, slow = fast_and_located(root)
    assert [p.message for p in fast.problems] == [p.message for p in slow.problems]
    for a, b in zip(fast.documents, slow.documents, strict=True):
        assert same(a.body, b.body)
        assert_positions(a.body, b.body)


# Well-formed flow collections (the shapes the fast path lets through), then a few
# characters inserted or cut anywhere: the malformed neighbours libyaml refuses and
# rapidyaml may read are where the two parsers part.
flow_atom = st.sampled_from(
    ["a", "b c", "x'y", "'q'", '"d"', "''", "1", "~", "null", "-1", "a-b", "a b ", "é", "P2Y"]
)


def flow_collection(depth: int) -> st.SearchStrategy[str]:
    sequence = st.lists(flow_atom, max_size=3).map(lambda items: f"[{', '.join(items)}]")
    if depth == 0:
        return sequence
    value = flow_atom | sequence | flow_collection(depth - 1)
    pairs = st.lists(st.tuples(st.sampled_from(["k", "category", "x.y"]), value), max_size=3)
    return sequence | pairs.map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}")


@st.composite
def flow_documents(draw: st.DrawFn) -> str:
    lines = []
    for index in range(draw(st.integers(1, 3))):
        key = f"k{index}"
        lead = draw(st.sampled_from([f"{key}: ", f"{key}:\n  - ", f"{key}:\n  - a: 1\n    b: "]))
        tail = draw(st.sampled_from(["", " # c", "  "]))
        lines.append(lead + draw(flow_collection(2)) + tail)
    text = "\n".join(lines) + "\n"
    noise = ["[", "]", "{", "}", ",", ", ", ":", ": ", " ", "#", " #", "-", "'", '"', "\n", ""]
    for _ in range(draw(st.integers(0, 2))):
        at, cut = draw(st.integers(0, len(text))), draw(st.integers(0, 2))
        text = text[:at] + draw(st.sampled_from(noise)) + text[at + cut :]
    return text


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(flow_documents())
def test_flow_collections_and_their_malformed_neighbours(text: str) -> None:
    check(text)


def test_simple_flow_collections_are_fast_and_others_fall_back() -> None:
    for text in [
        "a: [x, y]\n",
        "a: {b: c, d: [e, f]}\n",
        "a:\n  - {category: identity, retention: {period: P2Y, source: \"Art. 6; §2\"}}\n",
        "a: [x] # note\n",
    ]:
        assert check(text), text
    malformed_or_not_simple = ["a: {:0}\n", "}:\n", "a: [b]]\n", "a: [b]#c\n", "a: [b,\n  c]\n"]
    for text in [*malformed_or_not_simple, "a:\n  [b]: c\n"]:
        assert fastpath.read_fast(text, text.encode(), "f.yaml") is None, text


def test_a_quoted_scalar_left_open_at_its_line_end_is_located() -> None:
    # libyaml refuses a quoted key that spans lines, which rapidyaml read (found by
    # test_flow_collections_and_their_malformed_neighbours); a quoted value that spans
    # lines is located too (rare in a register), and one closed on its line is not.
    for text in [
        "k0: {k: a}\nk1:\n ' - a: 1\n   ': []\n",
        "'k\n': 1\n",
        'a:\n  "k\n  ": 1\n',
        "a: 'first\n  second'\n",
        'a: "first\n  second"\n',
    ]:
        assert fastpath.read_fast(text, text.encode(), "f.yaml") is None, text
        check(text)  # and the located loader reads, or refuses, it as ever
    for text in ["a: l'activité\n", "a: 'it''s'\n", "a: ['x', 'y']\n", 'a: {b: "c d"}\n']:
        assert check(text), text


def findings_of(root: Path, *, fast: bool) -> list[tuple[str, str, Any]]:
    from registry.core.inventory import load_inventory
    from registry.pipeline.check import check as run_rules
    from tests.conftest import AS_OF

    result = run_rules(load_inventory(root, fast=fast), AS_OF)
    return [(f.rule, f.message, f.pos) for f in result.findings]


def test_the_findings_and_their_positions_are_the_same(tmp_path: Path) -> None:
    from tests.test_bench_smoke import generate

    generated = tmp_path / "inventory"
    generate.main(["--flows", "100", "--seed", "7", "--out", str(generated)])
    for root in (ROOT / "inventory", generated):
        located = findings_of(root, fast=False)
        assert located  # the deliberate findings: each fast-read file is located again
        assert findings_of(root, fast=True) == located


def test_the_fast_path_is_a_setting(monkeypatch: Any) -> None:
    monkeypatch.delenv("ROPA_FAST_YAML", raising=False)
    default = fastpath.enabled()
    monkeypatch.setenv("ROPA_FAST_YAML", "0")
    assert not fastpath.enabled()
    monkeypatch.setenv("ROPA_FAST_YAML", "1")
    assert fastpath.enabled() == fastpath.available()
    assert default in (False, fastpath.available())


NESTED_PROBLEMS = """\
kind: Organisation
id: acme
name: Acme
country: FR
---
kind: System
id: lis
name: LIS
operator: acme
country: FR
stores:
  - category: identity
    retention: P10Y
  - category: no-such-category
    subjects: [patients, ghosts]
security: {mfa: "yes", encryption_at_rest: true}
---
kind: Activity
id: care
name: Care
controller: acme
systems: [lis, nowhere]
retention:
  - {category: identity, period: P1Y}
  - {category: unknown, period: P2Y}
purposes:
  - purpose: care
    legal_basis: not-a-basis
---
kind: Flow
id: in
activity: care
from: patients
to: lis
data_categories: [identity, missing]
---
kind: Flow
id: broken
activity: care
from: lis
to: elsewhere
data_categories: identity
"""


def test_nested_problems_are_found_and_placed_the_same(tmp_path: Path) -> None:
    """Schema errors and dangling references inside lists and mappings of fast-read
    documents (plain containers until located) land where the located loader puts them."""
    root = tmp_path / "inventory"
    root.mkdir()
    (root / "register.yaml").write_text(NESTED_PROBLEMS, encoding="utf-8")
    assert load_path(root, reader=fastpath.load_file).fast_files == 1  # the path under test
    located = findings_of(root, fast=False)
    rules = {rule for rule, _, _ in located}
    assert {"SCH-012", "SCH-009"} <= rules, rules  # dangling references, invalid values
    assert any(pos.line > 10 for _, _, pos in located)  # nested, not just document starts
    assert findings_of(root, fast=True) == located


def test_a_position_locates_only_its_own_document() -> None:
    """A finding is in one document of a file that may hold dozens: only that one is
    read again, its lines and columns those of the file (text before it left blank)."""
    text = (
        "# a header comment\n"
        "---\n"
        "kind: System\nid: a\nstores:\n  - {category: x, retention: P1Y}\n"
        "---\n"
        "kind: System\nid: b\nname: B\nstores:\n  - category: y\n    retention: P2Y\n"
        "---\n"
        "# before c\n"
        "kind: System\nid: c\n"
    )
    documents = fastpath.read_fast(text, text.encode("utf-8"), "f.yaml")
    assert documents is not None and len(documents) == 3
    located = LoadResult()
    load_text(text, "f.yaml", located)
    middle, slow = documents[1], located.documents[1]
    assert middle.body.value_positions["stores"] == slow.body.value_positions["stores"]
    assert middle.pos == slow.pos
    assert_positions(middle.body, slow.body)
    # the others are still pending, and locate alone in their turn
    assert not isinstance(documents[0].where, Position)
    assert not isinstance(documents[2].where, Position)
    for fast, slow in zip(documents, located.documents, strict=True):
        assert fast.pos == slow.pos
        assert_positions(fast.body, slow.body)


def test_past_a_few_documents_of_a_file_the_whole_file_is_located() -> None:
    """The site asks for every entity's position: each document read alone would read
    the lines before it again, so past a few of one file the rest are located at once."""
    text = "".join(f"---\nkind: System\nid: s{n}\nname: S {n}\n" for n in range(8))
    documents = fastpath.read_fast(text, text.encode("utf-8"), "f.yaml")
    assert documents is not None and len(documents) == 8
    located = LoadResult()
    load_text(text, "f.yaml", located)
    singles = fastpath._SINGLES
    for fast, slow in zip(documents[:singles], located.documents, strict=False):
        assert fast.pos == slow.pos
    assert not any(isinstance(d.where, Position) for d in documents[singles:])  # pending
    assert documents[singles].pos == located.documents[singles].pos  # one more: all of them
    assert all(isinstance(d.where, Position) for d in documents)
    for fast, slow in zip(documents, located.documents, strict=True):
        assert fast.pos == slow.pos
        assert_positions(fast.body, slow.body)
