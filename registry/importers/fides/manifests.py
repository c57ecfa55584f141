"""Reading Fides manifests: the YAML files of a project (or one file), checked for the
shape every later step relies on (top-level lists of mappings, each with a `fides_key`)
and sorted by kind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.core.loader import LoadResult, LocatedList, LocatedMap, discover, load_text
from registry.importers.draft import ImportFailure

TOP = ("organization", "system", "dataset", "data_category", "data_use", "data_subject")


@dataclass
class Manifests:
    organizations: list[LocatedMap] = field(default_factory=list)
    systems: list[LocatedMap] = field(default_factory=list)
    datasets: list[LocatedMap] = field(default_factory=list)
    categories: dict[str, LocatedMap] = field(default_factory=dict)
    uses: dict[str, LocatedMap] = field(default_factory=dict)
    subjects: dict[str, LocatedMap] = field(default_factory=dict)
    other: list[tuple[LocatedMap, str]] = field(default_factory=list)  # (document, key)


def files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise ImportFailure(f"{source} is not a Fides manifest or a directory of them")
    if (source / ".fides").is_dir():  # a project: its manifests' usual home
        return discover(source / ".fides")
    return discover(source)


def load(source: Path) -> tuple[Manifests, list[LocatedMap]]:
    result = LoadResult()
    root = source.parent if source.is_file() else source
    for path in files(source):
        name = path.relative_to(root).as_posix()
        try:
            load_text(path.read_text("utf-8"), name, result)
        except (OSError, UnicodeDecodeError) as error:
            raise ImportFailure(f"{name}: cannot read ({error})") from None
    if result.problems:
        problem = result.problems[0]
        raise ImportFailure(f"{problem.pos}: {problem.message}")
    manifests = Manifests()
    bodies: list[LocatedMap] = []
    for document in result.documents:
        body = document.body
        if body is None:
            continue
        if not isinstance(body, LocatedMap):
            raise ImportFailure(f"{document.pos}: a Fides manifest is a mapping of lists")
        bodies.append(body)
        for key, items in body.items():
            where = f"{body.file}:{body.key_positions[key].line}"
            if key not in TOP:
                manifests.other.append((body, key))
                continue
            if items is None:
                continue
            if not isinstance(items, LocatedList) or not all(
                isinstance(i, LocatedMap) for i in items
            ):
                raise ImportFailure(f"{where}: {key} must be a list of mappings")
            for index, item in enumerate(items):
                if not isinstance(item.get("fides_key"), str):
                    line = items.item_positions[index].line
                    raise ImportFailure(f"{body.file}:{line}: {key} entry without a fides_key")
            if key == "organization":
                manifests.organizations += items
            elif key == "system":
                manifests.systems += items
            elif key == "dataset":
                manifests.datasets += items
            else:
                target = {
                    "data_category": manifests.categories,
                    "data_use": manifests.uses,
                    "data_subject": manifests.subjects,
                }[key]
                target.update({i["fides_key"]: i for i in items})
    if not (manifests.organizations or manifests.systems or manifests.datasets):
        raise ImportFailure(f"no Fides organization, system or dataset in {source}")
    return manifests, bodies


def keys_in(node: Any) -> Iterator[str]:
    """Every data category key named anywhere in a dataset."""
    if isinstance(node, LocatedMap):
        value = node.get("data_categories")
        if isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))
        for key in ("collections", "fields"):
            for child in node.get(key) or []:
                yield from keys_in(child)
