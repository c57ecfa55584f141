"""Terraform: data stores with their provider, region and encryption, and third-party providers.

Two inputs, one model:

- ``.tf`` files, parsed by a real HCL parser (python-hcl2), one module (folder) at a
  time: a resource's region comes from its own attribute, else from the provider
  block it uses (``provider = aws.eu``), with ``var.x`` and ``local.x`` resolved when
  they have a literal value; anything else is "not known", never guessed. A local
  module (``module "db" { source = "./modules/db" … }``) is read through each call,
  with the inputs the caller gives it and the caller's providers; a root module's
  variables come from their defaults and the variable files Terraform loads
  (``terraform.tfvars``, ``*.auto.tfvars``; ``-var-file`` ones where they agree);
- ``terraform show -json`` output (a plan or a state) and raw ``*.tfstate`` files:
  values as Terraform resolved them, regions from the resource, its ARN, its zone or
  the provider configuration.

Each data store (object storage, databases, queues, warehouses, log groups, volumes)
gets its countries from the region table shipped as ``registry/data/cloud-regions.yaml``
and its encryption at rest from what the resource says or, where the provider's
default is documented, from that default. Providers that are services themselves
(Datadog, Snowflake, MongoDB Atlas, Cloudflare, and the clouds) become sightings
through the vendor catalogue's ``terraform`` entries.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from registry.core.loader import LoadResult, load_text
from registry.core.position import Position
from registry.discover.catalogue import Catalogue
from registry.discover.found import Problem, RepoScan, Sighting, Store, json_object
from registry.discover.manifests import RUNTIME

# Terraform provider type → the region table's provider
REGION_TABLES = {
    "aws": "aws",
    "google": "google",
    "google-beta": "google",
    "azurerm": "azure",
    "ovh": "ovh",
    "openstack": "ovh",
    "scaleway": "scaleway",
    "hcloud": "hetzner",
}


@cache
def region_table() -> dict[str, dict[str, tuple[str, ...]]]:
    text = resources.files("registry").joinpath("data/cloud-regions.yaml").read_text("utf-8")
    result = LoadResult()
    load_text(text, "cloud-regions.yaml", result)
    if result.problems:
        raise RuntimeError(f"registry/data/cloud-regions.yaml is unreadable: {result.problems}")
    providers = result.documents[0].body["providers"]
    return {
        provider: {
            str(region): tuple(value) if isinstance(value, list) else (value,)
            for region, value in regions.items()
        }
        for provider, regions in providers.items()
    }


def _region_key(table: str, region: str) -> str:
    """A region (or zone, or data centre) as the table spells it."""
    region = region.strip()
    if table == "aws":
        region = region.lower()
        zone = re.fullmatch(r"([a-z]{2}(?:-gov)?-[a-z]+-\d)[a-z]", region)
        return zone.group(1) if zone else region
    if table == "google":
        region = region.lower()
        zone = re.fullmatch(r"([a-z]+-[a-z]+\d+)-[a-z]", region)
        return zone.group(1) if zone else region.removeprefix("regional-")
    if table == "azure":
        return region.lower().replace(" ", "")
    if table == "ovh":
        region = region.upper()
        return region if "-" in region else region.rstrip("0123456789")
    if table == "scaleway":
        region = region.lower()
        return re.sub(r"-\d+$", "", region)
    if table == "hetzner":
        return region.lower().split("-dc")[0]
    return region


def countries_of(provider: str, region: str | None) -> tuple[str, ...]:
    """The countries a provider's region lies in; () when the region or table is unknown."""
    table = REGION_TABLES.get(provider)
    if table is None or not region:
        return ()
    return region_table()[table].get(_region_key(table, region), ())


# --- HCL values --------------------------------------------------------------------------

_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")


