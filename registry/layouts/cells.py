"""CSV injection (OWASP): text from YAML never becomes a formula when a CSV is opened.

A CSV cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read as a formula (or DDE command) by Excel, LibreOffice and Google
Sheets. OWASP's advice: prefix such a cell with a single quote, which the
spreadsheet shows as text. The same applies to every line of a multi-line cell,
since some importers split on line breaks. A line that already starts with a
quote gets one more, so that reading our own CSV back (:func:`restore`) strips
exactly what was added.

The XLSX needs none of this: its cells are typed as text, which no spreadsheet
evaluates, and hold the value as written (the writer adds Excel's quote-prefix
style, which is not part of the value).
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = (*TRIGGERS, "'")


def neutralise(text: str) -> str:
    """``text`` made inert for CSV/XLSX: a leading ``'`` before any formula trigger."""
    if not text:
        return text
    lines = text.split("\n")
    return "\n".join("'" + line if line.startswith(_QUOTED) else line for line in lines)


def restore(text: str) -> str:
    """Undo :func:`neutralise` when reading a CSV back: exactly what it added.

    It only ever puts a quote before a trigger or a quote, so a line that starts with a
    quote followed by anything else was written so (``'s-Hertogenbosch``): kept.
    """
    lines = text.split("\n")
    return "\n".join(
        line[1:] if line.startswith("'") and line[1:2] and line[1] in _QUOTED else line
        for line in lines
    )
