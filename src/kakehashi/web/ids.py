"""Record ids in page paths: bounded like the API's, so an id the store cannot hold is a 422 page, never SQL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from kakehashi.limits import MAX_ID

RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
