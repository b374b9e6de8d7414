import numpy as np
import pytest

from kakehashi.matching import Embedder, FakeEmbedder


def test_fake_embedder_is_an_embedder_with_unit_float32_rows() -> None:
    fake = FakeEmbedder(dim=16)
    assert isinstance(fake, Embedder)
    vectors = fake.embed(["wafer di silicio", "silicon wafer", ""], role="passage")
    assert vectors.shape == (3, 16)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_fake_embedder_is_deterministic_across_instances() -> None:
    a = FakeEmbedder().embed(["robot collaborativi"], role="query")
    b = FakeEmbedder().embed(["robot collaborativi"], role="query")
    np.testing.assert_array_equal(a, b)


def test_fake_embedder_puts_texts_sharing_trigrams_closer() -> None:
    v = FakeEmbedder(dim=64).embed(
        ["silicon carbide wafers", "silicon carbide wafer", "catering"], role="passage"
    )
    assert v[0] @ v[1] > v[0] @ v[2]


def test_fake_model_id_names_its_dimension() -> None:
    assert FakeEmbedder(dim=8).model_id != FakeEmbedder(dim=16).model_id


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="role"):
        FakeEmbedder().embed(["x"], role="document")  # type: ignore[arg-type]


def test_empty_input_gives_an_empty_matrix() -> None:
    assert FakeEmbedder(dim=8).embed([], role="query").shape == (0, 8)