def _plain(value: Any) -> Any:
    """python-hcl2's output without its quoting and bookkeeping keys (versions differ:
    8.x quotes strings and keys, 7.x does not)."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


@dataclass
class Module:
    """One Terraform folder: its providers, variables, locals and resources."""

    variables: dict[str, Any] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    providers: dict[tuple[str, str], dict] = field(default_factory=dict)  # (type, alias)
    provider_pos: dict[str, Position] = field(default_factory=dict)
    resources: list[tuple[str, str, dict, Position]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    declared: set[str] = field(default_factory=set)  # its variables, with or without default

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """A literal value, with `var.x`, `local.x` and `TYPE.NAME.attr` references to
        literals substituted; None when it depends on anything else."""
        if not isinstance(value, str) or depth > 8:
            return value if depth <= 8 else None
        whole = re.fullmatch(r"\$\{([^{}]*)\}", value)
        if whole:
            return self._reference(whole.group(1).strip(), depth)
        if "${" not in value:
            return value
        parts = []
        for piece in _INTERPOLATION.split(value):
            parts.append(piece)
        resolved = []
        for index, piece in enumerate(parts):
            if index % 2:
                found = self._reference(piece.strip(), depth)
                if not isinstance(found, str | int | float):
                    return None
                resolved.append(str(found))
            else:
                resolved.append(piece)
        return "".join(resolved)

    def _reference(self, expression: str, depth: int) -> Any:
        match = re.fullmatch(r"(var|local)\.([A-Za-z0-9_-]+)", expression)
        if match:
            pool = self.variables if match.group(1) == "var" else self.locals
            return self.resolve(pool.get(match.group(2)), depth + 1)
        match = re.fullmatch(r"([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.(location|region)", expression)
        if match:
            for kind, name, attrs, _ in self.resources:
                if (kind, name) == (match.group(1), match.group(2)):
                    return self.resolve(attrs.get(match.group(3)), depth + 1)
        return None

    def provider_region(self, provider: str, attrs: dict) -> str | None:
        alias = ""
        reference = attrs.get("provider")
        if isinstance(reference, str):
            found = re.fullmatch(r"\$\{?[a-z0-9-]+\.([A-Za-z0-9_-]+)\}?", reference)
            alias = found.group(1) if found else ""
        config = self.providers.get((provider, alias)) or {}
        for key in ("region", "zone", "location"):
            value = self.resolve(config.get(key))
            if isinstance(value, str):
                return value
        return None


def _line_of(text: str, pattern: str) -> tuple[int, int]:
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        return 1, 1
    at = match.start(1) if match.lastindex else match.start()  # the group, if it has one
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


# --- stores ------------------------------------------------------------------------------

Encryption = tuple[bool | None, str]
Get = Callable[[str], Any]  # an attribute, resolved


def _always(why: str) -> Callable[[Get], Encryption]:
    return lambda get: (True, why)


def _flag(
    attribute: str, default: bool | None = None, why: str = ""
) -> Callable[[Get], Encryption]:
    """Encrypted per a boolean attribute; ``default`` when it is not written (None: the
    provider's default is not known from the code alone)."""

    def judge(get: Get) -> Encryption:
        value = get(attribute)
        if isinstance(value, bool):
            return value, f"{attribute} = {str(value).lower()}"
        if value is None and default is not None:
            return default, why
        return None, f"{attribute} not known"

    return judge


def _rds(get: Get) -> Encryption:
    """RDS encrypts only when asked: `storage_encrypted` defaults to false, except for a
    replica or a restore (which inherit) and Aurora Serverless v1."""
    value = get("storage_encrypted")
    if isinstance(value, bool):
        return value, f"storage_encrypted = {str(value).lower()}"
    inherited = any(
        get(a) for a in ("replicate_source_db", "snapshot_identifier", "kms_key_id",
                         "replication_source_identifier", "restore_to_point_in_time",
                         "snapshot_identifier", "global_cluster_identifier")
    )  # fmt: skip
    if inherited or get("engine_mode") == "serverless":
        return None, "inherited or serverless"
    return False, "storage_encrypted not set (Terraform's default is false)"


def _sqs(get: Get) -> Encryption:
    if get("kms_master_key_id"):
        return True, "kms_master_key_id set"
    value = get("sqs_managed_sse_enabled")
    if value is False:
        return False, "sqs_managed_sse_enabled = false"
    return True, "SQS-managed encryption (on by default since 2022)"


def _kinesis(get: Get) -> Encryption:
    value = get("encryption_type")
    if isinstance(value, str):
        return value.upper() == "KMS", f'encryption_type = "{value}"'
    return False, "encryption_type not set (Terraform's default is NONE)"


def _block_flag(block: str, attribute: str) -> Callable[[Get], Encryption]:
    def judge(get: Get) -> Encryption:
        found = get(block)
        items = found if isinstance(found, list) else [found] if isinstance(found, dict) else []
        for item in items:
            if isinstance(item, dict) and isinstance(item.get(attribute), bool):
                value = item[attribute]
                return value, f"{block} {{ {attribute} = {str(value).lower()} }}"
        return None, f"{block} not known"

    return judge


def _mssql(get: Get) -> Encryption:
    value = get("transparent_data_encryption_enabled")
    if value is False:
        return False, "transparent_data_encryption_enabled = false"
    return True, "transparent data encryption (on by default)"


def _scaleway_rdb(get: Get) -> Encryption:
    value = get("encryption_at_rest")
    if isinstance(value, bool):
        return value, f"encryption_at_rest = {str(value).lower()}"
    return None, "encryption_at_rest not known"


@dataclass(frozen=True)
class StoreType:
    names: tuple[str, ...]  # attributes naming the store, first written wins
    encryption: Callable[[Get], Encryption]
    regions: tuple[str, ...] = ("region",)  # attributes or `block.attribute` giving it


_S3 = "S3 encrypts every new object (since January 2023)"
_AT_REST = "the provider encrypts all data at rest"
STORE_TYPES: dict[str, StoreType] = {
    # AWS
    "aws_s3_bucket": StoreType(("bucket",), _always(_S3)),
    "aws_db_instance": StoreType(
        ("identifier", "db_name", "name"), _rds, ("region", "availability_zone")
    ),
    "aws_rds_cluster": StoreType(("cluster_identifier", "database_name"), _rds),
    "aws_dynamodb_table": StoreType(("name",), _always("DynamoDB encrypts all tables at rest")),
    "aws_ebs_volume": StoreType((), _flag("encrypted"), ("region", "availability_zone")),
    "aws_efs_file_system": StoreType(("creation_token",), _flag("encrypted")),
    "aws_elasticache_replication_group": StoreType(
        ("replication_group_id",), _flag("at_rest_encryption_enabled")
    ),
    "aws_redshift_cluster": StoreType(("cluster_identifier", "database_name"), _flag("encrypted")),
    "aws_sqs_queue": StoreType(("name",), _sqs),
    "aws_kinesis_stream": StoreType(("name",), _kinesis),
    "aws_opensearch_domain": StoreType(("domain_name",), _block_flag("encrypt_at_rest", "enabled")),
    "aws_elasticsearch_domain": StoreType(
        ("domain_name",), _block_flag("encrypt_at_rest", "enabled")
    ),
    "aws_docdb_cluster": StoreType(("cluster_identifier",), _flag("storage_encrypted")),
    "aws_neptune_cluster": StoreType(("cluster_identifier",), _flag("storage_encrypted")),
    "aws_cloudwatch_log_group": StoreType(("name",), _always("CloudWatch Logs encrypts log data")),
    "aws_msk_cluster": StoreType(("cluster_name",), _always("MSK encrypts data at rest")),
    "aws_backup_vault": StoreType(("name",), _always("AWS Backup encrypts backups")),
    # Google Cloud
    "google_storage_bucket": StoreType(("name",), _always(_AT_REST), ("location",)),
    "google_sql_database_instance": StoreType(("name",), _always(_AT_REST)),
    "google_bigquery_dataset": StoreType(("dataset_id",), _always(_AT_REST), ("location",)),
    "google_spanner_instance": StoreType(("name",), _always(_AT_REST), ("config",)),
    "google_firestore_database": StoreType(("name",), _always(_AT_REST), ("location_id",)),
    "google_redis_instance": StoreType(("name",), _always(_AT_REST)),
    "google_alloydb_cluster": StoreType(("cluster_id",), _always(_AT_REST), ("location",)),
    "google_bigtable_instance": StoreType(("name",), _always(_AT_REST), ("cluster.zone",)),
    "google_logging_project_bucket_config": StoreType(
        ("bucket_id",), _always(_AT_REST), ("location",)
    ),
    # Azure
    **{
        kind: StoreType(("name",), _always(_AT_REST), ("location",))
        for kind in (
            "azurerm_storage_account",
            "azurerm_mssql_server",
            "azurerm_sql_server",
            "azurerm_postgresql_flexible_server",
            "azurerm_postgresql_server",
            "azurerm_mysql_flexible_server",
            "azurerm_mysql_server",
            "azurerm_redis_cache",
            "azurerm_managed_disk",
            "azurerm_log_analytics_workspace",
        )
    },
    "azurerm_cosmosdb_account": StoreType(
        ("name",), _always(_AT_REST), ("location", "geo_location.location")
    ),
    "azurerm_mssql_database": StoreType(("name",), _mssql, ()),
    # OVHcloud (its databases, and object storage through the OpenStack provider)
    "ovh_cloud_project_database": StoreType(
        ("description",), lambda get: (None, "not known"), ("nodes.region",)
    ),
    "openstack_objectstorage_container_v1": StoreType(("name",), lambda get: (None, "not known")),
    "openstack_blockstorage_volume_v3": StoreType(("name",), lambda get: (None, "not known")),
    # Scaleway
    "scaleway_object_bucket": StoreType(("name",), lambda get: (None, "not known")),
    "scaleway_rdb_instance": StoreType(("name",), _scaleway_rdb),
    "scaleway_redis_cluster": StoreType(("name",), lambda get: (None, "not known"), ("zone",)),
    "scaleway_mongodb_instance": StoreType(("name",), lambda get: (None, "not known")),
    "scaleway_block_volume": StoreType(("name",), lambda get: (None, "not known"), ("zone",)),
    # Hetzner
    "hcloud_volume": StoreType(("name",), lambda get: (None, "not known"), ("location",)),
    "hcloud_server": StoreType(
        ("name",), lambda get: (None, "not known"), ("location", "datacenter")
    ),
}


def _provider_of(resource: str) -> str:
    prefix = resource.split("_", 1)[0]
    return "google" if prefix == "google" else prefix


def _attribute(attrs: dict, path: str) -> list[Any]:
    """Every value at a dotted path (`nodes.region`), through nested blocks."""
    values: list[Any] = [attrs]
    for step in path.split("."):
        found: list[Any] = []
        for value in values:
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, dict) and step in item:
                    found.append(item[step])
        values = found
    return [v for value in values for v in (value if isinstance(value, list) else [value])]


