"""Dependency manifests and lockfiles → the packages a repository declares, with file:line.

One reader per format: ``package.json`` and the npm, yarn and pnpm lockfiles;
``requirements*.txt``, ``pyproject.toml`` (PEP 621, Poetry, PDM, uv, PEP 735 groups),
``Pipfile``, ``poetry.lock``, ``uv.lock``; ``go.mod``; ``Gemfile`` and ``Gemfile.lock``;
``pom.xml``, ``build.gradle(.kts)`` and Gradle's version catalogues (``libs.versions.toml``,
or declared in ``settings.gradle(.kts)``);
``composer.json``; ``Cargo.toml``. Each says, for each package, its *scope*:

- ``runtime``: the application declares it and ships it;
- ``dev``: a development, test or build dependency (``devDependencies``, a Poetry
  ``dev`` group, ``group :test`` in a Gemfile, Maven's ``test`` scope, Gradle's
  ``testImplementation``…), which sends nothing from production;
- ``optional``: an extra the package offers (PEP 621 ``optional-dependencies``, npm
  ``peerDependencies``), used only where someone installs it, or a version catalogue's
  library that no build script of the repository uses;
- ``indirect``: pulled in by another package (lockfile entries, ``// indirect`` in
  ``go.mod``, a pin of a pip-compiled ``requirements.txt`` whose ``# via`` names only
  clients of catalogued services).

A version catalogue only says what a build may use: its libraries carry their alias
(:class:`CatalogueEntry`), and :func:`resolve_catalogues`, once a repository's Gradle
scripts are read, gives each the scope of the configurations that use it.

Only a ``runtime`` dependency makes a service "used" for the rules; the others are
listed, so a DPO sees them without a finding that would be wrong as often as right.
Positions are computed only for the packages a caller asks about (``wanted``): a
lockfile of 5,000 packages costs one parse, not 5,000 searches.
"""

from __future__ import annotations

import bisect
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any
from xml.parsers import expat

from registry.core.loader import LoadResult, LocatedMap, load_text

RUNTIME, DEV, OPTIONAL, INDIRECT = "runtime", "dev", "optional", "indirect"
SCOPES = (RUNTIME, DEV, OPTIONAL, INDIRECT)
Wanted = Callable[[str, str], bool]  # (ecosystem, package name) → worth locating


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """A Gradle version catalogue's library as build files name it: the alias
    ``sentry-android`` of the catalogue ``libs`` is ``libs.sentry.android`` there."""

    catalogue: str  # the accessors' root: ``libs`` unless the build names it otherwise
    accessor: str  # the alias with ``-``, ``_`` and ``.`` read as ``.`` (camelCase kept)
    bundles: tuple[str, ...] = ()  # the accessors of the bundles that hold it


@dataclass(frozen=True, slots=True)
class Dependency:
    ecosystem: str
    name: str
    scope: str
    line: int
    column: int
    # declared in a version catalogue: what a build MAY use, judged against its build
    # files by resolve_catalogues (runtime until then)
    entry: CatalogueEntry | None = None


