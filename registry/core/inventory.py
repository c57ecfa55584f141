"""Located YAML documents → a validated, resolved inventory.

Validation errors from pydantic are mapped back onto the YAML tree (their ``loc``
is a path into it) so each one carries the file:line:col of the value to fix.
An entity with such errors is kept with the fields that did validate
(:mod:`registry.core.salvage` says how and when): the outputs show it, marked
invalid; the rules judge :meth:`Inventory.judged`, the entities that validated
whole. References between entities are resolved here; a dangling one is a
finding with a "did you mean" suggestion.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from registry.core import fastpath
from registry.core.findings import Finding, Severity
from registry.core.loader import (
    MAX_FILE_BYTES,
    MAX_INTEGER,
    Document,
    LoadProblem,
    LoadResult,
    LocatedList,
    LocatedMap,
    OutOfRange,
    decode_yaml,
    gc_paused,
    load_path,
    load_text,
)
from registry.core.model import (
    KINDS,
    ONE,
    SEVERAL,
    Activity,
    Contract,
    DataCategory,
    DataSubject,
    Entity,
    Flow,
    Organisation,
    System,
    Waiver,
)
from registry.core.position import Position
from registry.core.rulebook import Rule
from registry.core.schema_rules import (
    DANGLING_REFERENCE,
    DUPLICATE_ID,
    INVALID_VALUE,
    MISSING_FIELD,
    NOT_A_MAPPING,
    UNKNOWN_FIELD,
    UNKNOWN_KIND,
    YAML_UNREADABLE,
)
from registry.core.vocabulary import RecipientRole, SpecialCategory, countries

if TYPE_CHECKING:  # salvage is imported by the first entry that fails to validate
    from registry.core.salvage import SetAside


@dataclass
class Inventory:
    """Every entity by kind and id, with where each was written."""

    root: str
    files: list[str] = field(default_factory=list)
    by_kind: dict[str, dict[str, Entity]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )
    nodes: dict[tuple[str, str], LocatedMap] = field(default_factory=dict)
    builtin: set[tuple[str, str]] = field(default_factory=set)
    # Entities that failed validation: known to exist, so references to them do not
    # cascade into "dangling reference" findings.
    invalid: set[tuple[str, str]] = field(default_factory=set)
    invalid_nodes: dict[tuple[str, str], LocatedMap] = field(default_factory=dict)
    # Those of them kept in ``by_kind`` with what validated, and what was set aside.
    set_aside: dict[tuple[str, str], SetAside] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)
    # invalid_mentions' answers, by (kind, field path): built once loading is done.
    _mentioned: dict[tuple[str, str], set[str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def judged(self) -> Inventory:
        """The inventory the rules judge: the entities that validated whole.

        Entities kept in part are left out, as the rules have always seen them: a
        value set aside must not come back as a second finding ("no lawful basis"
        where the basis was misspelt), and a rule that judges by absence asks
        :meth:`invalid_mentions`.
        """
        if not self.set_aside:
            return self
        by_kind = {
            kind: {i: e for i, e in entities.items() if (kind, i) not in self.set_aside}
            for kind, entities in self.by_kind.items()
        }
        return replace(self, by_kind=by_kind)

    @cached_property
    def schema_errors(self) -> dict[tuple[str, str], list[Finding]]:
        """Each entity's schema findings (SCH-…, errors all): the outputs mark it invalid
        and link them. An entity kept in part has some; so has one whose reference dangles."""
        found: dict[tuple[str, str], list[Finding]] = {}
        for problem in self.problems:
            if problem.entity_id and problem.severity is Severity.error:
                found.setdefault((problem.entity_kind, problem.entity_id), []).append(problem)
        return found

    def is_invalid(self, kind: str, ident: str) -> bool:
        """True if the entity has a schema error (outputs show it marked invalid)."""
        return (kind, ident) in self.schema_errors

    def schema_error_refs(self, kind: str, ident: str) -> list[str]:
        """Each schema finding of an entity as ``SCH-009 at file:line:col``, for outputs
        that mark it invalid and point at what to fix."""
        return [f"{f.rule} at {f.pos}" for f in self.schema_errors.get((kind, ident), ())]

    # -- typed views ------------------------------------------------------------
    # Cached: rules read them hundreds of thousands of times, and ``by_kind`` is only
    # ever filled in place (an inventory with other entities is a new one: judged()).
    @cached_property
    def organisations(self) -> dict[str, Organisation]:
        return self.by_kind["Organisation"]  # type: ignore[return-value]

    @cached_property
    def categories(self) -> dict[str, DataCategory]:
        return self.by_kind["DataCategory"]  # type: ignore[return-value]

    @cached_property
    def subjects(self) -> dict[str, DataSubject]:
        return self.by_kind["DataSubject"]  # type: ignore[return-value]

    @cached_property
    def systems(self) -> dict[str, System]:
        return self.by_kind["System"]  # type: ignore[return-value]

    @cached_property
    def activities(self) -> dict[str, Activity]:
        return self.by_kind["Activity"]  # type: ignore[return-value]

    @cached_property
    def flows(self) -> dict[str, Flow]:
        return self.by_kind["Flow"]  # type: ignore[return-value]

    @cached_property
    def contracts(self) -> dict[str, Contract]:
        return self.by_kind["Contract"]  # type: ignore[return-value]

    @cached_property
    def waivers(self) -> dict[str, Waiver]:
        return self.by_kind["Waiver"]  # type: ignore[return-value]

    def entities(self, *, include_builtin: bool = False) -> Iterator[Entity]:
        for kind in KINDS:
            for ident in sorted(self.by_kind[kind]):
                if include_builtin or (kind, ident) not in self.builtin:
                    yield self.by_kind[kind][ident]

    # -- positions --------------------------------------------------------------
    def position(self, entity: Entity, *path: str | int) -> Position:
        """Where ``entity``'s field at ``path`` is written; the nearest existing parent else."""
        node: Any = self.nodes[(entity.kind, entity.id)]
        pos: Position = node.pos
        for step in path:
            if isinstance(node, LocatedMap) and step in node:
                pos = node.value_positions[step]
                node = node[step]
            elif isinstance(node, LocatedList) and isinstance(step, int) and step < len(node):
                pos = node.item_positions[step]
                node = node[step]
            else:
                break
        return pos

    def key_position(self, entity: Entity, key: str) -> Position:
        node = self.nodes[(entity.kind, entity.id)]
        return node.key_positions.get(key, node.pos)

    def invalid_mentions(self, kind: str, field_path: str, ident: str) -> bool:
        """True if an entity of ``kind`` that failed validation names ``ident`` at ``field_path``.

        Rules that judge by absence (no flow, no contract in force) ask this, so that
        one schema error does not cascade into findings about other entities.
        """
        key = (kind, field_path)
        named = self._mentioned.get(key)
        if named is None:
            # Gathered once per question: rules ask it for each of thousands of entities.
            path = field_path.split(".")
            named = self._mentioned[key] = {
                value
                for (k, _), node in self.invalid_nodes.items()
                if k == kind
                for value, _ in _values_at(node, path)
                if isinstance(value, str)  # an id is a string; only a string can equal one
            }
        return ident in named

    # -- derived facts ----------------------------------------------------------
    def endpoint(self, ident: str) -> Entity | None:
        """A flow end: a system, else an organisation, else a data subject."""
        return self.systems.get(ident) or self.organisations.get(ident) or self.subjects.get(ident)

    @cached_property
    def category_ancestors(self) -> dict[str, tuple[str, ...]]:
        """Each category id → itself and its ancestors, nearest first (cycles cut)."""
        result: dict[str, tuple[str, ...]] = {}
        for ident in self.categories:
            chain: list[str] = []
            current: str | None = ident
            while current is not None and current in self.categories and current not in chain:
                chain.append(current)
                current = self.categories[current].parent
            result[ident] = tuple(chain)
        return result

    @cached_property
    def category_special(self) -> dict[str, SpecialCategory]:
        """Each special category id → its kind, inherited from the nearest marked ancestor
        (rules ask once per category of every flow: worked out once per category)."""
        result: dict[str, SpecialCategory] = {}
        for ident, chain in self.category_ancestors.items():
            for ancestor in chain:
                special = self.categories[ancestor].special
                if special is not None:
                    result[ident] = special
                    break
        return result

    @cached_property
    def stored_categories(self) -> dict[str, frozenset[str]]:
        """Each system id → the categories its `stores:` names (read, never change):
        rules ask it of every system and of every flow into one."""
        return {i: frozenset(s.category for s in sys.stores) for i, sys in self.systems.items()}

    @cached_property
    def stored_special(self) -> dict[str, list[str]]:
        """Each system id → the special categories its `stores:` names, sorted (read,
        never change); systems storing none are left out. Three SEC rules ask."""
        special = self.category_special
        result: dict[str, list[str]] = {}
        for ident, stored in self.stored_categories.items():
            found = sorted(c for c in stored if c in special)
            if found:
                result[ident] = found
        return result

    def special_of(self, category: str) -> SpecialCategory | None:
        """The special kind of a category, inherited from the nearest marked ancestor."""
        return self.category_special.get(category)

    def covers(self, allowed: Iterable[str], category: str) -> bool:
        """True if ``category`` is one of ``allowed`` or a sub-category of one."""
        if not isinstance(allowed, set | frozenset):
            allowed = set(allowed)  # (a set is used as it is: rules pass one per system)
        return not allowed.isdisjoint(self.category_ancestors.get(category, (category,)))

    @cached_property
    def flows_by_activity(self) -> dict[str, list[Flow]]:
        result: dict[str, list[Flow]] = {}
        for flow in self.flows.values():
            result.setdefault(flow.activity, []).append(flow)
        return result

    @cached_property
    def contracts_by_processor(self) -> dict[str | None, list[Contract]]:
        """Contracts by the processor they bind, in declaration order (an index for rules)."""
        result: dict[str | None, list[Contract]] = {}
        for contract in self.contracts.values():
            result.setdefault(contract.processor, []).append(contract)
        return result

    def operator_of(self, ident: str) -> str | None:
        """The organisation behind a flow end (a system's operator, or the organisation)."""
        return self._operators.get(ident)

    def countries_of(self, ident: str) -> tuple[str, ...]:
        """Where a flow end is: every hosting country of a system (else its operator's
        country), an organisation's country; empty when not known."""
        return self._countries.get(ident, ())

    # Rules ask both of the two ends of nearly every flow, several times over (~80,000
    # questions at 10,000 flows): answered for every end at once, a look-up each after.
    @cached_property
    def _operators(self) -> dict[str, str | None]:
        result: dict[str, str | None] = {ident: ident for ident in self.organisations}
        result.update((ident, system.operator) for ident, system in self.systems.items())
        return result  # a system before an organisation of the same id, as ends are read

    @cached_property
    def _countries(self) -> dict[str, tuple[str, ...]]:
        result: dict[str, tuple[str, ...]] = {
            ident: (o.country,) if o.country else () for ident, o in self.organisations.items()
        }
        for ident, system in self.systems.items():
            if system.country:
                result[ident] = system.countries
            else:
                operator = self.organisations.get(system.operator or "")
                result[ident] = (operator.country,) if operator and operator.country else ()
        return result

    def country_of(self, ident: str) -> str | None:
        """Where a flow end is: the first of :meth:`countries_of`, the one written first."""
        found = self.countries_of(ident)
        return found[0] if found else None

    def access_countries(self, ident: str, activity: Activity | None = None) -> tuple[str, ...]:
        """Third countries a system's data is reached from without being hosted there.

        Its `accessed_from`, and the country of its operator when that operator is
        established outside the EEA and acts for another controller (EDPB guidelines
        05/2021: a processor's access from its home country is a transfer; a controller
        reaching its own system is not one) — for ``activity`` if given, else for any
        activity using the system. Sorted; hosting countries left out (flows into them
        are judged as transfers already).
        """
        system = self.systems.get(ident)
        if system is None:
            return ()
        found = set(system.accessed_from)
        operator = self.organisations.get(system.operator or "")
        users = (activity,) if activity is not None else self.activities_by_system.get(ident, ())
        if (
            operator is not None
            and operator.country
            and any(operator.id not in self.controllers_of(a) for a in users)
        ):
            found.add(operator.country)
        lists = countries()
        hosting = self.countries_of(ident)
        return tuple(sorted(c for c in found if lists.is_third_country(c) and c not in hosting))

    def transfer_into(self, ident: str, country: str) -> Flow | None:
        """The first flow (by id) into ``ident`` whose `transfer:` applies to ``country``
        (it names that country, or none)."""
        for flow in sorted(self.flows_into.get(ident, ()), key=lambda f: f.id):
            if flow.transfer is not None and flow.transfer.country in (None, country):
                return flow
        return None

    @cached_property
    def flows_into(self) -> dict[str, list[Flow]]:
        result: dict[str, list[Flow]] = {}
        for flow in self.flows.values():
            result.setdefault(flow.to, []).append(flow)
        return result

    def controllers_of(self, activity: Activity) -> set[str]:
        """The activity's controller and joint controllers (shared: do not modify)."""
        # Rules ask it hundreds of thousands of times at 100,000 flows: for all at once.
        return _own_answer(self.activities, self._controllers, activity, self._controllers_of)

    @cached_property
    def _controllers(self) -> dict[str, set[str]]:
        return {ident: self._controllers_of(a) for ident, a in self.activities.items()}

    @staticmethod
    def _controllers_of(activity: Activity) -> set[str]:
        result = set(activity.joint_controllers)
        if activity.controller:
            result.add(activity.controller)
        return result

    def systems_of(self, activity: Activity) -> set[str]:
        """Systems an activity uses: listed ones and the ends of its flows.

        Only systems that exist: a dangling `systems:` entry is SCH-012's finding,
        and every rule may then index ``self.systems`` with what this returns.
        Worked out once per activity (several rules ask): read it, never change it.
        """
        return _answered_once(self._systems_used, activity, self._systems_of)

    @cached_property
    def _systems_used(self) -> dict[str, tuple[Activity, set[str]]]:
        return {}

    def _systems_of(self, activity: Activity) -> set[str]:
        used = {s for s in activity.systems if s in self.systems}
        for flow in self.flows_by_activity.get(activity.id, ()):
            for end in (flow.source, flow.to):
                if end in self.systems:
                    used.add(end)
        return used

    @cached_property
    def activities_by_system(self) -> dict[str, list[Activity]]:
        result: dict[str, list[Activity]] = {}
        for activity in self.activities.values():
            for system in self.systems_of(activity):
                result.setdefault(system, []).append(activity)
        return result

    @cached_property
    def record_keepers(self) -> frozenset[str]:
        """The organisations whose own record this register is: those marked
        `keeps_record: true`, or, where none is, the controllers its activities name
        (not their joint controllers, whose record is their own)."""
        marked = {o.id for o in self.organisations.values() if o.keeps_record}
        return frozenset(marked or {a.controller for a in self.activities.values() if a.controller})

    @cached_property
    def controller_activities(self) -> tuple[Activity, ...]:
        """The activities this register records as controller (Art. 30(1)): all of them,
        except where organisations are marked `keeps_record: true` and none of an
        activity's controllers is one — that activity is the keeper's processing on a
        client's behalf (Art. 30(2)), whose lawfulness and DPIA are the client's."""
        marked = {o.id for o in self.organisations.values() if o.keeps_record}
        return tuple(
            a for a in self.activities.values() if not marked or self.controllers_of(a) & marked
        )

    @cached_property
    def received_as_controller(self) -> dict[str, set[str]]:
        """Activity id → systems whose operator receives that activity's data as a
        controller or joint controller, not as its processor (a payment network's
        gateway): every flow of the activity into the system says so (`recipient_role`)."""
        independent: dict[tuple[str, str], bool] = {}
        for flow in self.flows.values():
            if flow.to in self.systems:
                key = (flow.activity, flow.to)
                independent[key] = independent.get(key, True) and flow.recipient_role in (
                    RecipientRole.controller,
                    RecipientRole.joint_controller,
                )
        result: dict[str, set[str]] = {}
        for (activity, system), yes in independent.items():
            if yes:
                result.setdefault(activity, set()).add(system)
        return result

    @cached_property
    def handed_to(self) -> dict[tuple[str, str], set[str]]:
        """(controller, processor) → the organisations that hand that processor the
        controller's data: flows of the controller's activities from a system another
        organisation runs to a processor end (how a sub-processor shows in the register)."""
        result: dict[tuple[str, str], set[str]] = {}
        for flow in self.flows.values():
            receiver = self.is_processor_end(flow)
            activity = self.activities.get(flow.activity)
            if receiver is None or activity is None or flow.source not in self.systems:
                continue
            controllers = self.controllers_of(activity)
            sender = self.systems[flow.source].operator
            if sender is None or sender in controllers or sender == receiver:
                continue
            for controller in controllers:
                result.setdefault((controller, receiver), set()).add(sender)
        return result

    def is_processor_end(self, flow: Flow) -> str | None:
        """The processor a flow hands data to, if its receiving side is run by one.

        A system's operator receives as processor unless the flow says it receives as
        `controller` or `joint_controller` (an independent recipient's own system)."""
        # Rules ask it of every flow several times: answered for every flow at once.
        return _own_answer(self.flows, self._processor_ends, flow, self._processor_end)

    @cached_property
    def _processor_ends(self) -> dict[str, str | None]:
        return {ident: self._processor_end(flow) for ident, flow in self.flows.items()}

    def _processor_end(self, flow: Flow) -> str | None:
        activity = self.activities.get(flow.activity)
        if activity is None:
            return None
        controllers = self.controllers_of(activity)
        if flow.to in self.systems:
            if flow.recipient_role in (RecipientRole.controller, RecipientRole.joint_controller):
                return None
            operator = self.systems[flow.to].operator
            if operator and operator not in controllers:
                return operator
            return None
        if flow.to in self.organisations and flow.recipient_role == "processor":
            return flow.to
        return None


