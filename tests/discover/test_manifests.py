"""Dependency manifests: every format, its scopes, and the line each package is declared on."""

from __future__ import annotations

import textwrap

import pytest

from registry.discover.catalogue import shipped_catalogue
from registry.discover.manifests import CatalogueEntry, ManifestError, read_manifest


def deps(path: str, text: str, siblings: frozenset[str] = frozenset()):
    catalogue = shipped_catalogue()

    def wanted(ecosystem: str, name: str) -> bool:
        return catalogue.vendor_of_package(ecosystem, name) is not None

    text = textwrap.dedent(text).lstrip("\n")
    return {(d.name, d.scope, d.line) for d in read_manifest(text, path, wanted, set(siblings))}


def test_package_json_sections_and_lines():
    found = deps(
        "package.json",
        """
        {
          "name": "shop",
          "dependencies": {
            "react": "^18.0.0",
            "stripe": "^14.0.0",
            "@sentry/nextjs": "^8.0.0"
          },
          "devDependencies": {
            "@sentry/node": "^8.0.0"
          },
          "peerDependencies": {"posthog-js": "*"}
        }
        """,
    )
    assert found == {
        ("stripe", "runtime", 5),
        ("@sentry/nextjs", "runtime", 6),
        ("@sentry/node", "dev", 9),
        ("posthog-js", "optional", 11),
    }


def test_package_lock_v3_entries_are_indirect_unless_no_package_json():
    text = """
    {
      "lockfileVersion": 3,
      "packages": {
        "": {"dependencies": {"stripe": "^14"}},
        "node_modules/stripe": {"version": "14.1.0"},
        "node_modules/foo/node_modules/@segment/analytics-node": {"version": "1.0.0"}
      }
    }
    """
    assert deps("package-lock.json", text, frozenset({"package.json"})) == {
        ("stripe", "indirect", 5),
        ("@segment/analytics-node", "indirect", 6),
    }
    assert ("stripe", "runtime", 4) in deps("package-lock.json", text)


def test_package_lock_v1_nested():
    found = deps(
        "package-lock.json",
        '{"lockfileVersion": 1, "dependencies": {"a": {"version": "1",\n'
        '  "dependencies": {"mixpanel": {"version": "2"}}}}}\n',
    )
    assert found == {("mixpanel", "indirect", 2)}


def test_yarn_lock_classic_and_berry():
    classic = """
    # yarn lockfile v1
    "@sentry/browser@^7.0.0", "@sentry/browser@^7.1.0":
      version "7.1.0"

    stripe@^8.0.0:
      version "8.0.0"
    """
    assert deps("yarn.lock", classic) == {
        ("@sentry/browser", "indirect", 2),
        ("stripe", "indirect", 5),
    }
    berry = """
    __metadata:
      version: 6

    "twilio@npm:^4.0.0":
      version: 4.0.0
    """
    assert deps("yarn.lock", berry) == {("twilio", "indirect", 4)}


def test_pnpm_lock_importers_and_packages():
    found = deps(
        "pnpm-lock.yaml",
        """
        lockfileVersion: '9.0'
        importers:
          .:
            dependencies:
              openai:
                specifier: ^4.0.0
                version: 4.20.0
            devDependencies:
              '@sentry/node':
                specifier: ^8
                version: 8.0.0
        packages:
          openai@4.20.0:
            resolution: {integrity: sha512-x}
          '@sentry/node@8.0.0':
            resolution: {integrity: sha512-y}
        """,
    )
    assert found == {
        ("openai", "runtime", 5),
        ("@sentry/node", "dev", 9),
        ("openai", "indirect", 13),
        ("@sentry/node", "indirect", 15),
    }


