"""XLSX through openpyxl: frozen headings, column widths, wrapped multi-line cells.

Every cell holds the exact text (``+33 2 40 00 12 34``, ``=HYPERLINK(...)``): it is
typed as a string, which a spreadsheet never evaluates, so no prefix is needed or
added. A text that starts like a formula also gets Excel's quote-prefix style, so
that editing the cell and pressing Enter keeps it text. (The CSV, which has no
types, keeps OWASP's leading quote: :mod:`registry.layouts.cells`.)

Deterministic: the workbook's created/modified properties and every zip entry's
timestamp are fixed, so the same register gives byte-identical files.
openpyxl is imported here only, when an XLSX is asked for.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from copy import copy
from typing import Any

from registry.layouts.cells import TRIGGERS
from registry.outputs.export.table import Cell, Sheet, Workbook, cell_text

FIXED_TIME = dt.datetime(2000, 1, 1)
MAX_CELL = 32_767  # characters: Excel's limit for one cell
CUT = " … [cut at the 32,767 characters a spreadsheet cell holds: the JSON export has it all]"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_BAD_TITLE = re.compile(r"[\[\]:*?/\\']")


def sheet_titles(sheets: list[Sheet]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique (case-insensitively)."""
    titles: list[str] = []
    seen: set[str] = set()
    for sheet in sheets:
        base = _BAD_TITLE.sub(" ", sheet.title).strip() or "Sheet"
        title, number = base[:31], 2
        while title.casefold() in seen:
            suffix = f" ({number})"
            title, number = base[: 31 - len(suffix)] + suffix, number + 1
        seen.add(title.casefold())
        titles.append(title)
    return titles


def write_xlsx(book: Workbook) -> bytes:
    from openpyxl import Workbook as XlsxBook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    heading_fill = PatternFill("solid", fgColor="DDE4EE")
    workbook = XlsxBook()
    workbook.remove(workbook.active)
    # A cell's look is one entry of openpyxl's style table; setting its parts one by one
    # hashes each part per cell (a third of the CNIL workbook's time at 10,000 flows). The
    # first cell of each look is styled part by part, the others take its entry: the
    # same table, in the same order, the same bytes.
    looks: dict[tuple[str, bool], Any] = {}

    def styled(target: Any, look: str) -> None:
        key = (look, bool(target.quotePrefix))
        if key in looks:
            target._style = copy(looks[key])
            return
        target.alignment = wrap
        if look in ("bold", "heading"):
            target.font = bold
        if look == "heading":
            target.fill = heading_fill
        looks[key] = copy(target._style)

    for sheet, title in zip(book.sheets, sheet_titles(book.sheets), strict=True):
        ws = workbook.create_sheet(title)
        line = 1
        for row in sheet.preamble:
            for col, cell in enumerate(row, start=1):
                target = _text_cell(ws, line, col, cell)
                styled(target, "bold" if col == 1 or line == 1 else "plain")
            line += 1
        if sheet.preamble:
            line += 1
        for col, heading in enumerate(sheet.columns, start=1):
            target = _text_cell(ws, line, col, heading)
            styled(target, "heading")
        header_row = line
        for index, row in enumerate(sheet.rows):
            line += 1
            look = "heading" if index in sheet.emphasis else "plain"
            for col, cell in enumerate(row, start=1):
                styled(_text_cell(ws, line, col, cell), look)
        ws.freeze_panes = ws.cell(header_row + 1, 1)
        for col in range(1, len(sheet.columns) + 1):
            width = sheet.widths[col - 1] if col <= len(sheet.widths) else 30
            ws.column_dimensions[get_column_letter(col)].width = width
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "ropa"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _fix_zip_times(raw.getvalue())


def _text_cell(ws: Any, row: int, col: int, cell: Cell) -> Any:  # openpyxl objects
    """A cell holding ``cell``'s exact text as a string (empty: no value at all)."""
    text = cell_text(cell)
    target = ws.cell(row, col)
    if text:
        if len(text) > MAX_CELL:  # openpyxl would cut it silently: say so in the cell
            text = text[: MAX_CELL - len(CUT)] + CUT
        target.value = text
        target.data_type = "s"  # openpyxl types "=..." as a formula and "#N/A" as an error
        if text.startswith(TRIGGERS):
            target.quotePrefix = True
    return target


def _fix_zip_times(data: bytes) -> bytes:
    """Re-pack the archive with a fixed timestamp on every entry."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
