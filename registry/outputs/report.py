"""Findings → text, JSON, SARIF 2.1.0 and JUnit XML.

Every string that came from YAML (or a file name) is made safe for where it goes:
terminal output loses control characters, XML is escaped by ElementTree, JSON by
the json module.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from registry import __version__
from registry.core.findings import Finding, Severity
from registry.pipeline.check import CheckResult
from registry.rules import catalogue

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Replace control and bidi characters so no escape sequence reaches a terminal."""
    return _UNPRINTABLE.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


# Characters XML 1.0 cannot carry at all, even escaped (a file name may hold them).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Spell out characters XML 1.0 forbids, so the report stays well-formed."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def summary_counts(result: CheckResult) -> dict[str, int]:
    return {
        "error": result.count(Severity.error),
        "warning": result.count(Severity.warning),
        "waived": result.waived,
        "baselined": sum(1 for f in result.findings if f.baselined),
        "files": len(result.inventory.files),
        "entities": sum(1 for _ in result.inventory.entities()),
    }


def to_text(result: CheckResult) -> str:
    lines = []
    for finding in result.findings:
        status = finding.severity.value
        if finding.waived_by:
            status += f" (waived by {finding.waived_by})"
        elif finding.baselined:
            status += " (baseline)"
        lines.append(
            terminal_safe(
                f"{finding.pos}: {finding.rule} {status} {finding.message} [{finding.article}]"
            )
        )
    counts = summary_counts(result)
    lines.append(
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['waived']} waived, "
        f"{counts['baselined']} baselined in {counts['files']} file(s), "
        f"{counts['entities']} entities (as of {result.as_of})"
    )
    if result.coverage is not None:
        lines.append(str(result.coverage))
    if result.discovery is not None:
        lines.append(str(result.discovery))
    return "\n".join(lines) + "\n"


def finding_dict(finding: Finding) -> dict:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "article": finding.article,
        "message": finding.message,
        "entity": {"kind": finding.entity_kind, "id": finding.entity_id},
        "file": finding.pos.file,
        "line": finding.pos.line,
        "column": finding.pos.column,
        "waived": finding.waived_by is not None,
        "waiver": finding.waived_by,
        "waiver_reason": finding.waiver_reason,
        "baselined": finding.baselined,
        "fingerprint": finding.fingerprint,
    }


def to_json(result: CheckResult) -> str:
    document = {
        "tool": {"name": "ropa", "version": __version__},
        "as_of": result.as_of.isoformat(),
        "findings": [finding_dict(f) for f in result.findings],
        "summary": summary_counts(result),
    }
    if result.coverage is not None:
        document["coverage"] = result.coverage.as_dict()
    if result.discovery is not None:
        document["discovery"] = result.discovery.as_dict()
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


_SECURITY_SEVERITY = {Severity.error: "8.0", Severity.warning: "5.0"}
_SARIF_LEVEL = {Severity.error: "error", Severity.warning: "warning"}
_INFORMATION_URI = "https://gdpr-info.eu/"


def to_sarif(result: CheckResult) -> str:
    """SARIF 2.1.0 for GitHub code scanning; waived findings are left out (see NOTES)."""
    rules = catalogue()
    codes = sorted(rules)
    index = {code: i for i, code in enumerate(codes)}
    sarif_rules = [
        {
            "id": code,
            "name": rules[code].name,
            "shortDescription": {"text": rules[code].summary},
            "fullDescription": {"text": rules[code].summary},
            "help": {"text": rules[code].help, "markdown": rules[code].help},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rules[code].severity]},
            "properties": {
                "tags": ["security", "privacy", "gdpr"],
                "security-severity": _SECURITY_SEVERITY[rules[code].severity],
                "article": rules[code].article,
            },
        }
        for code in codes
    ]
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            # Baselined findings are known debt: visible, but not raised as new alerts.
            "level": "note" if f.baselined else _SARIF_LEVEL[f.severity],
            **({"baselineState": "unchanged"} if f.baselined else {}),
            "message": {"text": f"{f.message} [{f.article}]"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            # A URI reference: spaces, '#' and '%' in file names are encoded.
                            "uri": quote(f.pos.file, safe="/"),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": f.pos.line, "startColumn": f.pos.column},
                    },
                    "logicalLocations": [{"name": f.entity_id, "kind": f.entity_kind}],
                }
            ],
            "partialFingerprints": {"ropaFinding/v1": f.fingerprint},
        }
        for f in result.findings
        if not f.waived_by and f.rule in index
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ropa",
                        "version": __version__,
                        "informationUri": _INFORMATION_URI,
                        "rules": sarif_rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_junit(result: CheckResult) -> str:
    """One test case per rule and entity; waived ones as <skipped> with their reason."""
    from xml.etree import ElementTree as ET  # only this format needs it: not every check

    cases: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        cases.setdefault((finding.rule, finding.entity), []).append(finding)
    suite = ET.Element("testsuite", name="ropa check", tests=str(len(cases)))
    failures = skipped = 0
    for (rule, entity), findings in sorted(cases.items()):
        case = ET.SubElement(suite, "testcase", classname=rule, name=xml_safe(entity))
        first = findings[0]
        text = xml_safe("\n".join(f"{f.pos}: {f.message} [{f.article}]" for f in findings))
        if all(f.waived_by for f in findings):
            skipped += 1
            ET.SubElement(case, "skipped", message=xml_safe(f"waived: {first.waiver_reason}"))
        elif first.severity is Severity.error and not all(f.baselined for f in findings):
            failures += 1
            element = ET.SubElement(case, "failure", message=xml_safe(first.message), type=rule)
            element.text = text
        else:
            ET.SubElement(case, "system-out").text = text
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


FORMATS = {"text": to_text, "json": to_json, "sarif": to_sarif, "junit": to_junit}
