"""A server process settles its memory once started (``gc.freeze``); an app built by tests does not."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from kakehashi.app import SETTLE_AFTER_LOADING, create_app, serving, settle_after_load
from kakehashi.config import Settings
from kakehashi.store import Database


def test_a_server_app_freezes_what_it_built_once_started_and_a_test_app_does_not(
    settings: Settings, database: Database
) -> None:
    gc.unfreeze()
    with TestClient(create_app(settings, database=database)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0
    try:
        with TestClient(serving(create_app(settings, database=database))) as client:
            assert client.get("/healthz").status_code == 200
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_server_app_settles_again_after_a_large_engine_load_only(
    settings: Settings, database: Database
) -> None:
    """The 100k catalogue's engine is loaded after start-up, in the background: left unfrozen, every full
    collection walked it (about 0.3 s each)."""
    gc.unfreeze()
    try:
        with TestClient(serving(create_app(settings, database=database))) as client:
            hook = client.app.state.matching.on_loaded  # type: ignore[attr-defined]
            assert hook is settle_after_load
            gc.unfreeze()
            hook(SETTLE_AFTER_LOADING - 1)  # an edit, a small batch: left to the collector
            assert gc.get_freeze_count() == 0
            hook(SETTLE_AFTER_LOADING)
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    with TestClient(create_app(settings, database=database)) as client:
        assert client.app.state.matching.on_loaded is None  # type: ignore[attr-defined]
