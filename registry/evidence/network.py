"""Network logs as evidence: AWS VPC flow logs and firewall exports.

A network log says that two addresses talked, not which way the personal data went:
each record becomes a *connection* observation, from the side that opened it to the
other, which a declared flow between the two ends in either direction explains
(billing fetching from the LIS is the flow ``lis → billing``). Endpoints are IP
addresses or hostnames, matched to systems through identifiers that may be CIDR
blocks (``10.20.0.0/16``), addresses or hostnames.

* **AWS VPC flow logs**, space-separated, as delivered to S3 (a header line naming
  the fields; any custom field order) or the default version 2 layout without one::

      version account-id interface-id srcaddr dstaddr srcport dstport protocol
      packets bytes start end action log-status

  A flow log has one record per direction of a connection: a record from a service
  port to a higher one (``srcport < dstport``) is the reply, folded into the
  connection it answers, so that a web server answering clients is not "data sent to
  every client". Rejected traffic (``action REJECT``), records without data
  (``log-status NODATA``/``SKIPDATA``) and zero bytes are read and moved nothing.
  ``pkt-srcaddr``/``pkt-dstaddr`` (custom formats, behind NAT) win over
  ``srcaddr``/``dstaddr`` when present.
* **Firewall CSV**, with a header naming at least a source and a destination column
  (see FIREWALL_COLUMNS for the names understood, e.g. ``time,source,destination,
  bytes``; other columns are ignored): one row per session, from its source (the
  side that opened it) to its destination, an address or a hostname (a hostname
  column, when there is one, wins over the address: it names the service). Rows
  whose action is a denial, or with zero bytes, moved nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO

from registry.core.position import Position
from registry.evidence.observed import (
    Endpoint,
    Evidence,
    EvidenceError,
    EvidenceProblem,
    Observation,
    Tally,
    TextStream,
    csv_rows,
    ip_address,
    text_lines,
)

VPC_DEFAULT_FIELDS = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
]
_NO_DATA = frozenset({"NODATA", "SKIPDATA"})
_NOTHING = "-"  # a VPC flow log's empty field

# Each field of a firewall row → the header names it goes by (lower case).
FIREWALL_COLUMNS: dict[str, tuple[str, ...]] = {
    "source": ("source", "src", "src_ip", "source_ip", "srcaddr", "source_address"),
    "destination": (
        "destination",
        "dst",
        "dest",
        "dst_ip",
        "destination_ip",
        "dstaddr",
        "destination_address",
    ),
    "host": ("destination_host", "dst_host", "hostname", "host", "fqdn", "sni"),
    "bytes": ("bytes", "total_bytes", "bytes_total"),
    "time": ("time", "timestamp", "datetime", "observed_at", "start_time"),
    "action": ("action", "verdict", "disposition"),
}
_DENIED = frozenset({"deny", "denied", "drop", "dropped", "reject", "rejected", "block", "blocked"})


# --- VPC flow logs ------------------------------------------------------------------


def is_vpc_header(line: str) -> bool:
    """Whether the first line of a file is a VPC flow log's: a header naming srcaddr and
    dstaddr, or a default version 2 record."""
    fields = line.split()
    if "srcaddr" in fields and "dstaddr" in fields:
        return True
    return (
        len(fields) == len(VPC_DEFAULT_FIELDS)
        and fields[0] == "2"
        and all(f == _NOTHING or ip_address(f) is not None for f in fields[3:5])
    )


def read_vpc_flow_log(raw: IO[bytes], file: str, tally: Tally | None = None) -> Iterator[Evidence]:
    stream = TextStream(raw, file)
    fields: list[str] = VPC_DEFAULT_FIELDS
    line_number = 0
    try:
        for line in text_lines(stream):
            line_number += 1
            values = line.split()
            if not values:
                continue
            pos = Position(file, line_number, 1)
            if line_number == 1 and "srcaddr" in values:
                fields = values
                continue
            if len(values) != len(fields):
                yield EvidenceProblem(
                    f"{len(values)} fields where the flow log's layout has {len(fields)}", pos
                )
                continue
            yield from _counted(_vpc_record(dict(zip(fields, values, strict=True)), pos), tally)
    except EvidenceError as error:
        yield EvidenceProblem(error.message, error.pos)


def _counted(found: Evidence | None, tally: Tally | None) -> Iterator[Evidence]:
    """``found``, if anything, counting a record read unless it is a problem (a record
    that moved nothing was still read)."""
    if not isinstance(found, EvidenceProblem) and tally is not None:
        tally.records += 1
    if found is not None:
        yield found


def _vpc_record(record: dict[str, str], pos: Position) -> Evidence | None:
    """One record's connection, None when it moved nothing."""
    if record.get("log-status") in _NO_DATA or record.get("action") == "REJECT":
        return None
    source = _present(record.get("pkt-srcaddr")) or _present(record.get("srcaddr"))
    target = _present(record.get("pkt-dstaddr")) or _present(record.get("dstaddr"))
    if source is None or target is None:
        return None  # no addresses: a record with no traffic
    size = record.get("bytes", _NOTHING)
    if size != _NOTHING:
        if not size.isdigit():
            return EvidenceProblem(f"bytes {size!r} is not a whole number", pos)
        if int(size) == 0:
            return None
    source_port, target_port = record.get("srcport", ""), record.get("dstport", "")
    if source_port.isdigit() and target_port.isdigit() and int(source_port) < int(target_port):
        source, target = target, source  # the reply: fold it into its connection
    first, last = _epoch(record.get("start")), _epoch(record.get("end"))
    return Observation(
        Endpoint(source),
        Endpoint(target),
        pos,
        connection=True,
        first_seen=first or last,
        last_seen=last or first,
    )