def store_of(
    resource: str,
    address: str,
    attrs: dict,
    resolve: Callable[[Any], Any],
    fallback_region: Callable[[], str | None],
    module: str,
    pos: Position,
) -> Store | None:
    """The data store a resource declares (None for any other resource): ``resolve``
    turns a written value into a literal (or None), ``fallback_region`` gives the
    provider's region when the resource names none."""
    kind = STORE_TYPES.get(resource)
    if kind is None:
        return None

    def get(attribute: str) -> Any:
        return resolve(attrs.get(attribute))

    provider = _provider_of(resource)
    name = next((v for a in kind.names if isinstance(v := get(a), str) and v), None)
    regions: list[str] = []
    written = False  # a region the resource sets but that cannot be resolved is not known
    for path in kind.regions:
        values = _attribute(attrs, path)
        written = written or any(v is not None for v in values)
        regions = [v for v in map(resolve, values) if isinstance(v, str) and v]
        if regions:
            break
    if not regions and resource == "google_bigquery_dataset" and get("location") is None:
        regions = ["US"]  # BigQuery's documented default location
    if not regions and not written and (region := fallback_region()):
        regions = [region]
    located: list[str] = []
    for region in dict.fromkeys(regions):
        found = countries_of(provider, region)
        if not found:  # one region not in the table: the location is not known
            located = []
            break
        located += [c for c in found if c not in located]
    encrypted, why = kind.encryption(get)
    return Store(
        module, address, resource, provider, name, ", ".join(dict.fromkeys(regions)) or None,
        tuple(located), encrypted, why, pos,
    )  # fmt: skip


