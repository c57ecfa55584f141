"""One catalogue entry for a vendor's whole family of clients: namespaces the vendor
uses for its service's clients alone, and integration families with a slot for a
service (`socialiteproviders/{slug}`). Each mechanism matches, and its near misses
(a generic library under an excluded organisation, a slot that is no catalogued
service, a development dependency) do not."""

from __future__ import annotations

import re

import pytest

from registry.discover.catalogue import (
    CatalogueError,
    _slot,
    load_catalogue,
    normalise_package,
    shipped_catalogue,
)
from registry.discover.scan import ScanOptions, scan_repository
from tests.discover.test_scan import write

# --- namespaces ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ecosystem", "name", "vendor", "rule"),
    [
        # names the catalogue never listed, covered by the vendor's namespace
        ("npm", "@sentry/some-future-sdk", "sentry", "namespace @sentry/*"),
        ("go", "github.com/getsentry/sentry-go/otel", "sentry", "namespace github.com/getsentry/"),
        ("maven", "io.sentry:sentry-opentelemetry-core", "sentry", "namespace io.sentry:*"),
        ("maven", "io.sentry.android:whatever", "sentry", "namespace io.sentry:*"),  # sub-group
        ("packagist", "stripe/stripe-new-php", "stripe", "namespace stripe/*"),
        ("go", "github.com/twilio/other-module/v2", "twilio", "namespace github.com/twilio/"),
        ("maven", "com.stripe:stripe-terminal-android", "stripe", "namespace com.stripe:*"),
        ("npm", "@upstash/lock", "upstash", "namespace @upstash/*"),
    ],
)
def test_a_vendors_namespace_covers_clients_it_does_not_list(ecosystem, name, vendor, rule):
    found = shipped_catalogue().match_package(ecosystem, name)
    assert found is not None and found.vendor == vendor
    assert found.rule.startswith(rule) and found.rule.endswith(" clients)")


@pytest.mark.parametrize(
    ("ecosystem", "name"),
    [
        # organisations that also publish generic libraries are no namespace
        ("go", "github.com/google/uuid"),
        ("go", "github.com/hashicorp/go-retryablehttp"),
        ("go", "github.com/segmentio/kafka-go"),  # Segment's org, not Segment's service
        ("go", "github.com/stripe/veneur"),
        ("go", "github.com/DataDog/zstd"),
        ("npm", "@vercel/og"),
        ("npm", "@mapbox/node-pre-gyp"),
        ("npm", "@braintree/sanitize-url"),
        ("maven", "com.google.guava:guava"),
        ("maven", "com.squareup.okhttp3:okhttp"),
        ("maven", "com.auth0:java-jwt"),  # Auth0's generic JWT library
        ("packagist", "google/protobuf"),
        # names inside a namespace that are no client of the service
        ("npm", "@sentry/cli"),
        ("npm", "@sentry/webpack-plugin"),
        ("npm", "@datadog/datadog-ci"),
        ("npm", "@algolia/autocomplete-core"),
        ("maven", "com.mapbox.mapboxsdk:mapbox-sdk-geojson"),
        # a namespace is a whole segment: not a prefix of another organisation's name
        ("npm", "@sentryx/node"),
        ("go", "github.com/getsentryfoo/x"),
        ("maven", "io.sentryx:y"),
        ("packagist", "stripe-community/x"),
    ],
)
def test_near_misses_of_namespaces_match_nothing(ecosystem, name):
    assert shipped_catalogue().match_package(ecosystem, name) is None


GENERIC_ORGANISATIONS = {
    "npm": {"@vercel", "@google", "@microsoft", "@mapbox", "@braintree", "@cloudflare",
            "@shopify", "@sanity", "@builder.io", "@huggingface", "@fingerprintjs", "@atlaskit",
            "@auth0", "@segment-internal", "@aws-crypto"},
    "go": {"github.com/google", "github.com/hashicorp", "github.com/segmentio",
           "github.com/stripe", "github.com/datadog", "github.com/mailgun", "github.com/azure",
           "github.com/cloudflare", "github.com/auth0", "github.com/launchdarkly",
           "github.com/pusher", "github.com/digitalocean", "github.com/microsoft"},
    "maven": {"com.google", "com.squareup", "com.facebook", "com.twitter", "com.auth0",
              "com.launchdarkly", "com.hubspot", "com.salesforce", "com.zendesk",
              "com.microsoft", "com.amazon", "software.amazon"},
    "packagist": {"google", "microsoft", "facebook", "symfony", "laravel", "league",
                  "kreait"},
}  # fmt: skip


