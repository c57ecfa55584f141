"""The entry pages' template rendered once and filled in: the same bytes as Jinja's.

Every entry page of the example and of the hostile inventory is built through the
plugin's filled template, and each filled page is rendered by Jinja too: they must be
byte for byte the same, and the fill must have made nearly every entry page (not fallen
back to Jinja for all of them). Also with `site_url` set (each page's canonical URL)
and without directory URLs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import registry.outputs.site.plugin as plugin
from registry.outputs.site.fill import FilledTemplate
from tests.hostile import hostile_inventory
from tests.site_support import site_config

EXAMPLE = Path(__file__).resolve().parents[1] / "inventory"


class _Compared(FilledTemplate):
    """Renders each page both ways and keeps the pages that differ."""

    def __init__(self, template: Any) -> None:
        super().__init__(template)
        self.differ: list[str] = []
        self.compared = 0

    def render(self, context: Any) -> str:
        filled_before = self.filled
        output = super().render(context)
        if self.filled > filled_before:
            self.compared += 1
            if output != self.template.render(context):
                self.differ.append(context["page"].file.src_uri)
        return output


def _build(
    workdir: Path, inventory: Path, site_url: str = "", directory_urls: bool = True
) -> _Compared:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file = site_config(workdir, inventory)
    text = config_file.read_text("utf-8")
    if not directory_urls:
        text = text.replace("use_directory_urls: true", "use_directory_urls: false")
    if site_url:
        text += f"\nsite_url: {site_url}\n"
    config_file.write_text(text, "utf-8")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(config_file), site_dir=str(workdir / "site"), strict=True)
    build(config)
    filled = config.plugins["ropa"].filled_template
    assert isinstance(filled, _Compared)
    return filled


@pytest.fixture(autouse=True)
def _compare_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugin, "FilledTemplate", _Compared)


@pytest.mark.parametrize("which", ["example", "hostile"])
def test_every_filled_entry_page_is_jinja_s_page_byte_for_byte(tmp_path: Path, which: str) -> None:
    inventory = EXAMPLE if which == "example" else hostile_inventory(tmp_path / "inventory")
    filled = _build(tmp_path, inventory)
    assert not filled.differ, filled.differ[:5]
    # one page per kind of page is Jinja's (the check of the pieces), the rest filled
    assert filled.compared > 0
    assert filled.filled == filled.compared
    assert filled.rendered <= len(filled.shapes) + 2, (filled.rendered, len(filled.shapes))
    assert all(pieces is not None for pieces in filled.shapes.values())


@pytest.mark.parametrize("directory_urls", [True, False])
def test_canonical_urls_and_file_urls_are_filled_too(tmp_path: Path, directory_urls: bool) -> None:
    filled = _build(tmp_path, EXAMPLE, "https://dpo.example.org/ropa/", directory_urls)
    assert not filled.differ, filled.differ[:5]
    assert filled.filled > 50
    systems = tmp_path / "site" / "systems"
    pattern = "*/index.html" if directory_urls else "*.html"
    entry = next(
        p for p in systems.glob(pattern) if p.parent.name != "systems" or p.stem != "index"
    )
    page = entry.read_text("utf-8")
    assert '<link rel="canonical" href="https://dpo.example.org/ropa/systems/' in page
