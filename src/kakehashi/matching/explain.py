"""Why two opportunities match, in the reader's interface language (it, ja, en).

An explanation names the fitting types and shared sectors (labels in the reader's language), the key
terms that correspond across the two texts (半導体 ↔ semiconduttori: terms aligned by embedding
similarity, with a boost when the built-in glossary says they are the same concept), and the pair of
sentences, one from each text, that the embedder finds closest. Pure given an embedder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.language import Language
from kakehashi.matching.documents import MatchDocument
from kakehashi.matching.embed import Role
from kakehashi.matching.glossary import GLOSSARY, SECTOR_LABELS, TYPE_LABELS, concepts_of, label

LOCALES = ("it", "ja", "en")


class SupportsEmbed(Protocol):
    """The part of ``kakehashi.matching.embed.Embedder`` that matching uses."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(
        self, texts: Sequence[str], *, role: Role, languages: Sequence[Language] | None = None
    ) -> NDArray[np.float32]: ...


@dataclass(frozen=True, slots=True)
class TermPair:
    source_term: str
    target_term: str
    similarity: float  # cosine of the two terms' embeddings
    via_glossary: bool  # both terms name the same glossary concept


@dataclass(frozen=True, slots=True)
class SentencePair:
    source_sentence: str
    target_sentence: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Explanation:
    locale: str
    source_type: str  # labels in ``locale``
    target_type: str
    shared_sectors: tuple[str, ...]
    term_pairs: tuple[TermPair, ...]
    sentence_pair: SentencePair | None
    summary: str


@dataclass(frozen=True, slots=True)
class ExplainConfig:
    max_terms: int = 5
    min_term_score: float = 0.55  # on cosine + glossary boost
    glossary_boost: float = 0.3
    min_sentence_chars: int = 4


_LATIN_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_JA_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences of ``text`` (Japanese ends at 。！？; Italian and English at . ! ? ; then a space)."""
    pattern = _JA_SENTENCE_END if language == "ja" else _LATIN_SENTENCE_END
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(s.strip() for s in pattern.split(line) if s.strip())
    return sentences


def key_terms(doc: MatchDocument) -> list[str]:
    """The document's keywords plus the glossary terms its text mentions (in the text's own words)."""
    terms = [k.strip() for k in doc.keywords if k.strip()]
    known = set().union(*(concepts_of(t) for t in terms)) if terms else set()
    text = f"{doc.title} {doc.description}".lower()
    for concept, forms in GLOSSARY.items():
        if concept in known:
            continue
        found = next((f for f in forms.get(doc.language, ()) if _contains(text, f)), None)
        if found is not None:
            terms.append(found)
            known.add(concept)
    return terms


def _contains(text: str, form: str) -> bool:
    if not form.isascii():
        return form in text
    return re.search(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])", text) is not None


def align_terms(
    source_terms: Sequence[str],
    target_terms: Sequence[str],
    *,
    embedder: SupportsEmbed,
    config: ExplainConfig,
) -> list[TermPair]:
    """One-to-one term pairs, best first: cosine of the terms plus a boost for shared glossary concepts."""
    if not source_terms or not target_terms:
        return []
    a = embedder.embed(list(source_terms), role="query")
    b = embedder.embed(list(target_terms), role="query")
    cosine = a @ b.T
    concepts_a = [concepts_of(t) for t in source_terms]
    concepts_b = [concepts_of(t) for t in target_terms]
    candidates: list[tuple[float, int, int, bool]] = []
    for i in range(len(source_terms)):
        for j in range(len(target_terms)):
            shared = bool(concepts_a[i] & concepts_b[j])
            score = float(cosine[i, j]) + (config.glossary_boost if shared else 0.0)
            if score >= config.min_term_score:
                candidates.append((score, i, j, shared))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[TermPair] = []
    for _score, i, j, shared in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append(TermPair(source_terms[i], target_terms[j], float(cosine[i, j]), shared))
        if len(pairs) == config.max_terms:
            break
    return pairs


def best_sentence_pair(
    source: MatchDocument, target: MatchDocument, *, embedder: SupportsEmbed, config: ExplainConfig
) -> SentencePair | None:
    """The sentence of each text whose embeddings are closest (max cosine over all pairs)."""
    a = [
        s
        for s in split_sentences(f"{source.title}\n{source.description}", source.language)
        if len(s) >= config.min_sentence_chars
    ]
    b = [
        s
        for s in split_sentences(f"{target.title}\n{target.description}", target.language)
        if len(s) >= config.min_sentence_chars
    ]
    if not a or not b:
        return None
    cosine = embedder.embed(a, role="passage") @ embedder.embed(b, role="passage").T
    i, j = np.unravel_index(int(np.argmax(cosine)), cosine.shape)
    return SentencePair(a[int(i)], b[int(j)], float(cosine[i, j]))


def explain_match(
    source: MatchDocument,
    target: MatchDocument,
    *,
    embedder: SupportsEmbed,
    locale: str,
    config: ExplainConfig | None = None,
) -> Explanation:
    """Why ``target`` fits ``source``, for a reader whose interface language is ``locale``."""
    if locale not in LOCALES:
        raise ValidationFailed(
            "Unknown interface language",
            problems=[
                FieldProblem("locale", "must be one of %(allowed)s", params={"allowed": ", ".join(LOCALES)})
            ],
        )
    cfg = config or ExplainConfig()
    shared = tuple(label(SECTOR_LABELS, s, locale) for s in source.sectors if s in target.sectors)
    pairs = tuple(align_terms(key_terms(source), key_terms(target), embedder=embedder, config=cfg))
    sentences = best_sentence_pair(source, target, embedder=embedder, config=cfg)
    source_type = label(TYPE_LABELS, source.type, locale)
    target_type = label(TYPE_LABELS, target.type, locale)
    return Explanation(
        locale=locale,
        source_type=source_type,
        target_type=target_type,
        shared_sectors=shared,
        term_pairs=pairs,
        sentence_pair=sentences,
        summary=_summary(locale, source_type, target_type, shared, pairs),
    )


_SUMMARY = {
    "en": ("{s} ↔ {t}.", " Shared sectors: {x}.", " Corresponding terms: {x}.", ", "),
    "it": ("{s} ↔ {t}.", " Settori in comune: {x}.", " Termini corrispondenti: {x}.", ", "),
    "ja": ("{s} ↔ {t}。", "共通の分野：{x}。", "対応する用語：{x}。", "、"),
}


def _summary(
    locale: str, source_type: str, target_type: str, sectors: Sequence[str], pairs: Sequence[TermPair]
) -> str:
    head, sector_part, term_part, sep = _SUMMARY[locale]
    text = head.format(s=source_type, t=target_type)
    if sectors:
        text += sector_part.format(x=sep.join(sectors))
    if pairs:
        text += term_part.format(x=sep.join(f"{p.source_term} ↔ {p.target_term}" for p in pairs))
    return text