def test_no_namespace_is_an_organisation_that_publishes_generic_libraries():
    for ecosystem, excluded in GENERIC_ORGANISATIONS.items():
        declared = set(shipped_catalogue().namespaces[ecosystem])
        assert not declared & {e.casefold() for e in excluded}, ecosystem


def test_no_namespace_or_slug_is_claimed_by_two_vendors():
    claims: dict[tuple[str, str], set[str]] = {}
    catalogue = shipped_catalogue()
    for vendor in catalogue.vendors.values():
        if vendor.namespaces is not None:
            for ecosystem in ("npm", "go", "maven", "packagist"):
                for namespace in getattr(vendor.namespaces, ecosystem):
                    claims.setdefault((ecosystem, namespace.casefold()), set()).add(vendor.id)
        for slug in vendor.slugs:
            claims.setdefault(("slug", _slot(slug)), set()).add(vendor.id)
            # a slug never shadows another vendor's id
            assert catalogue.vendors.get(_slot(slug)) in (None, vendor), slug
    assert not {key: ids for key, ids in claims.items() if len(ids) > 1}


def test_a_namespace_adds_nothing_a_name_of_another_vendor_says_otherwise():
    """Where an entry lists a name inside another vendor's namespace, the listed name
    decides: a namespace never takes a client from the entry that names it."""
    catalogue = shipped_catalogue()
    for vendor in catalogue.vendors.values():
        for ecosystem in ("npm", "maven", "packagist", "go"):
            for name in getattr(vendor.packages, ecosystem):
                if "*" not in name:
                    assert catalogue.vendor_of_package(ecosystem, name) == vendor.id, name


# --- integration families --------------------------------------------------------------


