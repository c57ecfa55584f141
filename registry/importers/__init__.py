"""Importers: someone else's register (a spreadsheet, Fides manifests) into our YAML inventory."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from registry.importers.draft import Draft, ImportFailure

__all__ = ["Draft", "ImportFailure", "ImportResult", "import_register"]


@dataclass
class ImportResult:
    out: Path
    counts: Counter
    report: str
    unplaced: int


def import_register(
    source: str, input_path: Path, out: Path, *, template: str = "ico"
) -> ImportResult:
    """Read ``input_path`` (a spreadsheet or a Fides manifest folder) and write ``out``."""
    draft = Draft()
    if source == "spreadsheet":
        if template == "ico":
            from registry.importers.spreadsheet import import_ico

            import_ico(input_path, draft)
        elif template == "cnil":
            from registry.importers.cnil_sheet import import_cnil

            import_cnil(input_path, draft)
        else:
            raise ImportFailure(f"unknown template {template!r} (ico or cnil)")
        what = f"{template.upper()} spreadsheet {input_path.name}"
    elif source == "fides":
        from registry.importers.fides import import_fides

        import_fides(input_path, draft)
        what = f"Fides manifests in {input_path}"
    else:
        raise ImportFailure(f"unknown source {source!r} (spreadsheet or fides)")
    counts = Counter(kind for kind, _ in draft.entities)
    report = render_report(what, out, counts, draft)
    draft.write(out, report)
    return ImportResult(out, counts, report, len(draft.unplaced))


def render_report(what: str, out: Path, counts: Counter, draft: Draft) -> str:
    lines = [f"Imported from {what} into {out}:"]
    lines += [f"  {counts[kind]} {kind}" for kind in sorted(counts)]
    if draft.notes:
        lines += ["", "Notes:"] + [f"  - {note}" for note in draft.notes]
    lines += ["", f"Not placed ({len(draft.unplaced)}): each value below is not in the inventory."]
    lines += [f"  - {item}" for item in draft.unplaced] or ["  (none)"]
    lines += [
        "",
        f"Next: `ropa check {out}` lists what the source never said (contracts, retention,",
        "security…): that list is the to-do list.",
    ]
    return "\n".join(lines) + "\n"
