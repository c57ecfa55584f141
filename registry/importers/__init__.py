"""Importers: someone else's register (a spreadsheet, a Markdown register, Fides
manifests) into our YAML inventory, with a report accounting for every field read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from registry.importers.draft import Draft, ImportFailure

__all__ = ["Draft", "ImportFailure", "ImportResult", "import_register"]

SOURCES = ("spreadsheet", "markdown", "fides")


@dataclass
class ImportResult:
    out: Path
    counts: Counter
    report: str
    unplaced: int  # values left for the user to place
    fields: int = 0  # fields of the input read
    mapped: int = 0  # of which mapped into the inventory
    todo: int = 0  # things the user must complete (placeholders, draft contracts)

    @property
    def next_command(self) -> str:
        return f"ropa check {self.out}"

    def summary(self) -> str:
        """What `ropa import` prints: what was written, what is left, what to run next."""
        kinds = ", ".join(f"{self.counts[k]} {k}" for k in sorted(self.counts))
        total = sum(self.counts.values())
        lines = [
            f"Wrote {total} entities to {self.out} ({kinds or 'none'}).",
            f"Fields read: {self.fields}; mapped into the inventory: {self.mapped}; "
            f"left for you: {self.unplaced}.",
        ]
        if self.todo:
            lines.append(f"To do: {self.todo} (placeholders and drafts to complete).")
        lines += [
            f"Every field and what became of it: {self.out / 'IMPORT-REPORT.txt'}",
            f"Next: {self.next_command}",
        ]
        return "\n".join(lines) + "\n"


def import_register(
    source: str,
    input_path: Path,
    out: Path,
    *,
    template: str = "ico",
    columns: Path | None = None,
) -> ImportResult:
    """Read ``input_path`` (a spreadsheet, a Markdown register or Fides manifests) and
    write the inventory and its IMPORT-REPORT.txt under ``out``."""
    draft = Draft()
    if source == "spreadsheet":
        from registry.importers.grid import refuse_markdown

        refuse_markdown(input_path)
        if template == "cnil":
            from registry.importers.cnil_sheet import import_cnil

            import_cnil(input_path, draft)
        elif template in ("ico", "auto"):
            from registry.importers.sheet import import_ico

            import_ico(input_path, draft, columns=columns)
        else:
            raise ImportFailure(f"unknown template {template!r} (ico or cnil)")
        what = f"the spreadsheet {input_path.name}"
    elif source == "markdown":
        from registry.importers.markdown import import_markdown

        import_markdown(input_path, draft, columns=columns)
        what = f"the Markdown register {input_path.name}"
    elif source == "fides":
        from registry.importers.fides import import_fides

        import_fides(input_path, draft)
        what = f"the Fides manifests in {input_path}"
    else:
        raise ImportFailure(f"unknown source {source!r} ({', '.join(SOURCES)})")
    counts = Counter(kind for kind, _ in draft.entities)
    report = render_report(what, out, counts, draft)
    draft.write(out, report)
    return ImportResult(
        out,
        counts,
        report,
        len(draft.unplaced),
        fields=len(draft.ledger),
        mapped=sum(1 for a in draft.ledger.values() if a.mapped),
        todo=len(draft.todo),
    )


def render_report(what: str, out: Path, counts: Counter, draft: Draft) -> str:
    accounts = list(draft.ledger.values())
    mapped = sum(1 for a in accounts if a.mapped)
    quiet = [a for a in accounts if not a.mapped and not a.left]
    lines = [f"Imported from {what} into {out}", "", "Summary"]
    kinds = ", ".join(f"{counts[k]} {k}" for k in sorted(counts))
    lines.append(f"  Entities written: {sum(counts.values())} ({kinds or 'none'})")
    lines.append(
        f"  Fields read: {len(accounts)}: {mapped} mapped into the inventory "
        f"({len(draft.interpretations)} readings to check below), {len(draft.unplaced)} "
        f"values left for you, {len(quiet)} with nothing the register needs"
    )
    lines += ["", f"To do ({len(draft.todo)}): what the import could not settle"]
    lines += [f"  - {item}" for item in draft.todo] or ["  (none)"]
    lines += [
        "",
        f"Readings to check ({len(draft.interpretations)}): how free text and gaps were read",
    ]
    lines += [f"  - {item}" for item in draft.interpretations] or ["  (none)"]
    lines += [
        "",
        f"Not placed ({len(draft.unplaced)}): each value below is not in the inventory.",
    ]
    lines += [f"  - {item}" for item in draft.unplaced] or ["  (none)"]
    if draft.notes:
        lines += ["", "Notes:"] + [f"  - {note}" for note in draft.notes]
    reasons = Counter(
        o.reason for a in accounts for o in a.outcomes if o.quiet and o.target is None
    )
    lines += ["", "Not carried over: nothing the register needs (each field is listed below)"]
    lines += [f"  - {reason} ({count})" for reason, count in sorted(reasons.items())] or [
        "  (none)"
    ]
    lines += [
        "",
        f"Field by field ({len(accounts)}): every field read and what became of it",
    ]
    for account in accounts:
        outcomes = "; ".join(str(o) for o in account.outcomes) or "NOT PLACED: not read"
        lines.append(f"  {account.where} = {account.value!r} {outcomes}")
    lines += [
        "",
        f"Next: `ropa check {out}` lists what the source never said (contracts, retention,",
        "security…): that list is the to-do list.",
    ]
    return "\n".join(lines) + "\n"