class ManifestError(Exception):
    """A manifest that cannot be read; ``line`` and ``column`` are where the parser
    stopped (1 when unknown)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class _Lines:
    """Offsets → 1-based line and column, for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def find(self, pattern: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
        """Line and column of the first match of ``pattern`` in [start, end), else of start."""
        match = re.compile(pattern, re.MULTILINE).search(self.text, start, end or len(self.text))
        return self.at(match.start(match.lastindex or 0) if match else start)


def _dev_name(path: str) -> bool:
    """A requirements file for development, by its name or folder (requirements-dev.txt,
    requirements/test.txt, dev-requirements.txt)."""
    lowered = path.lower()
    return bool(
        re.search(
            r"(^|[/_.-])(dev|devel|develop|test|tests|testing|lint|docs?|ci|"
            r"typing|mypy|bench|local)([/_.-]|$)",
            lowered,
        )
    )


# --- npm ---------------------------------------------------------------------------------

_NPM_SECTIONS = {
    "dependencies": RUNTIME,
    "optionalDependencies": RUNTIME,  # installed where they can be: shipped
    "devDependencies": DEV,
    "peerDependencies": OPTIONAL,
}


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None


# Bundlers: an application built by one ships what its devDependencies name.
_BUNDLERS = frozenset(
    {"vite", "webpack", "laravel-mix", "laravel-vite-plugin", "rollup", "parcel", "esbuild"}
    | {"react-scripts", "@angular-devkit/build-angular", "@sveltejs/kit", "next", "nuxt"}
)


def _bundled_app(document: dict) -> bool:
    """A private application with no runtime dependencies and a bundler (a Laravel or
    Rails front end, a Vite app): its browser SDKs are devDependencies, yet they ship
    in the bundle. Published packages (not private) keep the usual meaning."""
    dev = document.get("devDependencies")
    return (
        document.get("private") is True
        and not document.get("dependencies")
        and isinstance(dev, dict)
        and any(name in _BUNDLERS for name in dev)
    )


def package_json(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    document = _json(text)
    if not isinstance(document, dict):
        raise ManifestError("package.json is not a JSON object")
    lines = _Lines(text)
    bundled = _bundled_app(document)
    for section, scope in _NPM_SECTIONS.items():
        if bundled and section == "devDependencies":
            scope = RUNTIME
        entries = document.get(section)
        if not isinstance(entries, dict):
            continue
        start = text.find(f'"{section}"')
        for name in entries:
            if isinstance(name, str) and wanted("npm", name):
                line, col = lines.find(rf'"({re.escape(name)})"\s*:', max(start, 0))
                yield Dependency("npm", name, scope, line, col)


def package_lock(
    text: str, path: str, wanted: Wanted, *, has_manifest: bool
) -> Iterator[Dependency]:
    document = _json(text)
    if not isinstance(document, dict):
        raise ManifestError("package-lock.json is not a JSON object")
    lines = _Lines(text)
    packages = document.get("packages")
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        root = packages.get("", {})
        if not has_manifest and isinstance(root, dict):
            # the root's own declarations, when package.json is not beside it
            for section, scope in _NPM_SECTIONS.items():
                for name in root.get(section) or {}:
                    if isinstance(name, str) and wanted("npm", name):
                        line, col = lines.find(rf'"({re.escape(name)})"\s*:')
                        yield Dependency("npm", name, scope, line, col)
        for key in packages:
            if not isinstance(key, str) or "node_modules/" not in key:
                continue
            name = key.rsplit("node_modules/", 1)[1]
            if wanted("npm", name):
                line, col = lines.find(rf'"({re.escape(key)})"\s*:')
                yield Dependency("npm", name, INDIRECT, line, col)
        return
    dependencies = document.get("dependencies")  # lockfileVersion 1
    if isinstance(dependencies, dict):
        yield from _lock_v1(dependencies, lines, wanted)


def _lock_v1(dependencies: dict, lines: _Lines, wanted: Wanted) -> Iterator[Dependency]:
    stack = [dependencies]
    while stack:
        level = stack.pop()
        for name, entry in level.items():
            if isinstance(name, str) and wanted("npm", name):
                line, col = lines.find(rf'"({re.escape(name)})"\s*:\s*\{{')
                yield Dependency("npm", name, INDIRECT, line, col)
            if isinstance(entry, dict) and isinstance(entry.get("dependencies"), dict):
                stack.append(entry["dependencies"])


_YARN_ENTRY = re.compile(r"^(?P<keys>[^\s#].*):\s*$", re.MULTILINE)


def _npm_name(spec: str) -> str:
    """``@scope/name@^1`` / ``name@npm:^1`` → the package name."""
    spec = spec.strip().strip('"').strip("'")
    at = spec.find("@", 1)
    return spec[:at] if at > 0 else spec


def yarn_lock(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    lines = _Lines(text)
    for match in _YARN_ENTRY.finditer(text):
        keys = match.group("keys")
        if keys.startswith("__metadata"):
            continue
        for name in dict.fromkeys(_npm_name(k) for k in keys.split(",")):
            if name and wanted("npm", name):
                line, col = lines.at(match.start())
                yield Dependency("npm", name, INDIRECT, line, col)


def _yaml(text: str, path: str) -> Any:
    result = LoadResult()
    load_text(text, path, result)
    if result.problems:
        problem = result.problems[0]
        raise ManifestError(problem.message, problem.pos.line, problem.pos.column)
    return result.documents[0].body if result.documents else None


_PNPM_KEY = re.compile(r"^/?(?P<name>@?[^@/]+(?:/[^@/]+)?)[@/]")


def pnpm_lock(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    document = _yaml(text, path)
    if not isinstance(document, LocatedMap):
        raise ManifestError("pnpm-lock.yaml is not a mapping")
    importers = document.get("importers")
    projects = list(importers.values()) if isinstance(importers, LocatedMap) else [document]
    for project in projects:
        if not isinstance(project, LocatedMap):
            continue
        for section, scope in _NPM_SECTIONS.items():
            entries = project.get(section)
            if not isinstance(entries, LocatedMap):
                continue
            for name in entries:
                if isinstance(name, str) and wanted("npm", name):
                    pos = entries.key_positions[name]
                    yield Dependency("npm", name, scope, pos.line, pos.column)
    for section in ("packages", "snapshots"):
        entries = document.get(section)
        if not isinstance(entries, LocatedMap):
            continue
        for key in entries:
            match = _PNPM_KEY.match(str(key))
            if match and wanted("npm", match.group("name")):
                pos = entries.key_positions[key]
                yield Dependency("npm", match.group("name"), INDIRECT, pos.line, pos.column)


# --- Python ------------------------------------------------------------------------------

_REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def _pypi_key(name: str) -> str:
    """PEP 503's normal form: pip-compile's ``# via`` lines and its pins may spell a name
    differently (``Django``, ``django``; ``zope.interface``, ``zope-interface``)."""
    return re.sub(r"[-_.]+", "-", name.split("[", 1)[0].strip()).lower()


# pip-compile's annotation of a pin: ``# via -r requirements.in``, ``# via boto3``, or
# ``# via`` alone with one ``#   name`` line per parent below it (``--annotation-style
# line`` writes ``name==1.0  # via a, b`` on the pin's own line).
_VIA = re.compile(r"^\s*#\s*via(?:\s+(?P<rest>.*?))?\s*$")
_VIA_MORE = re.compile(r"^\s*#\s{2,}(?P<parent>\S.*?)\s*$")


def _is_file_parent(parent: str) -> bool:
    """A requirements or constraints file (``-r base.in``, ``-c constraints.txt``) or
    the project's own metadata (``shop (pyproject.toml)``): what the project asked for."""
    return parent.startswith("-") or "(" in parent


def requirements_txt(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    """A pin that pip-compile says was pulled in only by catalogued clients (every one of
    its ``# via`` parents a package the catalogue attributes to a service, or itself so
    pulled in, none a ``-r``/``-c`` file) is ``indirect``, as ``// indirect`` in
    ``go.mod``: ``google-auth`` via ``google-cloud-storage`` is that client's own
    plumbing, counted once as the service the client is for. A pin via a package the
    catalogue does not know (``google-cloud-storage`` via ``django-storages``, installed
    with its ``[google]`` extra) stays what the file declares: that package is the
    project's reason for it. A pin with no ``# via`` is hand-written, hence direct."""
    scope = DEV if _dev_name(path) else RUNTIME
    pins: list[tuple[str, int, int]] = []  # the wanted names: name, line, column
    vias: dict[str, list[set[str]]] = {}  # every pin → its parents, per time it is pinned
    current: set[str] | None = None  # the parents of the pin the comments below annotate
    listing = False  # inside a ``# via`` block that names one parent a line
    continued = False

    def annotate(names: Iterable[str]) -> None:
        if current is not None:
            current.update(name.strip() for name in names if name.strip())

    for number, raw in enumerate(text.splitlines(), 1):
        via = _VIA.match(raw)
        if via:
            listing = via.group("rest") is None
            annotate((via.group("rest") or "").split(","))
            continue
        more = _VIA_MORE.match(raw) if listing else None
        if more:
            annotate([more.group("parent")])
            continue
        listing = False
        line, _, comment = raw.partition(" #")
        line = line.rstrip()
        inline = _VIA.match("#" + comment) if comment else None
        was_continued, continued = continued, line.endswith("\\")
        if was_continued:
            if inline:  # after the pin's last ``--hash`` line
                annotate((inline.group("rest") or "").split(","))
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        current = None  # an option (``-e``, ``-r``) or a URL is annotated as no pin here
        if line.lstrip().startswith("-"):
            continue
        if "://" in line.split("@", 1)[0] or line.lstrip().startswith((".", "/")):
            continue  # a URL or a local path without a name
        match = _REQUIREMENT.match(line)
        if not match:
            continue
        name = match.group("name")
        current = set()
        vias.setdefault(_pypi_key(name), []).append(current)
        if inline:
            annotate((inline.group("rest") or "").split(","))
        if wanted("pypi", name):
            pins.append((name, number, match.start("name") + 1))
    beneath = _beneath_clients(vias, lambda parent: wanted("pypi", parent))
    for name, number, column in pins:
        shown = INDIRECT if scope == RUNTIME and beneath(_pypi_key(name)) else scope
        yield Dependency("pypi", name, shown, number, column)


def _beneath_clients(
    vias: dict[str, list[set[str]]], client: Callable[[str], bool]
) -> Callable[[str], bool]:
    """Whether a pin is pulled in only by clients of services, directly or through
    packages that are themselves so pulled in (``google-auth`` via ``google-api-core``,
    which only ``google-cloud-storage`` requires). A pin without ``# via`` (hand-written),
    a parent that is a file, a parent pinned nowhere in the file, a cycle: no."""
    memo: dict[str, bool] = {}

    def beneath(pin: str) -> bool:
        if pin in memo:
            return memo[pin]
        memo[pin] = False  # while deciding: a cycle proves nothing
        memo[pin] = bool(vias.get(pin)) and all(
            parents
            and not any(_is_file_parent(parent) for parent in parents)
            and all(client(parent) or beneath(_pypi_key(parent)) for parent in sorted(parents))
            for parents in vias[pin]
        )
        return memo[pin]

    return beneath


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+), column (\d+)", str(error))
        if found:
            line, column = int(found.group(1)), int(found.group(2))
        else:  # "at end of document"
            line, column = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
        raise ManifestError(f"not valid TOML: {error}", line, column) from None


def _pep508_name(spec: Any) -> str | None:
    if not isinstance(spec, str):
        return None
    match = _REQUIREMENT.match(spec)
    return match.group("name") if match else None


_DEV_GROUP = re.compile(r"(dev|test|lint|doc|type|typing|mypy|ci|bench|format|check)", re.I)


def _section_span(lines: _Lines, header: str) -> tuple[int, int]:
    """Offsets of a TOML table's body (``[header]`` up to the next table), or the
    whole text when the header is not written as a table of its own."""
    match = re.search(rf"^\[{re.escape(header)}\]\s*$", lines.text, re.MULTILINE)
    if match is None:
        return 0, len(lines.text)
    following = re.search(r"^\[", lines.text[match.end() :], re.MULTILINE)
    return match.end(), match.end() + following.start() if following else len(lines.text)


def _locate_python(lines: _Lines, name: str, header: str) -> tuple[int, int]:
    start, end = _section_span(lines, header)
    words = re.escape(name).replace(r"\-", "[-_.]").replace(r"\_", "[-_.]").replace(r"\.", "[-_.]")
    return lines.find(rf"""(?:^|["'\s\[,])({words})(?=\s*[=<>!~\[;"'@ ,\]]|\s*$)""", start, end)


def pyproject_toml(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    document = _toml(text)
    lines = _Lines(text)
    found: list[tuple[str, str, str]] = []  # (name, scope, table header)
    project = document.get("project") or {}
    for spec in project.get("dependencies") or []:
        found.append((_pep508_name(spec) or "", RUNTIME, "project"))
    for specs in (project.get("optional-dependencies") or {}).values():
        for spec in specs or []:
            found.append((_pep508_name(spec) or "", OPTIONAL, "project.optional-dependencies"))
    for specs in (document.get("dependency-groups") or {}).values():
        for spec in specs or []:
            found.append((_pep508_name(spec) or "", DEV, "dependency-groups"))
    tool = document.get("tool") or {}
    poetry = tool.get("poetry") or {}
    for name in poetry.get("dependencies") or {}:
        if name != "python":
            found.append((name, RUNTIME, "tool.poetry.dependencies"))
    for name in poetry.get("dev-dependencies") or {}:
        found.append((name, DEV, "tool.poetry.dev-dependencies"))
    for group, body in (poetry.get("group") or {}).items():
        scope = DEV if _DEV_GROUP.search(group) else RUNTIME
        for name in (body or {}).get("dependencies") or {}:
            found.append((name, scope, f"tool.poetry.group.{group}.dependencies"))
    for specs in ((tool.get("pdm") or {}).get("dev-dependencies") or {}).values():
        for spec in specs or []:
            found.append((_pep508_name(spec) or "", DEV, "tool.pdm.dev-dependencies"))
    for spec in (tool.get("uv") or {}).get("dev-dependencies") or []:
        found.append((_pep508_name(spec) or "", DEV, "tool.uv"))
    for name, scope, header in found:
        if name and wanted("pypi", name):
            line, col = _locate_python(lines, name, header)
            yield Dependency("pypi", name, scope, line, col)


def pipfile(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    document = _toml(text)
    lines = _Lines(text)
    for section, scope in (("packages", RUNTIME), ("dev-packages", DEV)):
        for name in document.get(section) or {}:
            if wanted("pypi", name):
                line, col = _locate_python(lines, name, section)
                yield Dependency("pypi", name, scope, line, col)


def python_lock(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    """``poetry.lock`` and ``uv.lock``: every resolved package is indirect, except the
    dependencies of uv's own project (``source = {editable|virtual = …}``)."""
    document = _toml(text)
    lines = _Lines(text)
    for package in document.get("package") or []:
        if not isinstance(package, dict):
            continue
        source = package.get("source") or {}
        own = isinstance(source, dict) and ("editable" in source or "virtual" in source)
        if own:
            for dep in package.get("dependencies") or []:
                name = dep.get("name") if isinstance(dep, dict) else None
                if isinstance(name, str) and wanted("pypi", name):
                    line, col = lines.find(rf'\{{\s*name = "({re.escape(name)})"')
                    yield Dependency("pypi", name, RUNTIME, line, col)
            continue
        name = package.get("name")
        if isinstance(name, str) and wanted("pypi", name):
            line, col = lines.find(rf'^name = "({re.escape(name)})"')
            yield Dependency("pypi", name, INDIRECT, line, col)


# --- Go ----------------------------------------------------------------------------------

_GO_REQUIRE = re.compile(r"^\s*(?:require\s+)?(?P<module>[A-Za-z0-9][^\s]*)\s+v[^\s]+(?P<rest>.*)$")


def go_mod(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    in_block = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if in_block:
            if line.startswith(")"):
                in_block = False
                continue
        elif line.startswith("require ("):
            in_block = True
            continue
        elif not line.startswith("require "):
            continue
        match = _GO_REQUIRE.match(raw)
        if match and wanted("go", match.group("module")):
            scope = INDIRECT if "// indirect" in match.group("rest") else RUNTIME
            yield Dependency("go", match.group("module"), scope, number, match.start("module") + 1)


# --- Ruby --------------------------------------------------------------------------------

_GEM = re.compile(r"""^\s*gem\s*\(?\s*["'](?P<name>[^"']+)["'](?P<rest>.*)$""")
_GROUP = re.compile(r"^\s*group\s*\(?(?P<groups>[^)]*?)\)?\s+do\b")
_BLOCK = re.compile(r"\bdo\s*(\|[^|]*\|)?\s*(#.*)?$")
_END = re.compile(r"^\s*end\b")
_DEV_GROUPS = {"development", "test", "dev", "ci", "lint", "rubocop"}


def _groups(text: str) -> set[str]:
    """Group names in ``:development, :test`` or ``["development", "test"]``."""
    return {a or b for a, b in re.findall(r""":(\w+)|["'](\w+)["']""", text)}


def gemfile(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    stack: list[set[str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0] if not raw.lstrip().startswith("#") else ""
        group = _GROUP.match(line)
        if group:
            stack.append(_groups(group.group("groups")))
            continue
        if _END.match(line):
            if stack:
                stack.pop()
            continue
        gem = _GEM.match(line)
        if gem:
            enclosing = set().union(*stack) if stack else set()
            inline = re.search(r"groups?:\s*(\[[^\]]*\]|:\w+|[\"']\w+[\"'])", gem.group("rest"))
            groups = enclosing | (_groups(inline.group(1)) if inline else set())
            scope = DEV if groups and groups <= _DEV_GROUPS else RUNTIME
            if wanted("rubygems", gem.group("name")):
                yield Dependency(
                    "rubygems", gem.group("name"), scope, number, gem.start("name") + 1
                )
            continue
        if _BLOCK.search(line):
            stack.append(set())  # platforms, source, path… blocks: no group of their own


def gemfile_lock(
    text: str, path: str, wanted: Wanted, *, has_manifest: bool
) -> Iterator[Dependency]:
    section = ""
    for number, raw in enumerate(text.splitlines(), 1):
        if raw and not raw[0].isspace():
            section = raw.strip()
            continue
        if section == "DEPENDENCIES":
            match = re.match(r"^  (?P<name>[^\s!(]+)", raw)
            scope = INDIRECT if has_manifest else RUNTIME  # the Gemfile says which
        elif section in ("GEM", "PATH", "GIT"):
            match = re.match(r"^    (?P<name>[^\s(]+) \(", raw)
            scope = INDIRECT
        else:
            continue
        if match and wanted("rubygems", match.group("name")):
            yield Dependency(
                "rubygems", match.group("name"), scope, number, match.start("name") + 1
            )


# --- JVM ---------------------------------------------------------------------------------

_MAVEN_DEV_SCOPES = {"test", "provided", "system"}


def pom_xml(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    """Dependencies of the project and its profiles, not of ``dependencyManagement``
    (versions only) nor of plugins (build time)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[str] = []
    current: dict[str, Any] | None = None
    found: list[Dependency] = []
    field: list[str] = []

    def refuse(*_: Any) -> None:
        raise ManifestError(
            "entity declarations are not allowed in pom.xml", parser.CurrentLineNumber
        )

    def start(name: str, _attrs: dict) -> None:
        nonlocal current
        stack.append(name.rsplit("}", 1)[-1])
        if stack[-1] == "dependency" and len(stack) >= 2 and stack[-2] == "dependencies":
            outer = stack[:-2]
            if "dependencyManagement" not in outer and "plugin" not in outer:
                current = {
                    "line": parser.CurrentLineNumber,
                    "column": parser.CurrentColumnNumber + 1,
                }
        field.clear()

    def end(_name: str) -> None:
        nonlocal current
        tag = stack.pop()
        if (
            current is not None
            and tag in ("groupId", "artifactId", "scope")
            and stack[-1:] == ["dependency"]
        ):
            current[tag] = "".join(field).strip()
        elif tag == "dependency" and current is not None:
            coordinates = f"{current.get('groupId', '')}:{current.get('artifactId', '')}"
            if "${" not in coordinates and wanted("maven", coordinates):
                scope = DEV if current.get("scope") in _MAVEN_DEV_SCOPES else RUNTIME
                found.append(
                    Dependency("maven", coordinates, scope, current["line"], current["column"])
                )
            current = None
        field.clear()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = field.append
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise ManifestError(
            f"not well-formed XML: {expat.ErrorString(error.code)}",
            error.lineno,
            error.offset + 1,  # expat counts columns from 0
        ) from None
    yield from found


_GRADLE_CONFIG = re.compile(r"^\s*(?P<config>[A-Za-z][A-Za-z0-9]*)\b\s*\(?")
_GRADLE_COORDINATES = re.compile(
    r"""["'](?P<group>[A-Za-z0-9_.-]+):(?P<artifact>[A-Za-z0-9_.-]+)(?::[^"'\s]*)?["']"""
)
_GRADLE_MAP = re.compile(
    r"""group\s*[:=]\s*["'](?P<group>[^"']+)["']\s*,\s*name\s*[:=]\s*["'](?P<artifact>[^"']+)["']"""
)
_GRADLE_BUILD_ONLY = (
    "compileonly",
    "kapt",
    "ksp",
    "annotationprocessor",
    "classpath",
    "lintchecks",
)
_GRADLE_SHIPPED = ("implementation", "api", "compile", "runtimeonly", "runtime")


def _gradle_scope(configuration: str) -> str | None:
    """``implementation``, ``api``, ``releaseImplementation``… ship; tests and
    compile-only, annotation-processing and buildscript classpaths do not; anything
    else (``id``, ``maven``, ``exclude``) is no dependency declaration."""
    lowered = configuration.lower()
    if "test" in lowered or lowered.endswith(_GRADLE_BUILD_ONLY):
        return DEV
    if lowered.endswith(_GRADLE_SHIPPED):
        return RUNTIME
    return None


def build_gradle(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    for number, raw in enumerate(text.splitlines(), 1):
        config = _GRADLE_CONFIG.match(raw)
        scope = _gradle_scope(config.group("config")) if config else None
        if scope is None:
            continue
        for match in (*_GRADLE_COORDINATES.finditer(raw), *_GRADLE_MAP.finditer(raw)):
            coordinates = f"{match.group('group')}:{match.group('artifact')}"
            if wanted("maven", coordinates):
                yield Dependency("maven", coordinates, scope, number, match.start("group") + 1)


def _accessor(alias: str) -> str:
    """How build files name a catalogue alias: Gradle reads ``-``, ``_`` and ``.`` in it
    as ``.`` (``sentry-android`` → ``sentry.android``); camelCase stays as written."""
    return re.sub(r"[-_.]", ".", alias)


def _entries(catalogue: str, bundles: dict[str, list[str]]) -> Callable[[str], CatalogueEntry]:
    """The entry of each alias of one catalogue, with the bundles (name → aliases) holding it."""
    holding: dict[str, list[str]] = {}
    for bundle, aliases in bundles.items():
        for alias in aliases:
            holding.setdefault(_accessor(alias), []).append(_accessor(bundle))

    def entry(alias: str) -> CatalogueEntry:
        accessor = _accessor(alias)
        return CatalogueEntry(catalogue, accessor, tuple(holding.get(accessor, ())))

    return entry


def gradle_catalog(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    """``gradle/libs.versions.toml``: the libraries a build may use, named by the file
    (``libs``, or ``xyz`` for ``xyz.versions.toml``), with its ``[bundles]``."""
    document = _toml(text)
    lines = _Lines(text)
    start, end = _section_span(lines, "libraries")
    bundles = {
        str(name): [a for a in aliases if isinstance(a, str)]
        for name, aliases in (document.get("bundles") or {}).items()
        if isinstance(aliases, list)
    }
    entry = _entries(PurePosixPath(path).name.removesuffix(".versions.toml"), bundles)
    for alias, spec in (document.get("libraries") or {}).items():
        if isinstance(spec, str):
            coordinates = ":".join(spec.split(":")[:2])
        elif isinstance(spec, dict) and isinstance(spec.get("module"), str):
            coordinates = spec["module"]
        elif isinstance(spec, dict) and "group" in spec and "name" in spec:
            coordinates = f"{spec['group']}:{spec['name']}"
        else:
            continue
        if wanted("maven", coordinates):
            line, col = lines.find(rf"^\s*({re.escape(alias)})\s*=", start, end)
            yield Dependency("maven", coordinates, RUNTIME, line, col, entry(alias))


# `library('alias', 'group:artifact:version')` or `library("alias", "group", "artifact")`
_GRADLE_LIBRARY = re.compile(
    r"""\blibrary\s*\(\s*(['"])(?P<alias>[^'"]+)\1\s*,\s*(['"])(?P<group>[\w.-]+)"""
    r"""(?::(?P<artifact>[\w.-]+)[^'"]*\3|\3\s*,\s*(['"])(?P<name>[\w.-]+)\6)"""
)
# `bundle('name', ['a', 'b'])` (Groovy) or `bundle("name", listOf("a", "b"))` (Kotlin)
_GRADLE_BUNDLE = re.compile(
    r"""\bbundle\s*\(\s*(['"])(?P<name>[^'"]+)\1\s*,\s*(?:\[|listOf\s*\()(?P<aliases>[^\])]*)"""
)
# a catalogue's block in `versionCatalogs { … }`: `create("xyz") {` or Groovy's `xyz {`
_GRADLE_CATALOGUE = re.compile(
    r"""^\s*(?:(?:create|register)\s*\(\s*['"](?P<created>\w+)['"]|(?P<named>[A-Za-z]\w*)\s*\{)"""
)
_GRADLE_COMMENT_LINE = ("//", "/*", "*")


def _gradle_code(line: str) -> str:
    """A build script's line without its comment ("" for a comment line): a library
    named in a comment is neither declared nor used."""
    if line.lstrip().startswith(_GRADLE_COMMENT_LINE):
        return ""
    comment = re.search(r"(?:^|\s)//", line)  # never the `//` of `https://`
    return line[: comment.start()] if comment else line


def _settings_catalogues(lines: list[str]) -> list[str]:
    """The catalogue each line of a settings script declares into: the block of
    ``versionCatalogs`` it is in, ``libs`` outside one."""
    names: list[str] = []
    depth = 0
    catalogs: int | None = None  # the depth inside `versionCatalogs {`
    current: tuple[str, int] | None = None  # a catalogue's name and the depth of its block
    for code in lines:
        if current is None and catalogs == depth and (block := _GRADLE_CATALOGUE.match(code)):
            current = (block.group("created") or block.group("named"), depth)
        if catalogs is None and re.match(r"^\s*versionCatalogs\s*\{", code):
            catalogs = depth + 1
        names.append(current[0] if current else "libs")
        depth += code.count("{") - code.count("}")
        if current is not None and depth <= current[1]:
            current = None
        if catalogs is not None and depth < catalogs:
            catalogs = None
    return names


def gradle_settings(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    """``settings.gradle(.kts)``: a version catalogue declared in code
    (``versionCatalogs { create("libs") { library(…); bundle(…) } }``), read as
    ``libs.versions.toml`` is: the libraries a build may use."""
    lines = [_gradle_code(raw) for raw in text.splitlines()]
    names = _settings_catalogues(lines)
    code = "\n".join(lines)
    bundles: dict[str, dict[str, list[str]]] = {}  # catalogue → bundle → aliases
    for match in _GRADLE_BUNDLE.finditer(code):
        catalogue = names[code.count("\n", 0, match.start())]
        aliases = re.findall(r"""['"]([^'"]+)['"]""", match.group("aliases"))
        bundles.setdefault(catalogue, {})[match.group("name")] = aliases
    entries = {name: _entries(name, bundles.get(name, {})) for name in set(names)}
    for number, line in enumerate(lines, 1):
        for match in _GRADLE_LIBRARY.finditer(line):
            coordinates = f"{match.group('group')}:{match.group('artifact') or match.group('name')}"
            if wanted("maven", coordinates):
                entry = entries[names[number - 1]](match.group("alias"))
                yield Dependency(
                    "maven", coordinates, RUNTIME, number, match.start("group") + 1, entry
                )


def is_gradle_script(path: str) -> bool:
    """A Gradle build script other than settings: ``build.gradle(.kts)``, and the script
    and convention plugins (``gradle/deps.gradle``, ``buildSrc/…/x.gradle.kts``) where
    a build may use its catalogue's libraries too."""
    name = PurePosixPath(path).name
    return name.endswith((".gradle", ".gradle.kts")) and not name.startswith("settings.")


def _configuration_before(code: str) -> str | None:
    """The scope of the configuration nearest before a use on its line: ``compileOnly``
    in ``dependencies { compileOnly libs.x }``, ``implementation`` in
    ``implementation platform(libs.x)``; None when no configuration precedes it."""
    for word in reversed(re.findall(r"(?<![\w.])[A-Za-z]\w*", code)):
        if (scope := _gradle_scope(word)) is not None:
            return scope
    return None


def _catalogue_uses(text: str, catalogues: set[str]) -> Iterator[tuple[str, str, str]]:
    """(catalogue, accessor, scope) of every catalogue library or bundle a build script
    names: ``libs.sentry.android``, ``libs.foo.get()``, ``libs.bundles.x``,
    ``libs.findLibrary("sentry-android")`` (and ``libs.versions.x`` or
    ``libs.plugins.x``, which name no library, Gradle reserving those words, but say
    the build uses that catalogue). The scope is the configuration's, across a call's
    lines (``testImplementation(\n libs.x\n)``); a use under no configuration it
    knows (``otelAgent libs.x``, a variable) is runtime, as the catalogue said."""
    roots = "|".join(re.escape(name) for name in sorted(catalogues))
    reference = re.compile(
        rf"(?<![\w.])(?P<root>{roots})\s*\.\s*(?:"
        rf"find(?P<kind>Library|Bundle)\s*\(\s*['\"](?P<alias>[^'\"]+)['\"]"
        rf"|(?P<path>[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)(?P<call>\s*\()?)"
    )
    carried: str | None = None  # the scope of a configuration's call still open
    depth = 0  # its parentheses still open
    for raw in text.splitlines():
        code = _gradle_code(raw)
        for match in reference.finditer(code):
            if match.group("kind"):
                accessor = _accessor(match.group("alias"))
                if match.group("kind") == "Bundle":
                    accessor = f"bundles.{accessor}"
            else:
                segments = re.split(r"\s*\.\s*", match.group("path"))
                if match.group("call"):
                    segments = segments[:-1]  # a method (`get()`, `asProvider()`), no alias
                accessor = ".".join(segments)
            scope = _configuration_before(code[: match.start()]) or carried or RUNTIME
            yield match.group("root"), accessor, scope
        opened = code.count("(") - code.count(")")
        if depth > 0:
            depth = max(depth + opened, 0)
            carried = carried if depth else None
        elif opened > 0 and (opening := _configuration_before(code)) is not None:
            carried, depth = opening, opened


def resolve_catalogues(declared: list[Dependency], scripts: list[str]) -> list[Dependency]:
    """Version catalogues' libraries (``declared``, each with its ``entry``) as the
    repository's Gradle build scripts use them: the scope of the configurations that
    use one (runtime if any ships it, else dev), directly or through a bundle;
    ``optional`` for one no script uses (declared, not used). A catalogue no script
    names at all (no build script, or scripts that use another catalogue: the build
    that uses it is not in view) keeps ``runtime``: nothing here says otherwise.
    Returned in the order given."""
    catalogues = {d.entry.catalogue for d in declared if d.entry is not None}
    if not catalogues:
        return declared
    scopes: dict[tuple[str, str], set[str]] = {}  # (catalogue, accessor) → scopes
    for text in scripts:
        for catalogue, accessor, scope in _catalogue_uses(text, catalogues):
            scopes.setdefault((catalogue, accessor), set()).add(scope)
    judged = {catalogue for catalogue, _ in scopes}
    resolved: list[Dependency] = []
    for dependency in declared:
        entry = dependency.entry
        if entry is None or entry.catalogue not in judged:
            resolved.append(dependency)
            continue
        uses = set().union(
            scopes.get((entry.catalogue, entry.accessor), set()),
            *(scopes.get((entry.catalogue, f"bundles.{b}"), set()) for b in entry.bundles),
        )
        scope = RUNTIME if RUNTIME in uses else DEV if uses else OPTIONAL
        resolved.append(replace(dependency, scope=scope))
    return resolved


# --- PHP, Rust ---------------------------------------------------------------------------


def composer_json(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    document = _json(text)
    if not isinstance(document, dict):
        raise ManifestError("composer.json is not a JSON object")
    lines = _Lines(text)
    for section, scope in (("require", RUNTIME), ("require-dev", DEV)):
        entries = document.get(section)
        if not isinstance(entries, dict):
            continue
        start = text.find(f'"{section}"')
        for name in entries:
            if "/" in name and wanted("packagist", name):
                line, col = lines.find(rf'"({re.escape(name)})"\s*:', max(start, 0))
                yield Dependency("packagist", name, scope, line, col)


def cargo_toml(text: str, path: str, wanted: Wanted) -> Iterator[Dependency]:
    document = _toml(text)
    lines = _Lines(text)

    def tables() -> Iterator[tuple[str, dict, str]]:
        for key, scope in (
            ("dependencies", RUNTIME),
            ("dev-dependencies", DEV),
            ("build-dependencies", DEV),
        ):
            yield key, document.get(key) or {}, scope
        yield (
            "workspace.dependencies",
            (document.get("workspace") or {}).get("dependencies") or {},
            RUNTIME,
        )
        for target, body in (document.get("target") or {}).items():
            for key, scope in (("dependencies", RUNTIME), ("dev-dependencies", DEV)):
                yield f"target.{target}.{key}", (body or {}).get(key) or {}, scope

    for header, entries, scope in tables():
        for key, spec in entries.items():
            name = spec.get("package", key) if isinstance(spec, dict) else key
            if wanted("cargo", name):
                line, col = lines.find(
                    rf"^\s*({re.escape(key)})\s*=|^\[{re.escape(header.split('.')[-1])}\.({re.escape(key)})\]"
                )
                yield Dependency("cargo", name, scope, line, col)


# --- dispatch ----------------------------------------------------------------------------

Reader = Callable[..., Iterator[Dependency]]


def reader_for(path: str) -> tuple[Reader, str | None] | None:
    """The reader for a file (by its name), and the manifest whose presence beside a
    lockfile says which dependencies are direct; None for a file that is no manifest."""
    name = PurePosixPath(path).name
    lowered = name.lower()
    if name == "package.json":
        return package_json, None
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        return package_lock, "package.json"
    if name == "yarn.lock":
        return yarn_lock, None
    if name == "pnpm-lock.yaml":
        return pnpm_lock, None
    if lowered.endswith(".txt") and ("requirements" in lowered or "requirements/" in path.lower()):
        return requirements_txt, None
    if name == "pyproject.toml":
        return pyproject_toml, None
    if name == "Pipfile":
        return pipfile, None
    if name in ("poetry.lock", "uv.lock", "pdm.lock"):
        return python_lock, None
    if name == "go.mod":
        return go_mod, None
    if name in ("Gemfile", "gems.rb"):
        return gemfile, None
    if name in ("Gemfile.lock", "gems.locked"):
        return gemfile_lock, "Gemfile"
    if name == "pom.xml":
        return pom_xml, None
    if name in ("build.gradle", "build.gradle.kts"):
        return build_gradle, None
    if lowered.endswith(".versions.toml"):
        return gradle_catalog, None
    if name in ("settings.gradle", "settings.gradle.kts"):
        return gradle_settings, None
    if name == "composer.json":
        return composer_json, None
    if name == "Cargo.toml":
        return cargo_toml, None
    return None


def read_manifest(text: str, path: str, wanted: Wanted, siblings: set[str]) -> list[Dependency]:
    """Every wanted dependency ``path`` declares; :class:`ManifestError` when unreadable."""
    found = reader_for(path)
    if found is None:
        return []
    reader, manifest = found
    if manifest is not None:
        return list(reader(text, path, wanted, has_manifest=manifest in siblings))
    return list(reader(text, path, wanted))
