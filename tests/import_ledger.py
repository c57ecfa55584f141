"""Checking an import's IMPORT-REPORT.txt against the input it came from, field by field.

The input is walked here on its own (PyYAML's composer for manifests, openpyxl or the
CSV reader for spreadsheets, the Markdown table reader for Markdown): nothing is taken
from the importer's own idea of what the input holds.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from registry.core.inventory import Inventory

_LINE = re.compile(
    r"^  (?P<where>.+?) = (?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") (?P<outcomes>.+)$"
)
_TARGET = re.compile(r"→ (?P<kind>[A-Z][A-Za-z]+) (?P<id>[^ .;]+)(?:\.(?P<field>[a-z0-9_]+))?")


@dataclass
class Entry:
    where: str
    value: str
    outcomes: str


def ledger(report: str) -> list[Entry]:
    """The report's "Field by field" section, one entry per line."""
    lines = report.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Field by field ("))
    entries = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        match = _LINE.match(line)
        assert match, f"unreadable ledger line: {line!r}"
        entries.append(Entry(match["where"], match["value"], match["outcomes"]))
    return entries


def yaml_fields(root: Path) -> list[str]:
    """Every field of every YAML document under ``root``: ``file:line path`` of each
    scalar (and each empty list or mapping), the line being its key's (or item's)."""
    found: list[str] = []
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
    for path in files:
        name = path.relative_to(root).as_posix()
        for document in yaml.compose_all(path.read_text("utf-8"), Loader=yaml.SafeLoader):
            if document is not None:
                _walk(document, "", name, found)
    return found


def _walk(node: yaml.Node, path: str, name: str, found: list[str]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            if _container(value):
                _walk(value, sub, name, found)
            else:
                found.append(f"{name}:{key.start_mark.line + 1} {sub}")
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            sub = f"{path}[{index}]"
            if _container(item):
                _walk(item, sub, name, found)
            else:
                found.append(f"{name}:{item.start_mark.line + 1} {sub}")


def _container(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode | yaml.SequenceNode) and bool(node.value)


def check_targets(entries: list[Entry], inventory: Inventory) -> list[str]:
    """Problems: a mapped field whose target entity (or field) is not in the inventory."""
    problems = []
    for entry in entries:
        for match in _TARGET.finditer(entry.outcomes):
            kind, ident, field = match["kind"], match["id"], match["field"]
            entity = inventory.by_kind.get(kind, {}).get(ident)
            if entity is None:
                problems.append(f"{entry.where}: → {kind} {ident} is not in the inventory")
                continue
            if field is not None:
                value = getattr(entity, field, None)
                if value in (None, [], {}, ""):
                    problems.append(f"{entry.where}: {kind} {ident}.{field} is empty")
    return problems


def text_lines_uncovered(path: Path, entries: list[Entry]) -> list[str]:
    """Lines of a Markdown or wiki document that no ledger entry accounts for.

    Every non-blank line must carry at least one entry on its line number, except table
    separators and rules, list items continuing the line above (they belong to its
    label) and wiki table markup; a table row carries one entry per non-empty cell.
    """
    name = path.name
    by_line = Counter(int(e.where.split(" ", 1)[0].rsplit(":", 1)[1]) for e in entries)
    problems = []
    covered_above = False
    for number, line in enumerate(path.read_text("utf-8").split("\n"), start=1):
        stripped = line.strip()
        if (
            not stripped
            or re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", stripped)
            or re.fullmatch(r"-{3,}|\*{3,}|_{3,}", stripped)
            or stripped.startswith(("{|", "|}", "|-"))
        ):
            covered_above = False
            continue
        if number in by_line:
            covered_above = True
            if stripped.startswith("|") and not stripped.startswith("||"):
                cells = [c for c in stripped.strip("|").split("|") if c.strip()]
                if by_line[number] != len(cells):
                    problems.append(
                        f"{name}:{number}: {len(cells)} cells, {by_line[number]} listed"
                    )
            continue
        if covered_above and re.match(r"\s*[-*+]\s", line):
            continue
        problems.append(f"{name}:{number}: {stripped!r} is not in the report")
    return problems
