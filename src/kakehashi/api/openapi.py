"""The error shape as OpenAPI models, so that /docs shows what every error looks like."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str
    message: str = Field(description="In the language of `Accept-Language` (it, ja or en).")
    message_id: str = Field(
        description="The English catalogue id of the message, the same in every language."
    )
    line: int | None = None


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, for programs.")
    message: str = Field(description="In the language of `Accept-Language` (it, ja or en).")
    message_id: str = Field(
        description="The English catalogue id of the message, the same in every language."
    )
    fields: list[FieldError]


class ErrorResponse(BaseModel):
    error: ErrorDetail


_DESCRIPTIONS = {
    400: "The body could not be read (not JSON, or not UTF-8).",
    401: "No, a malformed, unknown or expired token, or wrong credentials.",
    403: "Signed in, but this role or organisation may not do it.",
    404: "Does not exist, or is not visible to the caller.",
    409: (
        "Clashes with the current state: a duplicate, a transition not allowed from this status, or a "
        "stale `If-Match` / a concurrent write (`stale_version`: the body adds `current`, the record now)."
    ),
    413: "The request body is larger than the server accepts (`KAKEHASHI_MAX_BODY_BYTES`).",
    422: "Invalid input; `fields` names each bad field.",
    429: "Too many failed sign-ins for this e-mail or from this address, or too many requests: wait the "
    "seconds of `Retry-After` and try again.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: the listed error statuses, each with the one error shape."""
    return {status: {"model": ErrorResponse, "description": _DESCRIPTIONS[status]} for status in statuses}