# --- .tf modules -------------------------------------------------------------------------


def _hcl(text: str) -> dict:
    import hcl2  # python-hcl2; imported here so code without Terraform never loads it

    return _plain(hcl2.loads(text))


def _blocks(document: dict, key: str) -> Iterator[dict]:
    for block in document.get(key) or []:
        if isinstance(block, dict):
            yield block


@dataclass
class Call:
    """A ``module "name" { source = "./…" … }`` block: a local module and its inputs."""

    name: str
    source: str
    inputs: dict[str, Any]  # variable → value as written in the caller
    providers: dict[str, str]  # the child's provider name → the caller's `type.alias`


# Arguments of a module block that are not input variables
_META = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})
# Variable files Terraform loads by itself, for a root module (later ones win)
AUTO_TFVARS = ("terraform.tfvars", "terraform.tfvars.json")
MAX_MODULE_DEPTH = 10


def is_tfvars(name: str) -> bool:
    return name.endswith((".tfvars", ".tfvars.json"))


def _where(display: str, error: Exception) -> Position:
    """Where a parser stopped: json's ``lineno``/``colno``, lark's ``line``/``column``
    (1 where the error does not say)."""
    line = getattr(error, "lineno", None) or getattr(error, "line", None)
    column = getattr(error, "colno", None) or getattr(error, "column", None)
    line = line if isinstance(line, int) and line > 0 else 1
    column = column if isinstance(column, int) and column > 0 else 1
    return Position(display, line, column)


