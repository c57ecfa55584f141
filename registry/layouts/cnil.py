"""The CNIL registre's layout: its headings, data-category lines and French phrasings.

Shared by the CNIL export, which writes them, and the spreadsheet importer, which
reads them back.
"""

from __future__ import annotations

from registry.core.vocabulary import Art9Condition, LegalBasis, SpecialCategory, TransferMechanism

# The CNIL's data-category lines, with the taxonomy roots that fall under each.
CATEGORY_LINES: list[tuple[str, frozenset[str]]] = [
    (
        "État civil, identité, données d'identification, images",
        frozenset({"identity", "contact"}),
    ),
    ("Vie personnelle (habitudes de vie, situation familiale, etc.)", frozenset({"personal-life"})),
    (
        "Vie professionnelle (CV, scolarité, formation professionnelle, distinctions, etc.)",
        frozenset({"employment"}),
    ),
    (
        "Informations d'ordre économique et financier (revenus, situation financière, "
        "situation fiscale, etc.)",
        frozenset({"financial"}),
    ),
    ("Données de connexion (adresse IP, logs, etc.)", frozenset({"online-identifiers"})),
    ("Données de localisation (déplacements, données GPS, GSM, etc.)", frozenset({"location"})),
]
OTHER_LINE = "Autres catégories de données"
SENSITIVE_LINES: dict[SpecialCategory, str] = {
    SpecialCategory.racial_ethnic_origin: "Données révélant l'origine raciale ou ethnique",
    SpecialCategory.political_opinions: "Données révélant les opinions politiques",
    SpecialCategory.religious_beliefs: (
        "Données révélant les convictions religieuses ou philosophiques"
    ),
    SpecialCategory.trade_union: "Données révélant l'appartenance syndicale",
    SpecialCategory.genetic: "Données génétiques",
    SpecialCategory.biometric: (
        "Données biométriques aux fins d'identifier une personne physique de manière unique"
    ),
    SpecialCategory.health: "Données concernant la santé",
    SpecialCategory.sex_life_orientation: (
        "Données concernant la vie sexuelle ou l'orientation sexuelle"
    ),
    SpecialCategory.criminal: "Données relatives à des condamnations pénales ou à des infractions",
    SpecialCategory.national_id: "Numéro d'identification national unique (NIR)",
}
BASIS_FR: dict[LegalBasis, str] = {
    LegalBasis.consent: "consentement",
    LegalBasis.contract: "exécution d'un contrat",
    LegalBasis.legal_obligation: "obligation légale",
    LegalBasis.vital_interests: "sauvegarde des intérêts vitaux",
    LegalBasis.public_task: "mission d'intérêt public",
    LegalBasis.legitimate_interests: "intérêt légitime",
}
ART9_FR: dict[Art9Condition, str] = {
    Art9Condition.explicit_consent: "consentement explicite",
    Art9Condition.employment_social_protection: "droit du travail et de la protection sociale",
    Art9Condition.vital_interests: "sauvegarde des intérêts vitaux",
    Art9Condition.not_for_profit_body: "organisme à but non lucratif",
    Art9Condition.made_public: "données manifestement rendues publiques par la personne",
    Art9Condition.legal_claims: "constatation, exercice ou défense d'un droit en justice",
    Art9Condition.substantial_public_interest: "motif d'intérêt public important",
    Art9Condition.health_or_social_care: (
        "médecine préventive, diagnostics médicaux, prise en charge sanitaire ou sociale"
    ),
    Art9Condition.public_health: "intérêt public dans le domaine de la santé publique",
    Art9Condition.archiving_research_statistics: (
        "archivage, recherche scientifique ou historique, statistiques"
    ),
}
MECHANISM_FR: dict[TransferMechanism, str] = {
    TransferMechanism.adequacy: "décision d'adéquation",
    TransferMechanism.dpf: "cadre de protection des données UE-États-Unis",
    TransferMechanism.sccs: "clauses contractuelles types",
    TransferMechanism.bcr: "règles d'entreprise contraignantes",
    TransferMechanism.code_of_conduct: "code de conduite",
    TransferMechanism.certification: "mécanisme de certification",
    TransferMechanism.ad_hoc_clauses: "clauses contractuelles ad hoc",
    TransferMechanism.derogation_explicit_consent: "dérogation : consentement explicite",
    TransferMechanism.derogation_contract_with_subject: (
        "dérogation : contrat avec la personne concernée"
    ),
    TransferMechanism.derogation_contract_in_subject_interest: (
        "dérogation : contrat dans l'intérêt de la personne"
    ),
    TransferMechanism.derogation_public_interest: "dérogation : motif important d'intérêt public",
    TransferMechanism.derogation_legal_claims: "dérogation : droits en justice",
    TransferMechanism.derogation_vital_interests: "dérogation : intérêts vitaux",
    TransferMechanism.derogation_public_register: "dérogation : registre public",
    TransferMechanism.derogation_compelling_legitimate_interests: (
        "dérogation : intérêts légitimes impérieux"
    ),
}
# The recipient's DPF certification after a safeguard (the importer strips this clause).
DPF_FR = "certification DPF depuis le "
# Between a lawful basis and the Art. 6(3) law behind it (the English layouts say " under ").
LAW_JOIN_FR = " — "
ART87_LINE = "Loi autorisant le numéro d'identification national (article 87)"
ROLE_FR = {
    "processor": "Sous-traitants",
    "joint controller": "Responsables conjoints",
    "controller": "Autres destinataires",
    "recipient": "Autres destinataires",
}
SECURITY_LINES = [
    "Contrôle d'accès des utilisateurs",
    "Mesures de traçabilité",
    "Mesures de protection des logiciels",
    "Sauvegarde des données",
    "Chiffrement des données",
    "Contrôle des sous-traitants",
    "Autres mesures",
]
# (security field, line index, phrase if true, phrase if false)
SECURITY_FR = [
    ("mfa", 0, "authentification multifacteur", "sans authentification multifacteur"),
    ("access_logging", 1, "journalisation des accès", "pas de journalisation des accès"),
    ("monitoring", 1, "supervision", "pas de supervision"),
    ("alert_escalation", 1, "escalade des alertes", "pas d'escalade des alertes"),
    ("internet_exposed", 2, "exposé à Internet", "non exposé à Internet"),
    ("backups", 3, "sauvegardes", "pas de sauvegarde"),
    ("encryption_at_rest", 4, "chiffrement au repos", "pas de chiffrement au repos"),
]
AUTH_FR = {
    "individual": "comptes individuels",
    "shared": "comptes partagés",
    "none": "aucune authentification",
}
# Retention written as an event or with no end, and a system that keeps nothing.
UNTIL_FR = "jusqu'à :"
INDEFINITE_FR = "durée illimitée"
TRANSIENT_FR = "ne conserve aucune donnée (transitoire)"
HEADER_COLUMNS = ["", "Nom", "Adresse", "Courriel", "Téléphone"]
LIST_COLUMNS = [
    "N° / Référence",
    "Nom du traitement",
    "Date de création",
    "Date de mise à jour",
    "Finalité principale",
    "Responsable(s) conjoint(s)",
]
FICHE_COLUMNS = ["Rubrique", "Contenu", "Durée de conservation / précisions"]
