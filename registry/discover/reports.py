"""Other scanners' reports as evidence: Privado's ``privado.json`` and Bearer's privacy report.

Both tools trace personal data through code to the third parties that receive it —
deeper analysis than ropa's, at minutes per repository. When a repository holds their
JSON output (Privado writes ``.privado/privado.json``; Bearer writes what
``bearer scan . --report privacy --format json --output FILE`` names), each third
party becomes a sighting, matched to the vendor catalogue by name or domain:

- Privado: ``sinks`` whose ``sinkType`` is ``third_parties`` (``id`` such as
  ``ThirdParties.SDK.Stripe``, ``name``, ``domains``, ``apiUrl``), with the code
  location of their first occurrence under ``sinkProcessing``;
- Bearer: ``third_party`` entries (``third_party`` name, ``data_types``).

A third party the catalogue lacks is still a sighting, under its own name, and the
register is asked to document it like any other.
"""

from __future__ import annotations

import json
import re
from typing import Any

from registry.core.position import Position
from registry.discover.catalogue import Catalogue
from registry.discover.found import RepoScan, Sighting, json_object
from registry.discover.manifests import RUNTIME


def _key_words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.casefold()))


def is_report(text: str) -> bool:
    head = text[:65536]
    privado = '"sinks"' in text and ('"sinkProcessing"' in text or '"privadoCoreVersion"' in head)
    bearer = '"third_party"' in text and '"subjects"' in text
    return privado or bearer


def _line_of(text: str, needle: str) -> tuple[int, int]:
    at = text.find(needle)
    if at < 0:
        return 1, 1
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


class _Names:
    """Catalogue vendors by the words of their names and aliases."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.keys: list[tuple[tuple[str, ...], str]] = []
        for vendor in catalogue.vendors.values():
            for name in (vendor.name, *vendor.aliases, vendor.id.replace("-", " ")):
                words = _key_words(name)
                if words:
                    self.keys.append((words, vendor.id))

    def by_name(self, name: str) -> str | None:
        """The vendor whose name's words all appear in ``name`` (the most words wins;
        a tie between vendors is no match)."""
        words = set(_key_words(name))
        best: dict[int, set[str]] = {}
        for key, vendor in self.keys:
            if set(key) <= words:
                best.setdefault(len(key), set()).add(vendor)
        if not best:
            return None
        top = best[max(best)]
        return next(iter(top)) if len(top) == 1 else None

    def by_domain(self, domains: list[str]) -> str | None:
        found: set[str] = set()
        for domain in domains:
            host = re.sub(r"^[a-z]+://", "", domain.strip().casefold()).split("/")[0]
            if not host:
                continue
            vendor = self.catalogue.vendor_of_host(host)
            if vendor is not None:
                found.add(vendor)
                continue
            for candidate in self.catalogue.vendors.values():
                if any(h == host or h.endswith("." + host) for h in candidate.hosts):
                    found.add(candidate.id)
        return next(iter(found)) if len(found) == 1 else None


def _slug(name: str) -> str:
    return "-".join(_key_words(name))[:60].strip("-") or "third-party"


def _sighting(
    names: _Names, name: str, domains: list[str], how: str, detail: str, pos: Position
) -> Sighting:
    vendor = names.by_name(name) or names.by_domain(domains)
    if vendor is not None:
        return Sighting(vendor, names.catalogue.vendors[vendor].name, how, detail, RUNTIME, pos)
    return Sighting(_slug(name), name, how, detail, RUNTIME, pos)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def read_report(text: str, display: str, catalogue: Catalogue, scan: RepoScan) -> None:
    document = json_object(text, display, scan)
    if document is None:
        return
    names = _Names(catalogue)
    if isinstance(document.get("sinks"), list):
        _privado(document, text, display, names, scan)
    if isinstance(document.get("third_party"), list):
        _bearer(document, text, display, names, scan)


def _privado(document: dict, text: str, display: str, names: _Names, scan: RepoScan) -> None:
    where: dict[str, str] = {}
    for processing in document.get("sinkProcessing") or []:
        if not isinstance(processing, dict):
            continue
        for occurrence in processing.get("occurrences") or []:
            if isinstance(occurrence, dict) and occurrence.get("fileName"):
                line = occurrence.get("lineNumber")
                where.setdefault(str(processing.get("sinkId")), f"{occurrence['fileName']}:{line}")
                break
    seen: set[str] = set()
    for sink in document["sinks"]:
        if not isinstance(sink, dict) or sink.get("sinkType") != "third_parties":
            continue
        ident, name = str(sink.get("id") or ""), str(sink.get("name") or "")
        if not (ident or name) or ident in seen:
            continue
        seen.add(ident)
        line, col = _line_of(text, json.dumps(ident)) if ident else _line_of(text, json.dumps(name))
        code = f" at {where[ident]}" if ident in where else ""
        domains = _strings(sink.get("domains")) + _strings(sink.get("apiUrl"))
        scan.sightings.append(
            _sighting(names, name or ident, domains, "privado", f"sink {ident}{code}",
                      Position(display, line, col))
        )  # fmt: skip


def _bearer(document: dict, text: str, display: str, names: _Names, scan: RepoScan) -> None:
    seen: set[str] = set()
    for entry in document["third_party"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("third_party"), str):
            continue
        name = entry["third_party"]
        if name in seen:
            continue
        seen.add(name)
        line, col = _line_of(text, json.dumps(name))
        types = ", ".join(_strings(entry.get("data_types")))
        detail = f"third party {name}" + (f" ({types})" if types else "")
        scan.sightings.append(
            _sighting(names, name, [], "bearer", detail, Position(display, line, col))
        )