def _parse_tf(
    files: list[tuple[str, str]], scan: RepoScan, providers_seen: dict[str, Position]
) -> Module:
    """One folder's ``.tf`` files as a :class:`Module`; unparsable files are problems."""
    module = Module()
    for display, text in files:
        try:
            document = _hcl(text)
        except ImportError:
            message = "python-hcl2 is not installed (pip install python-hcl2)"
            scan.problems.append(Problem(Position(display, 1, 1), message))
            continue
        except Exception as error:  # the parser raises its own (lark) error types
            message = (
                str(error).strip().splitlines()[0][:200]
                if str(error).strip()
                else type(error).__name__
            )
            scan.problems.append(Problem(_where(display, error), f"not valid HCL: {message}"))
            continue
        for block in _blocks(document, "variable"):
            for name, body in block.items():
                module.declared.add(name)
                if isinstance(body, dict) and "default" in body:
                    module.variables[name] = body["default"]
        for block in _blocks(document, "locals"):
            module.locals.update(block)
        for block in _blocks(document, "provider"):
            for provider, body in block.items():
                if not isinstance(body, dict):
                    continue
                alias = body.get("alias") if isinstance(body.get("alias"), str) else ""
                module.providers[(provider, alias)] = body
                line, col = _line_of(text, rf'^\s*(provider)\s+"?{re.escape(provider)}"?\s*\{{')
                providers_seen.setdefault(provider, Position(display, line, col))
        for block in _blocks(document, "terraform"):
            for required in block.get("required_providers") or []:
                if not isinstance(required, dict):
                    continue
                for local, spec in required.items():
                    source = spec.get("source") if isinstance(spec, dict) else None
                    kind = (
                        (source or local).rsplit("/", 1)[-1].lower()
                        if isinstance(source or local, str)
                        else local
                    )
                    line, col = _line_of(text, rf"^\s*({re.escape(local)})\s*=")
                    providers_seen.setdefault(kind, Position(display, line, col))
        for block in _blocks(document, "module"):
            for name, body in block.items():
                source = body.get("source") if isinstance(body, dict) else None
                # only a local path is a folder of this repository (Terraform's own rule)
                if not isinstance(source, str) or not source.startswith(("./", "../")):
                    continue
                mapping = body.get("providers")
                mapping = mapping[0] if isinstance(mapping, list) and mapping else mapping
                module.calls.append(
                    Call(
                        name,
                        source,
                        {k: v for k, v in body.items() if k not in _META},
                        {
                            str(k): str(v).strip("${}")
                            for k, v in (mapping.items() if isinstance(mapping, dict) else ())
                        },
                    )
                )
        for block in _blocks(document, "resource"):
            for resource, named in block.items():
                if not isinstance(named, dict):
                    continue
                for name, attrs in named.items():
                    if not isinstance(attrs, dict):
                        continue
                    line, col = _line_of(
                        text, rf'^\s*(resource)\s+"{re.escape(resource)}"\s+"{re.escape(name)}"'
                    )
                    pos = Position(display, line, col)
                    module.resources.append((resource, name, attrs, pos))
                    providers_seen.setdefault(_provider_of(resource), pos)
    return module


