"""The real Italian and Japanese companies of Wikipedia (``shared/data/companies-wikipedia``).

Their pages must show the attribution below. Japanese legal names are taken from the description
(the first parenthesised name in Japanese script), and sectors are inferred only where the industry
column says so plainly; everything else is "other".
"""

from __future__ import annotations

import re
from typing import Any

ATTRIBUTION = "Company descriptions: Wikipedia (CC BY-SA), via YAGO 3 and randomitems.io (CC BY 3.0)"
SOURCE = "wikipedia"

COUNTRIES = {"italy": "IT", "japan": "JP"}

# Rows of the source list that are wrong and left out of every import (the demo's copy lacks them too,
# see its SOURCE.txt): keyed by the row's name, with why.
EXCLUDED: dict[str, str] = {
    "Abercrombie & Fitch": "an American retailer (New Albany, Ohio), listed under Italy",
    "7-Eleven": "the article describes 7-Eleven Inc. of Dallas, Texas, an American company, listed under Japan",
}


def raw_id(row: dict[str, Any]) -> str:
    """The row's id without YAGO's angle brackets: ``<Mitsubishi>`` → ``Mitsubishi``."""
    return (row.get("") or row.get("id") or "").strip().strip("<>")


def is_excluded(row: dict[str, Any]) -> bool:
    return (row.get("name") or "").strip() in EXCLUDED


# Industry words (lower case) that name a priority sector outright.
SECTOR_BY_INDUSTRY: dict[str, str] = {
    "electronics": "semiconductors",
    "electronic components": "semiconductors",
    "electronic engineering": "semiconductors",
    "semiconductors": "semiconductors",
    "electricity": "energy",
    "electric utility": "energy",
    "utilities": "energy",
    "oil and gas": "energy",
    "construction": "infrastructure",
    "building materials": "infrastructure",
    "engineering": "infrastructure",
    "rail transport": "infrastructure",
    "private railway": "infrastructure",
    "pharmaceutical": "biotech",
    "pharmaceuticals": "biotech",
    "medical equipment": "biotech",
}

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
# A run of Japanese script, allowing Latin letters, digits and the middle dot inside a name (三菱UFJ…).
_JAPANESE_NAME = re.compile(r"[\u3040-\u30ff\u3400-\u9fff][\u3040-\u30ff\u3400-\u9fffA-Za-z0-9・ー&＆]*")


def japanese_name(description: str) -> str | None:
    """The Japanese legal name in a Wikipedia lead, e.g. ``トヨタ自動車株式会社`` from
    ``Toyota Motor Corporation (Japanese: トヨタ自動車株式会社, Hepburn: …)``."""
    for group in _PARENTHESISED.findall(description):
        for part in re.split(r"[,;]", group):
            part = part.strip().removeprefix("Japanese:").strip()
            if _JAPANESE.search(part):
                match = _JAPANESE_NAME.search(part)
                if match:
                    return match.group(0)
    match = _JAPANESE_NAME.search(description)
    return match.group(0) if match else None


def size_for(employees: int | None) -> str | None:
    if employees is None:
        return None
    if employees < 10:
        return "micro"
    if employees < 50:
        return "small"
    if employees < 250:
        return "medium"
    return "large"


def company_record(row: dict[str, Any]) -> dict[str, Any]:
    """One CSV row of the Wikipedia list as an organisation record (validated by the importer)."""
    name = (row.get("name") or "").strip()
    country = COUNTRIES.get((row.get("country") or "").strip().lower(), row.get("country"))
    industry = (row.get("industry") or "").strip().lower() or None
    description = (row.get("description") or "").strip()
    people = (row.get("people") or "").strip()
    employees = int(people) if people.isdigit() else None
    return {
        "external_id": f"wikipedia:{raw_id(row) or name}",
        "name": name,
        "name_ja": japanese_name(description) if country == "JP" else None,
        "country": country,
        "kind": "company",
        "sectors": [SECTOR_BY_INDUSTRY.get(industry or "", "other")],
        "employees": employees,
        "size": size_for(employees),
        "website": (row.get("web") or "").strip() or None,
        "description": description,
        "description_language": "en",
        "industry": industry,
        "source": SOURCE,
    }