# --- building ------------------------------------------------------------------


Answer = TypeVar("Answer")


def _answered_once(
    cache: dict[str, tuple[Any, Answer]], entity: Any, compute: Callable[[Any], Answer]
) -> Answer:
    """``compute(entity)`` worked out once per entity id. The entity object itself is
    checked, so another entity with the same id (a duplicate) is answered anew."""
    known = cache.get(entity.id)
    if known is not None and known[0] is entity:
        return known[1]
    answer = compute(entity)
    cache[entity.id] = (entity, answer)
    return answer


def _own_answer(
    own: Mapping[str, Any],
    answers: Mapping[str, Answer],
    entity: Any,
    compute: Callable[[Any], Answer],
) -> Answer:
    """``answers[entity.id]`` (worked out for every entity of ``own`` at once) when
    ``entity`` is the inventory's own; else ``compute(entity)``: another entity with the
    same id (a duplicate, or one from another inventory) is answered anew."""
    if own.get(entity.id) is entity:
        return answers[entity.id]
    return compute(entity)


def _walk(node: Any, loc: tuple, *, at_key: bool = False) -> tuple[Position, bool]:
    """Position of ``loc`` inside a located tree; True if the path was found whole.

    With ``at_key`` the last step is located at its key (an unknown field is
    wrong by its name, not by its value).
    """
    pos = node.pos
    for index, step in enumerate(loc):
        if at_key and index == len(loc) - 1 and isinstance(node, LocatedMap) and step in node:
            return node.key_positions[step], True
        if isinstance(node, LocatedMap) and step in node:
            pos = node.value_positions[step]
            node = node[step]
        elif isinstance(node, LocatedMap) and isinstance(step, str):
            # Unknown fields are reported at the key, which lies in key_positions.
            return node.key_positions.get(step, pos), False
        elif isinstance(node, LocatedList) and isinstance(step, int) and step < len(node):
            pos = node.item_positions[step]
            node = node[step]
        else:
            return pos, False
    return pos, True


