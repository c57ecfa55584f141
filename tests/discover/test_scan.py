"""One repository read: manifests and hostnames with file:line; what the walk skips."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from registry.discover.catalogue import shipped_catalogue
from registry.discover.hosts import hosts_in, identifier_host, is_source, own_hosts
from registry.discover.scan import ScanOptions, scan_repository


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    return root


def seen(scan) -> set[tuple[str, str, str, str]]:
    return {(s.vendor, s.how, s.scope, str(s.pos)) for s in scan.sightings}


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_repository_shows_its_services_with_file_and_line(in_tmp):
    write(
        in_tmp / "shop",
        {
            "package.json": '{\n  "dependencies": {\n    "stripe": "^14"\n  }\n}\n',
            "src/mail.py": "import sendgrid\nHOST = 'https://api.sendgrid.com/v3/mail/send'\n",
            ".env.example": "SENTRY_DSN=https://abc@o42.ingest.sentry.io/7\n",
            "README.md": "We use https://api.mixpanel.com for analytics.\n",
            "node_modules/twilio/package.json": '{"dependencies": {"twilio": "1"}}\n',
        },
    )
    scan = scan_repository(in_tmp / "shop", shipped_catalogue(), ScanOptions())
    assert seen(scan) == {
        ("stripe", "dependency", "runtime", "shop/package.json:3:6"),
        ("sendgrid", "host", "runtime", "shop/src/mail.py:2:17"),
        ("sentry", "host", "runtime", "shop/.env.example:1:24"),
    }
    assert scan.root == "shop"
    assert not scan.problems


def test_the_current_directory_is_shown_without_prefix(in_tmp):
    write(in_tmp, {"go.mod": "module x\n\nrequire github.com/getsentry/sentry-go v0.27.0\n"})
    scan = scan_repository(Path("."), shipped_catalogue(), ScanOptions())
    assert seen(scan) == {("sentry", "dependency", "runtime", "go.mod:3:9")}


def test_unreadable_manifests_are_problems_and_the_rest_is_read(in_tmp):
    write(
        in_tmp,
        {
            "a/package.json": '{"dependencies": {',
            "b/requirements.txt": "openai\n",
        },
    )
    (in_tmp / "c").mkdir()
    (in_tmp / "c" / "Cargo.toml").write_bytes(b"\xff\xfe[dependencies]\n")
    scan = scan_repository(in_tmp, shipped_catalogue(), ScanOptions())
    assert seen(scan) == {("openai", "dependency", "runtime", "b/requirements.txt:1:1")}
    assert sorted((str(p.pos), p.message[:20]) for p in scan.problems) == [
        ("a/package.json:1:19", "not valid JSON: Expe"),  # where the text ends
        ("c/Cargo.toml:1:1", "not UTF-8 text"),
    ]


def test_symbolic_links_virtualenvs_and_excluded_paths_are_not_read(in_tmp, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.py").write_text("URL = 'https://api.openai.com'\n", "utf-8")
    write(
        in_tmp,
        {
            "env/pyvenv.cfg": "home = /usr\n",
            "env/lib/x.py": "URL = 'https://api.openai.com'\n",
            "inventory/orgs.yaml": "identifiers: [api.stripe.com]\n",
            "app.py": "print('hello')\n",
        },
    )
    os.symlink(outside / "secret.py", in_tmp / "linked.py")
    os.symlink(outside, in_tmp / "linked-dir")
    options = ScanOptions(exclude=(str((in_tmp / "inventory").resolve()),))
    scan = scan_repository(in_tmp, shipped_catalogue(), options)
    assert scan.sightings == []


CATALOGUE = """
[libraries]
postHog = "com.posthog:posthog-server:1.1.0"
sentry-android = { module = "io.sentry:sentry-android", version = "7.0.0" }
mailjet = "com.mailjet:mailjet-client:5.2.5"
slack_api = "com.slack.api:slack-api-client:1.40.0"
stripe = "com.stripe:stripe-java:24.0.0"
twilio = "com.twilio.sdk:twilio:10.0.0"
mixpanel = "com.mixpanel.android:mixpanel-android:7.3.0"
amplitude = "com.amplitude:analytics-android:1.16.0"