def _tfvars(files: list[tuple[str, str]], scan: RepoScan) -> list[tuple[str, dict]]:
    """A folder's variable files, parsed: ``(file name, values)``."""
    parsed = []
    for display, text in files:
        name = display.rsplit("/", 1)[-1]
        try:
            values = json.loads(text) if name.endswith(".json") else _hcl(text)
        except ImportError:
            continue  # said once for the .tf files
        except Exception as error:  # json's or the HCL parser's own error types
            message = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
            scan.problems.append(
                Problem(_where(display, error), f"not a valid variables file: {message}")
            )
            continue
        if isinstance(values, dict):
            parsed.append((name, values))
    return parsed


def _root_variables(module: Module, files: list[tuple[str, dict]]) -> None:
    """A root module's variables as Terraform sets them: defaults, then the files it
    loads by itself (``terraform.tfvars``, then ``*.auto.tfvars`` by name). Other
    ``*.tfvars`` are given with ``-var-file`` for one deployment or another: a value
    they all agree on is used, values that differ leave the variable not known."""
    automatic = sorted(
        (f for f in files if f[0] in AUTO_TFVARS or ".auto.tfvars" in f[0]),
        key=lambda f: (f[0] not in AUTO_TFVARS, f[0]),
    )
    for _, values in automatic:
        module.variables.update(values)
    chosen = [values for name, values in files if (name, values) not in automatic]
    if not chosen:
        return
    for name in {k for values in chosen for k in values}:
        candidates = [values.get(name, module.variables.get(name)) for values in chosen]
        same = all(c == candidates[0] for c in candidates)
        module.variables[name] = candidates[0] if same else None


def _literal(value: Any, resolve: Callable[[Any], Any], depth: int = 0) -> Any:
    """``value`` with every string resolved in the caller (None where it cannot be)."""
    if depth > 8:
        return None
    if isinstance(value, dict):
        return {k: _literal(v, resolve, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v, resolve, depth + 1) for v in value]
    if isinstance(value, str):
        found = resolve(value)
        return None if isinstance(found, str) and "${" in found else found
    return value


def _instance(child: Module, caller: Module, call: Call) -> Module:
    """The module ``call`` makes of ``child``: its inputs resolved in the caller (an
    input the caller cannot resolve is not known, never the child's default), and the
    caller's providers where the child configures none (Terraform's inheritance)."""
    variables = dict(child.variables)
    for name, value in call.inputs.items():
        if name in child.declared:
            variables[name] = _literal(value, caller.resolve)
    providers = dict(child.providers)
    # the caller's default providers pass down unless the block maps them itself
    passed: dict[tuple[str, str], str] = {(kind, ""): kind for kind, alias in caller.providers}
    for name, target in call.providers.items():
        kind, _, alias = name.partition(".")
        passed[(kind, alias)] = target
    for key, target in passed.items():
        if key in providers:
            continue
        kind, _, alias = target.partition(".")
        config = caller.providers.get((kind, alias))
        if config is not None:
            providers[key] = _literal(config, caller.resolve)
    return Module(
        variables=variables,
        locals=child.locals,
        providers=providers,
        resources=child.resources,
        calls=child.calls,
        declared=child.declared,
    )