def _field_path(loc: tuple) -> tuple:
    """A pydantic error location as a path into the YAML (union tags left out)."""
    return tuple(p for p in loc if p not in (ONE, SEVERAL))


def _error_position(body: LocatedMap, error: dict) -> Position:
    """Where a validation error is written: at the key for a field that should not be
    there (its name is wrong, not its value), else at the value."""
    loc = error["loc"]
    if error["type"] == "invalid_key":
        # pydantic spells a key that is not a string as text in ``loc``: find the key itself.
        pos, found = _walk(body, loc[:-1])
        node: Any = body
        for step in loc[:-1] if found else ():
            node = node[step]
        key = error.get("input")
        if isinstance(node, LocatedMap):
            for candidate in node:
                if candidate is key or candidate == key:
                    return node.key_positions[candidate]
        return pos
    return _walk(body, loc, at_key=error["type"] == "extra_forbidden")[0]


def _message(error: dict) -> tuple[Rule, str]:
    """Pydantic error → (schema rule, message naming the field)."""
    loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
    kind = error["type"]
    if kind == "extra_forbidden":
        return UNKNOWN_FIELD, f"unknown field {loc!r}"
    if kind == "missing":
        if error["msg"] != "Field required":  # a model's own message says what to write
            return MISSING_FIELD, f"{loc}: {error['msg']}"
        return MISSING_FIELD, f"required field {loc!r} is missing"
    value = error.get("input")
    if kind == "invalid_key":  # a number (or true, null) written where a field name goes
        where = loc.rpartition(".")[0]
        return UNKNOWN_FIELD, f"{where + ': ' if where else ''}{value} is not a field name"
    if isinstance(value, OutOfRange):
        return INVALID_VALUE, (
            f"{loc}: the number {value} is out of range (at most {MAX_INTEGER:,}); "
            "quote it if it is text"
        )
    if isinstance(value, float) and kind == "int_type":
        if math.isnan(value):
            what = ".nan is not a number"
        elif math.isinf(value):
            what = f"{'-' if value < 0 else ''}.inf is infinite"
        else:
            what = f"{value!r} is not a whole number"
        return INVALID_VALUE, f"{loc}: {what}; write a whole number"
    text = error["msg"]
    if text.startswith("Value error, "):
        text = text[len("Value error, ") :]
    return INVALID_VALUE, f"{loc}: {text}"


