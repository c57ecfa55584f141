"""fideslang's taxonomy (1.x, 2.x and 3.x) read onto ropa's.

fideslang renamed its keys twice: 1.0's ``user.provided.identifiable.*`` and
``user.derived.identifiable.*`` lost their qualifiers in 1.3 (``account.*`` moved
under ``user``), and 2.0 regrouped them (``user.credentials`` became
``user.authorization.credentials``, ``user.browsing_history`` became
``user.behavior.browsing_history``…). :func:`normalise` brings any of them to the
3.x key; :data:`CATEGORIES` then places each 3.x key in ropa's taxonomy: onto an
entry ropa has (``user.contact.email`` is contact details), or as a new child of
the right entry (browsing history under connection data). fideslang's taxonomy is
CC BY 4.0, © Ethyca; the names below follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# 1.0 → 1.3: the identifiability qualifiers go, account data moves under the user.
_QUALIFIED = re.compile(r"^user\.(?:provided|derived)(?:\.identifiable)?(?=\.|$)")
# 1.0's data "not identifiable" to the user: not personal data by its own label (Recital 26).
_NON_IDENTIFIABLE = re.compile(r"^user\.(?:provided|derived)\.nonidentifiable(?=\.|$)")
# 1.x → 3.x renames, most specific first (a prefix rename carries the children along).
RENAMES: tuple[tuple[str, str], ...] = (
    ("account.contact.city", "user.contact.address.city"),
    ("account.contact.country", "user.contact.address.country"),
    ("account.contact.postal_code", "user.contact.address.postal_code"),
    ("account.contact.state", "user.contact.address.state"),
    ("account.contact.street", "user.contact.address.street"),
    ("account.contact", "user.contact"),
    ("account.payment.financial_account_number", "user.financial.bank_account"),
    ("account.payment", "user.financial"),
    ("account", "user.account"),
    ("user.account.contact.city", "user.contact.address.city"),
    ("user.account.contact.country", "user.contact.address.country"),
    ("user.account.contact.postal_code", "user.contact.address.postal_code"),
    ("user.account.contact.state", "user.contact.address.state"),
    ("user.account.contact.street", "user.contact.address.street"),
    ("user.account.contact", "user.contact"),
    ("user.account.payment.financial_account_number", "user.financial.bank_account"),
    ("user.account.payment", "user.financial"),
    ("user.payment.financial_account_number", "user.financial.bank_account"),
    ("user.contact.city", "user.contact.address.city"),
    ("user.contact.country", "user.contact.address.country"),
    ("user.contact.postal_code", "user.contact.address.postal_code"),
    ("user.contact.state", "user.contact.address.state"),
    ("user.contact.street", "user.contact.address.street"),
    ("user.financial.account_number", "user.financial.bank_account"),
    ("user.financial.payment_information", "user.financial"),
    ("user.credentials.biometric_credentials", "user.authorization.biometric"),
    ("user.credentials.password", "user.authorization.password"),
    ("user.credentials", "user.authorization.credentials"),
    ("user.account.password", "user.authorization.password"),
    ("user.biometric_health", "user.biometric.health"),
    ("user.browsing_history", "user.behavior.browsing_history"),
    ("user.media_consumption", "user.behavior.media_consumption"),
    ("user.search_history", "user.behavior.search_history"),
    ("user.observed", "user.behavior"),
    ("user.organization", "user.contact.organization"),
    ("user.non_specific_age", "user.demographic.age_range"),
    ("user.date_of_birth", "user.demographic.date_of_birth"),
    ("user.gender", "user.demographic.gender"),
    ("user.political_opinion", "user.demographic.political_opinion"),
    ("user.profiling", "user.demographic.profile"),
    ("user.race", "user.demographic.race_ethnicity"),
    ("user.religious_belief", "user.demographic.religious_belief"),
    ("user.sexual_orientation", "user.demographic.sexual_orientation"),
    ("user.genetic", "user.health_and_medical.genetic"),
    ("user.user_sensor", "user.sensor"),
)


def normalise(key: str) -> str:
    """Any fideslang version's category key as the 3.x key."""
    key = _QUALIFIED.sub("user", key.strip())
    for old, new in RENAMES:
        if key == old or key.startswith(old + "."):
            return new + key[len(old) :]
    return key


def not_personal(key: str) -> bool:
    """``system.*`` describes the system (logs, configuration), not a person."""
    return key == "system" or key.startswith("system.")


def non_identifiable(key: str) -> bool:
    """fideslang 1.0 ``user.derived.nonidentifiable…``: labelled as identifying no one."""
    return bool(_NON_IDENTIFIABLE.match(key.strip()))


@dataclass(frozen=True)
class NewCategory:
    """A category ropa's taxonomy lacks, created under ``parent`` with fideslang's name."""

    id: str
    name: str
    parent: str | None = None
    description: str | None = None