@pytest.mark.parametrize(
    ("ecosystem", "name", "vendor", "family", "flow"),
    [
        ("packagist", "socialiteproviders/discord", "discord", "socialiteproviders/{slug}",
         "sign-in provider"),
        ("packagist", "SocialiteProviders/Spotify", "spotify", "socialiteproviders/{slug}",
         "sign-in provider"),
        ("packagist", "socialiteproviders/instagram", "meta", "socialiteproviders/{slug}",
         "sign-in provider"),  # a slug the vendor's entry declares
        ("rubygems", "omniauth-google-oauth2", "google-apis", "omniauth-{slug}-oauth2",
         "sign-in provider"),
        ("rubygems", "omniauth-microsoft_graph", "microsoft-365", "omniauth-{slug}",
         "sign-in provider"),  # `_` and `-` alike in the slot
        ("npm", "passport-discord", "discord", "passport-{slug}", "sign-in provider"),
        ("npm", "passport-twitch-oauth2", "twitch", "passport-{slug}-oauth2", "sign-in provider"),
        ("packagist", "laravel-notification-channels/fcm", "firebase",
         "laravel-notification-channels/{slug}", "notification channel"),
        ("packagist", "laravel/slack-notification-channel", "slack",
         "laravel/{slug}-notification-channel", "notification channel"),
        ("packagist", "symfony/brevo-mailer", "brevo", "symfony/{slug}-mailer",
         "notification channel"),
        ("packagist", "symfony/amazon-mailer", "aws", "symfony/{slug}-mailer",
         "notification channel"),  # the family's own spelling of the slot
        ("packagist", "omnipay/stripe", "stripe", "omnipay/{slug}", "payment gateway"),
        ("npm", "@ai-sdk/google", "google-gemini", "@ai-sdk/{slug}", "AI model provider"),
        ("pypi", "langchain_anthropic", "anthropic", "langchain-{slug}", "AI model provider"),
        ("npm", "@analytics/mixpanel", "mixpanel", "@analytics/{slug}", "analytics destination"),
        # the slot written twice: organisation and repository both named after the service
        ("go", "github.com/mailjet/mailjet-go/v2", "mailjet", "github.com/{slug}/{slug}-go",
         "client of the service's API"),
        ("go", "github.com/slack-go/slack", "slack", "github.com/{slug}-go/{slug}",
         "client of the service's API"),
        ("rubygems", "ruby-anthropic", "anthropic", "ruby-{slug}", "client of the service's API"),
        ("rubygems", "onesignal-ruby-client", "onesignal", "{slug}-ruby-client",
         "client of the service's API"),
        # `*`: any text within one segment (a fork's Maven group, any Packagist vendor)
        ("maven", "org.thingsboard.langchain4j:langchain4j-open-ai", "openai",
         "*:langchain4j-{slug}", "AI model provider"),
        ("maven", "dev.langchain4j:langchain4j-anthropic", "anthropic", "*:langchain4j-{slug}",
         "AI model provider"),
        ("packagist", "spatie/flysystem-dropbox", "dropbox", "*/flysystem-{slug}",
         "file storage provider"),
        ("rubygems", "omniauth-dropbox2", "dropbox", "omniauth-{slug}2", "sign-in provider"),
        ("go", "github.com/adlio/trello", "atlassian", "github.com/*/{slug}",
         "client of the service's API"),
        # an integration framework's module per service, in its three distributions
        ("maven", "org.apache.camel:camel-slack", "slack", "org.apache.camel:camel-{slug}",
         "client of the service's API"),
        ("maven", "org.apache.camel:camel-box", "box", "org.apache.camel:camel-{slug}",
         "client of the service's API"),  # a plain word, in a family bound to one group
        ("maven", "org.apache.camel.springboot:camel-twilio-starter", "twilio",
         "org.apache.camel.springboot:camel-{slug}-starter", "client of the service's API"),
        ("maven", "org.apache.camel.quarkus:camel-quarkus-google-sheets", "google-apis",
         "org.apache.camel.quarkus:camel-quarkus-{slug}", "client of the service's API"),
        # Singer taps and targets, Airbyte connectors: data pipelines named after the service
        ("pypi", "tap-hubspot", "hubspot", "tap-{slug}", "client of the service's API"),
        ("pypi", "target-salesforce", "salesforce", "target-{slug}",
         "client of the service's API"),
        ("pypi", "pipelinewise-tap-zendesk", "zendesk", "pipelinewise-tap-{slug}",
         "client of the service's API"),
        ("pypi", "airbyte-source-facebook-marketing", "meta", "airbyte-source-{slug}",
         "client of the service's API"),  # the family's own spelling of the slot
        ("pypi", "airbyte_destination_snowflake", "snowflake", "airbyte-destination-{slug}",
         "client of the service's API"),
        ("pypi", "tap-stripe", "stripe", "tap-{slug}", "client of the service's API"),
    ],
)  # fmt: skip
def test_a_family_member_whose_slot_is_a_catalogued_service_is_its_client(
    ecosystem, name, vendor, family, flow
):
    found = shipped_catalogue().match_package(ecosystem, name)
    assert found is not None and found.vendor == vendor
    assert found.rule.startswith(f"family {family} (") and found.rule.endswith(flow)