def _confusable_key(ident: str) -> str:
    return unicodedata.normalize("NFKC", ident).casefold()


class _Builder:
    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    def add(self, document: Document, *, builtin: bool = False) -> None:
        inv = self.inventory
        body = document.body
        if not isinstance(body, LocatedMap):
            inv.problems.append(
                NOT_A_MAPPING.finding(
                    "a document must be a mapping with `kind` and `id`", document.pos
                )
            )
            return
        kind = body.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:  # a list or mapping is unhashable
            if kind is None:
                message = "document has no `kind` (one of " + ", ".join(KINDS) + ")"
            else:
                import difflib  # a misspelt kind only: not on every run's start-up

                hint = difflib.get_close_matches(str(kind), list(KINDS), n=1)
                message = f"unknown kind {kind!r}" + (
                    f"; did you mean {hint[0]!r}?" if hint else ""
                )
            pos = body.value_positions.get("kind", body.pos)
            inv.problems.append(UNKNOWN_KIND.finding(message, pos))
            return
        ident = body.get("id")
        label = str(ident) if isinstance(ident, str) else ""
        kept: SetAside | None = None
        try:
            # model_validate() without its wrapper (~1 µs an entry: 0.1 s at 100,000 flows)
            entity = KINDS[kind].__pydantic_validator__.validate_python(body)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                item["loc"] = _field_path(item["loc"])
                rule, message = _message(item)
                pos = _error_position(body, item)
                inv.problems.append(rule.finding(message, pos, kind=kind, ident=label))
            if not label:
                return
            inv.invalid.add((kind, label))
            inv.invalid_nodes[(kind, label)] = body
            from registry.core.salvage import salvage  # an invalid entry only

            salvaged = salvage(KINDS[kind], body, error)
            if salvaged is None:
                return
            entity, kept = salvaged
        existing = inv.by_kind[kind].get(entity.id)
        key = (kind, entity.id)
        if existing is not None and key not in inv.builtin:
            first_node = inv.nodes[key]
            first = first_node.value_positions.get("id", first_node.pos)
            inv.problems.append(
                DUPLICATE_ID.finding(
                    f"duplicate id {entity.id!r} for {kind} (first defined at {first})",
                    body.value_positions.get("id", body.pos),
                    kind=kind,
                    ident=entity.id,
                )
            )
            return
        inv.builtin.discard(key)  # an inventory may redefine a default taxonomy entry
        inv.by_kind[kind][entity.id] = entity
        inv.nodes[key] = body
        if kept is not None:
            inv.set_aside[key] = kept
        if builtin:
            inv.builtin.add(key)

    def check_confusables(self) -> None:
        inv = self.inventory
        for kind, entities in inv.by_kind.items():
            seen: dict[str, str] = {}
            for ident in sorted(entities):
                folded = _confusable_key(ident)
                if folded in seen and seen[folded] != ident:
                    entity = entities[ident]
                    inv.problems.append(
                        DUPLICATE_ID.finding(
                            f"id {ident!r} differs from {seen[folded]!r} only by case or "
                            "look-alike characters",
                            inv.position(entity, "id"),
                            kind=kind,
                            ident=ident,
                        )
                    )
                seen.setdefault(folded, ident)

    def resolve_references(self) -> None:
        inv = self.inventory
        # Ids that a reference to these kinds may name (invalid entities exist too).
        known: dict[tuple[str, ...], set[str]] = {}
        for targets in {t for cls in KINDS.values() for t in cls.references.values()}:
            known[targets] = {i for t in targets for i in inv.by_kind[t]}
            known[targets].update(i for t, i in inv.invalid if t in targets)
        # One pass per kind and field over every value first: where they are all known
        # ids (the common case), no entry need be looked at one by one for that field.
        paths: dict[type[Entity], list[tuple[str, list[str], set[str]]]] = {}
        for kind, cls in KINDS.items():
            nodes = [inv.nodes[(kind, ident)] for ident in inv.by_kind[kind]]
            paths[cls] = [
                (f, path, ids)
                for f, targets in cls.references.items()
                if not _all_known(nodes, path := f.split("."), ids := known[targets])
            ]
        for entity in inv.entities():
            unsure = paths[type(entity)]
            if not unsure:
                continue
            node = inv.nodes[(entity.kind, entity.id)]
            for field_path, path, ids in unsure:
                # Fast pass over the values; positions are only needed for a finding.
                # (A fast-read node holds plain lists and dicts until it is located.)
                if len(path) == 1:
                    value = node.get(path[0])
                    if value is None or (type(value) is str and value in ids):
                        continue
                    values = value if isinstance(value, list) else (value,)
                else:
                    values = _scalars_at(node, path)
                try:  # a list of known ids (the common case), judged in C
                    if ids.issuperset(values):
                        continue
                except TypeError:  # a mapping or list among them: one by one
                    pass
                if all(i in ids for i in values if isinstance(i, str)):
                    continue
                targets = entity.references[field_path]
                # Of an entity kept in part, only what was kept: a value set aside
                # already has its finding.
                kept = (
                    set(_dumped_values(entity.model_dump(by_alias=True), path))
                    if (entity.kind, entity.id) in inv.set_aside
                    else None
                )
                for ident, pos in _values_at(node, path):
                    if not isinstance(ident, str) or ident in ids:
                        continue
                    if kept is not None and ident not in kept:
                        continue
                    names = [i for t in targets for i in inv.by_kind[t]]
                    import difflib  # a dangling reference only

                    hint = difflib.get_close_matches(ident, names, n=1, cutoff=0.6)
                    what = " or ".join(targets)
                    message = f"{field_path}: no {what} with id {ident!r}" + (
                        f"; did you mean {hint[0]!r}?" if hint else ""
                    )
                    inv.problems.append(
                        DANGLING_REFERENCE.finding(message, pos, kind=entity.kind, ident=entity.id)
                    )