def test_requirements_txt_forms_and_dev_files():
    text = """
    # production
    Django==5.0
    sentry-sdk[django]>=2.0 ; python_version > "3.8"
    -r base.txt
    --hash=sha256:abc \\
        stripe==1.0
    boto3 @ https://example.org/boto3.whl
    ./local-package
    twilio  # SMS
    """
    assert deps("requirements.txt", text) == {
        ("sentry-sdk", "runtime", 3),
        ("boto3", "runtime", 7),
        ("twilio", "runtime", 9),
    }
    assert deps("requirements/dev.txt", "mixpanel\n") == {("mixpanel", "dev", 1)}
    assert deps("requirements-test.txt", "mixpanel\n") == {("mixpanel", "dev", 1)}
    assert deps("requirements/production.txt", "mixpanel\n") == {("mixpanel", "runtime", 1)}


def test_pip_compiled_pins_pulled_in_only_by_clients_are_indirect():
    # pip-compile's two forms of `# via`: one parent on the line, or one a line below it
    text = """
    #
    #    pip-compile --output-file=requirements.txt requirements.in
    #
    boto3==1.38.0
        # via -r requirements.in
    botocore==1.38.0
        # via
        #   boto3
        #   s3transfer
    django-storages==1.14
        # via -r requirements.in
    google-api-core==2.24.0
        # via
        #   google-cloud-core
        #   google-cloud-storage
    google-auth==2.37.0
        # via
        #   google-api-core
        #   google-cloud-core
        #   google-cloud-storage
    google-cloud-core==2.4.1
        # via google-cloud-storage
    google-cloud-storage==2.19.0
        # via django-storages
    s3transfer==0.13.0
        # via boto3
    sentry-sdk==2.0
        # via
        #   -r requirements.in
        #   posthog
    twilio==9.0
        # via -c constraints.txt
    stripe==10.0
    """
    assert deps("requirements.txt", text) == {
        ("boto3", "runtime", 4),  # direct
        # via a catalogued client, and via a package only clients pull in (s3transfer)
        ("botocore", "indirect", 6),
        # via clients and google-api-core, which only clients pull in: no use of its own
        ("google-auth", "indirect", 16),
        ("google-cloud-core", "indirect", 21),
        # via a generic package the project asked for (django-storages[google]): used
        ("google-cloud-storage", "runtime", 23),
        ("sentry-sdk", "runtime", 27),  # direct as well as via a client
        ("twilio", "runtime", 31),  # a constraints file is the project's own too
        ("stripe", "runtime", 33),  # no `# via`: written by hand
    }
    # the annotation on the pin's line (--annotation-style line), after --hash lines,
    # and the project's own metadata as a parent
    text = """
    boto3==1.38.0  # via shop (pyproject.toml)
    botocore==1.38.0 \\
        --hash=sha256:aaa \\
        --hash=sha256:bbb
        # via boto3
    google-cloud-storage==2.19.0  # via firebase-admin, google-cloud-firestore
    firebase-admin==6.0  # via shop (pyproject.toml)
    google-cloud-firestore==2.0  # via firebase-admin
    """
    assert deps("requirements.txt", text) == {
        ("boto3", "runtime", 1),
        ("botocore", "indirect", 2),
        ("google-cloud-storage", "indirect", 6),
        ("firebase-admin", "runtime", 7),
        ("google-cloud-firestore", "indirect", 8),
    }
    # a development file stays development; a parent that is not pinned here counts as
    # what the catalogue says of it (a client, or an unknown package: runtime)
    assert deps("requirements/dev.txt", "botocore==1.0\n    # via boto3\n") == {
        ("botocore", "dev", 1)
    }
    assert deps("requirements.txt", "botocore==1.0\n    # via boto3\n") == {
        ("botocore", "indirect", 1)
    }
    assert deps("requirements.txt", "botocore==1.0\n    # via some-tool\n") == {
        ("botocore", "runtime", 1)
    }


