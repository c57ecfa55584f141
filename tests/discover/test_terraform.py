"""Terraform: stores with region, countries and encryption; providers as services."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from registry.discover.catalogue import shipped_catalogue
from registry.discover.scan import RepoScan, ScanOptions, scan_repository
from registry.discover.terraform import countries_of, read_module, read_plan, region_table


def module(*texts: str) -> RepoScan:
    scan = RepoScan("")
    files = [(f"infra/f{i}.tf", textwrap.dedent(t).lstrip()) for i, t in enumerate(texts)]
    read_module(files, shipped_catalogue(), scan)
    return scan


def stores(scan: RepoScan) -> dict[str, tuple]:
    return {
        s.address: (s.name, s.region, s.countries, s.encrypted, str(s.pos)) for s in scan.stores
    }


def test_regions_from_the_provider_its_alias_variables_and_locals():
    scan = module(
        """
        variable "region" {
          default = "eu-west-3"
        }
        provider "aws" {
          region = var.region
        }
        provider "aws" {
          alias  = "us"
          region = "us-east-1"
        }
        resource "aws_s3_bucket" "exports" {
          bucket = "acme-${var.region}-exports"
        }
        resource "aws_s3_bucket" "mirror" {
          provider = aws.us
          bucket   = "acme-mirror"
        }
        """,
        """
        locals {
          where = "West Europe"
        }
        resource "azurerm_resource_group" "rg" {
          location = local.where
        }
        resource "azurerm_storage_account" "files" {
          name     = "acmefiles"
          location = azurerm_resource_group.rg.location
        }
        """,
    )
    assert stores(scan) == {
        "aws_s3_bucket.exports": (
            "acme-eu-west-3-exports",
            "eu-west-3",
            ("FR",),
            True,
            "infra/f0.tf:11:1",
        ),
        "aws_s3_bucket.mirror": ("acme-mirror", "us-east-1", ("US",), True, "infra/f0.tf:14:1"),
        "azurerm_storage_account.files": (
            "acmefiles",
            "West Europe",
            ("NL",),
            True,
            "infra/f1.tf:7:1",
        ),
    }
    assert {(s.vendor, s.detail) for s in scan.sightings} == {
        ("aws", "provider aws"),
        ("microsoft-azure", "provider azurerm"),
    }


def test_a_region_that_cannot_be_known_is_left_unknown():
    scan = module(
        """
        variable "region" {}
        provider "aws" {
          region = var.region
        }
        resource "aws_s3_bucket" "b" {
          bucket = var.name
        }
        provider "google" {}
        resource "google_storage_bucket" "g" {
          name     = "g"
          location = "MARS-CENTRAL1"
        }
        """
    )
    assert {s.address: (s.name, s.region, s.countries) for s in scan.stores} == {
        "aws_s3_bucket.b": (None, None, ()),
        "google_storage_bucket.g": ("g", "MARS-CENTRAL1", ()),
    }


@pytest.mark.parametrize(
    ("resource", "encrypted"),
    [
        ('resource "aws_db_instance" "d" {\n  engine = "postgres"\n}\n', False),  # default
        ('resource "aws_db_instance" "d" {\n  storage_encrypted = true\n}\n', True),
        ('resource "aws_db_instance" "d" {\n  replicate_source_db = "x"\n}\n', None),
        ('resource "aws_rds_cluster" "d" {\n  storage_encrypted = false\n}\n', False),
        ('resource "aws_ebs_volume" "d" {\n  size = 10\n}\n', None),  # account default
        ('resource "aws_ebs_volume" "d" {\n  encrypted = false\n}\n', False),
        ('resource "aws_sqs_queue" "d" {\n  sqs_managed_sse_enabled = false\n}\n', False),
        ('resource "aws_sqs_queue" "d" {\n  name = "q"\n}\n', True),
        ('resource "aws_kinesis_stream" "d" {\n  name = "s"\n}\n', False),
        ('resource "aws_kinesis_stream" "d" {\n  encryption_type = "KMS"\n}\n', True),
        (
            'resource "aws_opensearch_domain" "d" {\n  encrypt_at_rest {\n'
            "    enabled = false\n  }\n}\n",
            False,
        ),
        ('resource "aws_dynamodb_table" "d" {\n  name = "t"\n}\n', True),
        (
            'resource "azurerm_mssql_database" "d" {\n'
            "  transparent_data_encryption_enabled = false\n}\n",
            False,
        ),
        ('resource "hcloud_volume" "d" {\n  location = "fsn1"\n}\n', None),
    ],
)
def test_encryption_at_rest(resource, encrypted):
    [store] = module('provider "aws" {\n  region = "eu-west-1"\n}\n' + resource).stores
    assert store.encrypted is encrypted


@pytest.mark.parametrize(
    ("provider", "region", "countries"),
    [
        ("aws", "eu-west-3", ("FR",)),
        ("aws", "eu-west-3b", ("FR",)),  # an availability zone
        ("google", "EU", ("EEA",)),
        ("google", "europe-west1-b", ("BE",)),
        ("google", "regional-europe-west9", ("FR",)),
        ("google", "eur4", ("FI", "NL")),
        ("azurerm", "France Central", ("FR",)),
        ("ovh", "GRA11", ("FR",)),
        ("openstack", "BHS5", ("CA",)),
        ("scaleway", "nl-ams-1", ("NL",)),
        ("hcloud", "fsn1-dc14", ("DE",)),
        ("aws", "moon-1", ()),
        ("digitalocean", "fra1", ()),
    ],
)
def test_region_table(provider, region, countries):
    assert countries_of(provider, region) == countries


def test_the_region_table_covers_the_six_providers_with_real_countries():
    from registry.core.vocabulary import is_iso_country

    table = region_table()
    assert set(table) == {"aws", "google", "azure", "ovh", "scaleway", "hetzner"}
    for regions in table.values():
        for countries in regions.values():
            assert all(c == "EEA" or is_iso_country(c) for c in countries)


def test_bigquery_without_location_is_in_the_us():
    [store] = module('resource "google_bigquery_dataset" "d" {\n  dataset_id = "x"\n}\n').stores
    assert store.countries == ("US",)


def test_third_party_providers_are_services():
    scan = module(
        """
        terraform {
          required_providers {
            datadog = {
              source = "DataDog/datadog"
            }
            atlas = {
              source = "mongodb/mongodbatlas"
            }
          }
        }
        resource "snowflake_database" "db" {
          name = "analytics"
        }
        """
    )
    assert {(s.vendor, str(s.pos)) for s in scan.sightings} == {
        ("datadog", "infra/f0.tf:3:5"),
        ("mongodb-atlas", "infra/f0.tf:6:5"),
        ("snowflake", "infra/f0.tf:11:1"),
    }


def test_broken_hcl_is_a_problem_and_the_other_files_are_read():
    scan = module(
        'resource "aws_s3_bucket" "b" {\n  bucket = \n',
        'provider "aws" {\n  region = "eu-west-1"\n}\n',
    )
    assert [p.pos.file for p in scan.problems] == ["infra/f0.tf"]
    assert scan.problems[0].message.startswith("not valid HCL")
    # where the parser stopped: after `bucket = `, not the top of the file
    assert (scan.problems[0].pos.line, scan.problems[0].pos.column) == (2, 12)
    assert [s.vendor for s in scan.sightings] == ["aws"]


PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "planned_values": {
        "root_module": {
            "resources": [
                {
                    "address": "aws_db_instance.main",
                    "mode": "managed",
                    "type": "aws_db_instance",
                    "name": "main",
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "values": {"identifier": "shop-db", "storage_encrypted": False},
                }
            ],
            "child_modules": [
                {
                    "address": "module.archive",
                    "resources": [
                        {
                            "address": "module.archive.google_storage_bucket.b",
                            "mode": "managed",
                            "type": "google_storage_bucket",
                            "name": "b",
                            "provider_name": "registry.terraform.io/hashicorp/google",
                            "values": {"name": "archive", "location": "US"},
                        },
                        {
                            "address": "module.archive.data.aws_caller_identity.me",
                            "mode": "data",
                            "type": "aws_caller_identity",
                            "name": "me",
                            "provider_name": "registry.terraform.io/hashicorp/aws",
                            "values": {},
                        },
                    ],
                }
            ],
        }
    },
    "configuration": {
        "provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-central-1"}}}
        }
    },
}


def test_a_plan_from_terraform_show_json():
    scan = RepoScan("")
    read_plan(json.dumps(PLAN, indent=2), "plan.json", shipped_catalogue(), scan)
    assert {s.address: (s.name, s.countries, s.encrypted, s.pos.line) for s in scan.stores} == {
        "aws_db_instance.main": ("shop-db", ("DE",), False, 8),
        "module.archive.google_storage_bucket.b": ("archive", ("US",), True, 24),
    }
    assert {s.vendor for s in scan.sightings} == {"aws", "google-cloud"}


def test_a_raw_state_file():
    state = {
        "version": 4,
        "terraform_version": "1.9.0",
        "resources": [
            {
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "logs",
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [
                    {
                        "attributes": {
                            "bucket": "acme-logs",
                            "arn": "arn:aws:s3:::acme-logs",
                            "region": "ap-southeast-2",
                        }
                    }
                ],
            }
        ],
    }
    scan = RepoScan("")
    read_plan(json.dumps(state), "terraform.tfstate", shipped_catalogue(), scan)
    [store] = scan.stores
    assert (store.address, store.countries) == ("aws_s3_bucket.logs", ("AU",))


def test_plans_and_tf_files_are_found_in_a_repository(tmp_path: Path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n'
    )
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "prod.json").write_text(json.dumps(PLAN))
    scan = scan_repository(tmp_path, shipped_catalogue(), ScanOptions(), shown="r")
    assert sorted(s.key for s in scan.stores) == [
        "r/infra:aws_sqs_queue.q",
        "r/plans/prod.json:aws_db_instance.main",
        "r/plans/prod.json:module.archive.google_storage_bucket.b",
    ]


# A repository laid out as many are: an environment folder (its own `terraform.tfvars`)
# calling local modules that declare the stores, the region passed down as an input or
# through the inherited provider.
MODULES_REPO = {
    "envs/prod/main.tf": """
        variable "region" {
          type = string
        }
        variable "environment" {}
        provider "aws" {
          region = var.region
        }
        provider "aws" {
          alias  = "us"
          region = "us-east-1"
        }
        module "storage" {
          source      = "../../modules/storage"
          bucket_name = "acme-${var.environment}-uploads"
        }
        module "database" {
          source    = "../../modules/database"
          db_region = var.region
          encrypted = false
        }
        module "replica" {
          source    = "../../modules/storage"
          providers = {
            aws = aws.us
          }
          bucket_name = "acme-replica"
        }
        module "queue" {
          source = "../../modules/queue"
          region = var.unset_region
        }
        module "vpc" {
          source  = "terraform-aws-modules/vpc/aws"
          version = "5.0.0"
        }
        """,
    "envs/prod/terraform.tfvars": 'region      = "eu-central-1"\nenvironment = "prod"\n',
    "modules/storage/variables.tf": """
        variable "bucket_name" {
          type = string
        }
        """,
    "modules/storage/main.tf": """
        resource "aws_s3_bucket" "this" {
          bucket = var.bucket_name
        }
        """,
    "modules/database/main.tf": """
        variable "db_region" {
          default = "us-west-2"
        }
        variable "encrypted" {
          default = true
        }
        module "logs" {
          source     = "./logs"
          log_region = var.db_region
        }
        resource "aws_db_instance" "main" {
          engine            = "postgres"
          availability_zone = "${var.db_region}a"
          storage_encrypted = var.encrypted
        }
        """,
    "modules/database/logs/main.tf": """
        variable "log_region" {}
        provider "aws" {
          region = var.log_region
        }
        resource "aws_cloudwatch_log_group" "db" {
          name = "db"
        }
        """,
    "modules/queue/main.tf": """
        variable "region" {
          default = "eu-west-1"
        }
        resource "aws_sqs_queue" "jobs" {
          name = "jobs"
          region = var.region
        }
        """,
}


def write_repo(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip(), "utf-8")


def test_stores_in_local_modules_get_the_region_their_inputs_give(tmp_path: Path):
    write_repo(tmp_path, MODULES_REPO)
    scan = scan_repository(tmp_path, shipped_catalogue(), ScanOptions(), shown="")
    assert not scan.problems
    found = {s.key: (s.name, s.region, s.countries, s.encrypted, str(s.pos)) for s in scan.stores}
    assert found == {
        # the caller's provider (its region from terraform.tfvars) is inherited
        "envs/prod:module.storage.aws_s3_bucket.this": (
            "acme-prod-uploads", "eu-central-1", ("DE",), True, "modules/storage/main.tf:1:1"
        ),
        # `providers = { aws = aws.us }` hands the child the aliased provider
        "envs/prod:module.replica.aws_s3_bucket.this": (
            "acme-replica", "us-east-1", ("US",), True, "modules/storage/main.tf:1:1"
        ),
        # an input overrides the module's default, two modules down too
        "envs/prod:module.database.aws_db_instance.main": (
            None, "eu-central-1a", ("DE",), False, "modules/database/main.tf:11:1"
        ),
        "envs/prod:module.database.module.logs.aws_cloudwatch_log_group.db": (
            "db", "eu-central-1", ("DE",), True, "modules/database/logs/main.tf:5:1"
        ),
        # an input the caller cannot resolve is not known: never the child's default,
        # nor the provider's region when the resource sets its own
        "envs/prod:module.queue.aws_sqs_queue.jobs": (
            "jobs", None, (), True, "modules/queue/main.tf:4:1"
        ),
    }  # fmt: skip


def test_variable_files_for_one_deployment_or_another(tmp_path: Path):
    main = """
        variable "region" {
          default = "us-east-1"
        }
        variable "name" {}
        provider "aws" {
          region = var.region
        }
        module "files" {
          source      = "./modules/files"
          bucket_name = var.name
        }
        """
    child = (
        'variable "bucket_name" {}\nresource "aws_s3_bucket" "b" {\n  bucket = var.bucket_name\n}\n'
    )

    def stores_with(tfvars: dict[str, str]) -> set[tuple]:
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        write_repo(root, {"main.tf": main, "modules/files/main.tf": child, **tfvars})
        scan = scan_repository(root, shipped_catalogue(), ScanOptions(), shown="")
        assert not scan.problems
        return {(s.key, s.name, s.region, s.countries) for s in scan.stores}

    key = "module.files.aws_s3_bucket.b"
    # no variable file: the default
    assert stores_with({}) == {(key, None, "us-east-1", ("US",))}
    # `*.auto.tfvars` overrides terraform.tfvars, which overrides the default
    assert stores_with(
        {
            "terraform.tfvars": 'region = "eu-west-1"\nname = "a"\n',
            "zz.auto.tfvars.json": '{"region": "eu-west-3"}',
        }
    ) == {(key, "a", "eu-west-3", ("FR",))}
    # `-var-file` files that agree give the value; those that differ leave it unknown
    assert stores_with(
        {"prod.tfvars": 'region = "eu-north-1"\n', "staging.tfvars": 'region = "eu-north-1"\n'}
    ) == {(key, None, "eu-north-1", ("SE",))}
    assert stores_with(
        {"prod.tfvars": 'region = "eu-north-1"\n', "dev.tfvars": 'region = "us-west-2"\n'}
    ) == {(key, None, None, ())}
    # a file that does not set it leaves that deployment on the default
    assert stores_with(
        {"prod.tfvars": 'region = "eu-north-1"\n', "dev.tfvars": 'name = "d"\n'}
    ) == {(key, None, None, ())}


def test_a_broken_variables_file_is_a_problem_and_the_module_is_still_read(tmp_path: Path):
    write_repo(
        tmp_path,
        {
            "main.tf": 'provider "aws" {\n  region = var.region\n}\nvariable "region" {}\n'
            'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n',
            "terraform.tfvars": 'region = "eu-west-1\n',
        },
    )
    scan = scan_repository(tmp_path, shipped_catalogue(), ScanOptions(), shown="")
    assert [str(p.pos).split(":")[0] for p in scan.problems] == ["terraform.tfvars"]
    assert [(s.key, s.region) for s in scan.stores] == [("aws_sqs_queue.q", None)]
    (tmp_path / "terraform.tfvars").unlink()
    (tmp_path / "prod.auto.tfvars.json").write_text('{\n  "region": "eu-west-1",\n}\n')
    scan = scan_repository(tmp_path, shipped_catalogue(), ScanOptions(), shown="")
    assert [str(p.pos) for p in scan.problems] == ["prod.auto.tfvars.json:3:1"]


def test_a_module_calling_itself_is_read_once(tmp_path: Path):
    write_repo(
        tmp_path,
        {
            "main.tf": 'module "a" {\n  source = "./a"\n}\n',
            "a/main.tf": 'module "b" {\n  source = "../a"\n}\n'
            'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n',
        },
    )
    scan = scan_repository(tmp_path, shipped_catalogue(), ScanOptions(), shown="")
    assert [s.key for s in scan.stores] == ["module.a.aws_sqs_queue.q"]