def _epoch(value: str | None) -> str:
    """A flow log's epoch seconds as ISO 8601 UTC ("" when absent)."""
    if not value or not value.isdigit():
        return ""
    try:
        moment = dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    return moment.isoformat().replace("+00:00", "Z")


def _present(value: str | None) -> str | None:
    return value if value and value != _NOTHING else None


# --- firewall CSV -------------------------------------------------------------------


def firewall_columns(header: list[str]) -> dict[str, int] | None:
    """Where each field of FIREWALL_COLUMNS is in ``header``; None unless it names a
    source and a destination (an address or a host)."""
    names = [cell.strip().lower() for cell in header]
    found: dict[str, int] = {}
    for field, aliases in FIREWALL_COLUMNS.items():
        for alias in aliases:  # in order: the first alias present wins
            if alias in names:
                found[field] = names.index(alias)
                break
    if "source" in found and ("destination" in found or "host" in found):
        return found
    return None


def read_firewall_csv(raw: IO[bytes], file: str, tally: Tally | None = None) -> Iterator[Evidence]:
    columns: dict[str, int] | None = None
    for item in csv_rows(raw, file):
        if isinstance(item, EvidenceProblem):
            yield item
            continue
        row, pos = item
        if columns is None:
            columns = firewall_columns(row)
            if columns is None:
                yield EvidenceProblem("no header naming a source and a destination", pos)
                return
            continue
        yield from _counted(_firewall_row(row, columns, pos), tally)


def _firewall_row(row: list[str], columns: dict[str, int], pos: Position) -> Evidence | None:
    def cell(field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    if cell("action").lower() in _DENIED:
        return None
    source = cell("source")
    target = cell("host") or cell("destination")
    if not source or not target:
        missing = "source" if not source else "destination"
        return EvidenceProblem(f"the {missing} column is missing or empty", pos)
    size = cell("bytes")
    if size:
        if not size.isdigit():
            return EvidenceProblem(f"bytes {size!r} is not a whole number", pos)
        if int(size) == 0:
            return None
    at = cell("time")
    return Observation(
        Endpoint(source), Endpoint(target), pos, connection=True, first_seen=at, last_seen=at
    )
