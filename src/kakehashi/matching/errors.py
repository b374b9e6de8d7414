"""Errors of the matching feature (all within the one Kakehashi hierarchy)."""

from __future__ import annotations

from kakehashi.errors import FieldProblem, KakehashiError, ValidationFailed


class IndexInputInvalid(ValidationFailed):
    """Vectors, ids or the model id given to an index do not fit it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"Invalid index input: {field}: {message}", problems=[FieldProblem(field, message)])


class PgVectorUnavailable(KakehashiError):
    """The database is not PostgreSQL with the ``vector`` extension (nor may it be created)."""

    code = "pgvector_unavailable"
    http_status = 500