@pytest.mark.parametrize(
    ("ecosystem", "name"),
    [
        ("packagist", "socialiteproviders/manager"),  # the family's base package
        ("packagist", "socialiteproviders/keycloak"),  # self-hostable
        ("packagist", "socialiteproviders/some-unknown-site"),  # no catalogued service
        ("rubygems", "omniauth-oauth2"),
        ("rubygems", "omniauth-rails_csrf_protection"),
        ("rubygems", "omniauth"),
        ("npm", "passport-local"),
        ("npm", "passport-jwt"),
        ("npm", "passport"),
        ("packagist", "laravel-notification-channels/webhook"),
        ("packagist", "laravel-notification-channels/webpush"),  # a protocol
        ("packagist", "symfony/mailer"),
        ("packagist", "symfony/fake-sms-notifier"),
        ("packagist", "omnipay/common"),
        ("npm", "@ai-sdk/react"),
        ("npm", "@ai-sdk/openai-compatible"),
        ("npm", "@langchain/core"),
        ("pypi", "langchain-community"),
        ("pypi", "langchain-huggingface"),  # runs models locally as often as not
        ("npm", "@analytics/cookie-utils"),
        ("npm", "@strapi/provider-upload-local"),
        ("npm", "passport-discord-extra-thing"),  # no pattern leaves that tail
        ("go", "github.com/square/go-jose/v2"),  # an organisation named so, a generic library
        ("go", "github.com/redis/go-redis/v9"),  # self-hostable: no catalogued service
        ("rubygems", "ruby-vips"),
        ("rubygems", "ruby-box"),  # an id that is also a plain word
        ("rubygems", "stream-ruby"),
        ("maven", "org.thingsboard.langchain4j:langchain4j-ollama"),  # a local model runner
        ("maven", "dev.langchain4j:langchain4j-core"),
        ("packagist", "league/flysystem-sftp-v3"),  # a protocol
        ("packagist", "league/flysystem-local"),
        ("maven", "org.thingsboard.langchain4j:x:langchain4j-open-ai"),  # `*` is one segment
        ("maven", "org.apache.camel:camel-stream"),  # standard input and output, not Stream
        ("maven", "org.apache.camel:camel-http"),  # generic components
        ("maven", "org.apache.camel:camel-kafka"),
        ("maven", "org.apache.camel.springboot:camel-sql-starter"),
        ("maven", "org.apache.camel:camel-huggingface"),  # runs models locally
        ("maven", "com.example:camel-slack"),  # the family is Camel's groups only
        ("pypi", "tap-postgres"),  # the project's own database
        ("pypi", "target-csv"),
        ("pypi", "airbyte-source-github"),  # no catalogued service
        ("pypi", "tap-gemini"),  # Yahoo's ad platform, not Google's model
    ],
)
def test_near_misses_of_families_match_nothing(ecosystem, name):
    assert shipped_catalogue().match_package(ecosystem, name) is None


@pytest.mark.parametrize(
    ("name", "vendor"),
    [
        ("org.apache.camel:camel-aws2-s3", "aws"),
        ("org.apache.camel.springboot:camel-aws-bedrock-starter", "aws"),
        ("org.apache.camel.quarkus:camel-quarkus-aws2-sqs", "aws"),
        ("org.apache.camel:camel-azure-storage-blob", "microsoft-azure"),
        ("org.apache.camel:camel-huaweicloud-smn", "huawei-cloud"),
        ("org.apache.camel:camel-ibm-watson-language", "ibm-cloud"),
    ],
)
def test_camels_components_for_a_clouds_services_are_that_clouds_clients(name, vendor):
    """A cloud's many Camel components (one per service) are listed on its entry, not
    given a slot each in the Camel family."""
    assert shipped_catalogue().vendor_of_package("maven", name) == vendor


def test_a_slot_written_twice_must_take_the_same_value():
    found = shipped_catalogue().match_package("go", "github.com/mailjet/sendgrid-go")
    # not the vendor's own repository: at most a client by another publisher, said so
    assert found is not None and found.rule.startswith("family github.com/*/{slug}-go (")


def test_an_open_family_never_takes_a_common_word():
    catalogue = shipped_catalogue()
    assert catalogue.match_package("go", "github.com/adlio/trello").vendor == "atlassian"
    for name in (
        "github.com/gorilla/mux",
        "github.com/go-kit/kit",
        "github.com/bwmarrin/snowflake",
        "github.com/blevesearch/segment",
        "github.com/kkdai/youtube/v2",
    ):
        assert catalogue.match_package("go", name) is None, name


# --- clients named after the service, by any publisher ---------------------------------


