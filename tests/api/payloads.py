"""Valid request bodies that tests vary one field at a time."""

from __future__ import annotations

from typing import Any

NEW_ORGANISATION: dict[str, Any] = {
    "name": "Fotonica Lagunare S.r.l.",
    "name_ja": "フォトニカ・ラグナーレ",
    "country": "IT",
    "kind": "startup",
    "sectors": ["semiconductors", "quantum"],
    "ateco_code": "26.11",
    "size": "small",
    "city": "Venezia",
    "website": "https://fotonica-lagunare.example.it",
    "description": "Circuiti fotonici integrati per comunicazioni quantistiche.",
    "description_language": "it",
}

NEW_OPPORTUNITY: dict[str, Any] = {
    "type": "technology_request",
    "language": "it",
    "title": "Cerchiamo substrati GaN-on-Si da 200 mm",
    "description": "Produttore di moduli di potenza cerca fornitore giapponese di substrati GaN-on-Si da 200 mm.",
    "translations": {
        "en": {"title": "GaN-on-Si substrates sought", "description": "Power module maker seeks GaN."}
    },
    "sectors": ["semiconductors"],
    "keywords": ["GaN", "substrati"],
    "trl": 6,
    "partner_sought": "Fornitore di substrati",
    "deadline": "2027-03-31",
}