def _all_known(nodes: list[Any], path: list[str], ids: set[str]) -> bool:
    """Whether every value at ``path`` of these entries' nodes is one of ``ids`` (False
    when unsure: a value that is not a string, say; the entries are then judged one by
    one)."""
    found: list[Any] = []
    if len(path) == 1:
        key = path[0]
        for node in nodes:
            value = node.get(key)
            if isinstance(value, list):
                found.extend(value)
            elif value is not None:
                found.append(value)
    elif len(path) == 2:  # `stores.category`: a list of mappings, or one mapping
        key, inner = path
        for node in nodes:
            value = node.get(key)
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, dict):
                    held = item.get(inner)
                    if isinstance(held, list):
                        found.extend(held)
                    elif held is not None:
                        found.append(held)
                elif item is not None:
                    return False  # a shape the model refuses: judged one by one
    else:
        for node in nodes:
            _collect(node, path, 0, found)
    try:
        return ids.issuperset(found)
    except TypeError:  # a mapping or a list among them
        return False


def _dumped_values(data: Any, path: list[str]) -> Iterator[Any]:
    """The scalars at a dotted field path of a dumped entity, through any lists."""
    if isinstance(data, list):
        for item in data:
            yield from _dumped_values(item, path)
    elif path and isinstance(data, dict) and path[0] in data:
        if len(path) > 1:
            yield from _dumped_values(data[path[0]], path[1:])
        elif isinstance(data[path[0]], list):
            yield from data[path[0]]
        else:
            yield data[path[0]]