@pytest.mark.parametrize(
    ("ecosystem", "name", "vendor", "family"),
    [
        ("npm", "node-pagerduty", "pagerduty", "node-{slug}"),  # a community wrapper
        ("npm", "@nuxtjs/google-fonts", "google-fonts", "@*/{slug}"),
        ("pypi", "pyclickup", "clickup", "py{slug}"),
        ("pypi", "pycognito", "aws", "py{slug}"),  # a slug, not only an id
        ("rubygems", "pagerduty-api", "pagerduty", "{slug}-api"),
        ("cargo", "openai-rs", "openai", "{slug}-rs"),
        ("packagist", "spatie/dropbox-api", "dropbox", "*/{slug}-api"),
        ("packagist", "someone/laravel-mailgun", "mailgun", "*/laravel-{slug}"),
        ("maven", "com.databricks:databricks-sdk-java", "databricks", "*:{slug}-sdk-java"),
    ],
)
def test_a_client_named_after_a_distinctive_service_is_its_client(ecosystem, name, vendor, family):
    found = shipped_catalogue().match_package(ecosystem, name)
    assert found is not None and found.vendor == vendor
    assert found.rule.startswith(f"family {family} (") and found.rule.endswith("service's API")


@pytest.mark.parametrize(
    ("ecosystem", "name"),
    [
        ("pypi", "pystripe"),  # filters stripe artefacts out of microscope images
        ("pypi", "pydiscord"),  # Discordian dates
        ("pypi", "pylinear"),
        ("npm", "box-node"),
        ("npm", "node-youtube"),  # public videos
        ("pypi", "pymaxmind"),  # MaxMind's readers look up a local database
        ("npm", "huggingface-client"),  # downloads models as often as it calls the API
        ("npm", "@types/pusher-js"),  # type declarations, no client
        ("npm", "@types/airtable"),
        ("npm", "@opennextjs/aws"),  # a deployment adapter
        ("npm", "@pulumi/cloudflare"),  # an infrastructure-as-code provider
        ("npm", "@acme/vercel"),  # hosting names in a scope: adapters as often as not
        ("maven", "org.webjars.npm:airtable-client"),  # a browser library in a jar
        ("npm", "airtable-api-extra-thing"),  # no pattern leaves that tail
    ],
)
def test_near_misses_of_clients_named_after_a_service_match_nothing(ecosystem, name):
    assert shipped_catalogue().match_package(ecosystem, name) is None


def test_no_family_open_to_any_publisher_takes_a_common_word_in_any_of_its_shapes():
    catalogue = shipped_catalogue()
    open_families = [f for f in catalogue.families.values() if f.distinctive_only]
    assert len(open_families) >= 7
    for family in open_families:
        for pattern in family.patterns:
            for word in sorted(catalogue.common_words):
                name = pattern.replace("*", "someone").replace("{slug}", word)
                found = catalogue.match_package(family.ecosystem, name)
                assert found is None or not found.rule.startswith(f"family {pattern} ("), name


@pytest.mark.parametrize(
    ("ecosystem", "name", "vendor", "rule"),
    [
        ("rubygems", "fog-aws", "aws", "family fog-{slug} ("),
        ("rubygems", "fog-google", "google-cloud", "family fog-{slug} ("),  # the family's own
        ("go", "github.com/NdoleStudio/lemonsqueezy-go", "lemon-squeezy", "family github.com/*/"),
        ("maven", "com.shopizer:shipping-canadapost-spring-boot-starter", "canada-post",
         "family *:shipping-{slug}-spring-boot-starter ("),
        ("maven", "com.shopizer:shopizer-payment-square-spring-boot-starter", "square",
         "family *:*-payment-{slug}-spring-boot-starter ("),
        ("npm", "@medusajs/payment-stripe", "stripe", "family @*/payment-{slug} ("),
        ("go", "github.com/polarsource/polar-go", "polar", "namespace github.com/polarsource/"),
        ("go", "github.com/aliyun/aliyun-oss-go-sdk", "alibaba-cloud",
         "namespace github.com/aliyun/"),
    ],
)  # fmt: skip
def test_round_5_mechanisms_cover_what_its_misses_showed(ecosystem, name, vendor, rule):
    found = shipped_catalogue().match_package(ecosystem, name)
    assert found is not None and found.vendor == vendor
    assert found.rule.startswith(rule)


@pytest.mark.parametrize(
    ("ecosystem", "name"),
    [
        ("rubygems", "fog-core"),
        ("rubygems", "fog-openstack"),  # self-hostable
        ("go", "github.com/someone/did"),  # `d-id` written solid is too short a word
        ("maven", "com.shop:shipping-flat-rate-spring-boot-starter"),
        ("maven", "com.shop:shop-payment-api"),
        ("pypi", "huggingface-hub"),  # downloads models as often as it calls the API
        ("npm", "@huggingface/hub"),
    ],
)
def test_near_misses_of_round_5_mechanisms_match_nothing(ecosystem, name):
    assert shipped_catalogue().match_package(ecosystem, name) is None


