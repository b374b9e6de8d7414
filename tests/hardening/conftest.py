"""The API world of tests/api (two organisations, a member of each, an officer, an admin) reused here."""

from tests.api.conftest import client, world

__all__ = ["client", "world"]
