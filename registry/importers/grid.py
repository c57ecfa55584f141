"""Reading a spreadsheet (XLSX or CSV) into plain grids of cells, refusing what cannot be trusted.

Formulas are refused (their value is not in the file we read, and a register
should hold facts), merged cells inside the table are refused (which row would
the value belong to?), dates may arrive as real dates, as text or as Excel serial
numbers. Every refusal names the sheet, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.importers.draft import Draft, ImportFailure
from registry.layouts.cells import restore

MAX_BYTES = 64 * 1024 * 1024
EXCEL_EPOCH = dt.date(1899, 12, 30)


def column_letter(index: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Grid:
    """One sheet's cells (0-based rows and columns), merged ranges and formula cells."""

    sheet: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)

    def where(self, row: int, col: int, heading: str = "") -> str:
        text = f"sheet {self.sheet!r} row {row + 1} column {column_letter(col)}"
        return text + (f" ({heading})" if heading else "")

    def value(self, row: int, col: int) -> Any:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def text(self, row: int, col: int) -> str:
        return cell_text(self.value(row, col))

    def filled(self) -> Iterator[tuple[int, int, str]]:
        """Each cell that holds something: its row, its column and its text."""
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row):
                if text := cell_text(value):
                    yield r, c, text

    def check_table(self, header_row: int) -> None:
        """Refuse formulas anywhere and merged cells from the headings down."""
        for (row, col), formula in sorted(self.formulas.items()):
            raise ImportFailure(
                f"{self.where(row, col)} holds a formula ({formula[:40]}): replace it with "
                "its value (copy, paste values) and import again"
            )
        for min_row, min_col, max_row, max_col in sorted(self.merged):
            if max_row >= header_row:
                span = (
                    f"{column_letter(min_col)}{min_row + 1}:{column_letter(max_col)}{max_row + 1}"
                )
                raise ImportFailure(
                    f"sheet {self.sheet!r} cells {span} are merged: unmerge them so that each "
                    "row carries its own values, and import again"
                )


def expect_every_cell(grids: list[Grid], draft: Draft) -> None:
    """Put every non-empty cell of every sheet in the import's ledger: each must end up
    read into the register or reported with its reason."""
    for grid in grids:
        for r, c, text in grid.filled():
            draft.expect(grid.where(r, c), text)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip(" \n")


def lines(value: Any) -> list[str]:
    """A multi-value cell: one value per line (bullets and blank lines removed)."""
    return [ln.strip(" ").removeprefix("• ") for ln in cell_text(value).split("\n") if ln.strip()]


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
)


def parse_date(value: Any) -> dt.date | None:
    """A date from a real date cell, an Excel serial number, or text; None if not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # Excel's serial range (1900-01-01 … 9999-12-31)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = cell_text(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".wiki", ".mediawiki", ".txt")


def refuse_markdown(path: Path) -> None:
    """A Markdown or wiki register is not a spreadsheet: say which command reads it."""
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        raise ImportFailure(
            f"{path.name} is a Markdown or wiki document, not a spreadsheet: import it with "
            f"`ropa import markdown {path} --out DIR`"
        )


def read_grids(path: Path) -> list[Grid]:
    if not path.is_file():
        raise ImportFailure(f"{path} is not a file")
    if path.stat().st_size > MAX_BYTES:
        raise ImportFailure(f"{path} is larger than {MAX_BYTES // 2**20} MiB")
    head = path.read_bytes()[:4]
    if head.startswith(b"PK"):
        return _read_xlsx(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ImportFailure(f"{path} is not an XLSX workbook (it is not a zip archive)")
    if path.suffix.lower() in (".xls", ".ods", ".numbers"):
        raise ImportFailure(f"{path}: save it as .xlsx or .csv first (this format is not read)")
    return [_read_csv(path)]


def _read_xlsx(path: Path) -> list[Grid]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ImportFailure(f"{path} is not a readable XLSX workbook ({error})") from None
    except Exception as error:  # openpyxl on hostile input: any failure is "unreadable"
        raise ImportFailure(
            f"{path} is not a readable XLSX workbook ({type(error).__name__}: {error})"
        ) from None
    grids = []
    for ws in book.worksheets:
        rows: list[list[Any]] = []
        formulas: dict[tuple[int, int], str] = {}
        for r, row in enumerate(ws.iter_rows()):
            values = []
            for c, cell in enumerate(row):
                if cell.data_type == "f":
                    formulas[(r, c)] = str(cell.value)
                values.append(cell.value)
            rows.append(values)
        merged = [
            (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
            for m in ws.merged_cells.ranges
        ]
        grids.append(Grid(ws.title, rows, merged, formulas))
    return grids


def _read_csv(path: Path) -> Grid:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ImportFailure(f"{path} is not a spreadsheet (binary content); give an .xlsx or .csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFailure(f"{path} is neither UTF-8 nor Windows-1252 text") from None
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        raise ImportFailure(f"{path} is not valid CSV ({error})") from None
    formulas = {
        (r, c): v
        for r, row in enumerate(rows)
        for c, v in enumerate(row)
        if v.startswith("=") and len(v) > 1
    }
    # Undo the injection guard a CSV export adds (a leading quote on each line that
    # would start a formula, or starts with a quote): exactly what it added. An XLSX
    # cell is typed text and holds the value as written: nothing to undo there.
    rows = [[restore(v) for v in row] for row in rows]
    return Grid(path.name, rows, [], formulas)