def test_pyproject_pep621_poetry_and_groups():
    found = deps(
        "pyproject.toml",
        """
        [project]
        name = "app"
        dependencies = [
            "fastapi",
            "sentry-sdk>=2",
        ]

        [project.optional-dependencies]
        ai = ["openai"]

        [dependency-groups]
        dev = ["posthog"]

        [tool.poetry.dependencies]
        python = "^3.11"
        stripe = "^7"

        [tool.poetry.group.test.dependencies]
        twilio = "*"

        [tool.poetry.group.workers.dependencies]
        boto3 = "*"
        """,
    )
    assert found == {
        ("sentry-sdk", "runtime", 5),
        ("openai", "optional", 9),
        ("posthog", "dev", 12),
        ("stripe", "runtime", 16),
        ("twilio", "dev", 19),
        ("boto3", "runtime", 22),
    }


def test_python_lockfiles():
    poetry = '[[package]]\nname = "stripe"\nversion = "1"\n\n[[package]]\nname = "rich"\n'
    assert deps("poetry.lock", poetry) == {("stripe", "indirect", 2)}
    uv = """
    version = 1

    [[package]]
    name = "app"
    source = { editable = "." }
    dependencies = [
        { name = "anthropic" },
    ]

    [[package]]
    name = "anthropic"
    version = "0.40.0"
    """
    assert deps("uv.lock", uv) == {("anthropic", "runtime", 7), ("anthropic", "indirect", 11)}


def test_pipfile():
    assert deps(
        "Pipfile", '[packages]\nrequests = "*"\nsendgrid = "*"\n[dev-packages]\nsentry-sdk = "*"\n'
    ) == {
        ("sendgrid", "runtime", 3),
        ("sentry-sdk", "dev", 5),
    }


def test_go_mod_direct_and_indirect():
    found = deps(
        "go.mod",
        """
        module example.com/app

        go 1.22

        require github.com/getsentry/sentry-go v0.27.0

        require (
            github.com/stripe/stripe-go/v76 v76.1.0
            github.com/aws/aws-sdk-go-v2/service/s3 v1.40.0 // indirect
            golang.org/x/net v0.20.0
        )
        """,
    )
    assert found == {
        ("github.com/getsentry/sentry-go", "runtime", 5),
        ("github.com/stripe/stripe-go/v76", "runtime", 8),
        ("github.com/aws/aws-sdk-go-v2/service/s3", "indirect", 9),
    }


def test_gemfile_groups_and_lock():
    gemfile = """
    source "https://rubygems.org"
    gem "rails"
    gem "stripe", "~> 10"
    gem "sentry-ruby", require: false

    group :development, :test do
      gem "rollbar"
    end

    group :production do
      gem "newrelic_rpm"
    end

    gem "twilio-ruby", group: :test
    platforms :jruby do
      gem "honeybadger"
    end
    """
    assert deps("Gemfile", gemfile) == {
        ("stripe", "runtime", 3),
        ("sentry-ruby", "runtime", 4),
        ("rollbar", "dev", 7),
        ("newrelic_rpm", "runtime", 11),
        ("twilio-ruby", "dev", 14),
        ("honeybadger", "runtime", 16),
    }
    lock = """
    GEM
      remote: https://rubygems.org/
      specs:
        stripe (10.1.0)
        faraday (2.0)
          stripe (>= 1)

    PLATFORMS
      ruby

    DEPENDENCIES
      stripe (~> 10)
      rollbar!
    """
    assert deps("Gemfile.lock", lock, frozenset({"Gemfile"})) == {
        ("stripe", "indirect", 4),
        ("stripe", "indirect", 12),
        ("rollbar", "indirect", 13),
    }
    assert ("rollbar", "runtime", 13) in deps("Gemfile.lock", lock)


