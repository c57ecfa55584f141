"""`ropa import spreadsheet`: a register kept as one row per activity, under the ICO
template's headings or the ones people give the usual Art. 30 columns (English, French,
Dutch, German; ``--columns mapping.yaml`` for the rest).

Every non-empty cell of every sheet is a field of the import's ledger: read into the
activity of its row, or reported with its sheet, row and column and the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.importers.draft import Draft, ImportFailure, match_key
from registry.importers.freeform import FreeRow
from registry.importers.grid import Grid, cell_text, expect_every_cell, read_grids
from registry.importers.headings import read_columns, synonym_key
from registry.importers.spreadsheet import Cell, contact_block
from registry.layouts import ico

_ICO_BY_HEADING = {match_key(h): k for h, k in zip(ico.COLUMNS, ico.KEYS, strict=True)}
# Shorter spellings met in filled-in templates.
for _heading, _key in {
    "name and contact details of joint controller": "joint_controllers",
    "names of third countries or international organisations": "transfer_countries",
    "safeguards for exceptional transfers": "transfer_safeguards",
    "retention schedule": "retention",
    "general description of technical and organisational security measures": "security",
    "article 9 condition": "art9_condition",
    "article 9 basis for processing special category data": "art9_condition",
    "dpia required": "dpia_required",
    "legitimate interests": "legitimate_interests",
}.items():
    _ICO_BY_HEADING.setdefault(match_key(_heading), _key)
_REQUIRED = ("purposes", "name")  # one of them
_HEADING = "a column heading: structure, not content"
_ROLES = ("controller", "data protection officer", "representative", "dpo")


def ico_key(heading: str) -> str | None:
    bare = heading.replace("(if applicable)", "").replace("(if possible)", "")
    return _ICO_BY_HEADING.get(match_key(bare)) or _ICO_BY_HEADING.get(match_key(heading))


def heading_key(heading: str, extra: dict[str, str] | None) -> tuple[str | None, bool]:
    """(the key of a heading, whether it is the ICO template's own)."""
    if extra:
        key = synonym_key(heading, extra)
        if key is not None:
            return key, False
    key = ico_key(heading)
    if key is not None:
        return key, True
    return synonym_key(heading), False


def find_header(grids: list[Grid], extra: dict[str, str] | None) -> tuple[Grid, int]:
    """The first row, on any sheet, holding at least three known headings."""
    for grid in grids:
        for r, row in enumerate(grid.rows[:200]):
            keys = {k for v in row if (k := heading_key(cell_text(v), extra)[0]) != "ignore"}
            keys.discard(None)
            if len(keys) >= 3:
                return grid, r
    names = ", ".join(repr(g.sheet) for g in grids)
    raise ImportFailure(
        "no sheet has a row of register headings (Purpose, Lawful basis, Data subjects, "
        f"Retention… in English or French; or give --columns) (sheets: {names})"
    )


def import_ico(path: Path, draft: Draft, *, columns: Path | None = None) -> None:
    extra = read_columns(columns) if columns is not None else None
    grids = read_grids(path)
    expect_every_cell(grids, draft)
    grid, header = find_header(grids, extra)
    grid.check_table(header)
    for other in grids:
        if other is not grid and next(other.filled(), None) is not None:
            draft.notes.append(
                f"sheet {other.sheet!r} was not read (the register is on {grid.sheet!r})"
            )
    columns_at: dict[str, int] = {}
    ico_only = True
    for c, value in enumerate(grid.rows[header]):
        heading = cell_text(value)
        key, own = heading_key(heading, extra)
        if not heading:
            continue
        if key == "ignore":
            draft.report(grid.where(header, c), heading, "ignored (--columns)", quiet=True)
            _report_column(draft, grid, header, c, "ignored (--columns)", quiet=True)
            continue
        if key and key not in columns_at:
            columns_at[key] = c
            ico_only = ico_only and own
            draft.report(grid.where(header, c), heading, f"{_HEADING} (read as {key})", quiet=True)
            continue
        draft.report(grid.where(header, c), heading, _HEADING, quiet=True)
        _report_column(
            draft,
            grid,
            header,
            c,
            "column not in the register's format (or a second column for the same field): "
            "map it with --columns",
        )
    if not columns_at.keys() & set(_REQUIRED):
        raise ImportFailure(
            f"sheet {grid.sheet!r} row {header + 1}: no column 'Purpose of processing' (nor "
            "one naming the activity)"
        )
    if ico_only:
        for key, heading in zip(ico.KEYS, ico.COLUMNS, strict=True):
            if key not in columns_at:
                draft.notes.append(f"sheet {grid.sheet!r}: column {heading!r} is absent")
    controller = header_block(grid, header, draft)
    reader = FreeRow(draft, controller, free=not ico_only)
    titles = {c: cell_text(v) for c, v in enumerate(grid.rows[header])}
    for r in range(header + 1, len(grid.rows)):
        cells = {
            key: Cell(grid.value(r, c), grid.where(r, c, titles[c]))
            for key, c in columns_at.items()
        }
        if any(cell.text for cell in cells.values()):
            reader.read(cells, r + 1)
    for other in grids:
        if other is not grid:
            for r, c, text in other.filled():
                draft.report(
                    other.where(r, c),
                    text,
                    f"sheet {other.sheet!r} is not read (the register is on {grid.sheet!r})",
                )
    draft.sweep("not read: outside the register's table (a title or a note above it?)")


def _report_column(
    draft: Draft, grid: Grid, header: int, c: int, reason: str, *, quiet: bool = False
) -> None:
    """Report each cell below the heading of column ``c`` as not read, for ``reason``."""
    heading = grid.text(header, c)
    for r in range(header + 1, len(grid.rows)):
        if grid.text(r, c):
            draft.report(grid.where(r, c, heading), grid.text(r, c), reason, quiet=quiet)


def header_block(grid: Grid, header: int, draft: Draft) -> str | None:
    """Controller / DPO / representative rows above the table, if present."""
    name_col = {"name": 1, "address": 2, "email": 3, "telephone": 4}
    for r in range(header):
        keys = [match_key(cell_text(v)) for v in grid.rows[r]]
        if "name" in keys and "email" in keys:
            name_col = {k: keys.index(k) for k in name_col if k in keys}
            for c, key in enumerate(keys):
                if key:
                    draft.report(grid.where(r, c), grid.text(r, c), _HEADING, quiet=True)
    found: dict[str, tuple[list[str], str, int]] = {}
    for r in range(header):
        role = match_key(grid.text(r, 0))
        if role in _ROLES:
            parts = [grid.text(r, name_col.get(k, i + 1)) for i, k in enumerate(name_col)]
            name = "data protection officer" if role == "dpo" else role
            found[name] = (parts, grid.where(r, 0), r)
            draft.report(grid.where(r, 0), grid.text(r, 0), _HEADING, quiet=True)
    if "controller" not in found or not found["controller"][0][0]:
        draft.notes.append("no controller named above the table: activities have no controller")
        return None
    parts, where, _ = found["controller"]
    contact = {k: v for k, v in (("email", parts[2]), ("phone", parts[3])) if v}
    fields: dict[str, Any] = {"address": parts[1] or None, "contact": contact or None}
    for role, key in (("data protection officer", "dpo"), ("representative", "representative")):
        if role in found:
            fields[key] = contact_block(found[role][0])
    ident = draft.organisation(parts[0], where, **fields)
    targets = {
        "controller": "",
        "data protection officer": ".dpo",
        "representative": ".representative",
    }
    for role, (_, _, r) in found.items():
        part_fields = {"name": ".name", "address": ".address"} if role == "controller" else {}
        for i, k in enumerate(name_col):
            c = name_col.get(k, i + 1)
            if grid.text(r, c):
                field_name = (
                    part_fields.get(k, ".contact") if role == "controller" else targets[role]
                )
                draft.mapped(grid.where(r, c), f"Organisation {ident}{field_name}")
    return ident