_ACCOUNT = NewCategory("account-information", "Account information", "online-identifiers")
_BEHAVIOUR = NewCategory("observed-behaviour", "Observed behaviour", "personal-life")
_BROWSING = NewCategory(
    "browsing-search-history", "Browsing and search history", "online-identifiers"
)
_CONTENT = NewCategory("user-content", "User content", "personal-life")
_DEMOGRAPHIC = NewCategory("demographic-data", "Demographic data", "identity")
_GOVERNMENT = NewCategory(
    "government-identifiers",
    "Government identifiers",
    "identity",
    "Driving licence, immigration, vehicle registration or birth certificate numbers.",
)
# fideslang `user.childrens`: data about children. Its GDPR meaning is in the subjects
# (children are vulnerable, Recital 38): the importer adds them to the activity.
CHILDREN = NewCategory("childrens-data", "Children's data", None, "Data about children.")

# 3.x key → ropa's taxonomy id, or a category to create; the longest prefix decides.
CATEGORIES: dict[str, str | NewCategory] = {
    "user.account": _ACCOUNT,
    "user.authorization": "credentials",
    "user.authorization.biometric": "biometric",  # used to identify: Art. 9 biometric data
    "user.behavior": _BEHAVIOUR,
    "user.behavior.browsing_history": _BROWSING,
    "user.behavior.search_history": _BROWSING,
    "user.behavior.media_consumption": NewCategory(
        "media-consumption", "Media consumption", "personal-life"
    ),
    "user.behavior.purchase_history": NewCategory(
        "purchase-history", "Purchase history", "financial"
    ),
    "user.biometric": "biometric",
    "user.biometric.health": "health",
    "user.childrens": CHILDREN,
    "user.contact": "contact",
    "user.contact.organization": "employment",
    "user.content": _CONTENT,
    "user.content.self_image": "identity",
    "user.criminal_history": "criminal",
    "user.demographic": _DEMOGRAPHIC,
    "user.demographic.age_range": "identity",
    "user.demographic.date_of_birth": "identity",
    "user.demographic.gender": "identity",
    "user.demographic.marital_status": "identity",
    "user.demographic.political_opinion": "political-opinions",
    "user.demographic.profile": NewCategory(
        "profile", "Profile (inferred characteristics)", "personal-life"
    ),
    "user.demographic.race_ethnicity": "racial-ethnic-origin",
    "user.demographic.religious_belief": "religious-beliefs",
    "user.demographic.sexual_orientation": "sex-life-orientation",
    "user.device": "online-identifiers",
    "user.financial": "financial",
    "user.financial.bank_account": "bank-details",
    "user.financial.credit_card": NewCategory("payment-card", "Payment card data", "financial"),
    "user.government_id": _GOVERNMENT,
    "user.government_id.national_identification_number": "national-id",
    "user.government_id.passport_number": "national-id",
    "user.health_and_medical": "health",
    "user.health_and_medical.genetic": "genetic",
    "user.job_title": "employment",
    "user.location": "location",
    "user.name": "identity",
    "user.payment": "financial",
    "user.privacy_preferences": NewCategory(
        "privacy-preferences", "Privacy preferences (consent choices)", "online-identifiers"
    ),
    "user.sensor": NewCategory("sensor-data", "Sensor data", "online-identifiers"),
    "user.social": NewCategory("social-data", "Social data", "personal-life"),
    "user.telemetry": NewCategory("telemetry", "Telemetry", "online-identifiers"),
    "user.union_membership": "trade-union",
    "user.unique_id": "online-identifiers",
    "user.workplace": "employment",
}
# `user` alone: "any data about the user". Narrowed to what the datasets hold where
# a declaration references some; otherwise this placeholder, listed as a to-do.
ANY_USER_DATA = NewCategory(
    "user-data-to-narrow-down",
    "User data, not narrowed down",
    None,
    "fideslang `user`: the manifests do not say which data about the user.",
)


def category_of(key: str) -> str | NewCategory | None:
    """Where the 3.x ``key`` goes: the longest mapped prefix, None when nothing maps."""
    parts = key.split(".")
    for end in range(len(parts), 1, -1):
        found = CATEGORIES.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None


# fideslang data subjects ropa's taxonomy has; the others are created with these names.
SUBJECTS: dict[str, str] = {
    "customer": "customers",
    "employee": "employees",
    "job_applicant": "job-applicants",
    "patient": "patients",
    "prospect": "prospects",
    "supplier_vendor": "suppliers",
}
SUBJECT_NAMES: dict[str, str] = {
    "anonymous_user": "Anonymous users",
    "citizen_voter": "Citizens and voters",
    "commuter": "Commuters",
    "consultant": "Consultants",
    "next_of_kin": "Next of kin",
    "passenger": "Passengers",
    "shareholder": "Shareholders",
    "trainee": "Trainees",
    "visitor": "Visitors",
}

