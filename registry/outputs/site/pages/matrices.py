"""Who handles which data (matrices.md): processor × data category, system × data category.

Special categories first (Art. 9(1), then Art. 10 and Art. 87 data): for each, the
activities, systems and processors handling it in full (the home page shows the first
few); then the two matrices, a mark where a processor or a system handles a category
(● it keeps it, ○ it only passes through). Read from
:class:`~registry.outputs.site.handling.Handling`.
"""

from __future__ import annotations

from registry.outputs.site import labels
from registry.outputs.site.handling import STORED, Handling
from registry.outputs.site.markup import table, text
from registry.outputs.site.pages.context import Context
from registry.outputs.site.register import category_ref, ref

KEPT, PASSES = "●", "○"


def special_anchor(value: str) -> str:
    """The anchor of a special kind's section: ``special-national-id``."""
    return "special-" + value.replace("_", "-")


def add_matrices(ctx: Context) -> None:
    page = "matrices.md"
    inv = ctx.inv
    handling = Handling.of(ctx.record)
    out = ["# Data categories by processor and by system\n"]
    out.append(
        f"Who handles which data. {KEPT} keeps it (declared in the system's `stores:`); "
        f"{PASSES} it passes through (a flow carries it in or out, nothing is declared "
        "kept). A processor handles what the systems it runs for its controllers handle, "
        "and what flows hand it directly. Special categories come first.\n"
    )
    out.append("## Special categories {#special}\n")
    found = handling.by_special()
    if not found:
        out.append("*No special category (Art. 9, 10, 87) is processed.*\n")
    for kind, (activities, systems, processors) in found.items():
        out.append(f"### {labels.special(kind)} {{#{special_anchor(kind.value)}}}\n")
        categories = [c for c in handling.categories if inv.special_of(c) is kind]

        def names(entity_kind: str, idents: set[str]) -> str:
            ordered = sorted(
                idents, key=lambda i: (inv.by_kind[entity_kind][i].label.casefold(), i)
            )
            return ", ".join(ref(inv, entity_kind, i, page) for i in ordered) or "none"

        out.append(
            f"- **Categories**: {', '.join(category_ref(inv, c, page) for c in categories)}\n"
            f"- **Activities**: {names('Activity', activities)}\n"
            f"- **Systems**: {names('System', systems)}\n"
            f"- **Processors**: {names('Organisation', processors)}\n"
        )
    out.append("## Processors × data categories {#processors}\n")
    out.append(_processors(handling, page))
    out.append("## Systems × data categories {#systems}\n")
    out.append(_systems(handling, page))
    ctx.site.add(page, "Data categories by processor and by system", "\n".join(out), wide=True)


def _columns(handling: Handling, used: set[str], page: str) -> tuple[list[str], list[str]]:
    inv = handling.inventory
    columns = [c for c in handling.categories if c in used]
    return columns, [category_ref(inv, c, page) for c in columns]


def _mark(symbol: str, tooltip: str) -> str:
    # text(): one line, every character a table or Markdown could read as syntax escaped
    return f'<span class="ropa-cell" title="{text(tooltip)}">{symbol}</span>'


def _matrix(first: str, headers: list[str], rows: list[list[str]], empty: str) -> str:
    """A matrix table in its own box (the stylesheet sets its headers upright)."""
    body = table([first, *headers], rows, empty=empty)
    return f'<div class="ropa-matrix" markdown="1">\n\n{body}\n</div>\n'


def _processors(handling: Handling, page: str) -> str:
    inv = handling.inventory
    used = {c for held in handling.processors.values() for c in held}
    columns, headers = _columns(handling, used, page)
    rows = []
    for processor in sorted(
        handling.processors, key=lambda p: (inv.organisations[p].label.casefold(), p)
    ):
        held = handling.processors[processor]
        row = [ref(inv, "Organisation", processor, page)]
        for category in columns:
            via = held.get(category)
            if via is None:
                row.append(" ")
                continue
            kept = any(handling.systems.get(s, {}).get(category) == STORED for s in via if s)
            names = sorted(inv.systems[s].label for s in via if s)
            tooltip = ", ".join(names) + (" (a flow to it)" if "" in via else "")
            row.append(_mark(KEPT if kept else PASSES, tooltip or "a flow to it"))
        rows.append(row)
    return _matrix("Processor", headers, rows, "No organisation acts as a processor.")


def _systems(handling: Handling, page: str) -> str:
    inv = handling.inventory
    used = {c for held in handling.systems.values() for c in held}
    columns, headers = _columns(handling, used, page)
    retention = {
        (system.id, stored.category): stored.retention
        for system in inv.systems.values()
        for stored in system.stores
    }
    rows = []
    for system in sorted(handling.systems, key=lambda s: (inv.systems[s].label.casefold(), s)):
        held = handling.systems[system]
        if not held:
            continue
        row = [ref(inv, "System", system, page)]
        for category in columns:
            how = held.get(category)
            if how is None:
                row.append(" ")
            elif how == STORED:
                kept = retention.get((system, category))
                tooltip = "kept " + (labels.retention_text(kept) if kept else "(no retention set)")
                row.append(_mark(KEPT, tooltip))
            else:
                row.append(_mark(PASSES, "passes through (a flow), not declared kept"))
        rows.append(row)
    return _matrix("System", headers, rows, "No system handles any data category yet.")
