"""The platform's controlled vocabulary, with labels in the three interface languages.

Ids are stable (stored, used by the API and importers); labels are what people read.
"""

from __future__ import annotations

from enum import StrEnum


class Sector(StrEnum):
    AI = "ai"
    SEMICONDUCTORS = "semiconductors"
    QUANTUM = "quantum"
    ENERGY = "energy"
    INFRASTRUCTURE = "infrastructure"
    BIOTECH = "biotech"
    OTHER = "other"


class OpportunityType(StrEnum):
    TECHNOLOGY_OFFER = "technology_offer"
    TECHNOLOGY_REQUEST = "technology_request"
    BUSINESS_OFFER = "business_offer"
    BUSINESS_REQUEST = "business_request"
    RD_PARTNER_REQUEST = "rd_partner_request"
    INVESTMENT_SOUGHT = "investment_sought"
    INVESTMENT_OFFERED = "investment_offered"


class Language(StrEnum):
    IT = "it"
    JA = "ja"
    EN = "en"


class Country(StrEnum):
    IT = "IT"
    JP = "JP"


class OrganisationKind(StrEnum):
    COMPANY = "company"
    STARTUP = "startup"
    RESEARCH = "research"
    INVESTOR = "investor"
    PUBLIC_BODY = "public_body"


class OrganisationSize(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


Labels = dict[str, dict[str, str]]

SECTOR_LABELS: Labels = {
    "ai": {"en": "Artificial intelligence", "it": "Intelligenza artificiale", "ja": "人工知能"},
    "semiconductors": {
        "en": "Semiconductors and microelectronics",
        "it": "Semiconduttori e microelettronica",
        "ja": "半導体・マイクロエレクトロニクス",
    },
    "quantum": {"en": "Quantum technologies", "it": "Tecnologie quantistiche", "ja": "量子技術"},
    "energy": {"en": "Energy", "it": "Energia", "ja": "エネルギー"},
    "infrastructure": {"en": "Infrastructure", "it": "Infrastrutture", "ja": "インフラ"},
    "biotech": {"en": "Biotechnology", "it": "Biotecnologie", "ja": "バイオテクノロジー"},
    "other": {"en": "Other", "it": "Altro", "ja": "その他"},
}

TYPE_LABELS: Labels = {
    "technology_offer": {"en": "Technology offer", "it": "Offerta tecnologica", "ja": "技術提供"},
    "technology_request": {"en": "Technology request", "it": "Richiesta tecnologica", "ja": "技術募集"},
    "business_offer": {"en": "Business offer", "it": "Offerta commerciale", "ja": "ビジネス提供"},
    "business_request": {"en": "Business request", "it": "Richiesta commerciale", "ja": "ビジネス募集"},
    "rd_partner_request": {
        "en": "R&D partner request",
        "it": "Ricerca di partner R&S",
        "ja": "共同研究開発パートナー募集",
    },
    "investment_sought": {"en": "Investment sought", "it": "Investimento cercato", "ja": "投資募集"},
    "investment_offered": {"en": "Investment offered", "it": "Investimento offerto", "ja": "投資提供"},
}

STATUS_LABELS: Labels = {
    "draft": {"en": "Draft", "it": "Bozza", "ja": "下書き"},
    "in_review": {"en": "In review", "it": "In revisione", "ja": "審査中"},
    "published": {"en": "Published", "it": "Pubblicata", "ja": "公開中"},
    "expired": {"en": "Expired", "it": "Scaduta", "ja": "期限切れ"},
    "withdrawn": {"en": "Withdrawn", "it": "Ritirata", "ja": "取り下げ"},
}

KIND_LABELS: Labels = {
    "company": {"en": "Company", "it": "Impresa", "ja": "企業"},
    "startup": {"en": "Startup", "it": "Startup", "ja": "スタートアップ"},
    "research": {"en": "Research centre", "it": "Centro di ricerca", "ja": "研究機関"},
    "investor": {"en": "Investor", "it": "Investitore", "ja": "投資家"},
    "public_body": {"en": "Public body", "it": "Ente pubblico", "ja": "公的機関"},
}

COUNTRY_LABELS: Labels = {
    "IT": {"en": "Italy", "it": "Italia", "ja": "イタリア"},
    "JP": {"en": "Japan", "it": "Giappone", "ja": "日本"},
}

LANGUAGE_LABELS: Labels = {
    "it": {"en": "Italian", "it": "Italiano", "ja": "イタリア語"},
    "ja": {"en": "Japanese", "it": "Giapponese", "ja": "日本語"},
    "en": {"en": "English", "it": "Inglese", "ja": "英語"},
}

SIZE_LABELS: Labels = {
    "micro": {"en": "Micro", "it": "Micro", "ja": "零細"},
    "small": {"en": "Small", "it": "Piccola", "ja": "小規模"},
    "medium": {"en": "Medium", "it": "Media", "ja": "中堅"},
    "large": {"en": "Large", "it": "Grande", "ja": "大企業"},
}


def label(labels: Labels, key: str, locale: str) -> str:
    """The label of ``key`` in ``locale``, falling back to English, then to the key itself."""
    entry = labels.get(key, {})
    return entry.get(locale) or entry.get("en") or key
