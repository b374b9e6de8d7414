"""Record ids in page paths: bounded like the API's, so a number past 64 bits is a 404 page, never SQL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from kakehashi.limits import MAX_ID

RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