@pytest.mark.parametrize(
    ("name", "vendor", "family"),
    [
        # the Chat SDK's own adapters, a common word included (the family is bound to them)
        ("@chat-adapter/telegram", "telegram", "@chat-adapter/{slug}"),
        ("@chat-adapter/slack", "slack", "@chat-adapter/{slug}"),
        ("@chat-adapter/discord", "discord", "@chat-adapter/{slug}"),
        ("@chat-adapter/whatsapp", "meta", "@chat-adapter/{slug}"),  # a vendor's slug
        ("@chat-adapter/messenger", "meta", "@chat-adapter/{slug}"),
        ("@chat-adapter/teams", "microsoft-365", "@chat-adapter/{slug}"),  # its own spelling
        ("@chat-adapter/gchat", "google-apis", "@chat-adapter/{slug}"),
        ("@chat-adapter/x", "x-twitter", "@chat-adapter/{slug}"),
        # another publisher's adapter, and a vendor's own
        ("chat-adapter-sendblue", "sendblue", "chat-adapter-{slug}"),
        ("@resend/chat-sdk-adapter", "resend", "@{slug}/chat-sdk-adapter"),
    ],
)
def test_a_chat_sdk_adapter_is_a_channel_of_the_platform_it_is_named_after(name, vendor, family):
    found = shipped_catalogue().match_package("npm", name)
    assert found is not None and found.vendor == vendor
    assert found.rule.startswith(f"family {family} (") and found.rule.endswith("channel")


@pytest.mark.parametrize(
    "name",
    [
        "@chat-adapter/shared",  # the adapters' common code
        "@chat-adapter/web",  # the project's own browser widget
        "@chat-adapter/email",  # plain e-mail: no one service
        "@chat-adapter/state-redis",  # the bot's state in the project's own database
        "@chat-adapter/state-pg",
        "@chat-adapter/github",  # no catalogued service (repository data)
        "@beeper/chat-adapter-matrix",  # a protocol any server speaks
        "chat",  # the SDK itself
    ],
)
def test_near_misses_of_chat_sdk_adapters_match_nothing(name):
    assert shipped_catalogue().match_package("npm", name) is None


ORDINARY_WORDS = {
    "box", "linear", "notion", "square", "mux", "front", "plain", "close", "stripe", "slack",
    "discord", "telegram", "sentry", "segment", "monday", "zoom", "asana", "loom", "drift",
    "crisp", "intercom", "paddle", "plaid", "wise", "clerk", "knock", "courier", "stream",
    "whereby", "delighted", "livechat", "contentful", "braintree", "pusher", "retell", "vk",
}  # fmt: skip


def test_every_vendor_named_by_an_ordinary_word_lists_it_among_its_common_words():
    catalogue = shipped_catalogue()
    named = {slug for slug in catalogue.slugs if slug in ORDINARY_WORDS}
    assert named == ORDINARY_WORDS  # each of them is a catalogued id or slug
    assert catalogue.common_words >= ORDINARY_WORDS


def test_a_slot_a_family_refuses_stays_refused_even_if_a_users_vendor_is_spelt_so(tmp_path):
    own = tmp_path / "vendors.yaml"
    own.write_text(
        "reviewed: 2026-12-01\n"
        "vendors:\n"
        "  - {id: local, name: Local Corp, type: crm, legal_entity: Local SAS, country: FR,\n"
        "     hosts: [api.local.example], dpf: unknown, dpa: unknown, subprocessors: unknown}\n"
        "  - {id: acme-id, name: Acme ID, type: identity, legal_entity: Acme SAS, country: FR,\n"
        "     slugs: [acme], hosts: [id.acme.example], dpf: unknown, dpa: unknown,\n"
        "     subprocessors: unknown}\n",
        "utf-8",
    )
    catalogue = load_catalogue((own,))
    assert catalogue.match_package("npm", "passport-local") is None  # passport's own
    assert catalogue.vendor_of_package("packagist", "socialiteproviders/local") == "local"
    assert catalogue.vendor_of_package("rubygems", "omniauth-acme") == "acme-id"  # a user's slug


