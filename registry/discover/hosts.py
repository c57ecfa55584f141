"""Hostnames in source code and configuration, with file:line.

Every hostname-shaped token of a source or configuration file (code, ``.env.example``,
YAML, JSON, TOML, Terraform, Helm values, HTML templates…) is looked up among the
catalogue's API hosts (``api.stripe.com``, ``*.ingest.sentry.io``) and the register's
own identifiers. Documentation (Markdown, reStructuredText, plain text), lockfiles
and minified bundles are not read: a README that links to a vendor's site is not a
data flow, and a lockfile's registry URLs name no service. For the same reason a
comment is not read: a line that starts one (``//``, ``#``, ``/*``, ``*``, ``<!--``,
``--``, ``;``) and the end of a line after ``//`` or ``#`` that follows a space
(``apply plugin: "kapt" // see https://hibernate.atlassian.net/browse/HHH-15376``
links an issue tracker; it calls nothing).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

# A hostname: labels of letters, digits and hyphens, ending in an alphabetic TLD, not
# glued to a longer word, path segment or e-mail local part on either side.
_HOST = re.compile(
    r"(?<![\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9])(?![\w-]|\.\w)",
    re.IGNORECASE,
)
SOURCE_SUFFIXES = frozenset(
    {
        # code
        ".py",
        ".js",
        ".mjs",
        ".cjs",
        ".jsx",
        ".ts",
        ".tsx",
        ".mts",
        ".cts",
        ".vue",
        ".svelte",
        ".astro",
        ".go",
        ".rb",
        ".erb",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".groovy",
        ".php",
        ".rs",
        ".cs",
        ".swift",
        ".m",
        ".dart",
        ".ex",
        ".exs",
        ".clj",
        ".lua",
        ".sh",
        ".bash",
        ".ps1",
        ".sql",
        # templates
        ".html",
        ".htm",
        ".jinja",
        ".j2",
        ".hbs",
        ".ejs",
        ".twig",
        ".liquid",
        ".haml",
        ".slim",
        ".tpl",
        # configuration
        ".yaml",
        ".yml",
        ".json",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".properties",
        ".env",
        ".tf",
        ".tfvars",
        ".hcl",
        ".xml",
        ".plist",
        ".gradle",
    }
)
SOURCE_NAMES = frozenset({"Dockerfile", "Procfile", "Caddyfile", "Makefile", "Vagrantfile"})
# Lockfiles and generated files name package registries, not services.
SKIPPED_NAMES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "Pipfile.lock",
        "Cargo.lock",
        "composer.lock",
        "Gemfile.lock",
        "go.sum",
        "bun.lockb",
        "packages.lock.json",
    }
)
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # larger files are bundles or data, not configuration


def is_source(path: str) -> bool:
    """Whether ``path`` (relative, POSIX) is a file whose hostnames are read."""
    name = PurePosixPath(path).name
    if name in SKIPPED_NAMES or name.endswith((".min.js", ".min.css", ".map", ".bundle.js")):
        return False
    if name in SOURCE_NAMES or name.startswith((".env", "Dockerfile")) or name.endswith(".env"):
        return True
    return PurePosixPath(name).suffix.lower() in SOURCE_SUFFIXES


@dataclass(frozen=True, slots=True)
class HostSeen:
    host: str  # lower case
    line: int
    column: int


_COMMENT_LINE = ("//", "#", "/*", "*", "<!--", "--", ";")
# a comment after code: `//` or `#` after a space (never `https://`, `/#/`, `a#b`)
_TRAILING_COMMENT = re.compile(r"\s(?://|#)")


def hosts_in(text: str) -> Iterator[HostSeen]:
    """Every hostname-shaped token of ``text`` outside comments, with its line and column."""
    for number, line in enumerate(text.splitlines(), 1):
        if "." not in line or line.lstrip().startswith(_COMMENT_LINE):
            continue
        if comment := _TRAILING_COMMENT.search(line):
            line = line[: comment.start()]
        for match in _HOST.finditer(line):
            yield HostSeen(match.group(1).lower(), number, match.start(1) + 1)


@dataclass(frozen=True)
class OwnHosts:
    """The register's identifiers that name hosts: exact, and glob patterns
    (``*.vendor.example``), each with the entity that claims it."""

    exact: dict[str, tuple[str, str]]
    patterns: tuple[tuple[str, tuple[str, str]], ...] = ()

    def owner(self, host: str) -> tuple[str, str] | None:
        found = self.exact.get(host)
        if found is not None:
            return found
        for pattern, owner in self.patterns:
            if fnmatch.fnmatchcase(host, pattern):
                return owner
        return None


_IDENTIFIER_HOST = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?(?P<host>[a-z0-9*][a-z0-9*.-]*\.[a-z*][a-z0-9*-]*)(?::\d+)?(?:/.*)?$"
)


def identifier_host(identifier: str) -> str | None:
    """The host an identifier names (``api.acme.example``, ``https://api.acme.example/v1``,
    ``postgres://db.internal:5432/x``, ``*.acme.example``); None for other identifiers."""
    match = _IDENTIFIER_HOST.match(identifier.strip().lower())
    if match is None or _HOST.fullmatch(match.group("host").replace("*", "x")) is None:
        return None
    return match.group("host")


def own_hosts(claims: list[tuple[str, str, str]]) -> OwnHosts:
    """From (kind, id, identifier) claims, the first claim of each host wins (by kind, id)."""
    exact: dict[str, tuple[str, str]] = {}
    patterns: list[tuple[str, tuple[str, str]]] = []
    for kind, ident, identifier in sorted(claims):
        host = identifier_host(identifier)
        if host is None:
            continue
        if "*" in host:
            patterns.append((host, (kind, ident)))
        else:
            exact.setdefault(host, (kind, ident))
    return OwnHosts(exact, tuple(patterns))


HostLookup = Callable[[str], str | None]
