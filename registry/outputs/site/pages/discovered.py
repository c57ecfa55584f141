"""The "discovered" page (discovered.md): services and data stores seen in code and
infrastructure by `ropa discover` (``discover:`` in ``ropa.yaml``), and whether the
register documents them.

Only built when the check ran a discovery; every cell comes from the repositories or
the vendor catalogue and is escaped like inventory text.
"""

from __future__ import annotations

from registry.discover.catalogue import DPF_LIST, DpfStatus
from registry.outputs.site.markup import external, link, source_of, table, text
from registry.outputs.site.pages.context import Context

PAGE = "discovered.md"
TITLE = "Discovered in code"
STATUS = {
    "documented": "documented",
    "no-flow": "**in the register, but no flow goes to it** (DSC-002)",
    "undocumented": "**not in the register** (DSC-001)",
    "not-used": "not used at run time (development, test or indirect)",
}


def _entity(ctx: Context, kind: str, ident: str) -> str:
    entities = ctx.inv.by_kind.get(kind, {})
    if ident not in entities:
        return text(f"{kind} {ident}")
    return link(text(entities[ident].name), PAGE, source_of(kind, ident))


def _dpf(dpf: DpfStatus | None) -> str:
    """The catalogue's DPF fact with its source; the register's own `dpf` (checked on
    the DPF List) is what the transfer rules and the register pages use."""
    if dpf is None:
        return "not checked"
    state = "self-certified" if dpf.certified else "not certified"
    if dpf.source == "vendor-statement":
        return (
            f"{state} per the vendor's own statement ({external(dpf.reference)}, read "
            f"{dpf.checked}); **not checked on the DPF List**"
        )
    where = "on" if dpf.certified else "not on"
    return f"{where} the DPF List on {dpf.checked} ({external(dpf.reference)})"


def add_discovered(ctx: Context) -> bool:
    """Add the page when there is a discovery; whether it was added."""
    discovery = ctx.result.discovery
    if discovery is None:
        return False
    out = [f"# {TITLE}\n"]
    out.append(
        text(str(discovery).removeprefix("discovery: ").capitalize())
        + ". A service counts as used through a runtime dependency, an API host in code "
        "or configuration, a Terraform provider or another scanner's report. The DPF "
        "column is what ropa's vendor catalogue found and where (often the vendor's own "
        f"statement): the DPF List ({DPF_LIST}) is the authority, check it there before "
        "recording `dpf` on the Organisation.\n"
    )
    out.append("## Services\n")
    rows = []
    for service in sorted(
        discovery.services, key=lambda s: (s.status == "not-used", s.profile.name, s.repository)
    ):
        profile = service.profile
        documented = ", ".join(_entity(ctx, k, i) for k, i in service.documented_by)
        rows.append(
            [
                text(profile.name),
                text(profile.legal_entity or "unknown"),
                text(profile.country or "unknown"),
                _dpf(profile.dpf),
                text(f"{service.first} ({', '.join(service.hows)})"),
                STATUS.get(service.status, text(service.status)),
                documented,
            ]
        )
    headers = [
        "Service", "Legal entity", "Country", "DPF (catalogue)", "Seen at", "In the register",
        "Documented by",
    ]  # fmt: skip
    out.append(table(headers, rows, "No service seen."))
    out.append("## Data stores\n")
    rows = []
    for covered in discovery.stores:
        store = covered.store
        encrypted = {True: "yes", False: "**no**", None: "not known"}[store.encrypted]
        rows.append(
            [
                text(f"{store.resource} {store.name or store.address}"),
                text(store.region or "not known"),
                text(", ".join(store.countries) or "not known"),
                f"{encrypted} ({text(store.encryption)})",
                text(str(store.pos)),
                _entity(ctx, "System", covered.system) if covered.system else "**none** (DSC-005)",
            ]
        )
    headers = ["Store", "Region", "Countries", "Encrypted at rest", "Declared at", "System"]
    out.append(table(headers, rows, "No data store seen."))
    ctx.site.add(PAGE, TITLE, "\n".join(out), wide=True)
    return True