def _scalars_at(node: Any, path: list[str]) -> list[Any]:
    """The values at a dotted field path (as :func:`_values_at`, without positions)."""
    found: list[Any] = []
    _collect(node, path, 0, found)
    return found


def _collect(node: Any, path: list[str], step: int, found: list[Any]) -> None:
    # Plain lists and dicts too: what a fast-read document holds until it is located.
    if isinstance(node, list):
        for item in node:
            _collect(item, path, step, found)
        return
    if not isinstance(node, dict) or path[step] not in node:
        return
    value = node[path[step]]
    if step + 1 < len(path):
        _collect(value, path, step + 1, found)
    elif isinstance(value, list):
        found.extend(value)
    else:
        found.append(value)


def _values_at(node: Any, path: list[str]) -> Iterator[tuple[Any, Position]]:
    """Every scalar at a dotted field path, descending through lists."""
    if not path:
        return
    if isinstance(node, LocatedList):
        for item in node:
            yield from _values_at(item, path)
        return
    if not isinstance(node, LocatedMap) or path[0] not in node:
        return
    # The position first: locating a fast-read document puts located nodes in its place.
    pos = node.value_positions[path[0]]
    value = node[path[0]]
    if len(path) > 1:
        yield from _values_at(value, path[1:])
    elif isinstance(value, LocatedList):
        yield from zip(value, value.item_positions, strict=True)
    else:
        yield value, pos


