"""XLSX through openpyxl: frozen headings, column widths, wrapped multi-line cells.

Deterministic: the workbook's created/modified properties and every zip entry's
timestamp are fixed, so the same register gives byte-identical files.
openpyxl is imported here only, when an XLSX is asked for.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from registry.layouts.cells import neutralise
from registry.outputs.export.table import Sheet, Workbook, cell_text

FIXED_TIME = dt.datetime(2000, 1, 1)
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
    for sheet, title in zip(book.sheets, sheet_titles(book.sheets), strict=True):
        ws = workbook.create_sheet(title)
        line = 1
        for row in sheet.preamble:
            for col, cell in enumerate(row, start=1):
                target = ws.cell(line, col, neutralise(cell_text(cell)) or None)
                target.alignment = wrap
                if col == 1 or line == 1:
                    target.font = bold
            line += 1
        if sheet.preamble:
            line += 1
        for col, heading in enumerate(sheet.columns, start=1):
            target = ws.cell(line, col, neutralise(heading))
            target.font, target.alignment, target.fill = bold, wrap, heading_fill
        header_row = line
        for index, row in enumerate(sheet.rows):
            line += 1
            for col, cell in enumerate(row, start=1):
                text = neutralise(cell_text(cell))
                target = ws.cell(line, col, text or None)
                target.alignment = wrap
                if index in sheet.emphasis:
                    target.font, target.fill = bold, heading_fill
                if text:
                    target.data_type = "s"  # belt and braces: never a formula
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
