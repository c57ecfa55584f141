"""The lineage answers in words: ``ropa trace`` as terminal text, ``ropa impact`` as
Markdown for the incident ticket. :mod:`registry.lineage` computes them; this module
only writes them, escaped for where they go.
"""

from __future__ import annotations

import re
from typing import Any

from registry.outputs.report import terminal_safe


def _invalid(entry: dict[str, Any]) -> str:
    """What marks an entry with schema errors (shown with what validated)."""
    errors = entry.get("schema_errors")
    return f"INVALID ({'; '.join(errors)}: see ropa check)" if errors else ""


def _describe(step: dict[str, Any]) -> str:
    kind = {"DataSubject": "data subjects", "Organisation": "organisation", "System": "system"}
    what = kind[step["kind"]] + ("" if step["kind"] == "DataSubject" else f" {step['id']}")
    parts = [f"{step['name']} ({what})"]
    if step["country"]:
        parts.append(step["country"] + (" (outside the EEA)" if step["third_country"] else ""))
    if step["operator"] and step["kind"] == "System":
        parts.append(f"run by {step['operator']['name']}")
    if step["retention"] is not None:
        parts.append("retention " + ("; ".join(step["retention"]) or "not declared"))
    if step.get("schema_errors"):
        parts.append(_invalid(step))
    return " · ".join(parts)


def trace_text(result: dict[str, Any]) -> str:
    category = result["category"]
    lines = [f"{category['name']} ({category['id']})"]
    if category["special"]:
        lines[0] += f": special category {category['special']} ({category['article']})"
    if category.get("schema_errors"):
        lines[0] += " · " + _invalid(category)
    if result["sub_categories"]:
        lines.append("with its sub-categories: " + ", ".join(result["sub_categories"]))
    if result["parents"]:
        lines.append("and flows declaring its parents: " + ", ".join(result["parents"]))
    routes = result["routes"]
    if not routes:
        lines.append("No declared flow carries it.")
    else:
        count = f"{len(routes)} route{'s' if len(routes) != 1 else ''}"
        if result["truncated"]:
            count = f"the first {count} (more exist; draw --format svg to see them all)"
        lines.append(f"{count} from where it is collected to its last recipient:")
    for number, route in enumerate(routes, 1):
        names = " → ".join(step["id"] for step in route["steps"])
        lines.append("")
        lines.append(f"{number}. {names}")
        for step in route["steps"]:
            for hop in step.get("via", ()):
                details = [f"activity {hop['activity']}", ", ".join(hop["categories"])]
                if hop["contract"]:
                    details.append(f"contract {hop['contract']}")
                if hop["transfer"]:
                    details.append(f"transfer mechanism {hop['transfer']}")
                elif step["third_country"]:
                    details.append("no transfer mechanism")
                if hop.get("schema_errors"):
                    details.append(_invalid(hop))
                lines.append(f"     ↓ flow {hop['flow']} ({'; '.join(details)})")
            lines.append(f"   {_describe(step)}")
    if result["stored_without_flows"]:
        lines.append("")
        lines.append(
            "Stored where no declared flow brings or takes it: "
            + ", ".join(result["stored_without_flows"])
        )
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def md(text: object) -> str:
    """Text from the YAML made inert in Markdown (and the HTML it becomes)."""
    flat = " ".join(str(text).split())
    escaped = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def _who(entry: dict[str, Any]) -> str:
    dpo = entry["dpo"]
    if dpo and (dpo.get("email") or dpo.get("name")):
        parts = [p for p in (dpo.get("name"), dpo.get("email"), dpo.get("phone")) if p]
        return "DPO: " + ", ".join(md(p) for p in parts)
    contact = entry["contact"]
    if contact and (contact.get("email") or contact.get("phone")):
        parts = [p for p in (contact.get("name"), contact.get("email"), contact.get("phone")) if p]
        return "no DPO recorded; contact: " + ", ".join(md(p) for p in parts)
    if entry["address"]:
        return "no DPO or contact recorded; address: " + md(entry["address"])
    return "**no DPO or contact recorded**"


def _flag(entry: dict[str, Any] | None) -> str:
    """`` (**invalid**: SCH-009 at file:line …)`` after an entry with schema errors."""
    if not entry or not entry.get("schema_errors"):
        return ""
    return f" (**invalid**: {md('; '.join(entry['schema_errors']))}, see `ropa check`)"


