"""Network logs as evidence: identifiers that are CIDR blocks, addresses and hostnames;
AWS VPC flow logs and firewall exports read into connections, which a declared flow
either way between the two ends explains."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from registry.core.inventory import load_inventory
from registry.evidence.files import evidence_format, read_evidence
from registry.evidence.observed import Endpoint, EvidenceProblem, Observation
from registry.evidence.reconcile import Matcher, Reconciliation, Ref, reconcile

LAB = Path(__file__).parent / "fixtures" / "lab"
HEADER = (
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status"
)


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """The lab fixture with its systems' subnets: the LIS in 10.20.1.0/24, billing at one
    address, the whole site 10.20.0.0/16 the lab's own organisation."""
    shutil.copytree(LAB / "inventory", tmp_path / "inventory")
    systems = tmp_path / "inventory" / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    text = text.replace(
        "  - lis-db.biolab.internal\n", '  - lis-db.biolab.internal\n  - "10.20.1.0/24"\n'
    ).replace(
        'identifiers: [billing.biolab.internal, "mysql://billing.biolab.internal:3306"]',
        'identifiers: [billing.biolab.internal, "10.20.2.15", "2001:db8:20::/48"]',
    )
    systems.write_text(text, encoding="utf-8")
    return tmp_path


def vpc_record(src: str, dst: str, sport: int, dport: int, nbytes: int = 4000, **kw) -> str:
    action, status = kw.get("action", "ACCEPT"), kw.get("status", "OK")
    return (
        f"2 123456789012 eni-0a1b2c3d {src} {dst} {sport} {dport} 6 12 {nbytes} "
        f"1732068000 1732068060 {action} {status}"
    )


def reconcile_file(directory: Path, name: str, text: str) -> Reconciliation:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return reconcile(load_inventory(directory / "inventory"), [(path, name)])


def rules(result: Reconciliation) -> list[str]:
    return sorted(f.rule for f in result.findings)


# --- identifiers: CIDR blocks, addresses, hostnames ----------------------------------


def test_an_address_matches_the_narrowest_block_and_an_exact_address_wins(lab):
    matcher = Matcher(load_inventory(lab / "inventory"))
    assert matcher.match(Endpoint("10.20.1.7")) == Ref("System", "lis")
    assert matcher.match(Endpoint("10.20.1.7:5432")) == Ref("System", "lis")
    assert matcher.match(Endpoint("10.20.2.15")) == Ref("System", "billing")
    assert matcher.match(Endpoint("10.20.2.16")) is None
    assert matcher.match(Endpoint("2001:DB8:20:0::9")) == Ref("System", "billing")  # any spelling
    assert matcher.match(Endpoint("[2001:db8:20::9]:443")) == Ref("System", "billing")
    assert matcher.match(Endpoint("lis-db.biolab.internal")) == Ref("System", "lis")


def test_a_narrower_block_wins_whatever_the_order(lab):
    organisations = lab / "inventory" / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8").replace(
        "id: biolab\n", 'id: biolab\nidentifiers: ["10.20.0.0/16", "10.20.1.7/8"]\n', 1
    )
    organisations.write_text(text, encoding="utf-8")
    matcher = Matcher(load_inventory(lab / "inventory"))
    assert matcher.match(Endpoint("10.20.1.7")) == Ref("System", "lis")  # /24 beats /16
    assert matcher.match(Endpoint("10.20.9.9")) == Ref("Organisation", "biolab")
    assert matcher.match(Endpoint("10.99.0.1")) == Ref("Organisation", "biolab")  # the /8


def test_the_same_block_on_two_systems_is_ambiguous(lab):
    systems = lab / "inventory" / "systems.yaml"
    text = systems.read_text(encoding="utf-8").replace(
        'identifiers: ["s3://biolab-backup/*"]',
        'identifiers: ["s3://biolab-backup/*", "10.20.1.0/24"]',
    )
    systems.write_text(text, encoding="utf-8")
    matcher = Matcher(load_inventory(lab / "inventory"))
    (ambiguous,) = matcher.findings
    assert ambiguous.rule == "LIN-005" and "'10.20.1.0/24' of System lis" in ambiguous.message
    assert matcher.match(Endpoint("10.20.1.9")) == Ref("System", "backup")  # first by id


# --- VPC flow logs ----------------------------------------------------------------------


def test_a_flow_log_reconciles_connections_with_the_declared_flows(lab):
    text = "\n".join(
        [
            HEADER,
            vpc_record("10.20.2.15", "10.20.1.7", 41822, 5432),  # billing opens to the LIS
            vpc_record("10.20.1.7", "10.20.2.15", 5432, 41822),  # the LIS replies
        ]
    )
    result = reconcile_file(lab, "vpc.log", text + "\n")
    # billing → lis: flow lis-to-billing (the other way) explains the connection.
    assert rules(result) == []
    assert (result.coverage.movements, result.coverage.documented) == (1, 1)
    assert result.coverage.observations == 2  # both records, folded into one connection
    assert result.coverage.records == 2


def test_an_undocumented_connection_is_lin_001_once_not_once_per_direction(lab):
    text = "\n".join(
        [
            HEADER,
            vpc_record("10.20.1.7", "203.0.113.50", 50211, 443),
            vpc_record("203.0.113.50", "10.20.1.7", 443, 50211),
        ]
    )
    result = reconcile_file(lab, "vpc.log", text + "\n")
    assert rules(result) == ["LIN-001", "LIN-002"]
    (flow,) = [f for f in result.findings if f.rule == "LIN-001"]
    assert flow.message.startswith(
        "undocumented flow: lis connects to unknown endpoint 203.0.113.50 (seen 2 time(s)) "
        "and no declared flow between them, either way, explains it; "
        "first seen 2024-11-20T02:00:00Z, last seen 2024-11-20T02:01:00Z; add {kind: Flow"
    )
    assert (flow.pos.file, flow.pos.line) == ("vpc.log", 2)


