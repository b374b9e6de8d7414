"""Cross-lingual matching: embeddings, vector and lexical indexes, ranking, explanations."""
