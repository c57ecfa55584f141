"""The shape every tabular layout is built into, before a writer turns it into bytes.

A layout (ICO, CNIL, processor record) builds :class:`Sheet` objects; the CSV and
XLSX writers only render them. A cell is a string or a list of strings (one value
per line, as the regulators' templates write multi-value cells).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Cell = str | list[str]


def cell_text(cell: Cell) -> str:
    """The text of a cell: a list becomes one value per line."""
    return "\n".join(cell) if isinstance(cell, list) else cell


@dataclass
class Sheet:
    """One table under an optional block of header rows (e.g. the controller's details).

    ``preamble`` rows are written above the table, then one empty row, then
    ``columns`` (the headings, frozen in XLSX) and ``rows``. ``widths`` are XLSX
    column widths in characters, one per column (default 30); ``emphasis`` rows
    (section headings of a fiche) are bold.
    """

    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    preamble: list[list[Cell]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    emphasis: set[int] = field(default_factory=set)  # indexes of rows written in bold

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):  # a layout bug, never user input
                raise ValueError(
                    f"sheet {self.title!r}: row of {len(row)} cells, not {len(self.columns)}"
                )


@dataclass
class Workbook:
    sheets: list[Sheet]