def test_pom_xml_scopes_management_and_plugins():
    found = deps(
        "pom.xml",
        """
        <?xml version="1.0"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <dependencyManagement>
            <dependencies>
              <dependency><groupId>io.sentry</groupId><artifactId>sentry-bom</artifactId></dependency>
            </dependencies>
          </dependencyManagement>
          <dependencies>
            <dependency>
              <groupId>com.stripe</groupId>
              <artifactId>stripe-java</artifactId>
            </dependency>
            <dependency>
              <groupId>com.twilio.sdk</groupId>
              <artifactId>twilio</artifactId>
              <scope>test</scope>
            </dependency>
          </dependencies>
          <build><plugins><plugin>
            <dependencies>
              <dependency><groupId>com.amazonaws</groupId><artifactId>aws-java-sdk-s3</artifactId></dependency>
            </dependencies>
          </plugin></plugins></build>
        </project>
        """,
    )
    assert found == {("com.stripe:stripe-java", "runtime", 9), ("com.twilio.sdk:twilio", "dev", 13)}


def test_pom_xml_refuses_entities():
    with pytest.raises(ManifestError, match="entity"):
        deps("pom.xml", '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY a "x">]>\n<project/>\n')


def test_build_gradle_groovy_and_kotlin():
    found = deps(
        "app/build.gradle.kts",
        """
        plugins { id("io.sentry.android.gradle") version "4.0.0" }
        dependencies {
            implementation("io.sentry:sentry-android:7.0.0")
            implementation(platform("com.google.firebase:firebase-bom:32.7.0"))
            releaseImplementation "com.amplitude:analytics-android:1.+"
            testImplementation("com.stripe:stripe-java:24.0.0")
            compileOnly group: 'com.datadoghq', name: 'dd-trace-api', version: '1.0'
            implementation(libs.okhttp)
        }
        """,
    )
    assert found == {
        ("io.sentry:sentry-android", "runtime", 3),
        ("com.google.firebase:firebase-bom", "runtime", 4),
        ("com.amplitude:analytics-android", "runtime", 5),
        ("com.stripe:stripe-java", "dev", 6),
        ("com.datadoghq:dd-trace-api", "dev", 7),
    }


def test_gradle_version_catalog():
    found = deps(
        "gradle/libs.versions.toml",
        """
        [versions]
        sentry = "7.0.0"

        [libraries]
        sentry-android = { module = "io.sentry:sentry-android", version.ref = "sentry" }
        mixpanel = "com.mixpanel.android:mixpanel-android:7.3.0"
        okhttp = { group = "com.squareup.okhttp3", name = "okhttp", version = "4" }
        """,
    )
    assert found == {
        ("io.sentry:sentry-android", "runtime", 5),
        ("com.mixpanel.android:mixpanel-android", "runtime", 6),
    }


def test_a_version_catalogue_declared_in_gradle_settings():
    found = deps(
        "settings.gradle",
        """
        dependencyResolutionManagement {
            versionCatalogs {
                create('libs') {
                    library('postHog', "com.posthog:posthog-server:1.1.0")
                    library('slack', "com.slack.api:slack-api-client:$slackSdkVersion")
                    library("sentry", "io.sentry", "sentry").version(sentryVersion)
                    library('jwt', 'io.jsonwebtoken:jjwt-api:0.12.6')  // not a service
                    // library('old', "com.mixpanel:mixpanel-java:1.5.2")
                    plugin('kotlin', 'org.jetbrains.kotlin.jvm').version('2.0')
                }
            }
        }
        include 'backend:app'
        """,
    )
    assert found == {
        ("com.posthog:posthog-server", "runtime", 4),
        ("com.slack.api:slack-api-client", "runtime", 5),
        ("io.sentry:sentry", "runtime", 6),
    }


def entries(path: str, text: str) -> dict[str, CatalogueEntry | None]:
    catalogue = shipped_catalogue()

    def wanted(ecosystem: str, name: str) -> bool:
        return catalogue.vendor_of_package(ecosystem, name) is not None

    text = textwrap.dedent(text).lstrip("\n")
    return {d.name: d.entry for d in read_manifest(text, path, wanted, set())}


