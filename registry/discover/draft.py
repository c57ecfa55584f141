"""`ropa discover --draft DIR`: the missing organisations, systems and flows, as YAML.

One file per entity in the inventory's layout (``organisations/``, ``systems/``,
``flows/``), each headed by where it was discovered and what is left to complete.
What discovery cannot know stays a visible placeholder (a flow's sending system and
activity are ``todo-system`` and ``todo-activity``): the draft does not pass
``ropa check`` until a person has filled it in, which is the point.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from registry.core.errors import CannotRun
from registry.core.loader import resolve_plain
from registry.discover.catalogue import Catalogue
from registry.discover.found import Store
from registry.discover.reconcile import (
    NO_FLOW,
    UNDOCUMENTED,
    Discovery,
    Profile,
    RegisterIndex,
    ServiceCoverage,
)

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]*")


def _scalar(value: object) -> str:
    """A YAML scalar that reads back as ``value`` (JSON is YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if _PLAIN.fullmatch(text) and resolve_plain(text) == text and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _wrap(text: str, width: int = 84) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60].strip("-") or "store"


def _organisation(profile: Profile, service: ServiceCoverage, catalogue: Catalogue) -> str:
    vendor = catalogue.vendors.get(profile.id)
    lines = [
        f"# Drafted by `ropa discover` from {service.first} ({', '.join(service.hows)}).",
        "# Check the facts, then add its DPA as a Contract if it processes data for you.",
    ]
    if profile.dpa:
        lines.append(f"# DPA: {profile.dpa}")
    if profile.subprocessors:
        lines.append(f"# Sub-processors: {profile.subprocessors}")
    if vendor is not None and vendor.dpf == "unknown":
        lines.append(
            "# EU-US Data Privacy Framework: not checked. Look it up on https://"
            "www.dataprivacyframework.gov/list and write `dpf: {since, verified, reference}`."
        )
    elif profile.dpf is not None:
        # the catalogue's fact goes in as a comment, never as `dpf:`: only the DPO's own
        # look at the DPF List may go into the register, which the transfer rules judge
        lines += [
            f"# EU-US Data Privacy Framework: {line}" for line in _wrap(profile.dpf.describe())
        ]
        lines.append("# Once confirmed there, write `dpf: {since, verified, reference}`.")
    lines += ["kind: Organisation", f"id: {profile.id}", f"name: {_scalar(profile.name)}"]
    if profile.country:
        lines.append(f"country: {profile.country}")
    if profile.legal_entity and profile.legal_entity != profile.name:
        lines.append(f"aliases: {_list([profile.legal_entity])}")
    hosts = sorted(set(service.hosts) | {h for h in profile.hosts if "*" not in h})
    if hosts:
        lines.append(f"identifiers: {_list(hosts)}")
    return "\n".join(lines) + "\n"


def _flow(profile: Profile, service: ServiceCoverage, target: str) -> str:
    lines = [
        f"# Drafted by `ropa discover` from {service.first}: name the system that sends the",
        "# data (`from`) and the activity it serves, and check the categories.",
        "kind: Flow",
        f"id: to-{profile.id}",
        "activity: todo-activity",
        "from: todo-system",
        f"to: {target}",
    ]
    if profile.data_categories:
        lines.append(f"data_categories: {_list(list(profile.data_categories))}")
    return "\n".join(lines) + "\n"


def _system(store: Store, operator: str | None) -> str:
    lines = [
        f"# Drafted by `ropa discover` from {store.pos} ({store.resource}).",
        "# Say what it stores (`stores:` with each category's retention) and who owns it.",
        "kind: System",
        f"id: {_slug(store.name or store.address)}",
        f"name: {_scalar(store.name or store.address)}",
    ]
    if operator:
        lines.append(f"operator: {operator}")
    located = [c for c in store.countries if c != "EEA"]
    if located:
        lines.append(f"country: {located[0] if len(located) == 1 else _list(located)}")
    if store.region:
        lines.append(f"regions: {_list([store.region])}")
    identifiers = [store.address]
    if store.name:
        identifiers.insert(0, store.name)
    lines.append(f"identifiers: {_list(identifiers)}")
    if store.encrypted is not None:
        lines.append(f"security: {{encryption_at_rest: {_scalar(store.encrypted)}}}")
    return "\n".join(lines) + "\n"


_PROVIDER_VENDOR = {
    "aws": "aws",
    "google": "google-cloud",
    "google-beta": "google-cloud",
    "azurerm": "microsoft-azure",
    "ovh": "ovhcloud",
    "openstack": "ovhcloud",
    "scaleway": "scaleway",
    "hcloud": "hetzner",
}


def drafts(discovery: Discovery, index: RegisterIndex, catalogue: Catalogue) -> dict[str, str]:
    """File name (relative to the draft folder) → YAML text."""
    files: dict[str, str] = {}
    for service in discovery.services:
        profile = service.profile
        if service.status == UNDOCUMENTED:
            files.setdefault(
                f"organisations/{profile.id}.yaml", _organisation(profile, service, catalogue)
            )
            files.setdefault(f"flows/to-{profile.id}.yaml", _flow(profile, service, profile.id))
        elif service.status == NO_FLOW:
            target = service.documented_by[0][1]
            files.setdefault(f"flows/to-{profile.id}.yaml", _flow(profile, service, target))
    for covered in discovery.stores:
        if covered.system is not None:
            continue
        store = covered.store
        vendor = _PROVIDER_VENDOR.get(store.provider)
        operator = None
        if vendor is not None and vendor in catalogue.vendors:
            documenting = index.documenting(Profile.of(catalogue.vendors[vendor]), ())
            operator = next((i for k, i in documenting if k == "Organisation"), vendor)
        files.setdefault(
            f"systems/{_slug(store.name or store.address)}.yaml", _system(store, operator)
        )
    return files


def write_drafts(directory: Path, files: dict[str, str]) -> int:
    """Write the drafts into ``directory``, which must not hold anything yet."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise CannotRun(f"draft folder {str(directory)!r} already exists and is not empty")
    try:
        for name, text in sorted(files.items()):
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
    except OSError as error:
        raise CannotRun(f"cannot write drafts into {str(directory)!r}: {error.strerror}") from None
    return len(files)
