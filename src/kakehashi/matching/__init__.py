"""Cross-lingual matching: embeddings, vector index, ranking and explanations.

``embed_texts(texts, role=...)`` is the one entry point to the multilingual embedding model;
models load on first use, so importing this package is cheap.
"""

from kakehashi.matching.embed import (
    DEFAULT_EMBEDDER,
    Embedder,
    FakeEmbedder,
    Role,
    default_model_id,
    embed_texts,
    get_embedder,
)

__all__ = [
    "DEFAULT_EMBEDDER",
    "Embedder",
    "FakeEmbedder",
    "Role",
    "default_model_id",
    "embed_texts",
    "get_embedder",
]
