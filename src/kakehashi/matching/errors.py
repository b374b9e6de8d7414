"""Errors of the matching feature (all within the one Kakehashi hierarchy)."""

from __future__ import annotations

from kakehashi.errors import N_, FieldProblem, KakehashiError, ValidationFailed


class IndexInputInvalid(ValidationFailed):
    """Vectors, ids or the model id given to an index do not fit it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(
            N_("Invalid index input: %(field)s: %(reason)s"),
            params={"field": field, "reason": message},
            problems=[FieldProblem(field, "%(reason)s", params={"reason": message})],
        )


class PgVectorUnavailable(KakehashiError):
    """The database is not PostgreSQL with the ``vector`` extension (nor may it be created)."""

    code = "pgvector_unavailable"
    http_status = 500
