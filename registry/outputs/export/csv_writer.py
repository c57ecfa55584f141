"""CSV: one sheet as RFC 4180 CSV in UTF-8 (with a byte-order mark, so Excel reads accents)."""

from __future__ import annotations

import csv
import io

from registry.layouts.cells import neutralise
from registry.outputs.export.table import Sheet, cell_text


def write_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in sheet.preamble:
        writer.writerow([neutralise(cell_text(c)) for c in row])
    if sheet.preamble:
        writer.writerow([])
    writer.writerow([neutralise(c) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([neutralise(cell_text(c)) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
