"""Precision and recall of discovery on real manifests and Terraform (tests/discover/corpus).

Labels (``labels.yaml``) say which services each project really uses at run time;
discovery's *used* services (runtime sightings) are compared with them, project by
project, and so are the data stores' countries and encryption for the Terraform ones.
The measure is printed (``pytest -s``) and reported in bench/RESULTS.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.core.loader import LoadResult, load_text
from registry.discover.catalogue import shipped_catalogue
from registry.discover.scan import ScanOptions, scan_repository

CORPUS = Path(__file__).resolve().parent / "corpus"
TARGET = 0.95


def labels() -> dict:
    result = LoadResult()
    load_text((CORPUS / "labels.yaml").read_text("utf-8"), "labels.yaml", result)
    assert not result.problems
    return result.documents[0].body["projects"]


def measured(projects: dict) -> dict:
    """The projects every figure counts: all but those labelled and not yet measured.

    A held-out round's labels are committed before discovery is first run on its
    projects, each marked ``pending: true``; until that one measure is made (and the
    mark removed), they stay out of every figure and assertion here.
    """
    return {name: label for name, label in projects.items() if not label.get("pending")}


def measure(projects: dict) -> dict[str, tuple[set[str], set[str]]]:
    """Project → (labelled services, services discovery says are used)."""
    found = {}
    for name, label in projects.items():
        scan = scan_repository(CORPUS / name, shipped_catalogue(), ScanOptions(), shown=name)
        assert not scan.problems, name
        used = {s.vendor for s in scan.sightings if s.used}
        found[name] = (set(label["services"]), used)
    return found


def scores(found: dict[str, tuple[set[str], set[str]]]) -> tuple[float, float, int, int, int]:
    tp = sum(len(truth & used) for truth, used in found.values())
    fp = sum(len(used - truth) for truth, used in found.values())
    fn = sum(len(truth - used) for truth, used in found.values())
    return tp / (tp + fp), tp / (tp + fn), tp, fp, fn


def test_every_vendored_project_has_its_source_and_licence_noted():
    sources = (CORPUS / "SOURCES.md").read_text("utf-8")
    for name in labels():
        assert f"`{name}/`" in sources, name
    vendored = {p.relative_to(CORPUS).parts[0] for p in CORPUS.rglob("*") if p.is_file()}
    assert vendored - {"SOURCES.md", "labels.yaml"} == set(labels())


def test_a_pending_project_is_left_out_of_every_figure():
    projects = {
        "umami": {"holdout": 1, "services": []},
        "next-round": {"holdout": 7, "pending": True, "services": ["stripe"]},
    }
    assert measured(projects) == {"umami": projects["umami"]}
    pending = {name for name, label in labels().items() if label.get("pending")}
    assert pending.isdisjoint(measured(labels()))


def test_precision_and_recall_of_discovered_services():
    every = labels()
    projects = measured(every)
    found = measure(projects)
    precision, recall, tp, fp, fn = scores(found)
    print(
        f"\ndiscovery on {len(found)} real projects: precision {precision:.1%}, recall "
        f"{recall:.1%} ({tp} found, {fp} wrong, {fn} missed); "
        f"{len(every) - len(projects)} labelled, pending their first measure, left out"
    )
    # each held-out round apart (their first, once-only measures are in bench/RESULTS.md)
    for round_ in sorted({p["holdout"] for p in projects.values() if "holdout" in p}):
        held = {n: v for n, v in found.items() if projects[n].get("holdout") == round_}
        h_precision, h_recall, h_tp, h_fp, h_fn = scores(held)
        print(
            f"  projects of held-out round {round_} ({len(held)}, tuned on since): "
            f"precision {h_precision:.1%}, "
            f"recall {h_recall:.1%} ({h_tp} found, {h_fp} wrong, {h_fn} missed)"
        )
    for name, (truth, used) in sorted(found.items()):
        if truth != used:
            print(f"  {name}: wrong {sorted(used - truth)}, missed {sorted(truth - used)}")
    assert precision >= TARGET and recall >= TARGET


@pytest.mark.parametrize("name", ["learn-terraform-rds", "checkov-plans"])
def test_terraform_stores_countries_and_encryption(name):
    expected = labels()[name]["stores"]
    scan = scan_repository(CORPUS / name, shipped_catalogue(), ScanOptions(), shown="")
    stores = {s.key.removeprefix(f"{name}:"): s for s in scan.stores}
    assert set(stores) == set(expected)
    for key, label in expected.items():
        assert list(stores[key].countries) == label["countries"], key
        if "encrypted" in label:
            assert stores[key].encrypted is label["encrypted"], key
