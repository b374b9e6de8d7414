"""Why two opportunities match, in the reader's interface language (it, ja, en).

An explanation names the fitting types and shared sectors (labels in the reader's language), the key
terms that correspond across the two texts (半導体 ↔ semiconduttori: terms aligned by embedding
similarity, with a boost when the built-in glossary says they are the same concept), and the pair of
sentences, one from each text, that the embedder finds closest. Pure given an embedder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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


@dataclass(frozen=True, slots=True)
class ExplainMaterial:
    """What explanations need from the model about one opportunity, computed once when it is indexed:
    its key terms and sentences with their embeddings (terms as queries, sentences as passages)."""

    terms: tuple[str, ...]
    term_vectors: NDArray[np.float32]
    sentences: tuple[str, ...]
    sentence_vectors: NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ExplanationData:
    """Why two opportunities match, language-neutral (type and sector codes, the texts' own words):
    stored with a match and rendered in the reader's language at read time."""

    source_type: str
    target_type: str
    shared_sectors: tuple[str, ...]
    term_pairs: tuple[TermPair, ...]
    sentence_pair: SentencePair | None

    def to_json(self) -> dict[str, object]:
        pair = self.sentence_pair
        return {
            "source_type": self.source_type,
            "target_type": self.target_type,
            "shared_sectors": list(self.shared_sectors),
            "term_pairs": [
                [p.source_term, p.target_term, round(p.similarity, 6), p.via_glossary]
                for p in self.term_pairs
            ],
            "sentence_pair": None
            if pair is None
            else [pair.source_sentence, pair.target_sentence, round(pair.similarity, 6)],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExplanationData:
        pair = data.get("sentence_pair")
        return cls(
            source_type=str(data["source_type"]),
            target_type=str(data["target_type"]),
            shared_sectors=tuple(data.get("shared_sectors") or ()),
            term_pairs=tuple(
                TermPair(str(a), str(b), float(sim), bool(glossary))
                for a, b, sim, glossary in data.get("term_pairs") or ()
            ),
            sentence_pair=None if not pair else SentencePair(str(pair[0]), str(pair[1]), float(pair[2])),
        )


def document_sentences(doc: MatchDocument, config: ExplainConfig) -> list[str]:
    return [
        s
        for s in split_sentences(f"{doc.title}\n{doc.description}", doc.language)
        if len(s) >= config.min_sentence_chars
    ]


def explain_materials(
    docs: Sequence[MatchDocument], *, embedder: SupportsEmbed, config: ExplainConfig | None = None
) -> list[ExplainMaterial]:
    """The material of many documents, with one model call per role for the whole batch."""
    cfg = config or ExplainConfig()
    terms = [key_terms(d) for d in docs]
    sentences = [document_sentences(d, cfg) for d in docs]
    term_vectors = _embed_groups(embedder, terms, role="query")
    sentence_vectors = _embed_groups(embedder, sentences, role="passage")
    return [
        ExplainMaterial(tuple(t), tv, tuple(s), sv)
        for t, tv, s, sv in zip(terms, term_vectors, sentences, sentence_vectors, strict=True)
    ]


def explain_material(
    doc: MatchDocument, *, embedder: SupportsEmbed, config: ExplainConfig | None = None
) -> ExplainMaterial:
    return explain_materials([doc], embedder=embedder, config=config)[0]


def _embed_groups(
    embedder: SupportsEmbed, groups: Sequence[Sequence[str]], *, role: Role
) -> list[NDArray[np.float32]]:
    flat = [text for group in groups for text in group]
    vectors = embedder.embed(flat, role=role) if flat else np.zeros((0, embedder.dim), dtype=np.float32)
    out: list[NDArray[np.float32]] = []
    start = 0
    for group in groups:
        out.append(vectors[start : start + len(group)])
        start += len(group)
    return out


def align_terms(source: ExplainMaterial, target: ExplainMaterial, *, config: ExplainConfig) -> list[TermPair]:
    """One-to-one term pairs, best first: cosine of the terms plus a boost for shared glossary concepts."""
    source_terms, target_terms = source.terms, target.terms
    if not source_terms or not target_terms:
        return []
    cosine = source.term_vectors @ target.term_vectors.T
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


def best_sentence_pair(source: ExplainMaterial, target: ExplainMaterial) -> SentencePair | None:
    """The sentence of each text whose embeddings are closest (max cosine over all pairs)."""
    if not source.sentences or not target.sentences:
        return None
    cosine = source.sentence_vectors @ target.sentence_vectors.T
    i, j = np.unravel_index(int(np.argmax(cosine)), cosine.shape)
    return SentencePair(source.sentences[int(i)], target.sentences[int(j)], float(cosine[i, j]))


def explanation_data(
    source: MatchDocument,
    source_material: ExplainMaterial,
    target: MatchDocument,
    target_material: ExplainMaterial,
    *,
    config: ExplainConfig | None = None,
) -> ExplanationData:
    """Why ``target`` fits ``source``, from the two documents' stored material (no model call)."""
    cfg = config or ExplainConfig()
    return ExplanationData(
        source_type=source.type,
        target_type=target.type,
        shared_sectors=tuple(s for s in source.sectors if s in target.sectors),
        term_pairs=tuple(align_terms(source_material, target_material, config=cfg)),
        sentence_pair=best_sentence_pair(source_material, target_material),
    )


def render_explanation(data: ExplanationData, *, locale: str) -> Explanation:
    """The explanation for a reader whose interface language is ``locale``."""
    if locale not in LOCALES:
        raise ValidationFailed(
            "Unknown interface language",
            problems=[FieldProblem("locale", f"must be one of {', '.join(LOCALES)}")],
        )
    shared = tuple(label(SECTOR_LABELS, s, locale) for s in data.shared_sectors)
    source_type = label(TYPE_LABELS, data.source_type, locale)
    target_type = label(TYPE_LABELS, data.target_type, locale)
    return Explanation(
        locale=locale,
        source_type=source_type,
        target_type=target_type,
        shared_sectors=shared,
        term_pairs=data.term_pairs,
        sentence_pair=data.sentence_pair,
        summary=_summary(locale, source_type, target_type, shared, data.term_pairs),
    )


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
    source_material, target_material = explain_materials([source, target], embedder=embedder, config=config)
    data = explanation_data(source, source_material, target, target_material, config=config)
    return render_explanation(data, locale=locale)


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