[bundles]
product-analytics = ["mixpanel", "amplitude"]
"""


def catalogue_scopes(root: Path, files: dict[str, str]) -> dict[str, str]:
    scan = scan_repository(write(root, files), shipped_catalogue(), ScanOptions(), shown="r")
    return {
        s.vendor: s.scope for s in scan.sightings if s.pos.file == "r/gradle/libs.versions.toml"
    }


def test_a_catalogue_library_takes_the_scope_of_the_build_scripts_that_use_it(tmp_path):
    scopes = catalogue_scopes(
        tmp_path,
        {
            "gradle/libs.versions.toml": CATALOGUE,
            "api/build.gradle": """
                dependencies {
                    api libs.postHog
                    implementation(libs.mailjet) {
                        exclude group: 'org.slf4j'
                    }
                    testImplementation libs.twilio
                    // implementation libs.stripe: not since 2023
                }
                """,
            "app/build.gradle.kts": """
                dependencies {
                    implementation(libs.sentry.android)
                    implementation(libs.bundles.product.analytics)
                    testImplementation(
                        libs.slack.api.get(),
                    )
                }
                """,
        },
    )
    assert scopes == {
        "posthog": "runtime",  # Groovy, camelCase alias
        "mailjet": "runtime",  # with a closure
        "sentry": "runtime",  # Kotlin DSL, dashed alias
        "mixpanel": "runtime",  # through a bundle
        "amplitude": "runtime",
        "twilio": "dev",  # only tests use it
        "slack": "dev",  # a test call over lines, `_` read as `.`, `.get()`
        "stripe": "optional",  # declared, used by no build script (a comment is no use)
    }


def test_a_catalogue_library_used_anywhere_shipped_is_runtime(tmp_path):
    scopes = catalogue_scopes(
        tmp_path,
        {
            "gradle/libs.versions.toml": CATALOGUE,
            "a/build.gradle": "dependencies { testImplementation libs.stripe }\n",
            "b/build.gradle": "dependencies { implementation libs.stripe }\n",
            "c/build.gradle": "dependencies { compileOnly libs.twilio }\n",
        },
    )
    assert scopes["stripe"] == "runtime"
    assert scopes["twilio"] == "dev"
    assert scopes["posthog"] == "optional"


def test_a_catalogue_without_build_scripts_keeps_runtime(tmp_path):
    scopes = catalogue_scopes(tmp_path, {"gradle/libs.versions.toml": CATALOGUE})
    assert set(scopes.values()) == {"runtime"}
    assert len(scopes) == 8
    # scripts that use no catalogue of that name: the build using it is not in view
    other = catalogue_scopes(
        tmp_path / "other",
        {
            "gradle/libs.versions.toml": CATALOGUE,
            "build.gradle": "dependencies { implementation 'com.google.guava:guava:33.0' }\n",
        },
    )
    assert set(other.values()) == {"runtime"}


def test_a_catalogue_named_otherwise_is_used_by_its_name(tmp_path):
    write(
        tmp_path,
        {
            "settings.gradle.kts": """
                dependencyResolutionManagement {
                    versionCatalogs {
                        create("vendors") {
                            library("stripe", "com.stripe:stripe-java:24.0.0")
                            library("twilio", "com.twilio.sdk:twilio:10.0.0")
                        }
                    }
                }
                """,
            "build.gradle.kts": "dependencies {\n    implementation(vendors.stripe)\n}\n",
        },
    )
    scan = scan_repository(tmp_path, shipped_catalogue(), ScanOptions(), shown="r")
    assert seen(scan) == {
        ("stripe", "dependency", "runtime", "r/settings.gradle.kts:4:32"),
        ("twilio", "dependency", "optional", "r/settings.gradle.kts:5:32"),
    }
    named = catalogue_scopes(
        tmp_path / "toml",
        {
            "gradle/libs.versions.toml": '[libraries]\nstripe = "com.stripe:stripe-java:24"\n',
            "gradle/deps.versions.toml": CATALOGUE,
            "build.gradle": "dependencies {\n    implementation deps.twilio\n}\n",
        },
    )
    assert named == {"stripe": "runtime"}  # libs: no script names it, not judged
    scan = scan_repository(tmp_path / "toml", shipped_catalogue(), ScanOptions(), shown="r")
    deps = {s.vendor: s.scope for s in scan.sightings if s.pos.file.endswith("deps.versions.toml")}
    assert deps["twilio"] == "runtime" and deps["stripe"] == "optional"


def test_register_hosts_in_code_are_references():
    own = own_hosts(
        [
            ("System", "billing", "https://billing.acme.example/api"),
            ("System", "lis", "postgres://lis-db.labs.internal:5432/lis"),
            ("Organisation", "mailer", "*.mailer.example"),
            ("System", "exports", "s3://exports/*"),  # no host
        ]
    )
    assert own.owner("billing.acme.example") == ("System", "billing")
    assert own.owner("lis-db.labs.internal") == ("System", "lis")
    assert own.owner("eu.mailer.example") == ("Organisation", "mailer")
    assert own.owner("exports") is None


def test_register_hosts_found_in_a_repository(in_tmp):
    write(in_tmp, {"config/app.yaml": "billing_url: https://billing.acme.example/api\n"})
    options = ScanOptions(own=own_hosts([("System", "billing", "billing.acme.example")]))
    scan = scan_repository(in_tmp, shipped_catalogue(), options)
    assert [(r.kind, r.id, str(r.pos)) for r in scan.references] == [
        ("System", "billing", "config/app.yaml:1:22")
    ]


@pytest.mark.parametrize(
    ("text", "hosts"),
    [
        ("url = 'https://api.stripe.com/v1'", ["api.stripe.com"]),
        ("dsn: https://k@o1.ingest.sentry.io/2", ["o1.ingest.sentry.io"]),
        ("EMAIL=billing@stripe.com", ["stripe.com"]),
        ("os.path.join(a, b)", ["os.path.join"]),  # looked up, found nowhere
        ("version 1.2.3", []),
        ("xapi.stripe.com.evil", ["xapi.stripe.com.evil"]),  # one longer host, not api.stripe.com
        ("api.stripe.com/", ["api.stripe.com"]),
        # comments link documentation and issue trackers; they call nothing
        ("// see https://api.stripe.com/docs", []),
        ("# STRIPE_URL=https://api.stripe.com", []),
        (" * https://docs.sentry.io/platforms/", []),
        ("<!-- https://api.stripe.com -->", []),
        ('apply plugin: "kapt" // https://hibernate.atlassian.net/browse/HHH-1', []),
        ("url: https://api.stripe.com/v1 # the live API", ["api.stripe.com"]),
        ("const u = 'https://api.stripe.com/#/x' // v1", ["api.stripe.com"]),
        ("host: api.stripe.com#anchor", ["api.stripe.com"]),
    ],
)
def test_hostname_tokens(text, hosts):
    assert [h.host for h in hosts_in(text)] == hosts


@pytest.mark.parametrize(
    ("path", "read"),
    [
        ("src/app.ts", True),
        (".env.production", True),
        ("deploy/values.yaml", True),
        ("infra/main.tf", True),
        ("Dockerfile.prod", True),
        ("README.md", False),
        ("docs/guide.rst", False),
        ("package-lock.json", False),
        ("static/app.min.js", False),
        ("image.png", False),
    ],
)
def test_which_files_are_read_for_hosts(path, read):
    assert is_source(path) is read


@pytest.mark.parametrize(
    ("identifier", "host"),
    [
        ("api.acme.example", "api.acme.example"),
        ("https://API.acme.example:8443/v1", "api.acme.example"),
        ("*.acme.example", "*.acme.example"),
        ("s3://bucket/prefix", None),
        ("10.0.0.0/8", None),
        ("billing", None),
    ],
)
def test_identifier_hosts(identifier, host):
    assert identifier_host(identifier) == host


NAMES = [
    "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "requirements.txt",
    "pyproject.toml", "Pipfile", "poetry.lock", "uv.lock", "go.mod", "Gemfile",
    "Gemfile.lock", "pom.xml", "build.gradle", "libs.versions.toml", "composer.json",
    "Cargo.toml", "main.tf", "plan.json", "privado.json", "terraform.tfstate", "app.py",
]  # fmt: skip
GARBAGE = [
    b"\x00\xff\xfe\x80 garbage",
    b"[" * 5000 + b"]" * 5000,  # nested too deeply for a recursive reader
    b'{"format_version": "1", "planned_values": {"root_module": {"resources": [7, {"type": 1}]}}}',
    b'{"sinks": [{"sinkType": "third_parties", "id": {}, "name": []}], "sinkProcessing": 3}',
    b'{"subjects": 1, "third_party": [{"third_party": 5}, "x"]}',
    b'resource "aws_s3_bucket" "b" { bucket = [[[[ }',
    b'<?xml version="1.0"?><project><dependencies><dependency><groupId>',
    b"[dependencies]\nsentry = { package = 7 }\n",
    b"dependencies:\n  - &a [*a]\n",
]


@pytest.mark.parametrize("garbage", GARBAGE, ids=range(len(GARBAGE)))
def test_no_file_makes_the_scan_crash(tmp_path, garbage):
    for name in NAMES:
        (tmp_path / name).write_bytes(garbage)
    scan = scan_repository(tmp_path, shipped_catalogue(), ScanOptions(), shown="r")
    assert all(p.pos.file.startswith("r/") for p in scan.problems)