def test_clients_of_a_public_service_are_inbound_not_flows(lab):
    # The LIS answering an outside client is the reply of the client's connection.
    text = HEADER + "\n" + vpc_record("10.20.1.7", "198.51.100.4", 443, 61000) + "\n"
    result = reconcile_file(lab, "vpc.log", text)
    assert "LIN-001" not in rules(result)
    assert result.coverage.inbound == 1


def test_rejected_and_empty_records_moved_nothing(lab):
    text = "\n".join(
        [
            HEADER,
            vpc_record("10.20.1.7", "203.0.113.50", 50211, 443, action="REJECT"),
            vpc_record("10.20.1.7", "203.0.113.50", 50211, 443, nbytes=0),
            "2 123456789012 eni-0a1b2c3d - - - - - - - 1732068000 1732068060 - NODATA",
            vpc_record("10.20.2.15", "10.20.1.7", 41822, 5432),
        ]
    )
    result = reconcile_file(lab, "vpc.log", text + "\n")
    assert rules(result) == []
    assert result.coverage.records == 4 and result.coverage.total_observations == 1


def test_a_flow_log_without_a_header_is_read_in_the_default_layout(lab):
    text = vpc_record("10.20.2.15", "10.20.1.7", 41822, 5432) + "\n"
    path = lab / "eni.log.gz"
    path.write_bytes(gzip.compress(text.encode()))
    assert evidence_format(path) == "vpc"
    result = reconcile(load_inventory(lab / "inventory"), [(path, "eni.log.gz")])
    assert result.coverage.documented == 1


def test_a_custom_layout_is_read_by_its_header_and_nat_addresses_win(lab):
    text = (
        "srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport dstport bytes action\n"
        "10.20.1.99 10.20.9.1 10.20.1.7 203.0.113.50 50211 443 900 ACCEPT\n"
    )
    result = reconcile_file(lab, "nat.log", text)
    (flow,) = [f for f in result.findings if f.rule == "LIN-001"]
    assert "lis connects to unknown endpoint 203.0.113.50" in flow.message


def test_bad_flow_log_records_are_reported_and_the_rest_read(lab, tmp_path):
    text = "\n".join(
        [
            HEADER,
            "2 123456789012 eni-0a1b2c3d 10.20.1.7",
            vpc_record("10.20.2.15", "10.20.1.7", 41822, 5432, nbytes=-1).replace("-1", "lots"),
            vpc_record("10.20.2.15", "10.20.1.7", 41822, 5432),
        ]
    )
    path = tmp_path / "bad.log"
    path.write_text(text + "\n", encoding="utf-8")
    items = list(read_evidence(path, "bad.log"))
    assert [(i.pos.line, i.message) for i in items if isinstance(i, EvidenceProblem)] == [
        (2, "4 fields where the flow log's layout has 14"),
        (3, "bytes 'lots' is not a whole number"),
    ]
    assert sum(isinstance(i, Observation) for i in items) == 1


# --- firewall exports ------------------------------------------------------------------


def test_a_firewall_export_reads_sources_and_destination_hosts(lab):
    text = (
        "time,source,destination,destination_host,bytes,action,rule\n"
        "2026-11-20T02:00:00Z,10.20.1.7,10.20.2.15,,5120,allow,internal\n"
        "2026-11-20T02:05:00Z,10.20.1.7,203.0.113.50,upload.analytics.example,9000,allow,web\n"
        "2026-11-20T02:06:00Z,10.20.1.7,198.51.100.9,,9000,deny,web\n"
        "2026-11-20T02:07:00Z,10.20.1.7,198.51.100.10,,0,allow,web\n"
    )
    result = reconcile_file(lab, "firewall.csv", text)
    assert rules(result) == ["LIN-001", "LIN-002"]
    (unknown,) = [f for f in result.findings if f.rule == "LIN-002"]
    assert unknown.entity == "Observed:upload.analytics.example"  # the host, not its address
    assert result.coverage.records == 4 and result.coverage.total_observations == 2


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("src_ip,dst_ip,bytes", "firewall"),
        ("source,dst_host", "firewall"),
        ("source,target,count", "csv"),
        ("lis,billing", "csv"),
    ],
)
def test_the_csv_layout_is_told_by_its_header(tmp_path, header, kind):
    path = tmp_path / "log.csv"
    path.write_text(header + "\n", encoding="utf-8")
    assert evidence_format(path) == kind


def test_a_firewall_row_without_a_source_is_reported(lab, tmp_path):
    path = tmp_path / "fw.csv"
    path.write_text("src,dst\n,10.20.1.7\n10.20.2.15,10.20.1.7\n", encoding="utf-8")
    items = list(read_evidence(path, "fw.csv"))
    assert [(i.pos.line, i.message) for i in items if isinstance(i, EvidenceProblem)] == [
        (2, "the source column is missing or empty")
    ]


def test_a_directed_observation_keeps_the_movement_directed(lab):
    # A connection log says data went billing → lis; a flow log alone would be explained
    # by lis-to-billing, but the directed row is not.
    log = lab / "mixed.csv"
    log.write_text("source,target\nbilling.biolab.internal,10.20.1.7\n", encoding="utf-8")
    result = reconcile(load_inventory(lab / "inventory"), [(log, "mixed.csv")])
    assert rules(result) == ["LIN-001"]
