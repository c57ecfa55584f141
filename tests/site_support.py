"""Build the auditors' site into a directory and serve it on 127.0.0.1, for tests."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = ROOT / "mkdocs.yml"


def site_config(
    workdir: Path,
    inventory: Path,
    *,
    theme: str | None = None,
    as_of: str = "2026-11-29",
    options: str = "",
) -> Path:
    """The project's mkdocs.yml, pointed at ``inventory`` and at an empty docs folder."""
    text = MKDOCS_YML.read_text("utf-8")
    text = text.replace(
        "inventory: inventory", f"inventory: {inventory}\n      as_of: {as_of!r}{options}"
    )
    text = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {workdir / 'docs'}", text)
    if theme is not None:
        # Replace the whole theme block (up to the next top-level key).
        # The plain theme loads highlight.js from a CDN unless told not to.
        text = re.sub(
            r"(?ms)^theme:\n.*?(?=^\S)",
            f"theme:\n  name: {theme}\n  highlightjs: false\n\n",
            text,
        )
    (workdir / "docs").mkdir(parents=True, exist_ok=True)
    config = workdir / "mkdocs.yml"
    config.write_text(text, "utf-8")
    return config


def build_site(
    workdir: Path, inventory: Path, *, theme: str | None = None, options: str = ""
) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` as a user runs it; the site lands in ``workdir/site``."""
    config = site_config(workdir, inventory, theme=theme, options=options)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config)]
    return subprocess.run(
        [*command, "-d", str(workdir / "site")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, fmt: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as URL paths relative to the root."""
    found = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if relative == "404.html":
            continue
        found.append(
            relative[: -len("index.html")] if relative.endswith("index.html") else relative
        )
    return found
