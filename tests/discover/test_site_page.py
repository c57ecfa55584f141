"""The site's "discovered" page: what repositories show, and whether the register has it."""

from __future__ import annotations

import datetime as dt
import shutil

from registry.outputs.site.pages import build_site
from registry.pipeline import Request, run
from tests.builder import BASELINE_DIR
from tests.discover.test_command import SHOP, STRIPE, write


def site_of(tmp_path, monkeypatch, ropa_yaml: str):
    shutil.copytree(BASELINE_DIR, tmp_path / "inventory")
    write(tmp_path / "inventory", {"organisations/stripe.yaml": STRIPE})
    write(tmp_path / "shop", SHOP)
    (tmp_path / "ropa.yaml").write_text(ropa_yaml)
    monkeypatch.chdir(tmp_path)
    result = run(Request(as_of=dt.date(2026, 11, 29))).result
    return build_site(result, draw=lambda inventory, view, page: "")


def test_the_page_lists_services_and_stores_with_their_status(tmp_path, monkeypatch):
    site = site_of(tmp_path, monkeypatch, "inventory: inventory\ndiscover: [shop]\n")
    page = site.pages["discovered.md"].body
    assert ("Discovered in code", "discovered.md") in site.nav
    # cells are escaped as inventory text is (`:` and parentheses as entities)
    # the catalogue's DPF fact says where it comes from, and that the List decides
    assert (
        "| Stripe | Stripe, Inc. | US | self-certified per the vendor's own statement "
        "([https&#58;/<wbr>/<wbr>stripe.com/<wbr>legal/<wbr>dta](https://stripe.com/legal/dta), "
        "read 2026-12-03); **not checked on the DPF List** | "
        "shop/package.json&#58;3&#58;6 &#40;dependency&#41; |" in page
    )
    assert "| Sentry | Functional Software, Inc. | US | not checked |" in page
    assert "the DPF List (https://www.dataprivacyframework.gov/list) is the authority" in page
    assert "**in the register, but no flow goes to it** (DSC-002)" in page
    assert "[Stripe](organisations/stripe.md)" in page
    assert "**not in the register** (DSC-001)" in page  # OpenAI, Sentry, AWS
    assert "| aws&#95;s3&#95;bucket lab-portal-archive | us-east-1 | US | yes (" in page
    assert "**none** (DSC-005)" in page


def test_no_page_without_a_discovery(tmp_path, monkeypatch):
    site = site_of(tmp_path, monkeypatch, "inventory: inventory\n")
    assert "discovered.md" not in site.pages
    assert all(item != ("Discovered in code", "discovered.md") for item in site.nav)
