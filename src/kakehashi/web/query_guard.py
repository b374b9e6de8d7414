"""No control character in any query parameter, on the API and the pages.

A NUL byte or an escape in a search is never what someone meant, and PostgreSQL refuses a NUL in a
string outright (an error where SQLite would just find nothing). Checked once at the edge for every route.
"""

from __future__ import annotations

from fastapi import Request

from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.limits import CONTROL_CHARACTERS_MESSAGE, has_control_characters


def no_control_characters_in_query(request: Request) -> None:
    bad = sorted(
        {
            name
            for name, value in request.query_params.multi_items()
            if has_control_characters(value, multi_line=False)
        }
    )
    if bad:
        raise ValidationFailed(
            "The request is invalid.",
            problems=[FieldProblem(name, CONTROL_CHARACTERS_MESSAGE) for name in bad],
        )