def test_a_users_file_adds_a_family(tmp_path):
    own = tmp_path / "vendors.yaml"
    own.write_text(
        "reviewed: 2026-12-01\n"
        "vendors: []\n"
        "families:\n"
        "  - id: acme-push\n"
        "    name: Acme push adapters\n"
        "    ecosystem: npm\n"
        "    patterns: ['@acme/push-{slug}']\n"
        "    flow: notification-channel\n"
        "    not_services: [console]\n",
        "utf-8",
    )
    catalogue = load_catalogue((own,))
    found = catalogue.match_package("npm", "@acme/push-onesignal")
    assert found is not None and found.vendor == "onesignal"
    assert catalogue.match_package("npm", "@acme/push-console") is None
    assert set(shipped_catalogue().families) < set(catalogue.families)


@pytest.mark.parametrize(
    ("family", "field"),
    [
        ("{id: x, name: X, ecosystem: npm, patterns: [x-y], flow: sign-in}", "patterns.0"),
        ("{id: x, name: X, ecosystem: npm, patterns: ['x-{name}'], flow: sign-in}",
         "patterns.0"),
        ("{id: x, name: X, ecosystem: npm, patterns: ['x-{slug}'], flow: telepathy}", "flow"),
        ("{id: x, name: X, ecosystem: npm, patterns: []}", "patterns"),
    ],
)  # fmt: skip
def test_a_family_without_one_slot_or_a_known_flow_is_refused(tmp_path, family, field):
    own = tmp_path / "vendors.yaml"
    own.write_text(f"reviewed: 2026-12-01\nvendors: []\nfamilies:\n  - {family}\n", "utf-8")
    with pytest.raises(CatalogueError, match=rf"families\.0\.{re.escape(field)}"):
        load_catalogue((own,))


def test_every_family_names_catalogued_vendors_and_refuses_none_of_its_own_slots():
    catalogue = shipped_catalogue()
    for family in catalogue.families.values():
        assert set(family.slugs.values()) <= set(catalogue.vendors), family.id
        assert not {_slot(s) for s in family.slugs} & {_slot(s) for s in family.not_services}
        for pattern in family.patterns:
            assert normalise_package(family.ecosystem, pattern.replace("{slug}", "x"))


# --- in a repository: the rule is shown, and dev dependencies stay dev ------------------


def test_a_family_or_namespace_match_says_which_rule_and_dev_ones_are_not_used(tmp_path):
    write(
        tmp_path,
        {
            "composer.json": """
                {
                  "require": {"socialiteproviders/discord": "^4", "laravel/framework": "^11"},
                  "require-dev": {"socialiteproviders/twitch": "^5"}
                }
            """,
            "package.json": """
                {
                  "dependencies": {"@sentry/some-future-sdk": "1"},
                  "devDependencies": {"@upstash/lock": "1", "passport-discord": "1"}
                }
            """,
        },
    )
    scan = scan_repository(tmp_path, shipped_catalogue(), ScanOptions(), shown="app")
    got = {(s.vendor, s.scope, s.detail) for s in scan.sightings}
    assert got == {
        (
            "discord",
            "runtime",
            "packagist socialiteproviders/discord (family socialiteproviders/{slug} "
            "(Laravel Socialite providers), {slug} = discord: a sign-in provider)",
        ),
        (
            "twitch",
            "dev",
            "packagist socialiteproviders/twitch (family socialiteproviders/{slug} "
            "(Laravel Socialite providers), {slug} = twitch: a sign-in provider)",
        ),
        (
            "sentry",
            "runtime",
            "npm @sentry/some-future-sdk (namespace @sentry/* (only Sentry clients))",
        ),
        ("upstash", "dev", "npm @upstash/lock (namespace @upstash/* (only Upstash clients))"),
        (
            "discord",
            "dev",
            "npm passport-discord (family passport-{slug} (Passport.js strategies), "
            "{slug} = discord: a sign-in provider)",
        ),
    }
    assert {s.vendor for s in scan.sightings if s.used} == {"discord", "sentry"}
