"""Loaded at start by the job workers that test_embed_split_workers.py starts (this folder is first on their
PYTHONPATH): the fake embedder waits ``KAKEHASHI_TEST_EMBED_DELAY_S`` before each call, so that a range
lasts long enough for both workers to take some and for a worker to be killed in the middle of one."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

DELAY_S = float(os.environ.get("KAKEHASHI_TEST_EMBED_DELAY_S") or 0)

if DELAY_S > 0:
    from kakehashi.matching import embed

    _embed = embed.FakeEmbedder.embed

    def _slow_embed(self: embed.FakeEmbedder, texts: Sequence[str], **options: Any) -> Any:
        time.sleep(DELAY_S)
        return _embed(self, texts, **options)

    embed.FakeEmbedder.embed = _slow_embed  # type: ignore[method-assign]
