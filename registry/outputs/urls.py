"""Where each entity's page lives on the site, relative to the site root.

Built from kinds and ids only (ids are kebab-case, so URL-safe): never from YAML
text, so no `javascript:` link can reach a diagram or a page.
"""

from __future__ import annotations

SECTIONS = {
    "Organisation": "organisations",
    "DataCategory": "categories",
    "DataSubject": "subjects",
    "System": "systems",
    "Activity": "activities",
    "Flow": "flows",
    "Contract": "contracts",
    "Waiver": "waivers",
}


def entity_path(kind: str, ident: str) -> str:
    """Site-relative directory URL of an entity page, e.g. ``systems/lis-prod/``."""
    return f"{SECTIONS[kind]}/{ident}/"
