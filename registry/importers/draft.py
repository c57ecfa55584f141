"""An inventory being assembled from someone else's register, and written out as YAML.

Importers add entities through a :class:`Draft`: organisations are de-duplicated
by a normalised name ("Acme Ltd", "ACME Ltd." and "Acme Limited" are one, the
other spellings kept as aliases), data categories and subjects are matched onto
ropa's taxonomy by name, id or alias and created where nothing matches. Every
value an importer cannot place goes into the report with where it was found:
nothing is dropped silently. The result is validated by the same pydantic models
as any inventory, then written in the recommended layout (one folder per kind,
one file per entity) into a temporary directory that is renamed into place only
when everything is written, so a failure never leaves a partial output.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from registry.core.errors import CannotRun
from registry.core.inventory import build
from registry.core.loader import LoadResult, resolve_plain
from registry.core.model import KINDS, Entity, System

FOLDERS = {
    "Organisation": "organisations",
    "DataCategory": "categories",
    "DataSubject": "subjects",
    "System": "systems",
    "Activity": "activities",
    "Flow": "flows",
    "Contract": "contracts",
}
# Legal-form words that do not distinguish one organisation from another.
LEGAL_FORMS = frozenset(
    {"ltd", "limited", "plc", "llc", "llp", "inc", "incorporated", "corp", "corporation", "co"}
    | {"company", "sa", "sas", "sasu", "sarl", "eurl", "gmbh", "ag", "kg", "bv", "nv", "srl"}
    | {"spa", "sl", "oy", "ab", "as", "aps", "the"}
)


class ImportFailure(CannotRun):
    """The input cannot be imported: one clear sentence naming where and why."""


@dataclass(frozen=True)
class Unplaced:
    where: str  # e.g. "sheet 'Controller' row 7 column F (Categories of recipients)"
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.value!r} — {self.reason}"


@dataclass(frozen=True)
class Outcome:
    """What became of one field of the input: mapped to an entity, or not placed and why."""

    target: str | None = None  # "Activity app-marketing.purposes", when mapped
    reason: str | None = None  # why it is not in the inventory, when not placed
    # Not placed, but nothing the register needs: an empty value, a tool's own setting.
    quiet: bool = False

    def __str__(self) -> str:
        if self.target is not None:
            return f"→ {self.target}"
        return f"{'not carried over' if self.quiet else 'NOT PLACED'}: {self.reason}"


@dataclass
class Account:
    """One field of the input (a YAML value, a spreadsheet cell) and what became of it."""

    where: str
    value: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def mapped(self) -> bool:
        return any(o.target is not None for o in self.outcomes)

    @property
    def left(self) -> bool:
        """Some of it is left for the user to place."""
        return any(o.target is None and not o.quiet for o in self.outcomes)


@dataclass(frozen=True)
class Interpretation:
    where: str
    value: str
    meaning: str

    def __str__(self) -> str:
        if not self.value:
            return f"{self.where}: {self.meaning}"
        return f"{self.where}: {self.value!r} read as {self.meaning}"


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict) and not value:
        return "[]" if isinstance(value, list) else "{}"
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_text.casefold())


def match_key(text: str) -> str:
    return " ".join(words(text))


def organisation_key(name: str) -> str:
    """The name without case, punctuation, accents or legal form: ``acme`` for "ACME Ltd."."""
    kept = [w for w in words(name) if w not in LEGAL_FORMS]
    return " ".join(kept) or match_key(name)


def slug(text: str, limit: int = 60) -> str:
    result = "-".join(words(text))[:limit].strip("-")
    return result or "item"


_FLOW_ENDS = ("System", "Organisation", "DataSubject")
_CELL = re.compile(r"^sheet '.*' row \d+ column [A-Z]+")


@dataclass
class Draft:
    """Entities (as plain dicts in the YAML format) plus the report of what was not placed."""

    entities: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    origins: dict[tuple[str, str], str] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Every field of the input, in reading order, with what became of it.
    ledger: dict[str, Account] = field(default_factory=dict)
    interpretations: list[Interpretation] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)  # what the user must complete
    # Ids kept for entities added later (a system keeps its source's key as its id).
    reserved: set[str] = field(default_factory=set)
    _reported: dict[str, list[str]] = field(default_factory=dict)  # where → values reported
    _org_keys: dict[str, str] = field(default_factory=dict)
    _taxonomy: dict[str, dict[str, str]] = field(default_factory=dict)
    _names: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        builtin = build(LoadResult(), "<taxonomy>")
        self.builtin = builtin
        for kind in ("DataCategory", "DataSubject"):
            index: dict[str, str] = {}
            for ident, entity in builtin.by_kind[kind].items():
                for text in (ident, entity.name, *getattr(entity, "aliases", [])):
                    index.setdefault(match_key(text), ident)
            self._taxonomy[kind] = index

    # -- the ledger: every field of the input accounted for -----------------------
    def expect(self, where: str, value: Any) -> None:
        """Register one field of the input (``where`` names it uniquely)."""
        self.ledger.setdefault(self.key(where), Account(where, _shown(value)))

    @staticmethod
    def key(where: str) -> str:
        """A cell is one field however its heading is spelt in the message:
        ``sheet 'S' row 3 column B (Heading)`` and ``… column B`` are the same."""
        match = _CELL.match(where)
        return match[0] if match else where

    def reported_values(self, where: str) -> list[str]:
        return self._reported.get(self.key(where), [])

    def mapped(self, where: str, target: str, meaning: str | None = None) -> None:
        """The field at ``where`` went to ``target`` ("Kind id" or "Kind id.field");
        ``meaning`` says how a free text was read, for the user to check."""
        account = self.ledger.get(self.key(where))
        if account is not None:
            if all(o.target != target for o in account.outcomes):
                account.outcomes.append(Outcome(target=target))
            value = account.value
        else:
            value = ""
        if meaning is not None:
            self.interpretations.append(Interpretation(where, value, meaning))

    def report(self, where: str, value: Any, reason: str, *, quiet: bool = False) -> None:
        """A value not placed in the inventory, with where it is and why; ``quiet`` when
        the register needs nothing from it (an empty value, a tool's own setting)."""
        if not quiet:
            self.unplaced.append(Unplaced(where, str(value), reason))
        self._reported.setdefault(self.key(where), []).append(str(value))
        account = self.ledger.get(self.key(where))
        if account is not None:
            account.outcomes.append(Outcome(reason=reason, quiet=quiet))

    def unaccounted(self) -> list[Account]:
        return [a for a in self.ledger.values() if not a.outcomes]

    def sweep(self, reason: str) -> None:
        """The safety net: a field no mapping took is reported, never dropped silently."""
        for account in self.unaccounted():
            self.report(account.where, account.value, reason)

    # -- generic ---------------------------------------------------------------

    def new_id(self, kind: str, text: str) -> str:
        base = slug(text)
        # A flow's `from`/`to` names a system, an organisation or a data subject by id
        # alone: those kinds share one set of ids, or a flow to the organisation "Acme"
        # would land on a system also named "Acme".
        kinds = _FLOW_ENDS if kind in _FLOW_ENDS else (kind,)
        ident, number = base, 2
        while ident in self.reserved or any(
            (k, ident) in self.entities or ident in self.builtin.by_kind[k] for k in kinds
        ):
            ident, number = f"{base[:56].rstrip('-')}-{number}", number + 1
        return ident

    def add(self, kind: str, data: dict[str, Any], where: str) -> str:
        ident = data.get("id") or self.new_id(kind, data.get("name") or kind)
        self.reserved.discard(ident)
        body = {"kind": kind, "id": ident} | {k: v for k, v in data.items() if k != "id"}
        self.entities[(kind, ident)] = body
        self.origins[(kind, ident)] = where
        if isinstance(body.get("name"), str):
            self._names.setdefault((kind, match_key(body["name"])), ident)
        return ident

    def named(self, kind: str, name: str) -> str | None:
        """The id of the first entity of ``kind`` added under this name (case, accents aside)."""
        return self._names.get((kind, match_key(name)))

    def get(self, kind: str, ident: str) -> dict[str, Any] | None:
        return self.entities.get((kind, ident))

    def of_kind(self, kind: str) -> dict[str, dict[str, Any]]:
        return {i: e for (k, i), e in self.entities.items() if k == kind}

    # -- organisations ------------------------------------------------------------
    def organisation(self, name: str, where: str, **fields: Any) -> str:
        """The id of the organisation called ``name``, created or merged."""
        name = name.strip()
        key = organisation_key(name)
        ident = self._org_keys.get(key)
        if ident is None:
            ident = self.add("Organisation", {"name": name}, where)
            self._org_keys[key] = ident
        org = self.entities[("Organisation", ident)]
        if name != org["name"] and name not in org.setdefault("aliases", []):
            org["aliases"].append(name)
        for key_, value in fields.items():
            if value in (None, "", {}):
                continue
            if org.get(key_) in (None, "", {}):
                org[key_] = value
            elif org[key_] != value:
                self.report(
                    where, value, f"{name}: conflicts with {key_} {org[key_]!r} given earlier"
                )
        return ident

    # -- taxonomy -------------------------------------------------------------------
    def _taxon(self, kind: str, name: str, where: str, extra: dict[str, Any]) -> str:
        key = match_key(name)
        index = self._taxonomy[kind]
        if key in index:
            return index[key]
        ident = self.add(kind, {"name": name.strip(), **extra}, where)
        index[key] = ident
        return ident

    def category(self, name: str, where: str, parent: str | None = None) -> str:
        return self._taxon("DataCategory", name, where, {"parent": parent} if parent else {})

    def subject(self, name: str, where: str) -> str:
        return self._taxon("DataSubject", name, where, {})

    def known_category(self, text: str) -> str | None:
        """The category named, aliased or identified by ``text``, if any."""
        return self._taxonomy["DataCategory"].get(match_key(text))

    def name_category(self, ident: str, name: str) -> None:
        """Let ``name`` find the category ``ident`` (added with a fixed id)."""
        self._taxonomy["DataCategory"].setdefault(match_key(name), ident)

    def alias_category(self, ident: str, alias: str) -> None:
        """Keep a foreign name (e.g. a fideslang key) as an alias of one of our categories."""
        entry = self.entities.get(("DataCategory", ident))
        if entry is None:  # a taxonomy entry: redeclare it, unchanged, with the alias
            builtin = self.builtin.categories[ident]
            entry = builtin.model_dump(mode="json", exclude_defaults=True)
            self.entities[("DataCategory", ident)] = entry
            self.origins[("DataCategory", ident)] = "ropa's default taxonomy"
        aliases = entry.setdefault("aliases", [])
        if alias not in aliases:
            aliases.append(alias)
        self._taxonomy["DataCategory"].setdefault(match_key(alias), ident)

    # -- validation and output -------------------------------------------------------
    def validated(self) -> list[Entity]:
        """Every entity through the model; the first invalid one fails the import."""
        result = []
        for key in sorted(self.entities):
            try:
                result.append(KINDS[key[0]].model_validate(self.entities[key]))
            except ValidationError as error:
                item = error.errors(include_url=False, include_input=False)[0]
                loc = ".".join(str(p) for p in item["loc"])
                message = item["msg"].removeprefix("Value error, ")
                raise ImportFailure(
                    f"{self.origins[key]}: {key[0]} {key[1]!r}: {loc}: {message}"
                ) from None
        return result

    def write(self, out: Path, report_text: str) -> int:
        """Write the inventory under ``out`` (which must not exist yet), all or nothing."""
        entities = self.validated()
        if out.exists():
            raise ImportFailure(f"{out} already exists: choose a new directory for the import")
        parent = out.resolve().parent
        if not parent.is_dir():
            raise ImportFailure(f"{parent} is not a directory")
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
        try:
            for entity in entities:
                folder = staging / FOLDERS[entity.kind]
                folder.mkdir(exist_ok=True)
                data = entity.model_dump(mode="json", by_alias=True, exclude_defaults=True)
                if isinstance(entity, System) and entity.transient:
                    # `stores: []` says "keeps nothing"; left out it would say "not documented".
                    fields = [k for k in System.model_fields if k in data or k == "stores"]
                    data = {k: data.get(k, []) for k in fields}
                data = {"kind": entity.kind, "id": entity.id} | data
                (folder / f"{entity.id}.yaml").write_text(dump_yaml(data), encoding="utf-8")
            (staging / "IMPORT-REPORT.txt").write_text(report_text, encoding="utf-8")
            os.rename(staging, out)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise ImportFailure(f"cannot write {out}: {error.strerror}") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return len(entities)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter when present
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Quote any string our YAML 1.2 loader would not read back as this very string
    # (PyYAML decides by YAML 1.1, which differs: 0o17, 1e3…).
    plain_ok = isinstance(resolve_plain(value), str) and resolve_plain(value) == value
    style = None if plain_ok and "\n" not in value else '"'
    if "\n" in value:
        style = "|" if value == value.strip() or not value.endswith(" ") else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
