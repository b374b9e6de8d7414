"""Synthetic but realistic English profiles of Italian university spin-offs, each with one or two
categories, for the search evaluation (``search_eval.py``).

Honest description: generated with a fixed seed from hand-written vocabulary (``vocabulary.py``):
per category 6-9 products, 4-7 applications, proofs and markets, and shared business sentences.
About a third of the profiles also work in a second category (a crossover sentence), so
"relevant = shares a category" is not a clean partition, as with real companies. The texts are
English, like the profiles the issue measured on; queries are Japanese and Italian.

    python evaluation/search/profiles.py   # writes profiles.jsonl (for reading; the eval regenerates)
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

try:
    from vocabulary import (  # type: ignore[import-not-found]
        ACTIVITIES,
        BUSINESS,
        CATEGORIES,
        CROSSOVER,
        GENERIC,
        NAME_STEMS,
        NAME_SUFFIXES,
        OPENINGS,
        PROOFS,
        SECOND,
        UNIVERSITIES,
    )
except ImportError:  # imported as evaluation.search.profiles
    from evaluation.search.vocabulary import (
        ACTIVITIES,
        BUSINESS,
        CATEGORIES,
        CROSSOVER,
        GENERIC,
        NAME_STEMS,
        NAME_SUFFIXES,
        OPENINGS,
        PROOFS,
        SECOND,
        UNIVERSITIES,
    )

HERE = Path(__file__).parent
SEED = 20261130
PER_CATEGORY = 17
CROSSOVER_SHARE = 0.35


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    categories: tuple[str, ...]
    text: str


def _name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(NAME_STEMS) + rng.choice(["", "", "x", "on", "ia"]) + rng.choice(NAME_SUFFIXES)
        if name not in taken:
            taken.add(name)
            return name


def _profile(rng: random.Random, pid: int, category: str, taken: set[str]) -> Profile:
    vocab = CATEGORIES[category]
    university, city = rng.choice(UNIVERSITIES)
    name = _name(rng, taken)
    fill = {
        "name": name,
        "university": university,
        "city": city,
        "year": rng.randint(2008, 2024),
        "staff": rng.randint(4, 60),
        "patents": rng.randint(1, 9),
        "award_year": rng.randint(2015, 2025),
        "market": rng.choice(vocab["markets"]),
        "proof": rng.choice(vocab["proofs"]),
    }
    products = rng.sample(vocab["products"], 2)
    sentences = [
        rng.choice(OPENINGS).format(**fill),
        rng.choice(ACTIVITIES).format(
            product=products[0], application=rng.choice(vocab["applications"]), **fill
        ),
    ]
    if rng.random() < 0.6:
        sentences.append(rng.choice(SECOND).format(product=products[1]))
    categories = [category]
    if rng.random() < CROSSOVER_SHARE:
        other = rng.choice([c for c in CATEGORIES if c != category])
        categories.append(other)
        sentences.append(
            rng.choice(CROSSOVER).format(
                product2=rng.choice(CATEGORIES[other]["products"]),
                application2=rng.choice(CATEGORIES[other]["applications"]),
            )
        )
    if rng.random() < 0.7:
        sentences.append(rng.choice(PROOFS).format(**fill))
    sentences.append(rng.choice(BUSINESS).format(**fill))
    sentences.append(rng.choice(GENERIC).format(**fill))
    text = " ".join(s for s in sentences if s)
    return Profile(id=pid, name=name, categories=tuple(categories), text=text)


def build_profiles(*, seed: int = SEED, per_category: int = PER_CATEGORY) -> list[Profile]:
    rng = random.Random(seed)
    taken: set[str] = set()
    plan = [c for c in CATEGORIES for _ in range(per_category)]
    rng.shuffle(plan)
    return [_profile(rng, pid, category, taken) for pid, category in enumerate(plan, start=1)]


if __name__ == "__main__":
    with (HERE / "profiles.jsonl").open("w", encoding="utf-8") as out:
        for p in build_profiles():
            out.write(
                json.dumps({"id": p.id, "name": p.name, "categories": p.categories, "text": p.text}) + "\n"
            )