def _stores(
    module: Module,
    folder: str,
    prefix: str,
    modules: dict[str, Module],
    scan: RepoScan,
    path: tuple[str, ...],
) -> None:
    """The stores ``module`` declares, then those of the local modules it calls
    (addresses as Terraform writes them: ``module.db.aws_db_instance.main``)."""
    for resource, name, attrs, pos in module.resources:
        provider = _provider_of(resource)
        store = store_of(
            resource, f"{prefix}{resource}.{name}", attrs, module.resolve,
            lambda p=provider, a=attrs: module.provider_region(p, a), folder, pos,
        )  # fmt: skip
        if store is not None:
            scan.stores.append(store)
    if len(path) > MAX_MODULE_DEPTH:
        return
    for call in module.calls:
        target = _target(path[-1], call.source)
        child = modules.get(target)
        if child is None or target in path:  # outside the repository, or a cycle
            continue
        instance = _instance(child, module, call)
        _stores(instance, folder, f"{prefix}module.{call.name}.", modules, scan, (*path, target))


def _target(folder: str, source: str) -> str:
    return posixpath.normpath(posixpath.join(folder, source))


def read_modules(
    folders: dict[str, list[tuple[str, str]]],
    variable_files: dict[str, list[tuple[str, str]]],
    catalogue: Catalogue,
    scan: RepoScan,
) -> None:
    """The ``.tf`` files of a repository, by folder (``(display path, text)`` pairs),
    and its ``.tfvars`` files by folder. A folder another one calls as a local module
    is read through that call, with the inputs it is given; the others are root
    modules, with their variable files."""
    providers_seen: dict[str, Position] = {}
    modules: dict[str, Module] = {}
    for folder in sorted(folders):
        try:
            modules[folder] = _parse_tf(folders[folder], scan, providers_seen)
        except _UNEXPECTED as error:
            _unexpected(folders[folder], error, scan)
    called = {
        _target(folder, call.source) for folder, module in modules.items() for call in module.calls
    }
    for folder in sorted(modules):
        if folder in called:
            continue
        module = modules[folder]
        shown = folders[folder][0][0]
        shown = shown.rsplit("/", 1)[0] if "/" in shown else ""
        try:
            _root_variables(module, _tfvars(variable_files.get(folder, []), scan))
            _stores(module, shown, "", modules, scan, (folder,))
        except _UNEXPECTED as error:
            _unexpected(folders[folder], error, scan)
    _provider_sightings(providers_seen, catalogue, scan)


# A module of a shape the readers do not expect: what it declares is not known
_UNEXPECTED = (RecursionError, ValueError, TypeError, KeyError, AttributeError)


def _unexpected(files: list[tuple[str, str]], error: Exception, scan: RepoScan) -> None:
    message = f"cannot be read as Terraform: {type(error).__name__}"
    scan.problems.append(Problem(Position(files[0][0], 1, 1), message))


def read_module(files: list[tuple[str, str]], catalogue: Catalogue, scan: RepoScan) -> None:
    """The ``.tf`` files of one folder: ``(display path, text)`` pairs."""
    folder = posixpath.dirname(files[0][0]) or "."
    read_modules({folder: files}, {}, catalogue, scan)


def _provider_sightings(seen: dict[str, Position], catalogue: Catalogue, scan: RepoScan) -> None:
    for provider, pos in sorted(seen.items()):
        vendor = catalogue.vendor_of_terraform(provider)
        if vendor is not None:
            name = catalogue.vendors[vendor].name
            scan.sightings.append(
                Sighting(vendor, name, "terraform", f"provider {provider}", RUNTIME, pos)
            )


# --- plans and states --------------------------------------------------------------------


def is_plan(text: str) -> bool:
    """`terraform show -json` output, or a raw state file."""
    head = text[:4096]
    shown = '"format_version"' in head and any(
        key in text for key in ('"planned_values"', '"values"', '"prior_state"')
    )
    return shown or ('"terraform_version"' in head and '"resources"' in text)


def _plan_modules(module: Any) -> Iterator[dict]:
    stack = [module]
    while stack:
        current = stack.pop()
        if not isinstance(current, dict):
            continue
        for resource in current.get("resources") or []:
            if isinstance(resource, dict):
                yield resource
        stack.extend(current.get("child_modules") or [])