# What a data use is for, in words fit for an activity's name ("Stripe — payment
# processing"); 1.x keys too. Unlisted keys fall back on their nearest listed parent.
USES: dict[str, str] = {
    "analytics": "analytics",
    "analytics.reporting": "analytics and reporting",
    "analytics.reporting.ad_performance": "advertising performance reporting",
    "analytics.reporting.campaign_insights": "campaign insights",
    "analytics.reporting.content_performance": "content performance reporting",
    "analytics.reporting.system": "system activity reporting",
    "analytics.reporting.system.performance": "system performance reporting",
    "collect": "data collection",
    "employment": "employment",
    "employment.recruitment": "recruitment",
    "essential": "essential functions",
    "essential.fraud_detection": "fraud detection",
    "essential.legal_obligation": "legal obligations",
    "essential.service": "providing the service",
    "essential.service.authentication": "authentication",
    "essential.service.notifications": "service notifications",
    "essential.service.notifications.email": "service e-mails",
    "essential.service.notifications.sms": "service text messages",
    "essential.service.operations": "service operations",
    "essential.service.operations.improve": "improving support",
    "essential.service.operations.support": "customer support",
    "essential.service.operations.support.optimization": "support optimisation",
    "essential.service.payment_processing": "payment processing",
    "essential.service.security": "security",
    "essential.service.upgrades": "service upgrades",
    "finance": "finance",
    "functional": "functional features",
    "functional.service": "service features",
    "functional.service.improve": "improving the service",
    "functional.storage": "local data storage",
    "marketing": "marketing",
    "marketing.advertising": "advertising",
    "marketing.advertising.first_party": "first-party advertising",
    "marketing.advertising.first_party.contextual": "first-party contextual advertising",
    "marketing.advertising.first_party.targeted": "first-party targeted advertising",
    "marketing.advertising.frequency_capping": "ad frequency capping",
    "marketing.advertising.negative_targeting": "negative ad targeting",
    "marketing.advertising.profiling": "profiling for advertising",
    "marketing.advertising.serving": "ad serving",
    "marketing.advertising.third_party": "third-party advertising",
    "marketing.advertising.third_party.targeted": "third-party targeted advertising",
    "marketing.communications": "marketing communications",
    "marketing.communications.email": "marketing e-mails",
    "marketing.communications.sms": "marketing text messages",
    "operations": "operations",
    "personalize": "personalisation",
    "personalize.content": "content personalisation",
    "personalize.content.limited": "limited content personalisation",
    "personalize.content.profiled": "targeted content personalisation",
    "personalize.content.profiling": "profiling for personalisation",
    "personalize.system": "system personalisation",
    "sales": "sales",
    "third_party_sharing": "sharing with third parties",
    "third_party_sharing.legal_obligation": "sharing for a legal obligation",
    "train_ai_system": "training an AI system",
    # fideslang 1.x
    "provide": "providing the service",
    "provide.service": "providing the service",
    "provide.service.operations": "service operations",
    "provide.service.operations.support": "customer support",
    "provide.service.operations.support.optimization": "support optimisation",
    "provide.service.upgrades": "service upgrades",
    "improve": "improving the service",
    "improve.system": "improving the system",
    "advertising": "advertising",
    "advertising.first_party": "first-party advertising",
    "advertising.first_party.contextual": "first-party contextual advertising",
    "advertising.first_party.personalized": "first-party personalised advertising",
    "advertising.third_party": "third-party advertising",
    "advertising.third_party.personalized": "third-party personalised advertising",
    "third_party_sharing.payment_processing": "sharing for payment processing",
    "third_party_sharing.personalized_advertising": "sharing for personalised advertising",
    "third_party_sharing.fraud_detection": "sharing for fraud detection",
}

# Data uses by which the receiving party uses the data for its own ends: it receives
# as an independent controller (no Art. 28 contract), not as our processor.
_OWN_ENDS = ("third_party_sharing", "marketing.advertising.third_party", "advertising.third_party")


def for_own_ends(use: str) -> bool:
    return any(use == p or use.startswith(p + ".") for p in _OWN_ENDS)


def use_label(use: str) -> str:
    """The words for a data use: its own, its nearest listed parent's, else its last part."""
    parts = use.split(".")
    for end in range(len(parts), 0, -1):
        label = USES.get(".".join(parts[:end]))
        if label is not None:
            if end == len(parts):
                return label
            return f"{label}: {parts[-1].replace('_', ' ')}"
    return parts[-1].replace("_", " ")


# 1.x `special_category` values on a data use (SpecialCategoriesEnum) → Art. 9(2).
ART9_V1 = {
    "consent": "explicit_consent",
    "employment": "employment_social_protection",
    "vital interests": "vital_interests",
    "non-profit bodies": "not_for_profit_body",
    "public by data subject": "made_public",
    "legal claims": "legal_claims",
    "substantial public interest": "substantial_public_interest",
    "medical": "health_or_social_care",
    "public health interest": "public_health",
}
# 3.x `legal_basis_for_transfers` → ropa's mechanisms (Supplementary Measures and
# Other name none: reported).
TRANSFER_BASES = {
    "adequacy decision": "adequacy",
    "sccs": "sccs",
    "standard contractual clauses": "sccs",
    "bcrs": "bcr",
    "binding corporate rules": "bcr",
}
