"""The register in the regulators' layouts: ICO, CNIL, Art. 30(2), full JSON.

One entry point, :func:`export_register`, used by ``ropa export`` and by the site
build. Each layout module turns the inventory into :class:`~registry.outputs.export.table.Sheet`
objects (or, for the full register, a JSON document); the writers render them.
"""

from __future__ import annotations

import json

from registry.core.errors import CannotRun
from registry.core.record import Record

FORMATS = ("csv", "xlsx", "json")
TEMPLATES = ("ico", "cnil", "full")
RECORDS = ("controller", "processor")


class ExportError(CannotRun, ValueError):
    """The export cannot be made as asked (one clear sentence for the user)."""


def export_register(
    derived: Record,
    *,
    fmt: str,
    template: str,
    record: str = "controller",
    org: str | None = None,
) -> bytes:
    """The register as bytes in format ``fmt`` (csv, xlsx, json) and layout ``template``.

    ``record`` chooses the controller record (Art. 30(1)) or the processor record
    (Art. 30(2)); ``org`` restricts it to one organisation's record (required for
    CSV when several organisations have one, since a CSV holds one table).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if template not in TEMPLATES:
        raise ExportError(f"unknown template {template!r} (one of {', '.join(TEMPLATES)})")
    if record not in RECORDS:
        raise ExportError(f"unknown record {record!r} (one of {', '.join(RECORDS)})")
    inventory = derived.inventory
    if org is not None and org not in inventory.organisations:
        raise ExportError(f"no Organisation with id {org!r}")
    if template == "full":
        if fmt != "json":
            raise ExportError("the full register is JSON only: use --format json")
        from registry.outputs.export.full import full_register

        document = full_register(derived, org=org)
        return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()

    sheets = _sheets(derived, template, record, org, fmt)
    if fmt == "json":
        return (json.dumps(_as_json(sheets), indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "csv":
        from registry.outputs.export.csv_writer import write_csv

        if len(sheets) != 1:
            names = ", ".join(s.title for s in sheets)
            raise ExportError(
                f"a CSV holds one table, and {len(sheets)} records would be written ({names}): "
                "choose one with --org, or use --format xlsx"
            )
        return write_csv(sheets[0])
    from registry.outputs.export.table import Workbook
    from registry.outputs.export.xlsx_writer import write_xlsx

    return write_xlsx(Workbook(sheets))


def _organisations(derived: Record, record: str, org: str | None) -> list[str]:
    inventory = derived.inventory
    candidates = derived.controllers() if record == "controller" else list(derived.processors)
    if org is not None:
        if record == "processor" and org not in candidates:
            raise ExportError(f"organisation {org!r} acts as processor for no controller")
        if record == "controller" and not any(
            org in inventory.controllers_of(a) for a in inventory.activities.values()
        ):
            raise ExportError(f"organisation {org!r} is the controller of no activity")
        return [org]
    if not candidates:
        raise ExportError(f"no organisation has a {record} record in this inventory")
    return candidates


def _sheets(derived: Record, template: str, record: str, org: str | None, fmt: str):
    orgs = _organisations(derived, record, org)
    if record == "processor":
        from registry.outputs.export import processor

        return [processor.sheet(derived, o, french=template == "cnil") for o in orgs]
    if template == "ico":
        from registry.outputs.export import ico

        return [ico.sheet(derived, o) for o in orgs]
    from registry.outputs.export import cnil

    if fmt == "xlsx":
        return [s for o in orgs for s in cnil.workbook_sheets(derived, o)]
    return [cnil.flat_sheet(derived, o) for o in orgs]


def _as_json(sheets) -> dict:
    """A tabular layout as JSON: each sheet's header block and its rows keyed by heading."""
    return {
        "sheets": [
            {
                "title": sheet.title,
                "preamble": sheet.preamble,
                "rows": [dict(zip(sheet.columns, row, strict=True)) for row in sheet.rows],
            }
            for sheet in sheets
        ]
    }