def test_a_toml_catalogue_names_its_libraries_as_build_scripts_do():
    found = entries(
        "gradle/deps.versions.toml",
        """
        [libraries]
        sentry-android = { module = "io.sentry:sentry-android", version = "7.0.0" }
        twilio_sdk = "com.twilio.sdk:twilio:10.0.0"
        postHog = "com.posthog:posthog-server:1.1.0"

        [bundles]
        product-analytics = ["postHog", "okhttp"]
        """,
    )
    assert found == {
        "io.sentry:sentry-android": CatalogueEntry("deps", "sentry.android"),
        "com.twilio.sdk:twilio": CatalogueEntry("deps", "twilio.sdk"),
        "com.posthog:posthog-server": CatalogueEntry("deps", "postHog", ("product.analytics",)),
    }


def test_a_settings_catalogue_is_named_by_its_block():
    found = entries(
        "settings.gradle.kts",
        """
        dependencyResolutionManagement {
            versionCatalogs {
                create("libs") {
                    library("sentry-android", "io.sentry", "sentry-android").version("7")
                    bundle("monitoring", listOf(
                        "sentry-android",
                    ))
                }
                create("extra") { library("stripe", "com.stripe:stripe-java:24.0.0") }
            }
        }
        """,
    )
    assert found == {
        "io.sentry:sentry-android": CatalogueEntry("libs", "sentry.android", ("monitoring",)),
        "com.stripe:stripe-java": CatalogueEntry("extra", "stripe"),
    }
    groovy = entries(
        "settings.gradle",
        """
        dependencyResolutionManagement {
            versionCatalogs {
                tools {
                    library('postHog', "com.posthog:posthog-server:1.1.0")
                    bundle('all', ['postHog'])
                }
            }
        }
        """,
    )
    assert groovy == {"com.posthog:posthog-server": CatalogueEntry("tools", "postHog", ("all",))}


def test_composer_json():
    found = deps(
        "composer.json",
        '{\n  "require": {\n    "php": ">=8.1",\n    "stripe/stripe-php": "^13"\n  },\n'
        '  "require-dev": {"sentry/sentry-laravel": "^4"}\n}\n',
    )
    assert found == {("stripe/stripe-php", "runtime", 4), ("sentry/sentry-laravel", "dev", 6)}


def test_cargo_toml():
    found = deps(
        "Cargo.toml",
        """
        [package]
        name = "svc"

        [dependencies]
        serde = "1"
        sentry = { version = "0.32", features = ["backtrace"] }
        payments = { package = "async-stripe", version = "0.34" }

        [dev-dependencies]
        async-openai = "0.20"
        """,
    )
    assert found == {
        ("sentry", "runtime", 6),
        ("async-stripe", "runtime", 7),
        ("async-openai", "dev", 10),
    }


@pytest.mark.parametrize(
    ("path", "text", "line", "column"),
    [
        ("package.json", '{\n  "dependencies": {\n    "stripe": \n}\n', 4, 1),
        ("package.json", '{\n  "dependencies": {\n    "stripe": "1"\n    "x": "2"\n  }\n}\n', 4, 5),
        ("package-lock.json", '{"packages": {"": {}},}', 1, 23),
        ("composer.json", '{\n  "require": {"stripe/stripe-php": 1,}\n}', 2, 38),
        ("pyproject.toml", "[project]\ndependencies = [\n", 3, 1),
        ("Cargo.toml", '[dependencies]\nserde = "1\n', 2, 11),
        ("pom.xml", "<project>\n<dependencies>\n</project>\n", 3, 3),
        ("composer.json", "[1, 2]", 1, 1),
        ("pnpm-lock.yaml", "importers: {a: 1, a: 2}\n", 1, 19),
    ],
)
def test_broken_manifests_are_errors_at_the_parsers_line_and_column(path, text, line, column):
    # DSC-007 points at where the parser stopped, not at the top of the file
    with pytest.raises(ManifestError) as raised:
        deps(path, text)
    assert (raised.value.line, raised.value.column) == (line, column)