def impact_markdown(result: dict[str, Any]) -> str:
    system = result["system"]
    out = [f"# Breach impact: {md(system['name'])} (`{system['id']}`)", ""]
    if system.get("schema_errors"):
        refs = md("; ".join(system["schema_errors"]))
        out += [
            f"**The system's entry is invalid** ({refs}, see `ropa check`): what follows "
            "is what validated.",
            "",
        ]
    facts = []
    operator = system["operator"]
    if operator:
        role = "processor" if system["operator_is_processor"] else "controller"
        facts.append(f"run by {md(operator['name'])}{_flag(operator)} ({role})")
    if system["country"]:
        facts.append(f"hosted in {system['country']}")
    if system["internet_exposed"]:
        facts.append("reachable from the internet")
    if system["temporary"]:
        facts.append(
            f"temporary store, to be deleted by {system['delete_by']}"
            if system["delete_by"]
            else "temporary store with no deletion date"
        )
    out.append("System " + ", ".join(facts) + f". Assessed as of {result['as_of']}.")
    if system["deletion_overdue"]:
        out.append("")
        out.append(
            f"**The data should have been deleted by {system['delete_by']}**: everything it "
            "still held is part of the breach (Art. 5(1)(e))."
        )
    encrypted = {True: "yes", False: "**no**", None: "**not recorded**"}[
        system["encrypted_at_rest"]
    ]
    out += ["", f"Encrypted at rest: {encrypted}.", ""]

    special = [c for c in result["categories"] if c["special"]]
    other = [c for c in result["categories"] if not c["special"]]
    out += ["## Categories of personal data held", ""]
    if not result["categories"]:
        out.append("None declared, and no flow brings any.")
    else:
        out += [
            "| category | special category | how it is here | retention here |",
            "|---|---|---|---|",
        ]
        for category in special + other:
            mark = (
                f"**{category['special']['kind'].replace('_', ' ')}** "
                f"({category['special']['article']})"
                if category["special"]
                else ""
            )
            how = ["declared in stores"] if category["declared_in_stores"] else []
            flows = category["arrives_by"]
            if len(flows) > 3:  # the JSON output lists them all
                how.append(f"{len(flows)} flows (`{flows[0]}`, `{flows[1]}`, …)")
            elif flows:
                how.append("flows " + ", ".join(f"`{f}`" for f in flows))
            out.append(
                f"| {md(category['name'])} (`{category['id']}`){_flag(category)} | {mark} | "
                f"{'; '.join(how)} | "
                f"{md(category['retention']) if category['retention'] else 'not declared'} |"
            )
    out.append("")

    out += ["## Data subjects", ""]
    if result["data_subjects"]:
        out.append(
            ", ".join(
                md(s["name"]) + (" (vulnerable)" if s["vulnerable"] else "") + _flag(s)
                for s in result["data_subjects"]
            )
            + "."
        )
    else:
        out.append("None recorded.")
    estimate = result["estimated_subjects"]
    out.append("")
    if estimate["by_activity"]:
        out += ["| activity | estimated data subjects |", "|---|---:|"]
        for entry in estimate["by_activity"]:
            number = entry["estimated_subjects"]
            out.append(
                f"| {md(entry['name'])} (`{entry['activity']}`){_flag(entry)} | "
                f"{f'{number:,}' if number is not None else 'not estimated'} |"
            )
        out.append("")
    if estimate["total_at_most"] is not None:
        out.append(
            f"Estimated number of people affected: **up to {estimate['total_at_most']:,}** "
            "(the sum of the activities' estimates; one person may be counted in several)."
        )
    if estimate["activities_without_estimate"]:
        out.append(
            "No estimate for: "
            + ", ".join(f"`{a}`" for a in estimate["activities_without_estimate"])
            + "."
        )
    out.append("")

    controllers = result["controllers_to_notify"]
    out += [
        "## Controllers to notify",
        "",
        "Each controller notifies its supervisory authority within 72 hours of becoming aware "
        "of the breach (Art. 33(1)).",
    ]
    if system["operator_is_processor"] and operator:
        out.append(
            f"{md(operator['name'])} runs the system as processor: it must tell each controller "
            "without undue delay (Art. 33(2))."
        )
    out.append("")
    if controllers:
        out += [
            "| controller | country | whom to reach | activities | contract with operator |",
            "|---|---|---|---|---|",
        ]
        for entry in controllers:
            if entry["role"] == "joint controller":
                contract = "joint controller"
            elif "contract_with_operator" not in entry:
                contract = "runs it itself"
            elif entry["contract_with_operator"]:
                contract = ", ".join(f"`{c}`" for c in entry["contract_with_operator"])
            else:
                contract = "**none in force**"
            out.append(
                f"| {md(entry['name'])} (`{entry['id']}`){_flag(entry)} | "
                f"{entry['country'] or ''} | "
                f"{_who(entry)} | {', '.join(f'`{a}`' for a in entry['activities'])} | "
                f"{contract} |"
            )
        out.append("")
        out.append(f"{len(controllers)} controller(s) to notify.")
    else:
        out.append("No activity using this system names a controller.")
    out.append("")

    out += ["## Copies downstream", ""]
    if result["downstream"]:
        out += [
            "| recipient | country | categories received | route | encrypted at rest |",
            "|---|---|---|---|---|",
        ]
        for copy in result["downstream"]:
            where = (copy["country"] or "") + (
                " (outside the EEA)" if copy["third_country"] else ""
            )
            encrypted_copy = {True: "yes", False: "**no**", None: "not recorded"}[
                copy["encrypted_at_rest"]
            ]
            if copy["kind"] != "System":
                encrypted_copy = "held by the recipient"
            out.append(
                f"| {md(copy['name'])} (`{copy['id']}`){_flag(copy)} | {where} | "
                f"{', '.join(copy['categories'])} | {' → '.join(copy['route'])} | "
                f"{encrypted_copy} |"
            )
    else:
        out.append("No declared flow takes its data further.")
    out += ["", "## Telling the data subjects", "", result["notify_subjects"], ""]
    return "\n".join(out)
