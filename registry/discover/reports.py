"""Other scanners' reports (Privado's privado.json, Bearer's privacy report) as evidence."""

from __future__ import annotations

from typing import Any


def is_report(text: str) -> bool:
    return False


def read_report(text: str, display: str, catalogue: Any, scan: Any) -> None:
    return None
