"""A server process settles its memory once started (``gc.freeze``); an app built by tests does not."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from kakehashi.app import create_app, serving
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