def _plan_region(values: dict, provider_region: str | None) -> str | None:
    for key in ("region", "location"):
        if isinstance(values.get(key), str) and values[key]:
            return values[key]
    arn = values.get("arn")
    if isinstance(arn, str) and arn.count(":") >= 4 and arn.split(":")[3]:
        return arn.split(":")[3]
    zone = values.get("availability_zone")
    if isinstance(zone, str) and zone:
        return zone
    return provider_region


def _configured_regions(document: dict) -> dict[str, str]:
    """Provider (by its configuration key, e.g. `aws` or `aws.eu`) → constant region."""
    found: dict[str, str] = {}
    variables = document.get("variables") if isinstance(document.get("variables"), dict) else {}
    configs = (document.get("configuration") or {}).get("provider_config") or {}
    for key, config in configs.items() if isinstance(configs, dict) else ():
        expressions = (config or {}).get("expressions") or {}
        for attribute in ("region", "zone", "location"):
            expression = expressions.get(attribute) or {}
            value = expression.get("constant_value")
            references = expression.get("references") or []
            if value is None and len(references) == 1 and str(references[0]).startswith("var."):
                # a root variable: the plan records the value it was planned with
                value = (variables.get(str(references[0])[4:]) or {}).get("value")
            if isinstance(value, str):
                found[key] = value
                break
    return found


def _plan_resources(document: dict) -> list[tuple[str, dict]]:
    """(address, resource) of each managed resource, from `show -json` or a raw state."""
    found: list[tuple[str, dict]] = []
    if "terraform_version" in document and isinstance(document.get("resources"), list):
        for resource in document["resources"]:
            if not isinstance(resource, dict) or resource.get("mode") == "data":
                continue
            prefix = f"{resource['module']}." if resource.get("module") else ""
            for instance in resource.get("instances") or []:
                if not isinstance(instance, dict):
                    continue
                key = f"[{json.dumps(instance['index_key'])}]" if "index_key" in instance else ""
                address = f"{prefix}{resource.get('type')}.{resource.get('name')}{key}"
                values = instance.get("attributes") or {}
                kind, provider = resource.get("type"), resource.get("provider")
                found.append((address, {"type": kind, "provider_name": provider, "values": values}))
        return found
    for root in (
        (document.get("planned_values") or {}).get("root_module"),
        (document.get("values") or {}).get("root_module"),
        ((document.get("prior_state") or {}).get("values") or {}).get("root_module"),
    ):
        if root:
            return [
                (str(r.get("address")), r) for r in _plan_modules(root) if r.get("mode") != "data"
            ]
    return found


def read_plan(text: str, display: str, catalogue: Catalogue, scan: RepoScan) -> None:
    """A `terraform show -json` plan or state, or a raw ``*.tfstate``."""
    document = json_object(text, display, scan)
    if document is None:
        return
    regions = _configured_regions(document)
    providers_seen: dict[str, Position] = {}
    for address, resource in _plan_resources(document):
        kind = str(resource.get("type") or "")
        values = resource.get("values") if isinstance(resource.get("values"), dict) else {}
        # `registry.terraform.io/hashicorp/aws`, or a state's `provider["…/aws"].alias`
        written = re.sub(r'^provider\["?|"?\].*$', "", str(resource.get("provider_name") or ""))
        provider = written.rsplit("/", 1)[-1] or _provider_of(kind)
        line, col = _line_of(text, rf'("address")\s*:\s*"{re.escape(address)}"')
        pos = Position(display, line, col)
        providers_seen.setdefault(provider, pos)
        configured = regions.get(provider) or next(
            (r for k, r in sorted(regions.items()) if k.split(".")[0] == provider), None
        )
        store = store_of(
            kind, address, values, lambda v: v,
            lambda v=values, c=configured: _plan_region(v, c), display, pos,
        )  # fmt: skip
        if store is not None:
            scan.stores.append(store)
    _provider_sightings(providers_seen, catalogue, scan)