def _load_taxonomy(builder: _Builder) -> None:
    text = resources.files("registry").joinpath("data/taxonomy.yaml").read_text("utf-8")
    result = LoadResult()
    load_text(text, "<default taxonomy>", result)
    for document in result.documents:
        builder.add(document, builtin=True)


def build(result: LoadResult, root: str) -> Inventory:
    inventory = Inventory(root=root, files=list(result.files))
    inventory.problems.extend(p.rule.finding(p.message, p.pos) for p in result.problems)
    builder = _Builder(inventory)
    _load_taxonomy(builder)
    for document in result.documents:
        builder.add(document)
    builder.check_confusables()
    builder.resolve_references()
    return inventory


def inventory_from_files(files: Iterable[tuple[str, bytes | None]], root: str) -> Inventory:
    """An inventory from (file name, content) pairs, e.g. read from a git revision.

    ``None`` content stands for a file over the size limit.
    """
    result = LoadResult()
    for name, raw in files:
        result.files.append(name)
        if raw is None:
            result.problems.append(
                LoadProblem(
                    YAML_UNREADABLE,
                    f"file is over the {MAX_FILE_BYTES} byte limit; split it",
                    Position(name, 1, 1),
                )
            )
            continue
        try:
            text = decode_yaml(raw)
        except UnicodeDecodeError as error:
            result.problems.append(
                LoadProblem(
                    YAML_UNREADABLE,
                    f"file is not valid UTF-8 (byte {error.start}); save it as UTF-8",
                    Position(name, raw.count(b"\n", 0, error.start) + 1, 1),
                )
            )
            continue
        load_text(text, name, result)
    return build(result, root)


def load_inventory(path: Path, *, fast: bool | None = None) -> Inventory:
    """Read every YAML file under ``path`` into a resolved inventory.

    ``fast``: read plain files by the fast path (default: :func:`fastpath.enabled`).
    """
    reader = fastpath.load_file if (fastpath.enabled() if fast is None else fast) else None
    with gc_paused():
        return build(load_path(path, reader=reader), path.as_posix())
