"""The downloads page (downloads.md) and the files it offers.

The register in the supervisory authorities' layouts, as made by
:mod:`registry.outputs.export`: the controller record (ICO template and CNIL registre,
as spreadsheets), the processor record (ICO template), each controller's record as CSV,
and the whole register as JSON; plus ropa's own JSON of the resolved inventory and its
findings. An export that cannot be made is listed with the reason instead of a file.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from registry.core.model import KINDS
from registry.core.record import Record
from registry.outputs.report import finding_dict
from registry.outputs.site.markup import relative as link_target
from registry.outputs.site.markup import table, text
from registry.outputs.site.pages.context import Context

if TYPE_CHECKING:
    from registry.pipeline.check import CheckResult

DOWNLOAD_JSON = "downloads/register.json"


Made = tuple[bytes, list[tuple[str, str, str, "bytes | str"]]]  # register.json, exports


def add_downloads(ctx: Context, made: Callable[[], Made] | None = None) -> None:
    """The page and its files; ``made`` gives the files when :func:`start_downloads`
    started making them earlier."""
    page = "downloads.md"
    result = ctx.result
    data, exports = made() if made is not None else make_downloads(ctx.result)
    ctx.site.downloads[DOWNLOAD_JSON] = data
    out = ["# Downloads\n"]
    out.append(
        f"The register as produced by this build (as of {result.as_of.isoformat()}), "
        "in the layouts of the supervisory authorities' templates, for your records or "
        "your tools.\n"
    )
    rows = []
    for label, layout, path, data_or_error in exports:
        if isinstance(data_or_error, bytes):
            ctx.site.downloads[path] = data_or_error
            target = f"[{text(path.rsplit('/', 1)[-1])}]({link_target(page, path)}){{: download }}"
        else:
            target = "not produced: " + text(data_or_error)
        rows.append([text(label), text(layout), target])
    rows.append(
        [
            "The resolved inventory and its findings",
            "ropa JSON (every entity as validated, every finding)",
            f"[{DOWNLOAD_JSON.rsplit('/', 1)[-1]}]({link_target(page, DOWNLOAD_JSON)})"
            "{: download }",
        ]
    )
    out.append(table(["Register", "Layout", "File"], rows))
    ctx.site.add(page, "Downloads", "\n".join(out))


def make_downloads(result: CheckResult) -> Made:
    """register.json and the exports, as bytes (or why an export could not be made)."""
    inv = result.inventory
    document = {
        "as_of": result.as_of.isoformat(),
        "entities": {
            kind: [
                inv.by_kind[kind][i].model_dump(mode="json", by_alias=True, exclude_none=True)
                for i in sorted(inv.by_kind[kind])
                if (kind, i) not in inv.builtin
            ]
            for kind in KINDS
        },
        "findings": [finding_dict(f) for f in result.findings],
    }
    data = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return data.encode("utf-8"), _exports(result.record)


def start_downloads(result: CheckResult) -> Callable[[], Made]:
    """Start making the downloads in a child process, beside the pages; the function
    returned gives them (made here instead if the child could not).

    The exports were half of the pages' making at 10,000 flows (openpyxl writing the
    CNIL workbook's 1,000 sheets, ~4 s). Forked only while this process runs one thread
    (a `mkdocs build` before the diagrams' pool starts; not under `mkdocs serve`, whose
    server threads could hold a lock the child would wait for) and only on Linux.
    """
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return lambda: make_downloads(result)
    read, write = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return lambda: make_downloads(result)
    if child == 0:  # the child: make them, hand them over, leave without cleaning up
        code = 0
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                pickle.dump(make_downloads(result), out, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)

    def collect() -> Made:
        with os.fdopen(read, "rb") as given:
            data = given.read()
        _, status = os.waitpid(child, 0)
        if status != 0 or not data:
            return make_downloads(result)  # the child failed: the same files, made here
        made: Made = pickle.loads(data)  # our own child's bytes
        return made

    return collect


def _exports(record: Record) -> list[tuple[str, str, str, bytes | str]]:
    """(what, layout, path, bytes or the reason it could not be made) per export."""
    try:
        from registry.outputs.export import ExportError, export_register
    except ImportError:  # the exports are a separate module; the site works without
        return []
    wanted: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            "Controller record (Art. 30(1))",
            "ICO template",
            "downloads/register-ico.xlsx",
            {"fmt": "xlsx", "template": "ico"},
        ),
        (
            "Controller record (Art. 30(1))",
            "CNIL registre",
            "downloads/registre-cnil.xlsx",
            {"fmt": "xlsx", "template": "cnil"},
        ),
        (
            "Processor record (Art. 30(2))",
            "ICO template",
            "downloads/processor-record.xlsx",
            {"fmt": "xlsx", "template": "ico", "record": "processor"},
        ),
    ]
    inv = record.inventory
    for controller in record.controllers():
        if controller not in inv.organisations:
            continue
        name = inv.organisations[controller].name
        for template, layout in (("ico", "ICO template"), ("cnil", "CNIL registre")):
            wanted.append(
                (
                    f"Controller record of {name}",
                    f"{layout}, CSV",
                    f"downloads/{controller}-{template}.csv",
                    {"fmt": "csv", "template": template, "org": controller},
                )
            )
    wanted.append(
        (
            "The whole register",
            "full JSON",
            "downloads/register-full.json",
            {"fmt": "json", "template": "full"},
        )
    )
    made: list[tuple[str, str, str, bytes | str]] = []
    for label, layout, path, options in wanted:
        try:
            made.append((label, layout, path, export_register(record, **options)))
        except ExportError as error:
            made.append((label, layout, path, str(error)))
    return made
